//! Live pages: the rooms list, the room (video, chat, bag, pinned product,
//! deals, ticker; the page's script speaks the hub's protocol over
//! WebSocket), and the host's console (encoder settings, bag, pin, end,
//! figures). Going live starts in the studio.

use super::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, money, render, see_other, see_other_saying};
use crate::AppState;
use crate::auth::WebUser;
use crate::error::AppError;
use crate::extract::Path;
use crate::live::LiveHub;
use crate::services::live::{FiguresView, NewRoomInput, create_room, end_stream, pin_product, replace_bag, runs_room};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::ids::RoomId;
use haul_domain::live::RoomStatus;
use haul_domain::page::PageRequest;
use haul_store::live::{BagEntry, Room};
use serde::Deserialize;

pub struct SkuChoice {
    pub id: i64,
    pub options: String,
    pub price: String,
    pub stock: i64,
}

pub struct BagCard {
    pub product_id: i64,
    pub title: String,
    pub price: String,
    pub skus: Vec<SkuChoice>,
    /// Sold by quote: the bag asks for one instead of buying.
    pub quote: bool,
}

/// A room's status as a word of the page's language.
pub fn room_status(status: RoomStatus) -> String {
    let lang = crate::i18n::current();
    match status {
        RoomStatus::Scheduled => lang.t("live-status-scheduled"),
        RoomStatus::Live => lang.t("live-status-live"),
        RoomStatus::Ended => lang.t("live-status-ended"),
    }
}

fn cards(bag: Vec<BagEntry>) -> Vec<BagCard> {
    bag.into_iter()
        .map(|e| BagCard {
            product_id: e.item.product_id,
            quote: e.item.kind == "quote",
            price: money(e.item.min_price_minor.unwrap_or(0), &e.item.currency),
            title: e.item.title,
            skus: e
                .skus
                .into_iter()
                .map(|s| SkuChoice { id: s.id, price: money(s.price_minor, &s.currency), options: s.options, stock: s.stock })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "live_list.html")]
struct ListPage {
    layout: Layout,
    live: Vec<Room>,
    upcoming: Vec<Room>,
    replays: Vec<Room>,
}

pub async fn list(State(state): State<AppState>, WebUser(user): WebUser, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    let page = PageRequest::parse(Some(30), None)?;
    Ok(render(&ListPage {
        layout: Layout::new(user, &csrf),
        live: state.db.rooms(RoomStatus::Live, &page).await?.items,
        upcoming: state.db.rooms(RoomStatus::Scheduled, &page).await?.items,
        replays: state.db.rooms(RoomStatus::Ended, &page).await?.items.into_iter().filter(|r| r.has_replay == 1).collect(),
    }))
}

#[derive(Template)]
#[template(path = "live_room.html")]
struct RoomPage {
    layout: Layout,
    room: Room,
    hls: Option<String>,
    bag: Vec<BagCard>,
    runs: bool,
    key: String,
    /// The viewer asked to be told when it goes live.
    reminded: bool,
    /// Scheduled, and its start time has passed: "starting soon".
    late: bool,
    /// The room's own coupons, claimed here while it is live.
    coupons: Vec<super::coupons::CouponCard>,
}

pub async fn room(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    let room = state.db.room(RoomId(id)).await?;
    let (runs, reminded) = match &user {
        Some(u) => (runs_room(&state, u, &room).await?, state.db.reminded(RoomId(id), u.user_id()).await?),
        None => (false, false),
    };
    let late = room.status == RoomStatus::Scheduled && state.clock.now().millis() >= room.starts_at;
    let coupons = super::coupons::for_room(&state, &room).await?;
    Ok(render(&RoomPage {
        coupons,
        hls: LiveHub::hls_path(room.id, room.status, room.has_replay == 1),
        bag: cards(state.db.bag(RoomId(id)).await?),
        layout: Layout::new(user, &csrf),
        room,
        runs,
        key: crate::auth::random_token(),
        reminded,
        late,
    }))
}

#[derive(Template)]
#[template(path = "live_host.html")]
struct HostPage {
    layout: Layout,
    room: Room,
    server: String,
    stream_key: String,
    bag: Vec<BagCard>,
    bag_ids: String,
    figures: FiguresView,
    /// Minute by minute: viewers, and orders paid.
    viewers_chart: String,
    orders_chart: String,
    currency: String,
    grace: u64,
}

/// The session's minutes from going live to its end (or now), at most a
/// day's, in Beijing time: the most viewers at once and the orders paid.
fn minute_charts(room: &Room, f: &FiguresView, now: i64) -> Option<(String, String)> {
    use haul_domain::analytics::Grain;
    let start = Grain::Minute.floor(room.went_live_at?);
    // The minute it ended in is not one of its own.
    let end = Grain::Minute.floor(room.ended_at.map_or(now, |e| e - 1)).min(start + 1_440 * 60_000);
    let minutes: Vec<i64> = (start..=end).step_by(60_000).collect();
    let label = |ms: i64| {
        let time = haul_domain::community::local_date_time(haul_domain::Timestamp::from_millis(ms), 480);
        time[11..].to_owned()
    };
    let labels: Vec<String> = minutes.iter().map(|m| label(*m)).collect();
    let viewers = minutes.iter().map(|m| f.viewers_by_minute.iter().find(|v| v.minute_ms == *m).map_or(0, |v| v.viewers)).collect();
    let orders: Vec<i64> = minutes.iter().map(|m| f.sales_by_minute.iter().filter(|s| s.minute_ms == *m).map(|s| s.orders).sum()).collect();
    let lang = crate::i18n::current();
    let title = lang.t("live-viewers-by-minute");
    let viewers = super::charts::lines(&title, &labels, &[super::charts::Series { class: "gross", values: viewers }], |n| n.to_string());
    Some((viewers, super::charts::columns(&lang.t("live-orders-by-minute"), &labels, &orders)))
}

async fn host_page(state: &AppState, user: haul_store::accounts::User, csrf: &CsrfToken, id: i64, notice: Option<String>) -> PageResult {
    let room = state.db.room(RoomId(id)).await?;
    let figures = crate::services::live::room_figures(state, &user, id).await?;
    let (viewers_chart, orders_chart) = minute_charts(&room, &figures, state.clock.now().millis()).unwrap_or_default();
    let bag = state.db.bag(RoomId(id)).await?;
    let currency = bag.first().map(|b| b.item.currency.clone()).unwrap_or_else(|| "CNY".into());
    Ok(render(&HostPage {
        layout: Layout::new(Some(user), csrf).with_notice(notice),
        server: state.config.rtmp_url.clone(),
        stream_key: format!("{}?key={}", room.id, state.db.room_stream_key(RoomId(id)).await?),
        bag_ids: bag.iter().map(|b| b.item.product_id.to_string()).collect::<Vec<_>>().join(", "),
        bag: cards(bag),
        figures,
        viewers_chart,
        orders_chart,
        currency,
        grace: state.config.live_end_grace_seconds,
        room,
    }))
}

/// The session's minutes as CSV (Beijing time, as the charts): the most
/// viewers at once and the orders paid, per currency.
pub async fn report_csv(State(state): State<AppState>, SignedIn(user): SignedIn, Path(id): Path<i64>) -> PageResult {
    let f = crate::services::live::room_figures(&state, &user, id).await?;
    let mut minutes: std::collections::BTreeMap<i64, (i64, Vec<&haul_store::analytics::RoomSalesMinute>)> = Default::default();
    for v in &f.viewers_by_minute {
        minutes.entry(v.minute_ms).or_default().0 = v.viewers;
    }
    for s in &f.sales_by_minute {
        minutes.entry(s.minute_ms).or_default().1.push(s);
    }
    let mut out = String::from("minute,viewers,orders,gmv,currency\n");
    for (minute, (viewers, sales)) in minutes {
        let at = haul_domain::community::local_date_time(haul_domain::Timestamp::from_millis(minute), 480);
        match sales.as_slice() {
            [] => out.push_str(&format!("{at},{viewers},0,,\n")),
            sales => {
                for s in sales {
                    let gmv = crate::csv::amount(s.gross_minor, &s.currency);
                    out.push_str(&format!("{at},{viewers},{},{gmv},{}\n", s.orders, s.currency));
                }
            }
        }
    }
    Ok(crate::csv::download(&format!("haul-live-{id}.csv"), out))
}

pub async fn host(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    host_page(&state, user, &csrf, id, None).await
}

/// Product numbers or links, separated by commas, spaces or lines.
fn products_in(text: &str) -> Result<Vec<i64>, haul_domain::DomainError> {
    text.split([',', '\n', ' ']).filter(|s| !s.trim().is_empty()).map(super::layout::product_in).collect()
}

#[derive(Deserialize)]
pub struct NewRoomForm {
    title: String,
    /// Unix milliseconds, from the page's date picker in the browser's zone.
    starts_at: Option<String>,
    #[serde(default)]
    products: String,
}

pub async fn create(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<NewRoomForm>) -> PageResult {
    let starts_at = match f.starts_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(ms) => Some(ms.parse::<i64>().map_err(|_| haul_domain::DomainError::invalid("starts_at", "a start time"))?),
        None => None,
    };
    let input = NewRoomInput { title: f.title, starts_at, shop_id: None, product_ids: products_in(&f.products)? };
    let room = create_room(&state, &user, &input).await?;
    Ok(see_other(&format!("/live/{}/host", room.id)))
}

#[derive(Deserialize)]
pub struct BagForm {
    products: String,
}

pub async fn bag(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<BagForm>,
) -> PageResult {
    let result = async { replace_bag(&state, &user, id, &products_in(&f.products)?).await }.await;
    match result {
        Ok(()) => Ok(see_other(&format!("/live/{id}/host"))),
        Err(e) => host_page(&state, user, &csrf, id, Some(e.localized_message())).await,
    }
}

#[derive(Deserialize)]
pub struct PinForm {
    product_id: Option<i64>,
}

pub async fn pin(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<PinForm>,
) -> PageResult {
    pin_product(&state, &user, id, f.product_id).await?;
    Ok(see_other(&format!("/live/{id}/host")))
}

pub async fn cover(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    mut form: axum::extract::Multipart,
) -> PageResult {
    super::layout::check_multipart_csrf(&mut form, &csrf).await?;
    let result = async {
        let bytes = crate::services::catalog::read_file_field(form, state.config.max_upload_bytes).await?;
        crate::services::live::set_cover(&state, &user, id, &bytes).await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/live/{id}/host"))),
        Err(e) => host_page(&state, user, &csrf, id, Some(e.localized_message())).await,
    }
}

pub async fn end(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(_): CheckedForm<super::layout::NoFields>,
) -> PageResult {
    let room = state.db.room(RoomId(id)).await?;
    if !runs_room(&state, &user, &room).await? {
        return Err(AppError::forbidden().into());
    }
    end_stream(&state, id).await?;
    Ok(see_other(&format!("/live/{id}/host")))
}

#[derive(Deserialize)]
pub struct RemindForm {
    on: bool,
}

pub async fn remind(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<RemindForm>,
) -> PageResult {
    crate::services::live::remind(&state, &user, id, f.on).await?;
    let lang = crate::i18n::current();
    Ok(see_other_saying(&format!("/live/{id}"), &lang.t(if f.on { "live-reminder-set" } else { "live-reminder-off" })))
}
