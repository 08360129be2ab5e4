//! Money is an integer count of minor units (fen, cents) with an ISO 4217
//! currency. No floats anywhere: 19.90 CNY is `Money { minor: 1990, CNY }`.

use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most a single price or total may be: ten billion major units. Keeps
/// every sum of a few thousand lines far from `i64` overflow.
pub const MAX_MINOR: i64 = 1_000_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub const CNY: Currency = Currency(*b"CNY");

    pub fn parse(code: &str) -> Result<Self, DomainError> {
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(DomainError::invalid("currency", "an ISO 4217 code of three capital letters, e.g. CNY"));
        }
        Ok(Currency([bytes[0], bytes[1], bytes[2]]))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII capitals are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// The symbol shown to shoppers; the code where none is common. The
    /// yuan has the bare ¥: Haul's shoppers pay in it.
    pub fn symbol(&self) -> &str {
        match self.as_str() {
            "CNY" => "¥",
            "JPY" => "JP¥",
            "HKD" => "HK$",
            "TWD" => "NT$",
            "USD" => "US$",
            "EUR" => "€",
            "GBP" => "£",
            "KRW" => "₩",
            other => other,
        }
    }

    /// Digits after the decimal point (ISO 4217): a minor unit of the yen or
    /// the won is the whole unit.
    pub fn exponent(&self) -> u32 {
        match self.as_str() {
            "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "UGX" => 0,
            _ => 2,
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    /// A price or amount a client sent: non-negative and within range.
    pub fn parse(minor: i64, currency: &str) -> Result<Self, DomainError> {
        let currency = Currency::parse(currency)?;
        if !(0..=MAX_MINOR).contains(&minor) {
            return Err(DomainError::AmountOutOfRange);
        }
        Ok(Money { minor, currency })
    }

    /// A price typed by a person: "19.9", "19.90" or "20" (as many decimals
    /// as the currency has at most).
    pub fn parse_decimal(text: &str, currency: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::invalid("price", "a price such as 19.90");
        let exponent = Currency::parse(currency)?.exponent() as usize;
        let t = text.trim().trim_start_matches(['¥', '$', '€']);
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if whole.is_empty() || whole.len() > 10 || frac.len() > exponent || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let frac: i64 = if exponent == 0 { 0 } else { format!("{frac:0<exponent$}").parse().map_err(|_| bad())? };
        Money::parse(whole * 10i64.pow(exponent as u32) + frac, currency)
    }

    pub fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, DomainError> {
        if self.currency != other.currency {
            return Err(DomainError::CurrencyMismatch(self.currency.to_string(), other.currency.to_string()));
        }
        let minor = self.minor.checked_add(other.minor).ok_or(DomainError::AmountOutOfRange)?;
        Ok(Money { minor, currency: self.currency })
    }

    pub fn times(self, quantity: crate::inventory::Quantity) -> Result<Money, DomainError> {
        let minor = self.minor.checked_mul(quantity.get()).ok_or(DomainError::AmountOutOfRange)?;
        Ok(Money { minor, currency: self.currency })
    }

    /// "21500.00": the amount as a form field shows it, for
    /// [`Money::parse_decimal`] to read back.
    pub fn decimal(&self) -> String {
        let exponent = self.currency.exponent();
        let unit = 10i64.pow(exponent);
        if exponent == 0 {
            return self.minor.to_string();
        }
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{}.{:0width$}", abs / unit as u64, abs % unit as u64, width = exponent as usize)
    }

    /// "¥21,500.00": the symbol, thousands grouped, the currency's decimals.
    pub fn display(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let exponent = self.currency.exponent();
        let unit = 10u64.pow(exponent);
        let digits = (abs / unit).to_string();
        let mut whole = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                whole.push(',');
            }
            whole.push(d);
        }
        let fraction = if exponent == 0 { String::new() } else { format!(".{:0width$}", abs % unit, width = exponent as usize) };
        format!("{sign}{}{whole}{fraction}", self.currency.symbol())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_accepts_iso_codes_only() {
        assert!(Currency::parse("CNY").is_ok());
        for bad in ["cny", "CN", "CNYY", "", "C1Y", "元元元"] {
            assert!(Currency::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn money_rejects_negative_and_huge_amounts() {
        assert_eq!(Money::parse(-1, "CNY"), Err(DomainError::AmountOutOfRange));
        assert_eq!(Money::parse(MAX_MINOR + 1, "CNY"), Err(DomainError::AmountOutOfRange));
        assert!(Money::parse(1990, "CNY").is_ok());
        for (minor, currency, text) in [(2150000, "CNY", "21500.00"), (5, "CNY", "0.05"), (500, "JPY", "500")] {
            let m = Money::parse(minor, currency).unwrap();
            assert_eq!(m.decimal(), text);
            assert_eq!(Money::parse_decimal(text, currency), Ok(m));
        }
    }

    #[test]
    fn money_displays_with_symbol_grouping_and_the_currencys_decimals() {
        for (minor, currency, shown) in [
            (1990, "CNY", "¥19.90"),
            (0, "CNY", "¥0.00"),
            (5, "USD", "US$0.05"),
            (2_150_000, "CNY", "¥21,500.00"),
            (12_345_678_900, "CNY", "¥123,456,789.00"),
            (100_000_000, "CNY", "¥1,000,000.00"),
            (99_999, "EUR", "€999.99"),
            (100, "JPY", "JP¥100"),
            (1_234_567, "KRW", "₩1,234,567"),
            (1990, "CHF", "CHF19.90"),
        ] {
            assert_eq!(Money { minor, currency: Currency::parse(currency).unwrap() }.display(), shown);
        }
        assert_eq!(Money { minor: -123_456, currency: Currency::CNY }.display(), "-¥1,234.56");
    }

    #[test]
    fn decimal_prices_become_minor_units() {
        assert_eq!(Money::parse_decimal("19.90", "CNY").unwrap().minor, 1990);
        assert_eq!(Money::parse_decimal("19.9", "CNY").unwrap().minor, 1990);
        assert_eq!(Money::parse_decimal("¥20", "CNY").unwrap().minor, 2000);
        for bad in ["", "1.999", "-1", "abc", "1,5", ".5", "99999999999"] {
            assert!(Money::parse_decimal(bad, "CNY").is_err(), "{bad}");
        }
        assert_eq!(Money::parse_decimal("1200", "JPY").unwrap().minor, 1200);
        assert!(Money::parse_decimal("1200.5", "JPY").is_err());
    }

    #[test]
    fn adding_different_currencies_is_refused() {
        let a = Money::parse(1, "CNY").unwrap();
        let b = Money::parse(1, "USD").unwrap();
        assert!(matches!(a.checked_add(b), Err(DomainError::CurrencyMismatch(..))));
    }
}
