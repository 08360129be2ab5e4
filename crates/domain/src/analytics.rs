//! Analytics: how a sale is counted (its channel, its buckets, what a
//! refund takes off) and the ratios shown beside the sums. Every figure is
//! defined in `docs/ANALYTICS.md`; the rollups that hold the sums are kept
//! by `store::analytics`.

use crate::Timestamp;
use crate::affiliate::TouchKind;

crate::status_enum! {
    /// Where a sale came from, as the dashboards split it.
    pub enum Channel {
        FlashDeal = "flash_deal",
        TeamBuy = "team_buy",
        Community = "community",
        Live = "live",
        Video = "video",
        Note = "note",
        Showcase = "showcase",
        ShareLink = "share_link",
        /// Found by search or by browsing the catalog: no content or mechanism sold it.
        Browse = "search_browse",
    }
}

/// What an order line knows of how it was sold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineOrigin {
    pub deal: bool,
    pub team: bool,
    pub campaign: bool,
    /// The content credited with the line, if any.
    pub touch: Option<TouchKind>,
    /// The live room or video whose buy button placed the order.
    pub room: bool,
    pub video: bool,
}

/// A line's channel: the way of selling it went through first (a flash
/// deal, a team, a community campaign), then the content credited with it,
/// then the buy button it was placed from; otherwise search and browse.
pub fn channel(o: &LineOrigin) -> Channel {
    if o.deal {
        return Channel::FlashDeal;
    }
    if o.team {
        return Channel::TeamBuy;
    }
    if o.campaign {
        return Channel::Community;
    }
    match o.touch {
        Some(TouchKind::Video) => Channel::Video,
        Some(TouchKind::Note) => Channel::Note,
        Some(TouchKind::Showcase) => Channel::Showcase,
        Some(TouchKind::ShareLink) => Channel::ShareLink,
        Some(TouchKind::LiveRoom) => Channel::Live,
        Some(TouchKind::Community) => Channel::Community,
        None if o.room => Channel::Live,
        None if o.video => Channel::Video,
        None => Channel::Browse,
    }
}

/// What a line's sale is credited to, as `(kind, id)`: the touch
/// attribution chose (a community campaign's is its leader's), else the
/// live room or video whose buy button placed the order.
pub fn credited_content(touch: Option<(TouchKind, i64)>, room: Option<i64>, video: Option<i64>) -> Option<(TouchKind, i64)> {
    match (touch, room, video) {
        (Some(t), _, _) => Some(t),
        (None, Some(room), _) => Some((TouchKind::LiveRoom, room)),
        (None, None, Some(video)) => Some((TouchKind::Video, video)),
        (None, None, None) => None,
    }
}

crate::status_enum! {
    /// What an activity count is about.
    pub enum Subject {
        Product = "product",
        Shop = "shop",
        Video = "video",
        Note = "note",
        /// The feed as a whole, under a policy (its id: `policy_id`).
        Feed = "feed",
    }
}

crate::status_enum! {
    /// What was done, as the funnel and the content tables count it.
    pub enum Metric {
        /// Shown in a feed (a product: on a video shown that carries its card).
        Impression = "impression",
        /// A video watched, a note or a product page opened.
        View = "view",
        /// A product card tapped on a video.
        Click = "click",
        Share = "share",
        /// Put in a cart.
        Cart = "cart",
        /// An order placed (paid or not).
        Order = "order",
        /// Shown in a feed, a video that sells hard (`HARD_SELL_MILLI` or more).
        HardSellImpression = "hard_sell_impression",
    }
}

/// A video sells hard from this score on (0 to 1000): most of the seeds'
/// signals fire (price talk, urgency, discounts, links).
pub const HARD_SELL_MILLI: i64 = 500;

/// How the feed's policy is counted: 0 content-first, 1 commerce-first.
pub fn policy_id(policy: crate::feed::hard_sell::Policy) -> i64 {
    i64::from(policy == crate::feed::hard_sell::Policy::CommerceFirst)
}

crate::status_enum! {
    /// The size of a rollup's buckets.
    pub enum Grain { Minute = "minute", Hour = "hour" }
}

impl Grain {
    pub fn millis(self) -> i64 {
        match self {
            Grain::Minute => 60_000,
            Grain::Hour => 3_600_000,
        }
    }

    /// The start of the bucket `at` falls in.
    pub fn floor(self, at: i64) -> i64 {
        at.div_euclid(self.millis()) * self.millis()
    }
}

/// How long minute buckets are kept: enough for the rolling 24 hours.
pub const MINUTES_KEPT_MS: i64 = 48 * 3_600_000;

crate::status_enum! {
    /// A rolling window ending now.
    pub enum Window { Hour = "1h", Day = "24h", Week = "7d", Month = "30d" }
}

impl Window {
    pub fn millis(self) -> i64 {
        match self {
            Window::Hour => 3_600_000,
            Window::Day => 86_400_000,
            Window::Week => 7 * 86_400_000,
            Window::Month => 30 * 86_400_000,
        }
    }

    /// The buckets that answer it: minutes for the last hour and day, hours beyond.
    pub fn grain(self) -> Grain {
        match self {
            Window::Hour | Window::Day => Grain::Minute,
            Window::Week | Window::Month => Grain::Hour,
        }
    }

    /// The first bucket inside the window ending at `now`: a whole bucket,
    /// so a window counts to the minute (or the hour) it started in.
    pub fn since(self, now: Timestamp) -> i64 {
        self.grain().floor(now.millis() - self.millis() + self.grain().millis() - 1)
    }
}

/// The units of a line that count as returned: the refunded share of what
/// the line was paid, in whole units rounded down (a partial refund of money
/// without a return leaves the units sold).
pub fn units_back(quantity: i64, paid_minor: i64, refunded_minor: i64) -> i64 {
    if refunded_minor <= 0 {
        return 0;
    }
    if paid_minor <= 0 || refunded_minor >= paid_minor {
        return quantity;
    }
    (i128::from(quantity) * i128::from(refunded_minor) / i128::from(paid_minor)) as i64
}

/// The average order value: GMV over orders, rounded down; none without orders.
pub fn average_order(gmv_minor: i64, orders: i64) -> Option<i64> {
    (orders > 0).then(|| gmv_minor / orders)
}

/// A share in basis points (1 = 0.01%), rounded down; none of nothing.
pub fn rate_bps(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (i128::from(part.max(0)) * 10_000 / i128::from(whole)) as i64)
}

/// GMV per thousand views; none without views.
pub fn gpm_minor(gmv_minor: i64, views: i64) -> Option<i64> {
    (views > 0).then(|| (i128::from(gmv_minor) * 1_000 / i128::from(views)) as i64)
}

/// The start of the calendar day `at` falls in, for a viewer `offset_minutes`
/// east of UTC (whole hours, so an hour bucket lies in one day).
pub fn local_day(at: i64, offset_minutes: i64) -> i64 {
    let offset = offset_minutes * 60_000;
    (at + offset).div_euclid(86_400_000) * 86_400_000 - offset
}

/// A viewer's offset as given: whole hours from UTC−12 to UTC+14.
pub fn offset_minutes(raw: Option<i64>, default: i64) -> Result<i64, crate::DomainError> {
    let offset = raw.unwrap_or(default);
    if offset % 60 != 0 || !(-12 * 60..=14 * 60).contains(&offset) {
        return Err(crate::DomainError::invalid("tz_offset_minutes", "whole hours from -720 to 840"));
    }
    Ok(offset)
}

/// The most days a dashboard spans.
pub const MAX_DAYS: i64 = 366;

/// Whole calendar days in a viewer's time zone, as they pick them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySpan {
    /// The first day's start, and the end of the last (excluded), in UTC milliseconds.
    pub from: i64,
    pub to: i64,
    pub offset_minutes: i64,
}

impl DaySpan {
    /// `from` and `to` as `YYYY-MM-DD`, both included; the last 30 days to
    /// today when left out.
    pub fn parse(from: Option<&str>, to: Option<&str>, offset_minutes: i64, now: Timestamp) -> Result<DaySpan, crate::DomainError> {
        let day = 86_400_000;
        let offset = offset_minutes * 60_000;
        let last = match to.filter(|t| !t.trim().is_empty()) {
            Some(t) => date_days("to", t)? * day - offset,
            None => local_day(now.millis(), offset_minutes),
        };
        let first = match from.filter(|f| !f.trim().is_empty()) {
            Some(f) => date_days("from", f)? * day - offset,
            None => last - 29 * day,
        };
        if first > last || (last - first) / day >= MAX_DAYS {
            return Err(crate::DomainError::invalid("from", format!("on or before the last day, at most {MAX_DAYS} days")));
        }
        Ok(DaySpan { from: first, to: last + day, offset_minutes })
    }

    /// Each day's start.
    pub fn days(&self) -> impl Iterator<Item = i64> {
        (self.from..self.to).step_by(86_400_000)
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub(crate) fn date_days(field: &'static str, text: &str) -> Result<i64, crate::DomainError> {
    let bad = || crate::DomainError::invalid(field, "a date such as 2026-12-01");
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [y, m, d] = parts[..] else { return Err(bad()) };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (y, m, d): (i64, u32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    let days = crate::community::days_from_civil(y, m, d);
    // A day that does not exist (02-30) comes back as another date.
    if !(1..=12).contains(&m) || d == 0 || crate::community::local_date(Timestamp::from_millis(days * 86_400_000), 0) != text.trim() {
        return Err(bad());
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sale_is_credited_to_its_touch_then_to_the_buy_button_it_came_from() {
        let video = Some((TouchKind::Video, 7));
        assert_eq!(credited_content(video, Some(3), None), video, "the touch first");
        assert_eq!(credited_content(None, Some(3), Some(9)), Some((TouchKind::LiveRoom, 3)));
        assert_eq!(credited_content(None, None, Some(9)), Some((TouchKind::Video, 9)));
        assert_eq!(credited_content(Some((TouchKind::Community, 4)), None, None), Some((TouchKind::Community, 4)));
        assert_eq!(credited_content(None, None, None), None);
    }

    #[test]
    fn a_line_takes_the_first_channel_it_went_through() {
        let deal_in_a_room = LineOrigin { deal: true, room: true, touch: Some(TouchKind::LiveRoom), ..LineOrigin::default() };
        assert_eq!(channel(&deal_in_a_room), Channel::FlashDeal);
        assert_eq!(channel(&LineOrigin { touch: Some(TouchKind::Note), video: true, ..LineOrigin::default() }), Channel::Note);
        assert_eq!(channel(&LineOrigin { room: true, ..LineOrigin::default() }), Channel::Live);
        assert_eq!(channel(&LineOrigin::default()), Channel::Browse);
    }

    #[test]
    fn windows_start_at_whole_buckets() {
        let now = Timestamp::from_millis(1_800_000_000_000 + 90_000);
        assert_eq!(Window::Hour.since(now) % 60_000, 0);
        assert!(now.millis() - Window::Hour.since(now) <= 3_600_000);
        assert!(now.millis() - Window::Hour.since(now) > 3_600_000 - 60_000);
        assert_eq!(Window::Week.since(now) % 3_600_000, 0);
        assert_eq!(Window::Week.grain(), Grain::Hour);
        assert_eq!(Grain::Minute.floor(-1), -60_000);
    }

    #[test]
    fn returned_units_follow_the_refunded_share() {
        assert_eq!(units_back(2, 3_480, 1_740), 1);
        assert_eq!(units_back(2, 3_480, 500), 0, "money back without a return");
        assert_eq!(units_back(3, 3_000, 3_000), 3);
        assert_eq!(units_back(1, 0, 1), 1);
        assert_eq!(units_back(4, 1_000, 0), 0);
    }

    #[test]
    fn ratios_of_nothing_are_none() {
        assert_eq!(average_order(10_000, 3), Some(3_333));
        assert_eq!(average_order(0, 0), None);
        assert_eq!(rate_bps(1, 3), Some(3_333));
        assert_eq!(gpm_minor(5_000, 2_000), Some(2_500));
        assert_eq!(gpm_minor(5_000, 0), None);
    }

    #[test]
    fn days_are_the_viewers() {
        // 2026-11-30 17:00 UTC is 2026-12-01 01:00 in Beijing.
        let at = 1_796_058_000_000;
        assert_eq!(local_day(at, 0), 1_795_996_800_000, "2026-11-30 00:00 UTC");
        assert_eq!(local_day(at, 480), 1_796_054_400_000, "2026-12-01 00:00 in Beijing, 16:00 UTC the day before");
        assert!(offset_minutes(Some(330), 0).is_err(), "whole hours only");
        let span = DaySpan::parse(Some("2026-11-01"), Some("2026-11-30"), 480, Timestamp::from_millis(at)).unwrap();
        assert_eq!(span.days().count(), 30);
        assert_eq!(span.to, local_day(at, 480), "through the end of Beijing's 30 November");
        let last_30 = DaySpan::parse(None, None, 480, Timestamp::from_millis(at)).unwrap();
        assert_eq!((last_30.days().count(), last_30.to), (30, local_day(at, 480) + 86_400_000), "to the end of today");
        for bad in [("2026-02-30", "2026-03-01"), ("2026-12-01", "2026-11-01"), ("2025-01-01", "2026-12-01"), ("26-1-1", "2026-01-02")] {
            assert!(DaySpan::parse(Some(bad.0), Some(bad.1), 0, Timestamp::from_millis(at)).is_err(), "{bad:?}");
        }
        assert_eq!(offset_minutes(None, 480), Ok(480));
    }
}
