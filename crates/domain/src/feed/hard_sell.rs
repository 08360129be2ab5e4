//! How hard a video sells, from what a moderator would look at: its caption
//! (price talk, urgency, discount language, "link below", shouting) and its
//! product anchors (how many, how dense). 0 is pure content, 1 a spoken
//! advert. Under a content-first policy (Douyin) hard sell is demoted; under
//! commerce-first (Kuaishou) it is not.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Hard sell demoted, as on Douyin.
    #[default]
    ContentFirst,
    /// Not demoted, as on Kuaishou.
    CommerceFirst,
}

impl Policy {
    pub fn parse(s: &str) -> Option<Policy> {
        match s {
            "content_first" => Some(Policy::ContentFirst),
            "commerce_first" => Some(Policy::CommerceFirst),
            _ => None,
        }
    }

    /// The multiplier a video's rank gets for its hard-sell score.
    pub fn factor(self, hard_sell: f64) -> f64 {
        match self {
            Policy::ContentFirst => 1.0 - 0.6 * hard_sell.clamp(0.0, 1.0),
            Policy::CommerceFirst => 1.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HardSell {
    pub score: f64,
    /// Which signals fired, for the creator studio.
    pub signals: Vec<&'static str>,
}

const PRICE: &[&str] = &["¥", "$", "€", "元", "rmb", "price", "only 9", "only 1", "价"];
const URGENCY: &[&str] =
    &["buy now", "order now", "last chance", "limited", "hurry", "don't miss", "立即", "马上", "抢", "秒杀", "下单", "手慢无"];
const DISCOUNT: &[&str] = &["% off", "discount", "sale", "cheapest", "half price", "coupon", "deal", "折", "优惠", "特价", "包邮", "福利"];
const LINK: &[&str] = &["link below", "link in", "click the", "tap the cart", "链接", "小黄车", "点击"];

/// Scores a caption and its anchors. `duration_ms` is the video's length.
pub fn hard_sell(caption: &str, anchors: usize, duration_ms: i64) -> HardSell {
    let text = caption.to_lowercase();
    let mut signals = Vec::new();
    let mut score = 0.0;
    for (words, name, weight) in
        [(PRICE, "price_talk", 0.2), (URGENCY, "urgency", 0.25), (DISCOUNT, "discount", 0.2), (LINK, "link_push", 0.15)]
    {
        if words.iter().any(|w| text.contains(w)) {
            signals.push(name);
            score += weight;
        }
    }
    let bangs = caption.chars().filter(|c| *c == '!' || *c == '！').count();
    let letters: Vec<char> = caption.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    let caps = letters.iter().filter(|c| c.is_ascii_uppercase()).count();
    if bangs >= 3 || (letters.len() >= 12 && caps * 10 >= letters.len() * 6) {
        signals.push("shouting");
        score += 0.1;
    }
    // More than one anchor per 15 seconds of video is a catalogue, not a story.
    let per_15s = anchors as f64 * 15_000.0 / duration_ms.max(1_000) as f64;
    if anchors >= 4 || (anchors >= 2 && per_15s > 1.0) {
        signals.push("anchor_density");
        score += 0.2;
    }
    HardSell { score: f64::min(score, 1.0), signals }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_are_scored_table() {
        for (caption, anchors, ms, low, high) in [
            ("How we pick oranges at dawn in Ganzhou", 1, 60_000, 0.0, 0.01),
            ("Morning tea ritual, no filter", 0, 30_000, 0.0, 0.01),
            ("Only ¥9.9 today!!! BUY NOW, link below, 50% off", 1, 30_000, 0.85, 1.0),
            ("秒杀！点击小黄车，特价包邮", 1, 20_000, 0.6, 1.0),
            ("Five jackets I wore this winter", 5, 60_000, 0.15, 0.25),
            ("Peeling an orange in one piece", 1, 6_000, 0.0, 0.01),
            ("Two knives compared", 2, 20_000, 0.15, 0.25),
        ] {
            let h = hard_sell(caption, anchors, ms);
            assert!((low..=high).contains(&h.score), "{caption}: {h:?}");
        }
    }

    #[test]
    fn the_policy_decides_whether_hard_sell_is_demoted() {
        assert_eq!(Policy::CommerceFirst.factor(1.0), 1.0);
        assert!((Policy::ContentFirst.factor(1.0) - 0.4).abs() < 1e-9);
        assert_eq!(Policy::ContentFirst.factor(0.0), 1.0);
        assert_eq!(Policy::parse("commerce_first"), Some(Policy::CommerceFirst));
        assert_eq!(Policy::parse("x"), None);
    }
}
