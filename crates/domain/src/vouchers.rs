//! Vouchers for local shops (a haircut, a pot of tea): the terms a shop
//! sells one under, the code each paid voucher gets, and whether it may be
//! redeemed at a moment. Times of day are the shop's local time.

use crate::{DomainError, ErrorCode, Timestamp};

crate::status_enum! {
    /// A voucher is issued when paid for, then redeemed once at the shop,
    /// or at expiry refunded (if the terms say so) or left expired.
    pub enum VoucherStatus { Issued = "issued", Redeemed = "redeemed", Refunded = "refunded", Expired = "expired" }
}

pub const MAX_PER_PERSON: i64 = 20;
const DAY_MS: i64 = 86_400_000;

/// What a shop sells a voucher under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoucherTerms {
    /// The first moment it may be used, and the moment after its last day.
    pub valid_from_ms: i64,
    pub valid_until_ms: i64,
    /// Minutes after local midnight between which it may be used; a span
    /// past midnight (18:00 to 02:00) wraps; equal means all day.
    pub opens_minute: i64,
    pub closes_minute: i64,
    /// How many one person may buy.
    pub per_person: i64,
    /// Whether a voucher unused at expiry is refunded.
    pub refund_unused: bool,
    /// The shop's time zone, minutes east of UTC.
    pub utc_offset_minutes: i64,
}

/// Why a voucher may not be redeemed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotYetValid,
    Expired,
    OutsideHours,
    Used,
}

impl Refusal {
    pub fn code(self) -> ErrorCode {
        match self {
            Refusal::NotYetValid => ErrorCode::VoucherNotYetValid,
            Refusal::Expired => ErrorCode::VoucherExpired,
            Refusal::OutsideHours => ErrorCode::VoucherOutsideHours,
            Refusal::Used => ErrorCode::VoucherUsed,
        }
    }
}

impl VoucherTerms {
    pub fn check(self) -> Result<Self, DomainError> {
        if self.valid_until_ms <= self.valid_from_ms {
            return Err(DomainError::invalid("valid_until", "after the first day"));
        }
        if self.valid_until_ms - self.valid_from_ms > 3 * 366 * DAY_MS {
            return Err(DomainError::invalid("valid_until", "within three years of the first day"));
        }
        for (field, minute) in [("opens", self.opens_minute), ("closes", self.closes_minute)] {
            if !(0..1_440).contains(&minute) {
                return Err(DomainError::invalid(field, "a time of day, 00:00 to 23:59"));
            }
        }
        if !(1..=MAX_PER_PERSON).contains(&self.per_person) {
            return Err(DomainError::invalid("per_person", format!("between 1 and {MAX_PER_PERSON}")));
        }
        if !(-12 * 60..=14 * 60).contains(&self.utc_offset_minutes) {
            return Err(DomainError::invalid("utc_offset_minutes", "between -12:00 and +14:00"));
        }
        Ok(self)
    }

    /// Terms a voucher may be sold under at `now`: not over yet, and
    /// starting within a year.
    pub fn on_sale(self, now: Timestamp) -> Result<Self, DomainError> {
        if self.valid_until_ms <= now.millis() {
            return Err(DomainError::invalid("valid_until", "today or later: a voucher past its last day is not sold"));
        }
        if self.valid_from_ms > now.millis() + 366 * DAY_MS {
            return Err(DomainError::invalid("valid_from", "within a year from today"));
        }
        Ok(self)
    }

    /// Whether a voucher issued under these terms may be redeemed at `now`.
    pub fn redeemable(&self, status: VoucherStatus, now: Timestamp) -> Result<(), Refusal> {
        if status != VoucherStatus::Issued {
            return Err(Refusal::Used);
        }
        let at = now.millis();
        if at < self.valid_from_ms {
            return Err(Refusal::NotYetValid);
        }
        if at >= self.valid_until_ms {
            return Err(Refusal::Expired);
        }
        let minute = (at + self.utc_offset_minutes * 60_000).rem_euclid(DAY_MS) / 60_000;
        let open = match self.opens_minute.cmp(&self.closes_minute) {
            std::cmp::Ordering::Equal => true,
            std::cmp::Ordering::Less => (self.opens_minute..self.closes_minute).contains(&minute),
            std::cmp::Ordering::Greater => minute >= self.opens_minute || minute < self.closes_minute,
        };
        if open { Ok(()) } else { Err(Refusal::OutsideHours) }
    }

    /// Whether an issued voucher has expired at `now` (and is due its refund, if the terms give one).
    pub fn expired(&self, now: Timestamp) -> bool {
        now.millis() >= self.valid_until_ms
    }
}

/// Terms as a shop fills them in: its first and last days as `YYYY-MM-DD`
/// (the last one included) and its hours as `HH:MM`, in the shop's zone.
pub struct TermsForm<'a> {
    pub valid_from: &'a str,
    pub valid_until: &'a str,
    pub opens: &'a str,
    pub closes: &'a str,
    pub per_person: i64,
    pub refund_unused: bool,
    pub utc_offset_minutes: i64,
}

impl TermsForm<'_> {
    pub fn terms(&self) -> Result<VoucherTerms, DomainError> {
        let offset = self.utc_offset_minutes.clamp(-14 * 60, 14 * 60) * 60_000;
        let first = crate::analytics::date_days("valid_from", self.valid_from)?;
        let last = crate::analytics::date_days("valid_until", self.valid_until)?;
        VoucherTerms {
            valid_from_ms: first * DAY_MS - offset,
            valid_until_ms: (last + 1) * DAY_MS - offset,
            opens_minute: parse_time_of_day("opens", self.opens)?,
            closes_minute: parse_time_of_day("closes", self.closes)?,
            per_person: self.per_person,
            refund_unused: self.refund_unused,
            utc_offset_minutes: self.utc_offset_minutes,
        }
        .check()
    }
}

impl VoucherTerms {
    /// The first and last days, as the shop's calendar shows them.
    pub fn days(&self) -> (String, String) {
        let day = |ms: i64| crate::community::local_date(Timestamp::from_millis(ms), self.utc_offset_minutes);
        (day(self.valid_from_ms), day(self.valid_until_ms - 1))
    }

    /// The hours, `10:00–22:00`, or none when it is usable all day.
    pub fn hours(&self) -> Option<String> {
        let hm = |m: i64| format!("{:02}:{:02}", m / 60, m % 60);
        (self.opens_minute != self.closes_minute).then(|| format!("{}–{}", hm(self.opens_minute), hm(self.closes_minute)))
    }
}

/// What each of `units` vouchers bought on one line paid `paid_minor` cost:
/// equal shares, the first ones a minor unit more until the line adds up.
pub fn unit_shares(paid_minor: i64, units: i64) -> Vec<i64> {
    let units = units.max(1);
    let (each, rest) = (paid_minor / units, paid_minor % units);
    (0..units).map(|i| each + i64::from(i < rest)).collect()
}

/// `HH:MM` as minutes after midnight.
pub fn parse_time_of_day(field: &'static str, raw: &str) -> Result<i64, DomainError> {
    let bad = || DomainError::invalid(field, "a time of day such as 09:30");
    if !raw.trim().chars().all(|c| c.is_ascii_digit() || c == ':') {
        return Err(bad());
    }
    let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (i64, i64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(0..24).contains(&h) || !(0..60).contains(&m) || raw.trim().len() != 5 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

const CODE_CHARS: usize = 12;

/// A voucher's code, twelve characters (about 59 random bits), shown in groups of four.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherCode(String);

impl VoucherCode {
    /// A code from eight random bytes (the caller's randomness).
    pub fn from_random(bytes: [u8; 8]) -> VoucherCode {
        VoucherCode(crate::readable_code::from_random(bytes, CODE_CHARS))
    }

    /// A code as staff type it: any case, with spaces or dashes.
    pub fn parse(raw: &str) -> Result<VoucherCode, DomainError> {
        crate::readable_code::normalize(raw, CODE_CHARS)
            .map(VoucherCode)
            .ok_or_else(|| DomainError::invalid("code", "the voucher's 12 letters and digits"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `ABCD-EFGH-JKMN`, for reading aloud.
    pub fn grouped(&self) -> String {
        let b = self.0.as_bytes();
        [&b[0..4], &b[4..8], &b[8..12]].map(|g| String::from_utf8_lossy(g).into_owned()).join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEIJING: i64 = 480;
    /// 2026-12-01 00:00 in Beijing.
    const DEC_1: i64 = 1_796_054_400_000;

    fn terms() -> VoucherTerms {
        VoucherTerms {
            valid_from_ms: DEC_1,
            valid_until_ms: DEC_1 + 31 * DAY_MS,
            opens_minute: 10 * 60,
            closes_minute: 22 * 60,
            per_person: 2,
            refund_unused: true,
            utc_offset_minutes: BEIJING,
        }
        .check()
        .unwrap()
    }

    fn at(day: i64, hour: i64, minute: i64) -> Timestamp {
        Timestamp::from_millis(DEC_1 + day * DAY_MS + hour * 3_600_000 + minute * 60_000)
    }

    #[test]
    fn a_voucher_is_redeemed_on_its_days_at_its_hours_once() {
        let t = terms();
        assert_eq!(t.redeemable(VoucherStatus::Issued, at(0, 10, 0)), Ok(()));
        assert_eq!(t.redeemable(VoucherStatus::Issued, at(30, 21, 59)), Ok(()));
        assert_eq!(t.redeemable(VoucherStatus::Issued, at(0, 9, 59)), Err(Refusal::OutsideHours));
        assert_eq!(t.redeemable(VoucherStatus::Issued, at(0, 22, 0)), Err(Refusal::OutsideHours));
        assert_eq!(t.redeemable(VoucherStatus::Issued, at(-1, 12, 0)), Err(Refusal::NotYetValid));
        assert_eq!(t.redeemable(VoucherStatus::Issued, at(31, 12, 0)), Err(Refusal::Expired));
        assert_eq!(t.redeemable(VoucherStatus::Redeemed, at(1, 12, 0)), Err(Refusal::Used));
        assert!(!t.expired(at(30, 23, 59)) && t.expired(at(31, 0, 0)));
        // A bar's evening runs past midnight.
        let late = VoucherTerms { opens_minute: 18 * 60, closes_minute: 2 * 60, ..t };
        assert_eq!(late.redeemable(VoucherStatus::Issued, at(1, 1, 30)), Ok(()));
        assert_eq!(late.redeemable(VoucherStatus::Issued, at(1, 12, 0)), Err(Refusal::OutsideHours));
        let all_day = VoucherTerms { opens_minute: 0, closes_minute: 0, ..t };
        assert_eq!(all_day.redeemable(VoucherStatus::Issued, at(1, 3, 0)), Ok(()));
    }

    #[test]
    fn terms_out_of_bounds_are_refused_by_field() {
        type Spoils = fn(&mut VoucherTerms);
        let cases: [(&str, Spoils); 5] = [
            ("valid_until", |t| t.valid_until_ms = t.valid_from_ms),
            ("opens", |t| t.opens_minute = 1_440),
            ("closes", |t| t.closes_minute = -1),
            ("per_person", |t| t.per_person = 0),
            ("utc_offset_minutes", |t| t.utc_offset_minutes = 15 * 60),
        ];
        for (field, spoil) in cases {
            let mut t = terms();
            spoil(&mut t);
            match t.check() {
                Err(DomainError::Invalid { field: got, .. }) => assert_eq!(got, field),
                other => panic!("{field}: {other:?}"),
            }
        }
        assert_eq!(parse_time_of_day("opens", "09:30"), Ok(570));
        assert!(parse_time_of_day("opens", "9:30").is_err() && parse_time_of_day("opens", "24:00").is_err());
        assert!(parse_time_of_day("opens", "+9:30").is_err() && parse_time_of_day("opens", "09:+5").is_err());
        let t = terms();
        assert_eq!(t.on_sale(at(30, 23, 0)), Ok(t));
        assert!(t.on_sale(at(31, 0, 0)).is_err(), "past its last day");
        assert!(t.on_sale(at(-367, 0, 0)).is_err(), "more than a year ahead");
    }

    #[test]
    fn a_form_gives_the_shops_days_and_each_voucher_its_share() {
        let form = TermsForm {
            valid_from: "2026-12-01",
            valid_until: "2026-12-31",
            opens: "10:00",
            closes: "22:00",
            per_person: 2,
            refund_unused: true,
            utc_offset_minutes: BEIJING,
        };
        assert_eq!(form.terms(), Ok(terms()));
        assert_eq!(terms().days(), ("2026-12-01".to_owned(), "2026-12-31".to_owned()));
        assert_eq!(terms().hours().as_deref(), Some("10:00–22:00"));
        let backwards = TermsForm { valid_until: "2026-11-30", ..form };
        assert!(matches!(backwards.terms(), Err(DomainError::Invalid { field: "valid_until", .. })));
        assert_eq!(unit_shares(1000, 3), vec![334, 333, 333]);
        assert_eq!(unit_shares(6800, 1), vec![6800]);
        assert_eq!(unit_shares(5, 0), vec![5]);
    }

    #[test]
    fn codes_read_back_however_they_are_typed() {
        let code = VoucherCode::from_random([7, 1, 200, 3, 99, 5, 6, 250]);
        assert_eq!(code.as_str().len(), 12);
        assert_eq!(VoucherCode::parse(&code.grouped().to_lowercase()), Ok(code.clone()));
        assert_eq!(VoucherCode::parse(&format!(" {} ", code.as_str())), Ok(code));
        assert!(VoucherCode::parse("ABCD-EFGH-JKM0").is_err(), "0 is never in a code");
        assert!(VoucherCode::parse("ABCD").is_err());
        assert_ne!(VoucherCode::from_random([0; 8]), VoucherCode::from_random([1, 0, 0, 0, 0, 0, 0, 0]));
    }
}
