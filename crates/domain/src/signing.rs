//! HMAC-SHA256 signatures with a timestamp, shared by every webhook Haul sends
//! or receives. Header format: `t=<unix seconds>,v1=<hex>`, where the MAC
//! covers `"<t>.<body>"`. Binding the timestamp into the MAC and bounding its
//! age stops replays of old deliveries; the receiver also remembers event ids.

use crate::DomainError;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How far a signature's timestamp may be from the receiver's clock.
pub const TOLERANCE_SECONDS: i64 = 300;

pub fn sign(secret: &[u8], unix_seconds: i64, body: &[u8]) -> String {
    format!("t={unix_seconds},v1={}", to_hex(&mac(secret, unix_seconds, body)))
}

pub fn verify(secret: &[u8], header: &str, body: &[u8], now_unix_seconds: i64) -> Result<(), DomainError> {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => v1 = from_hex(value),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return Err(DomainError::BadSignature);
    };
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).map_err(|_| DomainError::BadSignature)?;
    m.update(format!("{t}.").as_bytes());
    m.update(body);
    // Constant-time comparison.
    m.verify_slice(&v1).map_err(|_| DomainError::BadSignature)?;
    if (now_unix_seconds - t).abs() > TOLERANCE_SECONDS {
        return Err(DomainError::StaleSignature);
    }
    Ok(())
}

/// `value.tag`, where the tag (128 bits of HMAC-SHA256 under `secret`)
/// proves that whoever holds `secret` issued `value`: for cookies.
pub fn tagged(secret: &[u8], value: &str) -> String {
    format!("{value}.{}", to_hex(&mac(secret, 0, value.as_bytes())[..16]))
}

/// The value inside a `tagged` text, if its tag is right.
pub fn untag<'a>(secret: &[u8], text: &'a str) -> Option<&'a str> {
    let (value, _) = text.rsplit_once('.')?;
    let expected = tagged(secret, value);
    let same = expected.len() == text.len() && expected.bytes().zip(text.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    same.then_some(value)
}

fn mac(secret: &[u8], unix_seconds: i64, body: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut m) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret) else {
        return Vec::new();
    };
    m.update(format!("{unix_seconds}.").as_bytes());
    m.update(body);
    m.finalize().into_bytes().to_vec()
}

pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_signature_verifies() {
        let h = sign(b"k", 1_000, b"{}");
        assert_eq!(verify(b"k", &h, b"{}", 1_010), Ok(()));
    }

    #[test]
    fn forged_tampered_or_stale_signatures_are_refused() {
        let h = sign(b"k", 1_000, b"{}");
        assert_eq!(verify(b"other", &h, b"{}", 1_000), Err(DomainError::BadSignature));
        assert_eq!(verify(b"k", &h, b"{\"x\":1}", 1_000), Err(DomainError::BadSignature));
        assert_eq!(verify(b"k", &h, b"{}", 1_000 + TOLERANCE_SECONDS + 1), Err(DomainError::StaleSignature));
        assert_eq!(verify(b"k", "garbage", b"{}", 1_000), Err(DomainError::BadSignature));
        // Moving the timestamp breaks the MAC.
        let moved = h.replace("t=1000", "t=2000");
        assert_eq!(verify(b"k", &moved, b"{}", 2_000), Err(DomainError::BadSignature));
    }

    #[test]
    fn tagged_values_come_back_only_with_their_own_tag() {
        let t = tagged(b"key", "abc123");
        assert_eq!(untag(b"key", &t), Some("abc123"));
        assert_eq!(untag(b"other key", &t), None);
        assert_eq!(untag(b"key", &t.replace("abc", "abd")), None);
        assert_eq!(untag(b"key", "abc123"), None);
        assert_eq!(untag(b"key", ""), None);
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(from_hex(&to_hex(&[0, 15, 255])), Some(vec![0, 15, 255]));
        assert_eq!(from_hex("zz"), None);
        assert_eq!(from_hex("abc"), None);
    }
}
