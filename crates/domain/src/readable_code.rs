//! Codes people read off a screen or paper and type back (vouchers at a
//! till, two-factor recovery codes): letters and digits that cannot be
//! mistaken for one another, no 0/O or 1/I/L, typed in any case.

const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// `chars` characters (at most 12: 31 letters hold ~4.95 bits each) from
/// eight random bytes, the caller's randomness.
pub fn from_random(bytes: [u8; 8], chars: usize) -> String {
    let mut n = u64::from_le_bytes(bytes);
    let mut code = String::with_capacity(chars);
    for _ in 0..chars.min(12) {
        code.push(ALPHABET[(n % ALPHABET.len() as u64) as usize] as char);
        n /= ALPHABET.len() as u64;
    }
    code
}

/// A code as typed (any case, with spaces or dashes) as it is stored;
/// `None` unless it is `chars` characters of the alphabet.
pub fn normalize(typed: &str, chars: usize) -> Option<String> {
    let code: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).flat_map(char::to_uppercase).collect();
    (code.len() == chars && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}
