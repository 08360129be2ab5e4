//! Delivery: how an order reaches its buyer (to an address or collected),
//! the addresses a shopper keeps, China's province-level divisions, and a
//! shop's shipping fees.

use crate::DomainError;
use crate::orders::OrderStatus;
use serde::{Deserialize, Serialize};

crate::status_enum! {
    /// How an order reaches its buyer.
    /// Or used at the shop: a voucher.
    pub enum Fulfilment { Delivery = "delivery", Pickup = "pickup", Voucher = "voucher" }
}

impl Fulfilment {
    /// Whether an order received this way may move `from` `to`: a delivery
    /// never waits at a pickup point, a collected order never ships, and
    /// neither completes before it is prepared; a voucher is neither
    /// prepared nor sent, and completes once used.
    pub fn allows(self, from: OrderStatus, to: OrderStatus) -> bool {
        use OrderStatus::*;
        let unprepared = from == Paid && to == Completed;
        match self {
            Fulfilment::Delivery => to != ReadyForPickup && !unprepared,
            Fulfilment::Pickup => to != Shipped && !unprepared,
            Fulfilment::Voucher => !matches!(to, Fulfilling | Shipped | ReadyForPickup),
        }
    }

    /// The steps a merchant takes with a button: a delivery ships through
    /// the shipment form (carrier and tracking number) and is completed by
    /// its buyer; a collected order is handed over at the counter.
    pub fn merchant_steps(self, from: OrderStatus) -> Vec<OrderStatus> {
        use OrderStatus::*;
        let by_hand: &[OrderStatus] = match self {
            Fulfilment::Delivery => &[Fulfilling],
            Fulfilment::Pickup => &[Fulfilling, ReadyForPickup, Completed],
            Fulfilment::Voucher => &[],
        };
        from.next().iter().copied().filter(|s| by_hand.contains(s) && self.allows(from, *s)).collect()
    }

    /// Whether the address may still change in this status: until it ships.
    pub fn address_open(self, status: OrderStatus) -> bool {
        self == Fulfilment::Delivery && matches!(status, OrderStatus::PendingPayment | OrderStatus::Paid | OrderStatus::Fulfilling)
    }
}

/// A province-level division of China: its ISO 3166-2 code (without `CN-`)
/// and its names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Province {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn p(code: &'static str, zh: &'static str, en: &'static str) -> Province {
    Province { code, zh, en }
}

/// The 34 province-level divisions: 23 provinces, 5 autonomous regions, 4
/// municipalities and 2 special administrative regions.
pub const PROVINCES: [Province; 34] = [
    p("BJ", "北京市", "Beijing"),
    p("TJ", "天津市", "Tianjin"),
    p("HE", "河北省", "Hebei"),
    p("SX", "山西省", "Shanxi"),
    p("NM", "内蒙古自治区", "Inner Mongolia"),
    p("LN", "辽宁省", "Liaoning"),
    p("JL", "吉林省", "Jilin"),
    p("HL", "黑龙江省", "Heilongjiang"),
    p("SH", "上海市", "Shanghai"),
    p("JS", "江苏省", "Jiangsu"),
    p("ZJ", "浙江省", "Zhejiang"),
    p("AH", "安徽省", "Anhui"),
    p("FJ", "福建省", "Fujian"),
    p("JX", "江西省", "Jiangxi"),
    p("SD", "山东省", "Shandong"),
    p("HA", "河南省", "Henan"),
    p("HB", "湖北省", "Hubei"),
    p("HN", "湖南省", "Hunan"),
    p("GD", "广东省", "Guangdong"),
    p("GX", "广西壮族自治区", "Guangxi"),
    p("HI", "海南省", "Hainan"),
    p("CQ", "重庆市", "Chongqing"),
    p("SC", "四川省", "Sichuan"),
    p("GZ", "贵州省", "Guizhou"),
    p("YN", "云南省", "Yunnan"),
    p("XZ", "西藏自治区", "Tibet"),
    p("SN", "陕西省", "Shaanxi"),
    p("GS", "甘肃省", "Gansu"),
    p("QH", "青海省", "Qinghai"),
    p("NX", "宁夏回族自治区", "Ningxia"),
    p("XJ", "新疆维吾尔自治区", "Xinjiang"),
    p("TW", "台湾省", "Taiwan"),
    p("HK", "香港特别行政区", "Hong Kong"),
    p("MO", "澳门特别行政区", "Macao"),
];

/// The division with this code, or this Chinese (with or without 省, 市,
/// 自治区...) or English name.
pub fn province(name: &str) -> Option<&'static Province> {
    let name = name.trim();
    let short_zh = |p: &Province| name.chars().count() >= 2 && p.zh.starts_with(name);
    PROVINCES.iter().find(|p| p.code.eq_ignore_ascii_case(name) || short_zh(p) || p.en.eq_ignore_ascii_case(name))
}

/// A delivery address. In China the province is a code of [`PROVINCES`];
/// elsewhere the region is free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub recipient: String,
    pub phone: String,
    /// ISO 3166-1 alpha-2, `CN` unless given.
    pub country: String,
    pub province: String,
    pub city: String,
    #[serde(default)]
    pub district: String,
    pub street: String,
    #[serde(default)]
    pub postcode: String,
}

impl Address {
    /// The address as typed, trimmed and checked field by field; the first
    /// field at fault names itself in the error.
    pub fn parse(raw: &Address) -> Result<Address, DomainError> {
        let country = if raw.country.trim().is_empty() { "CN".to_owned() } else { raw.country.trim().to_ascii_uppercase() };
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(DomainError::invalid("country", "a two-letter country code such as CN"));
        }
        let china = country == "CN";
        let phone: String = raw.phone.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
        let phone_ok = if china {
            is_mainland_mobile(&phone) || is_landline(&phone) || (phone.starts_with('+') && digits(&phone[1..], 8, 15))
        } else {
            digits(phone.strip_prefix('+').unwrap_or(&phone), 5, 20)
        };
        if !phone_ok {
            return Err(DomainError::invalid("phone", "a phone number (in China, an 11-digit mobile or a landline with area code)"));
        }
        let province = if china {
            province(&raw.province).ok_or_else(|| DomainError::invalid("province", "one of China's provinces"))?.code.to_owned()
        } else {
            text("province", &raw.province, 0, 60)?
        };
        let postcode = raw.postcode.trim().to_owned();
        let postcode_ok = if china {
            postcode.is_empty() || digits(&postcode, 6, 6)
        } else {
            postcode.len() <= 12 && postcode.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        };
        if !postcode_ok {
            return Err(DomainError::invalid("postcode", if china { "six digits" } else { "at most 12 letters and digits" }));
        }
        Ok(Address {
            recipient: text("recipient", &raw.recipient, 1, 40)?,
            phone,
            country,
            province,
            city: text("city", &raw.city, 1, 60)?,
            district: text("district", &raw.district, 0, 60)?,
            street: text("street", &raw.street, 1, 200)?,
            postcode,
        })
    }

    /// The address on one line, in the order its country writes it: from the
    /// province down in Chinese, from the street up otherwise.
    pub fn one_line(&self, chinese: bool) -> String {
        let region = match province(&self.province) {
            Some(p) if self.country == "CN" => {
                if chinese {
                    p.zh
                } else {
                    p.en
                }
            }
            _ => self.province.as_str(),
        };
        if chinese {
            [region, &self.city, &self.district, &self.street].concat()
        } else {
            let parts = [self.street.as_str(), &self.district, &self.city, region, &self.postcode, &self.country];
            parts.iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(", ")
        }
    }
}

fn is_mainland_mobile(s: &str) -> bool {
    s.len() == 11 && s.starts_with('1') && matches!(s.as_bytes()[1], b'3'..=b'9') && digits(s, 11, 11)
}

fn is_landline(s: &str) -> bool {
    s.starts_with('0') && digits(s, 10, 12)
}

fn digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// A line of text between `min` and `max` characters, without control
/// characters.
pub(crate) fn text(field: &'static str, s: &str, min: usize, max: usize) -> Result<String, DomainError> {
    let s = s.trim();
    let n = s.chars().count();
    if n < min || n > max || s.chars().any(char::is_control) {
        let reason = if min == 0 { format!("at most {max} characters") } else { format!("between {min} and {max} characters") };
        return Err(DomainError::invalid(field, reason));
    }
    Ok(s.to_owned())
}

/// What a shop charges to deliver an order: a flat fee, a fee of its own for
/// some provinces, and nothing from a subtotal up, if the shop says so.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingRates {
    pub flat_minor: i64,
    pub free_above_minor: Option<i64>,
    /// `(province code, fee)`.
    pub regions: Vec<(String, i64)>,
}

/// The most a shop may charge to deliver one order, in minor units.
pub const MAX_FEE_MINOR: i64 = 1_000_000;

impl ShippingRates {
    /// The fee for an order of `subtotal_minor` going to `province` (a code
    /// of [`PROVINCES`], or none yet).
    pub fn fee(&self, subtotal_minor: i64, province: Option<&str>) -> i64 {
        if self.free_above_minor.is_some_and(|free| subtotal_minor >= free) {
            return 0;
        }
        province.and_then(|code| self.regions.iter().find(|(p, _)| p == code)).map_or(self.flat_minor, |(_, fee)| *fee)
    }

    /// The fee for an order of `subtotal_minor` going to `to` (none chosen
    /// yet: the flat fee). Only a Chinese address has a province with a fee
    /// of its own.
    pub fn fee_to(&self, subtotal_minor: i64, to: Option<&Address>) -> i64 {
        self.fee(subtotal_minor, to.filter(|a| a.country == "CN").map(|a| a.province.as_str()))
    }

    /// The rates as a merchant set them: fees between zero and
    /// [`MAX_FEE_MINOR`], provinces named once each.
    pub fn parse(self) -> Result<ShippingRates, DomainError> {
        let fee_ok = |fee: i64| (0..=MAX_FEE_MINOR).contains(&fee);
        if !fee_ok(self.flat_minor) {
            return Err(DomainError::invalid("flat_minor", format!("between 0 and {MAX_FEE_MINOR}")));
        }
        if self.free_above_minor.is_some_and(|f| f <= 0) {
            return Err(DomainError::invalid("free_above_minor", "above zero, or none"));
        }
        let mut regions = Vec::with_capacity(self.regions.len());
        for (name, fee) in self.regions {
            let code = province(&name).ok_or_else(|| DomainError::invalid("regions", "one of China's provinces"))?.code.to_owned();
            if !fee_ok(fee) {
                return Err(DomainError::invalid("regions", format!("fees between 0 and {MAX_FEE_MINOR}")));
            }
            if regions.iter().any(|(c, _)| *c == code) {
                return Err(DomainError::invalid("regions", "each province once"));
            }
            regions.push((code, fee));
        }
        Ok(ShippingRates { regions, ..self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> Address {
        Address {
            recipient: " 王小明 ".into(),
            phone: "138 0013 8000".into(),
            country: String::new(),
            province: "广东省".into(),
            city: "深圳市".into(),
            district: "南山区".into(),
            street: "科技园路1号".into(),
            postcode: "518000".into(),
        }
    }

    #[test]
    fn there_are_34_divisions_with_distinct_codes() {
        let mut codes: Vec<_> = PROVINCES.iter().map(|p| p.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 34);
        assert_eq!(province("guangdong").map(|p| p.code), Some("GD"));
        assert_eq!(province("gd").map(|p| p.zh), Some("广东省"));
        assert_eq!(province("西藏").map(|p| p.code), Some("XZ"));
        assert_eq!(province("陕西").map(|p| p.code), Some("SN"));
        assert_eq!(province("西"), None);
    }

    #[test]
    fn a_chinese_address_is_normalised() {
        let a = Address::parse(&address()).unwrap();
        assert_eq!(
            (a.recipient.as_str(), a.phone.as_str(), a.country.as_str(), a.province.as_str()),
            ("王小明", "13800138000", "CN", "GD")
        );
        assert_eq!(a.one_line(true), "广东省深圳市南山区科技园路1号");
        assert_eq!(a.one_line(false), "科技园路1号, 南山区, 深圳市, Guangdong, 518000, CN");
    }

    #[test]
    fn each_bad_field_names_itself() {
        type Breaks = fn(&mut Address);
        let cases: [(&str, Breaks); 8] = [
            ("recipient", |a| a.recipient = "  ".into()),
            ("phone", |a| a.phone = "12345".into()),
            ("phone", |a| a.phone = "12800138000".into()),
            ("province", |a| a.province = "Atlantis".into()),
            ("city", |a| a.city = String::new()),
            ("street", |a| a.street = "x".repeat(201)),
            ("postcode", |a| a.postcode = "5180".into()),
            ("country", |a| a.country = "China".into()),
        ];
        for (field, break_it) in cases {
            let mut a = address();
            break_it(&mut a);
            assert!(matches!(Address::parse(&a), Err(DomainError::Invalid { field: f, .. }) if f == field), "{field}");
        }
        let mut a = address();
        a.street = "line\u{0}two".into();
        assert!(Address::parse(&a).is_err());
    }

    #[test]
    fn landlines_and_other_countries_are_accepted() {
        let mut a = address();
        a.phone = "010-6552-9988".into();
        assert_eq!(Address::parse(&a).unwrap().phone, "01065529988");
        let abroad = Address {
            recipient: "Ann Lee".into(),
            phone: "+44 20 7946 0958".into(),
            country: "gb".into(),
            province: "Greater London".into(),
            city: "London".into(),
            district: String::new(),
            street: "1 Long Lane".into(),
            postcode: "SE1 4PG".into(),
        };
        let parsed = Address::parse(&abroad).unwrap();
        assert_eq!(parsed.country, "GB");
        assert_eq!(parsed.one_line(false), "1 Long Lane, London, Greater London, SE1 4PG, GB");
    }

    #[test]
    fn fees_follow_region_then_flat_and_vanish_above_the_threshold() {
        let rates = ShippingRates { flat_minor: 800, free_above_minor: Some(9900), regions: vec![("XZ".into(), 2500)] };
        assert_eq!(rates.fee(5000, Some("GD")), 800);
        assert_eq!(rates.fee(5000, None), 800);
        assert_eq!(rates.fee(5000, Some("XZ")), 2500);
        assert_eq!(rates.fee(9900, Some("XZ")), 0);
        assert_eq!(ShippingRates::default().fee(1, Some("GD")), 0);
        let mut abroad = address();
        abroad.country = "GB".into();
        abroad.province = "XZ".into();
        assert_eq!(rates.fee_to(5000, Some(&abroad)), 800, "a province code abroad is not a Chinese province");
        assert_eq!(rates.fee_to(5000, None), 800);
    }

    #[test]
    fn each_way_has_its_own_steps() {
        use OrderStatus::*;
        assert!(!Fulfilment::Delivery.allows(Fulfilling, ReadyForPickup) && Fulfilment::Delivery.allows(Fulfilling, Shipped));
        assert!(!Fulfilment::Pickup.allows(Fulfilling, Shipped) && Fulfilment::Pickup.allows(Fulfilling, ReadyForPickup));
        assert!(!Fulfilment::Delivery.allows(Paid, Completed) && !Fulfilment::Pickup.allows(Paid, Completed));
        assert!(Fulfilment::Voucher.allows(Paid, Completed) && !Fulfilment::Voucher.allows(Paid, Fulfilling));
        assert_eq!(Fulfilment::Delivery.merchant_steps(Paid), vec![Fulfilling]);
        assert_eq!(Fulfilment::Pickup.merchant_steps(Paid), vec![Fulfilling]);
        assert!(Fulfilment::Voucher.merchant_steps(Paid).is_empty());
        assert!(Fulfilment::Delivery.merchant_steps(Shipped).is_empty());
        assert_eq!(Fulfilment::Pickup.merchant_steps(Fulfilling), vec![ReadyForPickup]);
        assert_eq!(Fulfilment::Pickup.merchant_steps(ReadyForPickup), vec![Completed]);
        assert!(Fulfilment::Delivery.address_open(Fulfilling) && !Fulfilment::Delivery.address_open(Shipped));
        assert!(!Fulfilment::Pickup.address_open(Paid));
    }

    #[test]
    fn rates_are_checked() {
        let ok = ShippingRates { flat_minor: 800, free_above_minor: None, regions: vec![("新疆维吾尔自治区".into(), 2000)] };
        assert_eq!(ok.parse().unwrap().regions, vec![("XJ".to_owned(), 2000)]);
        for bad in [
            ShippingRates { flat_minor: -1, ..Default::default() },
            ShippingRates { flat_minor: MAX_FEE_MINOR + 1, ..Default::default() },
            ShippingRates { free_above_minor: Some(0), ..Default::default() },
            ShippingRates { regions: vec![("Mars".into(), 1)], ..Default::default() },
            ShippingRates { regions: vec![("XJ".into(), 1), ("xj".into(), 2)], ..Default::default() },
        ] {
            assert!(bad.parse().is_err());
        }
    }
}
