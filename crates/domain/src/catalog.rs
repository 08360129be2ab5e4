//! Products and how they are sold. The listing kinds come from the seeds:
//! a native item the shop ships itself, an external item that links out to
//! another platform, a partner-fulfilled item sold here but shipped by a
//! partner who receives the paid order as a signed webhook, and an item
//! sold by quote (Kuaishou's tractors): buyers ask, the shop answers.

use crate::DomainError;
use serde::{Deserialize, Serialize};

crate::status_enum! {
    /// A product is for sale only when active; a draft is the shop's alone.
    pub enum ProductStatus { Draft = "draft", Active = "active", Removed = "removed" }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListingKind {
    Native,
    External,
    Partner,
    Quote,
    Voucher,
}

impl ListingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ListingKind::Native => "native",
            ListingKind::External => "external",
            ListingKind::Partner => "partner",
            ListingKind::Quote => "quote",
            ListingKind::Voucher => "voucher",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "native" => Ok(ListingKind::Native),
            "external" => Ok(ListingKind::External),
            "partner" => Ok(ListingKind::Partner),
            "quote" => Ok(ListingKind::Quote),
            "voucher" => Ok(ListingKind::Voucher),
            _ => Err(DomainError::invalid("kind", "native, external, partner, quote or voucher")),
        }
    }

    /// External listings are bought elsewhere, quoted ones after a talk
    /// with the shop: no cart, no checkout here.
    pub fn sold_here(self) -> bool {
        !matches!(self, ListingKind::External | ListingKind::Quote)
    }
}

/// An absolute http(s) URL: where an external listing or a webhook points.
pub fn http_url(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let url = raw.trim();
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let host_ok = rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !host.contains(char::is_whitespace)
    });
    if !host_ok || url.len() > 2048 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(DomainError::invalid(field, "an absolute http:// or https:// URL"));
    }
    Ok(url.to_owned())
}

/// A URL-safe shop handle: lower-case letters, digits and dashes.
pub fn slug(raw: &str) -> Result<String, DomainError> {
    let s = raw.trim().to_lowercase();
    let valid = (2..=40).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if !valid {
        return Err(DomainError::invalid("slug", "2 to 40 lower-case letters, digits or dashes"));
    }
    Ok(s)
}

/// The image formats Haul accepts, recognised from the file's first bytes
/// rather than its name or the client's claimed type.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// What a card says a product costs now (all in minor units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceNow {
    /// What one shopper pays now, alone and at once.
    pub price: i64,
    /// The list price, when a running deal undercuts it.
    pub was: Option<i64>,
    /// When that deal price ends (Unix ms).
    pub deal_ends_at: Option<i64>,
    /// The price in a team, when it is lower than `price`.
    pub team: Option<i64>,
}

/// The price now from the lowest list price, the deals running now with
/// units left (`(price, ends_at)`), and the lowest team price.
pub fn price_now(list: i64, deals: impl IntoIterator<Item = (i64, i64)>, team: Option<i64>) -> PriceNow {
    let best = deals.into_iter().filter(|(p, _)| *p < list).min_by_key(|(p, ends)| (*p, *ends));
    let price = best.map_or(list, |(p, _)| p);
    PriceNow { price, was: best.map(|_| list), deal_ends_at: best.map(|(_, e)| e), team: team.filter(|t| *t < price) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_http_urls_pass() {
        assert!(http_url("url", "https://item.jd.com/100.html").is_ok());
        assert!(http_url("url", "http://127.0.0.1:9000/hook").is_ok());
        for bad in ["javascript:alert(1)", "ftp://x", "https://", "//x.com", "https://a b.com", "x"] {
            assert!(http_url("url", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slug(" Fresh-Fruit ").unwrap(), "fresh-fruit");
        for bad in ["a", "-x", "x-", "水果", "a b", &"x".repeat(41)] {
            assert!(slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn images_are_recognised_by_their_bytes() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff_image(b"RIFF0000WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_image(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff_image(b""), None);
    }

    #[test]
    fn external_listings_are_not_sold_here() {
        assert!(!ListingKind::External.sold_here());
        assert!(ListingKind::Native.sold_here());
        assert!(ListingKind::Partner.sold_here());
    }

    #[test]
    fn the_price_now_is_the_best_running_deal_and_a_team_price_only_when_lower() {
        assert_eq!(price_now(1990, [], None), PriceNow { price: 1990, was: None, deal_ends_at: None, team: None });
        let now = price_now(1990, [(990, 500), (1200, 100), (2500, 50)], Some(1500));
        assert_eq!(
            now,
            PriceNow { price: 990, was: Some(1990), deal_ends_at: Some(500), team: None },
            "a team at 15 is no better than the deal"
        );
        assert_eq!(price_now(1990, [], Some(1500)).team, Some(1500));
        assert_eq!(price_now(1990, [(2500, 9)], None).was, None, "a 'deal' above the list price is not shown as one");
    }
}
