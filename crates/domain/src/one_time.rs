//! One-time codes and links that prove a person holds an e-mail address or
//! a phone: what each is for, how long it lives, how many guesses it takes,
//! and how often one may be sent to the same place. Pure: the randomness and
//! the clock come from the caller.

use crate::time::Timestamp;

/// What a code or link lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A link that proves the account's e-mail address.
    VerifyEmail,
    /// A six-digit code that proves the account's phone number.
    VerifyPhone,
    /// A link (by e-mail) or a code (by SMS) that sets a new password.
    ResetPassword,
    /// A code by SMS that signs a phone account in without its password.
    SignIn,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::VerifyPhone => "verify_phone",
            Purpose::ResetPassword => "reset_password",
            Purpose::SignIn => "sign_in",
        }
    }

    /// How long it can be used: a link in a mailbox waits longer than a code
    /// on a screen, and one that changes the password lives shortest.
    pub fn lifetime_seconds(self, by: Channel) -> i64 {
        match (self, by) {
            (Purpose::VerifyEmail, _) => 24 * 3600,
            (Purpose::ResetPassword, Channel::Email) => 3600,
            _ => 10 * 60,
        }
    }
}

/// Where a code or link goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }
}

/// Wrong guesses a code takes before it is dead: with six digits, five
/// guesses find it once in 200,000 tries.
pub const MAX_ATTEMPTS: i64 = 5;

/// Digits of a code sent by SMS.
pub const CODE_DIGITS: usize = 6;

/// A six-digit code from four random bytes (the slight bias of the modulo
/// is one part in 4,000,000).
pub fn six_digits(random: [u8; 4]) -> String {
    format!("{:06}", u32::from_be_bytes(random) % 1_000_000)
}

/// A typed code, with the spaces and dashes people add taken out; `None` if
/// it is not six digits.
pub fn normalize_code(typed: &str) -> Option<String> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    (digits.len() == CODE_DIGITS && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

/// A code or link as it was stored, to be checked against a use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Issued {
    pub expires_at: Timestamp,
    pub attempts: i64,
    pub used: bool,
}

/// Why a code or link is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Expired,
    Used,
    /// Five wrong guesses: a new code must be asked for.
    Exhausted,
}

/// Whether `issued` may still be tried at `now`.
pub fn usable(issued: Issued, now: Timestamp) -> Result<(), Refusal> {
    if issued.used {
        return Err(Refusal::Used);
    }
    if issued.attempts >= MAX_ATTEMPTS {
        return Err(Refusal::Exhausted);
    }
    if now >= issued.expires_at {
        return Err(Refusal::Expired);
    }
    Ok(())
}

/// How often codes go to one address or number: a minute apart, and five an
/// hour. Each one sent costs money (SMS) and fills someone's inbox.
pub const MIN_GAP_SECONDS: i64 = 60;
pub const PER_HOUR: usize = 5;

/// Whether another code may go to a place that was sent codes at `sent` (any
/// order) by `now`; if not, the seconds until one may.
pub fn may_send(sent: &[Timestamp], now: Timestamp) -> Result<(), i64> {
    let hour_ago = now.plus_seconds(-3600);
    let mut recent: Vec<Timestamp> = sent.iter().copied().filter(|t| *t > hour_ago && *t <= now).collect();
    recent.sort();
    let ms_until = |t: Timestamp, secs: i64| t.plus_seconds(secs).millis() - now.millis();
    let gap_wait = recent.last().map_or(0, |last| ms_until(*last, MIN_GAP_SECONDS));
    let hour_wait = if recent.len() >= PER_HOUR { ms_until(recent[recent.len() - PER_HOUR], 3600) } else { 0 };
    let wait = (gap_wait.max(hour_wait) + 999).div_euclid(1000);
    if wait > 0 { Err(wait) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_millis(seconds * 1000)
    }

    #[test]
    fn codes_are_six_digits_with_leading_zeros() {
        assert_eq!(six_digits([0, 0, 0, 7]), "000007");
        assert_eq!(six_digits([0xff, 0xff, 0xff, 0xff]), "967295");
        assert_eq!(normalize_code(" 123-456 "), Some("123456".into()));
        assert_eq!(normalize_code("12345"), None);
        assert_eq!(normalize_code("12345x"), None);
        assert_eq!(normalize_code("١٢٣٤٥٦"), None);
    }

    #[test]
    fn a_code_expires_on_the_clock_and_dies_after_five_wrong_guesses() {
        let issued = Issued { expires_at: at(600), attempts: 0, used: false };
        assert_eq!(usable(issued, at(599)), Ok(()));
        assert_eq!(usable(issued, at(600)), Err(Refusal::Expired));
        assert_eq!(usable(Issued { attempts: 4, ..issued }, at(1)), Ok(()));
        assert_eq!(usable(Issued { attempts: 5, ..issued }, at(1)), Err(Refusal::Exhausted));
        assert_eq!(usable(Issued { used: true, ..issued }, at(1)), Err(Refusal::Used));
    }

    #[test]
    fn lifetimes_fit_the_channel() {
        assert_eq!(Purpose::ResetPassword.lifetime_seconds(Channel::Email), 3600);
        assert_eq!(Purpose::ResetPassword.lifetime_seconds(Channel::Sms), 600);
        assert_eq!(Purpose::SignIn.lifetime_seconds(Channel::Sms), 600);
        assert_eq!(Purpose::VerifyEmail.lifetime_seconds(Channel::Email), 86_400);
    }

    #[test]
    fn sends_are_a_minute_apart_and_five_an_hour() {
        assert_eq!(may_send(&[], at(0)), Ok(()));
        assert_eq!(may_send(&[at(100)], at(130)), Err(30));
        assert_eq!(may_send(&[at(100)], at(160)), Ok(()));
        let five = [at(0), at(100), at(200), at(300), at(400)];
        assert_eq!(may_send(&five, at(500)), Err(3100));
        assert_eq!(may_send(&five, at(3600)), Ok(()), "the first has left the hour");
        assert_eq!(may_send(&[at(0), at(4000)], at(4100)), Ok(()));
    }
}
