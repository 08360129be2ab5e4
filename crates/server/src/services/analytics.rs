//! Sales figures: the public best-seller lists and a shop's dashboard, read
//! from the rollups the analytics worker keeps (`store::analytics`). Every
//! figure is defined in `docs/ANALYTICS.md`.

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::error::AppResult;
use haul_domain::DomainError;
use haul_domain::affiliate::TouchKind;
use haul_domain::analytics::{self, DaySpan, Metric, Subject, Window};
use haul_domain::ids::RoomId;
use haul_domain::ids::ShopId;
use haul_store::accounts::User;
use haul_store::analytics::{ChannelSales, ContentOf, ContentSales, ProductSales, ShopSales, WindowFilter};
use haul_store::live::Session;
use haul_store::orders::OrderDetail;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use utoipa::{IntoParams, ToSchema};

/// Where a viewer's days start when they do not say: Beijing, the home of
/// the apps Haul learns from.
pub const DEFAULT_OFFSET_MINUTES: i64 = 480;
pub const MAX_LIST: i64 = 100;

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct BestSellersQuery {
    /// `1h`, `24h`, `7d` (the default) or `30d`, ending now.
    pub window: Option<String>,
    /// `units` (the default) or `gmv`.
    pub by: Option<String>,
    pub category_id: Option<i64>,
    pub shop_id: Option<i64>,
    /// 1 to 100; 20 if left out.
    pub limit: Option<i64>,
}

/// The best-selling products over a rolling window.
pub async fn best_sellers(state: &AppState, q: &BestSellersQuery) -> AppResult<(Window, Vec<ProductSales>)> {
    let window = match q.window.as_deref() {
        None | Some("") => Window::Week,
        Some(w) => Window::parse(w).map_err(|_| DomainError::invalid("window", "1h, 24h, 7d or 30d"))?,
    };
    let by_gmv = match q.by.as_deref() {
        None | Some("") | Some("units") => false,
        Some("gmv") => true,
        Some(_) => return Err(DomainError::invalid("by", "units or gmv").into()),
    };
    let limit = q.limit.unwrap_or(20);
    if !(1..=MAX_LIST).contains(&limit) {
        return Err(DomainError::invalid("limit", format!("1 to {MAX_LIST}")).into());
    }
    let filter = match (q.category_id, q.shop_id) {
        (None, None) => WindowFilter::All,
        (Some(category), None) => WindowFilter::Category(category),
        (None, Some(shop)) => WindowFilter::Shop(shop),
        (Some(_), Some(_)) => return Err(DomainError::invalid("shop_id", "a category or a shop, not both").into()),
    };
    Ok((window, state.db.window_best_sellers(window, filter, by_gmv, limit).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct DashboardQuery {
    /// The first and last day shown (`YYYY-MM-DD`, both included); the last 30 days if left out.
    pub from: Option<String>,
    pub to: Option<String>,
    /// The viewer's time zone, in whole hours east of UTC (minutes); Beijing's if left out.
    pub tz_offset_minutes: Option<i64>,
}

/// A shop's figures in one currency over the span.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Totals {
    pub currency: String,
    pub orders: i64,
    pub gmv_minor: i64,
    /// GMV less what was refunded of it.
    pub net_gmv_minor: i64,
    pub average_order_minor: Option<i64>,
    /// Refunds made in the span, their amount, and per order (basis points).
    pub refunds: i64,
    pub refunds_minor: i64,
    pub refund_rate_bps: Option<i64>,
}

/// One calendar day of a shop's sales in one currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Day {
    /// The day's start (UTC milliseconds) and its date in the viewer's zone.
    pub day_ms: i64,
    pub date: String,
    pub currency: String,
    pub orders: i64,
    pub gmv_minor: i64,
    pub net_gmv_minor: i64,
    pub refunds_minor: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    pub shop_id: i64,
    pub from: String,
    pub to: String,
    pub tz_offset_minutes: i64,
    pub totals: Vec<Totals>,
    /// Distinct buyers in the span, exactly.
    pub buyers: i64,
    /// Every day of the span per currency sold in, empty days included.
    pub days: Vec<Day>,
    pub channels: Vec<ChannelSales>,
    pub top_products: Vec<ProductSales>,
    pub funnel: Funnel,
    /// The videos, notes, rooms and creators' links that sold most, by GMV net of refunds.
    pub top_content: Vec<ContentRow>,
    /// The shop's rooms that went live in the span, each with its report.
    pub sessions: Vec<Session>,
}

/// From being seen to being paid, over the span (docs/ANALYTICS.md).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Funnel {
    /// Showings of the shop's products on videos in feeds.
    pub impressions: i64,
    /// Openings of the shop's product pages.
    pub product_views: i64,
    /// New cart lines of the shop's products.
    pub cart_adds: i64,
    /// Orders placed, paid or not.
    pub orders_placed: i64,
    /// Orders paid (by payment time).
    pub orders_paid: i64,
    /// Paid orders ÷ product views (basis points).
    pub conversion_bps: Option<i64>,
}

/// A piece of content with what it did and what it sold over the span.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContentRow {
    #[serde(flatten)]
    pub sales: ContentSales,
    /// What it is called where it lives, shortened.
    pub title: Option<String>,
    /// Views of a video or a note in the span; a room's unique viewers.
    pub views: Option<i64>,
    /// Product cards tapped (videos).
    pub clicks: Option<i64>,
    pub net_gmv_minor: i64,
    /// Net GMV per thousand views.
    pub gpm_minor: Option<i64>,
}

/// Dashboards already counted, until the analytics worker's next pass (on
/// this node, or on another within a pass's interval) changes the figures.
pub struct Dashboards {
    pass: AtomicU64,
    kept: Mutex<HashMap<DashboardKey, KeptDashboard>>,
    /// Each dashboard counted once at a time: a crowd asking for one that is
    /// not kept waits for the first to count it, instead of all counting it.
    counting: Mutex<HashMap<DashboardKey, Arc<tokio::sync::Mutex<()>>>>,
    /// And at most two counted at once, whatever spans are asked for.
    slots: tokio::sync::Semaphore,
}

impl Default for Dashboards {
    fn default() -> Self {
        Dashboards { pass: AtomicU64::new(0), kept: Mutex::default(), counting: Mutex::default(), slots: tokio::sync::Semaphore::new(2) }
    }
}

/// `(shop, first day, end of the last, offset)`.
type DashboardKey = (i64, i64, i64, i64);
/// `(the pass it was counted after, when, the figures)`.
type KeptDashboard = (u64, i64, Arc<Dashboard>);

/// At most this many kept at once: enough for every shop whose staff are looking.
const DASHBOARDS_KEPT: usize = 512;

impl Dashboards {
    /// The figures moved on: what was counted before is stale.
    pub fn pass(&self) {
        self.pass.fetch_add(1, Ordering::Relaxed);
    }

    /// The turn to count a dashboard; turns nobody holds or waits for are
    /// forgotten once there are many.
    fn turn(&self, key: DashboardKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut counting = self.counting.lock().unwrap_or_else(|e| e.into_inner());
        if counting.len() >= DASHBOARDS_KEPT {
            counting.retain(|_, turn| Arc::strong_count(turn) > 1);
        }
        counting.entry(key).or_default().clone()
    }

    /// Keeps a dashboard, making room by forgetting the one counted longest ago.
    fn keep(&self, key: DashboardKey, pass: u64, now: haul_domain::Timestamp, dashboard: Arc<Dashboard>) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= DASHBOARDS_KEPT {
            kept.retain(|_, (at_pass, _, _)| *at_pass == pass);
            if let Some(oldest) = kept.iter().min_by_key(|(_, (_, at, _))| *at).map(|(key, _)| *key) {
                kept.remove(&oldest);
            }
        }
        kept.insert(key, (pass, now.millis(), dashboard));
    }

    /// A dashboard counted after this node's latest pass, within a pass's interval.
    fn kept(&self, state: &AppState, key: DashboardKey, pass: u64, now: haul_domain::Timestamp) -> Option<Arc<Dashboard>> {
        let fresh_ms = state.config.worker_interval_seconds as i64 * 1000;
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(&key).filter(|(at_pass, at, _)| *at_pass == pass && now.millis() - at < fresh_ms).map(|(_, _, d)| d.clone())
    }
}

/// A shop's dashboard: its staff only.
pub async fn dashboard(state: &AppState, user: &User, shop: ShopId, q: &DashboardQuery) -> AppResult<Arc<Dashboard>> {
    require_shop_staff(state, user, shop).await?;
    let offset = analytics::offset_minutes(q.tz_offset_minutes, DEFAULT_OFFSET_MINUTES)?;
    let now = state.clock.now();
    let span = DaySpan::parse(q.from.as_deref(), q.to.as_deref(), offset, now)?;
    let key = (shop.get(), span.from, span.to, offset);
    let pass = state.dashboards.pass.load(Ordering::Relaxed);
    if let Some(kept) = state.dashboards.kept(state, key, pass, now) {
        return Ok(kept);
    }
    let turn = state.dashboards.turn(key);
    let _turn = turn.lock().await;
    if let Some(kept) = state.dashboards.kept(state, key, pass, now) {
        return Ok(kept);
    }
    let _slot = state.dashboards.slots.acquire().await.map_err(crate::error::AppError::internal)?;
    let counted = Arc::new(count_dashboard(state, shop, span, offset).await?);
    state.dashboards.keep(key, pass, now, counted.clone());
    Ok(counted)
}

async fn count_dashboard(state: &AppState, shop: ShopId, span: DaySpan, offset: i64) -> AppResult<Dashboard> {
    let hours = state.db.shop_sales_by_hour(shop.get(), span.from, span.to).await?;
    let (totals, days) = sum_days(&hours, span, offset);
    let mut funnel = Funnel { orders_paid: totals.iter().map(|t| t.orders).sum(), ..Funnel::default() };
    for (metric, n) in state.db.shop_activity(shop.get(), span.from, span.to).await? {
        match Metric::parse(&metric) {
            Ok(Metric::Impression) => funnel.impressions = n,
            Ok(Metric::View) => funnel.product_views = n,
            Ok(Metric::Cart) => funnel.cart_adds = n,
            Ok(Metric::Order) => funnel.orders_placed = n,
            _ => {}
        }
    }
    funnel.conversion_bps = analytics::rate_bps(funnel.orders_paid, funnel.product_views);
    let top = state.db.top_content(ContentOf::Shop(shop.get()), span.from, span.to, 10).await?;
    let date = |ms| haul_domain::community::local_date(haul_domain::Timestamp::from_millis(ms), offset);
    Ok(Dashboard {
        shop_id: shop.get(),
        from: date(span.from),
        to: date(span.to - 86_400_000),
        tz_offset_minutes: offset,
        totals,
        buyers: state.db.shop_buyer_count(shop.get(), span.from, span.to).await?,
        days,
        channels: state.db.shop_sales_by_channel(shop.get(), span.from, span.to).await?,
        top_products: state.db.shop_best_sellers(shop.get(), span.from, span.to, 10).await?,
        funnel,
        top_content: content_rows(state, top, span.from, span.to).await?,
        sessions: state.db.shop_sessions(shop, span.from, span.to).await?,
    })
}

/// Hours of sales summed per currency and per calendar day in the viewer's
/// zone, every day of the span shown (empty ones as zero).
pub fn sum_days(hours: &[ShopSales], span: DaySpan, offset: i64) -> (Vec<Totals>, Vec<Day>) {
    let mut totals: BTreeMap<String, Totals> = BTreeMap::new();
    let mut days: BTreeMap<(String, i64), Day> = BTreeMap::new();
    for h in hours {
        let t = totals.entry(h.currency.clone()).or_insert_with(|| Totals { currency: h.currency.clone(), ..Totals::default() });
        t.orders += h.orders;
        t.gmv_minor += h.gross_minor;
        t.net_gmv_minor += h.gross_minor - h.refunded_minor;
        t.refunds += h.refunds;
        t.refunds_minor += h.refunds_minor;
        let day = analytics::local_day(h.bucket_ms, offset);
        let d = days.entry((h.currency.clone(), day)).or_insert_with(|| empty_day(&h.currency, day, offset));
        d.orders += h.orders;
        d.gmv_minor += h.gross_minor;
        d.net_gmv_minor += h.gross_minor - h.refunded_minor;
        d.refunds_minor += h.refunds_minor;
    }
    for t in totals.values_mut() {
        t.average_order_minor = analytics::average_order(t.gmv_minor, t.orders);
        t.refund_rate_bps = analytics::rate_bps(t.refunds, t.orders);
    }
    for currency in totals.keys() {
        for day in span.days() {
            days.entry((currency.clone(), day)).or_insert_with(|| empty_day(currency, day, offset));
        }
    }
    (totals.into_values().collect(), days.into_values().collect())
}

/// Adds what the content did (views, clicks) to what it sold.
pub async fn content_rows(state: &AppState, sales: Vec<ContentSales>, from: i64, to: i64) -> AppResult<Vec<ContentRow>> {
    let ids = |kind: &str| sales.iter().filter(|s| s.subject_kind == kind).map(|s| s.subject_id).collect::<Vec<_>>();
    let mut counts: BTreeMap<(&str, i64, String), i64> = BTreeMap::new();
    for (kind, subject) in [("video", Subject::Video), ("note", Subject::Note)] {
        for c in state.db.activity_of(subject, &ids(kind), from, to).await? {
            counts.insert((kind, c.subject_id, c.metric), c.count);
        }
    }
    let mut rows = Vec::new();
    for s in sales {
        let views = match s.subject_kind.as_str() {
            "video" | "note" => Some(counts.get(&(s.subject_kind.as_str(), s.subject_id, "view".to_owned())).copied().unwrap_or(0)),
            "live_room" => Some(state.db.room_counts(RoomId(s.subject_id), state.clock.now()).await?.unique_viewers),
            _ => None,
        };
        let clicks = (s.subject_kind == "video").then(|| counts.get(&("video", s.subject_id, "click".to_owned())).copied().unwrap_or(0));
        let net = s.gross_minor - s.refunded_minor;
        let title = match TouchKind::parse(&s.subject_kind) {
            Ok(kind) => crate::services::earnings::content_title(state, kind, s.subject_id).await,
            Err(_) => None,
        };
        rows.push(ContentRow {
            views,
            clicks,
            title,
            net_gmv_minor: net,
            gpm_minor: views.and_then(|v| analytics::gpm_minor(net, v)),
            sales: s,
        });
    }
    Ok(rows)
}

fn empty_day(currency: &str, day: i64, offset: i64) -> Day {
    Day {
        day_ms: day,
        date: haul_domain::community::local_date(haul_domain::Timestamp::from_millis(day), offset),
        currency: currency.to_owned(),
        orders: 0,
        gmv_minor: 0,
        net_gmv_minor: 0,
        refunds_minor: 0,
    }
}

/// An order placed: the metric, and the shop's funnel.
pub fn order_placed(state: &AppState, order: &OrderDetail) {
    crate::metrics::order_placed();
    let now = state.clock.now();
    state.tally.count(Subject::Shop, order.order.shop_id, Metric::Order, order.order.shop_id, now);
}

/// A product's page opened (the web page or the API's detail).
pub fn product_viewed(state: &AppState, product: i64, shop: i64) {
    state.tally.count(Subject::Product, product, Metric::View, shop, state.clock.now());
}

/// A note opened.
pub fn note_viewed(state: &AppState, note: i64) {
    state.tally.count(Subject::Note, note, Metric::View, 0, state.clock.now());
}
