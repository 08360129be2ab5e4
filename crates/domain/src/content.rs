//! Short videos and notes, pure rules: what an upload is (from its bytes,
//! not its name), how long an MP4 runs (from its `mvhd` box), captions and
//! the hashtags in them.

use crate::DomainError;

crate::status_enum! {
    pub enum VideoStatus { Published = "published", Removed = "removed" }
}

pub const MAX_CAPTION_CHARS: usize = 2_200;
pub const MAX_HASHTAGS: usize = 10;
pub const MAX_ANCHORS: usize = 10;
/// Ten minutes: these are short videos.
pub const MAX_DURATION_MS: i64 = 10 * 60 * 1000;

/// The container of an uploaded video, from its first bytes.
pub fn sniff_video(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return Some(("video/mp4", "mp4"));
    }
    // EBML header; WebM says so in its DocType within the first bytes.
    if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) && bytes[..bytes.len().min(64)].windows(4).any(|w| w == b"webm") {
        return Some(("video/webm", "webm"));
    }
    None
}

/// The running time of an MP4 from its movie header, if it has one.
pub fn mp4_duration_ms(bytes: &[u8]) -> Option<i64> {
    let at = bytes.windows(4).position(|w| w == b"mvhd")? + 4;
    let read =
        |from: usize, n: usize| -> Option<u64> { Some(bytes.get(from..from + n)?.iter().fold(0u64, |acc, b| (acc << 8) | *b as u64)) };
    let version = *bytes.get(at)?;
    let (timescale, duration) = if version == 1 { (read(at + 20, 4)?, read(at + 24, 8)?) } else { (read(at + 12, 4)?, read(at + 16, 4)?) };
    if timescale == 0 {
        return None;
    }
    i64::try_from(duration.checked_mul(1000)? / timescale).ok()
}

/// The hashtags of a caption, lowercased, in order, each once.
pub fn hashtags(caption: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for part in caption.split('#').skip(1) {
        let tag: String = part.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>().to_lowercase();
        if !tag.is_empty() && tag.chars().count() <= 30 && !tags.contains(&tag) && tags.len() < MAX_HASHTAGS {
            tags.push(tag);
        }
    }
    tags
}

/// A caption: free text up to the limit, no control characters but newlines.
pub fn caption(raw: &str) -> Result<String, DomainError> {
    let t = raw.trim();
    if t.chars().count() > MAX_CAPTION_CHARS {
        return Err(DomainError::invalid("caption", format!("at most {MAX_CAPTION_CHARS} characters")));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(DomainError::invalid("caption", "no control characters"));
    }
    Ok(t.to_owned())
}

/// A view or product click counts again a day later; a share counts once
/// per person and video, ever (sharing again does not make a video more
/// shared). Returns when the last count must have been for this one to count.
pub fn counts_again_before(kind: &str, now_ms: i64) -> i64 {
    const DAY_MS: i64 = 24 * 3600 * 1000;
    if kind == "share" { i64::MIN } else { now_ms - DAY_MS }
}

crate::status_enum! {
    /// What a notification is about: someone answered the person's comment,
    /// commented on their video or followed them; a room they asked to be
    /// reminded of went live; their order moved; a shop answered their request for a quote.
    pub enum NotificationKind { Reply = "reply", Comment = "comment", Follow = "follow", Live = "live", Order = "order", Lead = "lead", VoucherUsed = "voucher_used", VoucherRefunded = "voucher_refunded" }
}

/// One person posts at most `COMMENT_BURST` comments in `COMMENT_WINDOW_MS`.
pub const COMMENT_BURST: i64 = 5;
pub const COMMENT_WINDOW_MS: i64 = 60_000;

/// Whether someone with `recent` comments in the window may post another.
pub fn may_comment_now(recent: i64) -> bool {
    recent < COMMENT_BURST
}

/// The thread a reply joins: threads are one level deep, so a reply to a
/// reply joins the thread its parent is in.
pub fn thread_of(parent: i64, parents_thread: Option<i64>) -> i64 {
    parents_thread.unwrap_or(parent)
}

/// Who may take a comment down: whoever wrote it, the video's author (it is
/// their page), or an operator.
pub fn may_remove_comment(actor: i64, operator: bool, comment_author: i64, video_author: i64) -> bool {
    operator || actor == comment_author || actor == video_author
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal MP4 head: `ftyp`, then a version-0 `mvhd` of 12.5 s.
    pub fn tiny_mp4() -> Vec<u8> {
        let mut b = vec![0, 0, 0, 20];
        b.extend_from_slice(b"ftypisom\0\0\x02\0isom");
        b.extend_from_slice(&[0, 0, 0, 108]);
        b.extend_from_slice(b"mvhd");
        b.extend_from_slice(&[0, 0, 0, 0]); // version, flags
        b.extend_from_slice(&[0; 8]); // created, modified
        b.extend_from_slice(&1000u32.to_be_bytes()); // timescale
        b.extend_from_slice(&12_500u32.to_be_bytes()); // duration
        b.extend_from_slice(&[0; 80]);
        b
    }

    #[test]
    fn videos_are_recognised_by_their_bytes() {
        assert_eq!(sniff_video(&tiny_mp4()), Some(("video/mp4", "mp4")));
        let webm = [&[0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84][..], b"webm", &[0x42, 0x87]].concat();
        assert_eq!(sniff_video(&webm), Some(("video/webm", "webm")));
        assert_eq!(sniff_video(b"<html>not a video</html>"), None);
        assert_eq!(sniff_video(b"\x89PNG\r\n\x1a\n0000"), None);
        assert_eq!(sniff_video(&[]), None);
    }

    #[test]
    fn mp4_duration_comes_from_the_movie_header() {
        assert_eq!(mp4_duration_ms(&tiny_mp4()), Some(12_500));
        assert_eq!(mp4_duration_ms(b"ftypmvhd"), None);
        assert_eq!(mp4_duration_ms(&[]), None);
    }

    #[test]
    fn hashtags_are_found_lowercased_and_once() {
        assert_eq!(hashtags("Dawn harvest #Oranges #ganzhou, #oranges #新鲜"), vec!["oranges", "ganzhou", "新鲜"]);
        assert!(hashtags("no tags # here").is_empty());
        assert_eq!(hashtags(&"#a ".repeat(50)).len(), 1);
    }

    #[test]
    fn captions_are_bounded_and_clean() {
        assert_eq!(caption("  hello\nworld ").unwrap(), "hello\nworld");
        assert!(caption(&"x".repeat(MAX_CAPTION_CHARS + 1)).is_err());
        assert!(caption("a\u{0}b").is_err());
    }

    #[test]
    fn threads_are_one_level_deep_and_comments_are_rationed() {
        assert_eq!(thread_of(7, None), 7, "a reply to a top comment starts or joins its thread");
        assert_eq!(thread_of(9, Some(7)), 7, "a reply to a reply joins the same thread");
        assert!((0..COMMENT_BURST).all(may_comment_now));
        assert!(!may_comment_now(COMMENT_BURST));
        // (actor, operator, comment author, video author)
        for (case, allowed) in [((1, false, 1, 2), true), ((2, false, 1, 2), true), ((3, true, 1, 2), true), ((3, false, 1, 2), false)] {
            let (actor, operator, author, video) = case;
            assert_eq!(may_remove_comment(actor, operator, author, video), allowed, "{case:?}");
        }
    }

    #[test]
    fn views_count_daily_and_shares_once() {
        let day = 24 * 3600 * 1000;
        assert_eq!(counts_again_before("view", 10 * day), 9 * day);
        assert_eq!(counts_again_before("product_click", 10 * day), 9 * day);
        assert_eq!(counts_again_before("share", 10 * day), i64::MIN);
    }
}
