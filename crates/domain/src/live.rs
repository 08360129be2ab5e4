//! Live rooms: a room's life (scheduled → live → ended), the chat's rules
//! (length, a per-user rate limit, masked words), and the figures a host
//! reads after the stream. Pure: times come in as Unix milliseconds.

use crate::DomainError;

/// At most this many products in a room's bag.
pub const BAG_LIMIT: usize = 100;

crate::status_enum! {
    pub enum RoomStatus { Scheduled = "scheduled", Live = "live", Ended = "ended" }
}

impl RoomStatus {
    /// A stream may start in a scheduled room, or resume in a live one
    /// (an encoder that reconnects); an ended room only plays its replay.
    pub fn accepts_stream(self) -> bool {
        self != RoomStatus::Ended
    }
}

/// Why a chat message was refused; each has a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatRefusal {
    Empty,
    TooLong,
    RateLimited,
    Muted,
    Banned,
    SignInRequired,
}

impl ChatRefusal {
    pub fn code(self) -> crate::ErrorCode {
        match self {
            ChatRefusal::Empty => crate::ErrorCode::ChatEmpty,
            ChatRefusal::TooLong => crate::ErrorCode::ChatTooLong,
            ChatRefusal::RateLimited => crate::ErrorCode::RateLimited,
            ChatRefusal::Muted => crate::ErrorCode::Muted,
            ChatRefusal::Banned => crate::ErrorCode::Banned,
            ChatRefusal::SignInRequired => crate::ErrorCode::SignInRequired,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            ChatRefusal::Empty => "say something first",
            ChatRefusal::TooLong => "that message is too long",
            ChatRefusal::RateLimited => "you are sending messages too fast; wait a moment",
            ChatRefusal::Muted => "a moderator muted you in this room for now",
            ChatRefusal::Banned => "a moderator banned you from this room",
            ChatRefusal::SignInRequired => "sign in to chat",
        }
    }
}

/// The chat's text rules: a length limit in characters and words that are
/// masked (the message still goes out, as the big platforms do, with the
/// word starred out).
#[derive(Debug, Clone, Default)]
pub struct ChatRules {
    pub max_chars: usize,
    /// Lower-cased; matched case-insensitively anywhere in the text.
    words: Vec<String>,
}

impl ChatRules {
    /// `words` is the operator's comma-separated list.
    pub fn new(max_chars: usize, words: &str) -> ChatRules {
        let words = words.split(',').map(|w| w.trim().to_lowercase()).filter(|w| !w.is_empty()).collect();
        ChatRules { max_chars, words }
    }

    /// The text as it will be shown, or why it is refused. Control
    /// characters become spaces; surrounding space is trimmed.
    pub fn check(&self, raw: &str) -> Result<String, ChatRefusal> {
        let text: String = raw.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let text = text.trim();
        if text.is_empty() {
            return Err(ChatRefusal::Empty);
        }
        if text.chars().count() > self.max_chars {
            return Err(ChatRefusal::TooLong);
        }
        Ok(self.mask(text))
    }

    fn mask(&self, text: &str) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        // Lower-casing can change a character's length (İ → i̇), so the
        // match is done per character, not on byte offsets.
        let lower: Vec<char> = chars.iter().map(|c| c.to_lowercase().next().unwrap_or(*c)).collect();
        for word in &self.words {
            let w: Vec<char> = word.chars().collect();
            let mut i = 0;
            while i + w.len() <= lower.len() {
                if lower[i..i + w.len()] == w[..] {
                    chars[i..i + w.len()].iter_mut().for_each(|c| *c = '*');
                    i += w.len();
                } else {
                    i += 1;
                }
            }
        }
        chars.into_iter().collect()
    }
}

/// A token bucket: `burst` messages at once, then one every `every_ms`.
/// Tokens are counted in milliseconds of credit (a message costs
/// `every_ms`), so refilling is exact.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    credit_ms: i64,
    last_ms: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    pub burst: i64,
    pub every_ms: i64,
}

impl RateLimit {
    pub fn new_bucket(self, now_ms: i64) -> Bucket {
        Bucket { credit_ms: self.capacity(), last_ms: now_ms }
    }

    fn capacity(self) -> i64 {
        self.burst.saturating_mul(self.every_ms)
    }

    /// Takes one token if there is one.
    pub fn take(self, bucket: &mut Bucket, now_ms: i64) -> bool {
        let elapsed = (now_ms - bucket.last_ms).max(0);
        bucket.credit_ms = bucket.credit_ms.saturating_add(elapsed).min(self.capacity());
        bucket.last_ms = bucket.last_ms.max(now_ms);
        if bucket.credit_ms >= self.every_ms {
            bucket.credit_ms -= self.every_ms;
            true
        } else {
            false
        }
    }
}

/// A buyer's name as the purchase ticker shows it: first character, then stars.
pub fn ticker_name(display_name: &str) -> String {
    match display_name.trim().chars().next() {
        Some(c) => format!("{c}***"),
        None => "***".to_owned(),
    }
}

/// A moderator's sanction: a mute for some minutes, or a ban for the room's life.
pub fn check_mute_minutes(minutes: i64) -> Result<i64, DomainError> {
    if (1..=24 * 60).contains(&minutes) { Ok(minutes) } else { Err(DomainError::invalid("minutes", "between 1 and 1440")) }
}

/// What the stream did, as counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub peak_viewers: i64,
    /// Sum over time of concurrent viewers × milliseconds.
    pub viewer_ms: i64,
    /// How long the room was live.
    pub live_ms: i64,
    pub unique_viewers: i64,
    /// Unique viewers who liked, chatted, shared or bought.
    pub interacting: i64,
    pub comments: i64,
    pub likes: i64,
    pub shares: i64,
    pub orders: i64,
    pub buyers: i64,
    pub gmv_minor: i64,
}

/// The figures the host reads after the stream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub average_viewers: f64,
    /// Viewers who liked, chatted, shared or bought ÷ unique viewers.
    pub interaction_rate: f64,
    /// Buyers / unique viewers.
    pub conversion: f64,
    /// GMV per thousand viewers (each viewer's entry is a view).
    pub gpm_minor: Option<i64>,
}

pub fn figures(c: &Counts) -> Figures {
    let per_viewer = |n: i64| if c.unique_viewers > 0 { n as f64 / c.unique_viewers as f64 } else { 0.0 };
    Figures {
        average_viewers: if c.live_ms > 0 { c.viewer_ms as f64 / c.live_ms as f64 } else { 0.0 },
        interaction_rate: per_viewer(c.interacting),
        conversion: per_viewer(c.buyers),
        gpm_minor: crate::analytics::gpm_minor(c.gmv_minor, c.unique_viewers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_only_ended_rooms_refuse_streams() {
        for s in [RoomStatus::Scheduled, RoomStatus::Live, RoomStatus::Ended] {
            assert_eq!(RoomStatus::parse(s.as_str()), Ok(s));
        }
        assert!(RoomStatus::parse("paused").is_err());
        assert!(RoomStatus::Scheduled.accepts_stream());
        assert!(RoomStatus::Live.accepts_stream());
        assert!(!RoomStatus::Ended.accepts_stream());
    }

    #[test]
    fn chat_rules() {
        let rules = ChatRules::new(10, " Scam, 微信 ,,");
        let cases: &[(&str, Result<&str, ChatRefusal>)] = &[
            ("hello", Ok("hello")),
            ("  hi  ", Ok("hi")),
            ("", Err(ChatRefusal::Empty)),
            (" \n\t ", Err(ChatRefusal::Empty)),
            ("a\u{0}b", Ok("a b")),
            ("12345678901", Err(ChatRefusal::TooLong)),
            ("一二三四五六七八九十", Ok("一二三四五六七八九十")),
            ("no SCAM!", Ok("no ****!")),
            ("加微信", Ok("加**")),
            ("scamscam", Ok("********")),
        ];
        for (input, want) in cases {
            assert_eq!(rules.check(input).as_deref().map_err(|e| *e), *want, "{input:?}");
        }
    }

    #[test]
    fn rate_limit_allows_a_burst_then_one_per_interval() {
        let limit = RateLimit { burst: 3, every_ms: 2000 };
        let mut b = limit.new_bucket(0);
        assert!(limit.take(&mut b, 0));
        assert!(limit.take(&mut b, 0));
        assert!(limit.take(&mut b, 0));
        assert!(!limit.take(&mut b, 100));
        assert!(!limit.take(&mut b, 1999));
        assert!(limit.take(&mut b, 2000));
        assert!(!limit.take(&mut b, 2500));
        // A long silence refills only up to the burst.
        for _ in 0..3 {
            assert!(limit.take(&mut b, 60_000));
        }
        assert!(!limit.take(&mut b, 60_000));
        // A clock that goes back takes nothing extra.
        assert!(!limit.take(&mut b, 1_000));
    }

    #[test]
    fn ticker_names_hide_all_but_the_first_character() {
        assert_eq!(ticker_name("Ann Lee"), "A***");
        assert_eq!(ticker_name("张三"), "张***");
        assert_eq!(ticker_name("  "), "***");
    }

    #[test]
    fn mute_minutes_are_bounded() {
        assert!(check_mute_minutes(10).is_ok());
        assert!(check_mute_minutes(0).is_err());
        assert!(check_mute_minutes(1441).is_err());
    }

    #[test]
    fn figures_from_counts() {
        let c = Counts {
            peak_viewers: 40,
            viewer_ms: 30 * 600_000,
            live_ms: 600_000,
            unique_viewers: 50,
            interacting: 22,
            comments: 20,
            likes: 70,
            shares: 10,
            orders: 6,
            buyers: 5,
            gmv_minor: 59_700,
        };
        let f = figures(&c);
        assert!((f.average_viewers - 30.0).abs() < 1e-9);
        assert!((f.interaction_rate - 0.44).abs() < 1e-9, "the seeds' 44%");
        assert!((f.conversion - 0.1).abs() < 1e-9);
        assert_eq!(f.gpm_minor, Some(1_194_000), "¥597 over 50 viewers is ¥11,940 per thousand");
        let none = Figures { average_viewers: 0.0, interaction_rate: 0.0, conversion: 0.0, gpm_minor: None };
        assert_eq!(figures(&Counts::default()), none);
    }
}
