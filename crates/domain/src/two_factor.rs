//! Two-factor sign-in by one-time codes from an authenticator app (TOTP,
//! RFC 6238: HOTP of RFC 4226 over 30-second steps), and the recovery codes
//! that stand in for the app when it is lost. Pure: the randomness and the
//! clock come from the caller.

use crate::time::Timestamp;
use hmac::{Hmac, KeyInit, Mac};

/// Seconds per step, and digits per code: what every authenticator app
/// assumes when the `otpauth://` link says nothing else.
pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;
/// A code from the step before or after is accepted too: phones' clocks
/// drift, and typing takes time.
pub const SKEW_STEPS: i64 = 1;
/// Bytes of a new secret: 160 bits, as RFC 4226 recommends for SHA-1.
pub const SECRET_BYTES: usize = 20;

/// The hash under the HMAC. Apps use SHA-1; SHA-256 is here for the RFC's
/// test vectors and for secrets provisioned that way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha1,
    Sha256,
}

/// RFC 4226's HOTP: the HMAC of the counter, dynamically truncated to
/// `digits` decimal digits.
pub fn hotp(key: &[u8], counter: u64, digits: u32, algorithm: Algorithm) -> u32 {
    let mac = match algorithm {
        Algorithm::Sha1 => mac::<Hmac<sha1::Sha1>>(key, counter),
        Algorithm::Sha256 => mac::<Hmac<sha2::Sha256>>(key, counter),
    };
    let offset = (mac[mac.len() - 1] & 0x0f) as usize;
    let binary = u32::from_be_bytes([mac[offset] & 0x7f, mac[offset + 1], mac[offset + 2], mac[offset + 3]]);
    binary % 10u32.pow(digits)
}

fn mac<M: Mac + KeyInit>(key: &[u8], counter: u64) -> Vec<u8> {
    // HMAC takes a key of any length.
    let mut m = <M as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    m.update(&counter.to_be_bytes());
    m.finalize().into_bytes().to_vec()
}

/// The step a moment falls in (negative moments are step 0's past: none).
pub fn step_at(now: Timestamp) -> i64 {
    now.millis().div_euclid(1000).div_euclid(STEP_SECONDS)
}

/// The six-digit code an app shows at `now`.
pub fn code_at(key: &[u8], now: Timestamp) -> String {
    format!("{:06}", hotp(key, step_at(now).max(0) as u64, DIGITS, Algorithm::Sha1))
}

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// Not six digits.
    Malformed,
    /// Not the code of this step or the one before or after.
    Wrong,
    /// The code of a step already used: a code works once.
    Reused,
}

/// Checks `typed` (spaces allowed, as apps show "123 456") against the
/// steps around `now`; `last_used` is the last step a code was accepted
/// for. On success, the step to record as used: no step at or before it is
/// accepted again, so an overheard code cannot be replayed.
pub fn verify(key: &[u8], typed: &str, now: Timestamp, last_used: Option<i64>) -> Result<i64, CodeRefusal> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeRefusal::Malformed);
    }
    let now_step = step_at(now);
    let mut matched = None;
    // Every candidate step is computed, whichever matches, so the time
    // taken does not say which step it was.
    for step in (now_step - SKEW_STEPS..=now_step + SKEW_STEPS).filter(|s| *s >= 0) {
        let code = format!("{:06}", hotp(key, step as u64, DIGITS, Algorithm::Sha1));
        if constant_time_eq(code.as_bytes(), digits.as_bytes()) && matched.is_none() {
            matched = Some(step);
        }
    }
    let step = matched.ok_or(CodeRefusal::Wrong)?;
    if last_used.is_some_and(|used| step <= used) {
        return Err(CodeRefusal::Reused);
    }
    Ok(step)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// RFC 4648 base32 without padding: how secrets are shown and put in links.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The `otpauth://` link an app reads from a QR code. `issuer` and
/// `account` are shown in the app; both are percent-encoded.
pub fn otpauth_uri(issuer: &str, account: &str, key: &[u8]) -> String {
    let (issuer, account) = (percent(issuer), percent(account));
    format!("otpauth://totp/{issuer}:{account}?secret={}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}", base32(key))
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// How many recovery codes a person gets, each good once.
pub const RECOVERY_CODES: usize = 10;
const RECOVERY_CHARS: usize = 10;

/// A recovery code from 8 random bytes (about 50 bits), shown as
/// `XXXXX-XXXXX`.
pub fn recovery_code(random: [u8; 8]) -> String {
    let code = crate::readable_code::from_random(random, RECOVERY_CHARS);
    format!("{}-{}", &code[..RECOVERY_CHARS / 2], &code[RECOVERY_CHARS / 2..])
}

/// A typed recovery code as it is stored and compared: upper case, without
/// dashes or spaces; `None` if it cannot be one.
pub fn normalize_recovery_code(typed: &str) -> Option<String> {
    crate::readable_code::normalize(typed, RECOVERY_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(unix_seconds: i64) -> Timestamp {
        Timestamp::from_millis(unix_seconds * 1000)
    }

    /// RFC 6238, appendix B: eight digits, the SHA-1 and SHA-256 seeds.
    #[test]
    fn matches_the_rfc_6238_test_vectors() {
        let sha1_key = b"12345678901234567890";
        let sha256_key = b"12345678901234567890123456789012";
        let vectors: [(i64, u32, u32); 6] = [
            (59, 94_287_082, 46_119_246),
            (1_111_111_109, 7_081_804, 68_084_774),
            (1_111_111_111, 14_050_471, 67_062_674),
            (1_234_567_890, 89_005_924, 91_819_424),
            (2_000_000_000, 69_279_037, 90_698_825),
            (20_000_000_000, 65_353_130, 77_737_706),
        ];
        for (t, sha1, sha256) in vectors {
            let step = step_at(at(t)) as u64;
            assert_eq!(hotp(sha1_key, step, 8, Algorithm::Sha1), sha1, "SHA-1 at {t}");
            assert_eq!(hotp(sha256_key, step, 8, Algorithm::Sha256), sha256, "SHA-256 at {t}");
        }
    }

    /// RFC 4226, appendix D: six digits, counters 0 to 9.
    #[test]
    fn matches_the_rfc_4226_test_vectors() {
        let expected = [755_224, 287_082, 359_152, 969_429, 338_314, 254_676, 287_922, 162_583, 399_871, 520_489];
        for (counter, code) in expected.into_iter().enumerate() {
            assert_eq!(hotp(b"12345678901234567890", counter as u64, 6, Algorithm::Sha1), code);
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_only_once() {
        let key = b"12345678901234567890";
        let now = at(1_111_111_111);
        let code = code_at(key, now);
        assert_eq!(code.len(), 6);
        let step = verify(key, &code, now, None).unwrap();
        assert_eq!(step, step_at(now));
        assert_eq!(verify(key, &code, now, Some(step)), Err(CodeRefusal::Reused), "a code works once");
        // Typed with the app's space, 29 s late, or a step early.
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(verify(key, &spaced, at(1_111_111_111 + STEP_SECONDS), None), Ok(step));
        assert_eq!(verify(key, &code, at(1_111_111_111 - STEP_SECONDS), None), Ok(step));
        // Two steps away, it is wrong.
        assert_eq!(verify(key, &code, at(1_111_111_111 + 2 * STEP_SECONDS), None), Err(CodeRefusal::Wrong));
        // A later step's code still works after an earlier one was used.
        let next = code_at(key, at(1_111_111_111 + STEP_SECONDS));
        assert_eq!(verify(key, &next, at(1_111_111_111 + STEP_SECONDS), Some(step)), Ok(step + 1));
        for bad in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            assert_eq!(verify(key, bad, now, None), Err(CodeRefusal::Malformed), "{bad:?}");
        }
    }

    #[test]
    fn secrets_are_shown_in_base32_and_linked_for_apps() {
        // RFC 4648's test vectors.
        for (input, out) in
            [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]
        {
            assert_eq!(base32(input.as_bytes()), out);
        }
        let uri = otpauth_uri("Haul", "ann@example.com", b"12345678901234567890");
        assert_eq!(
            uri,
            "otpauth://totp/Haul:ann%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Haul&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn recovery_codes_read_back_however_they_are_typed() {
        let code = recovery_code([7, 1, 2, 3, 4, 5, 6, 200]);
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(normalize_recovery_code(&typed), Some(code.replace('-', "")));
        assert_ne!(recovery_code([8, 1, 2, 3, 4, 5, 6, 200]), code);
        for bad in ["", "ABCDE-FGHI", "ABCDE-FGHI0", "ABCDE-FGHIJK"] {
            assert_eq!(normalize_recovery_code(bad), None, "{bad:?}");
        }
    }
}
