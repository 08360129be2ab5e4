//! The vertical video feed for phones (swipe up for the next), a single
//! video's page, a creator's profile and the creator studio. The feed page
//! is server-rendered; a little JavaScript plays the visible video, reports
//! watch time, likes without a reload and fetches more slides.

use super::layout::{CsrfToken, Layout, PageResult, PriceTag, SignedIn, money, render, see_other};
use crate::AppState;
use crate::auth::WebUser;
use crate::error::AppError;
use crate::extract::{Path, Query};
use crate::feed::Ranked;
use crate::pages::layout::check_multipart_csrf;
use crate::services::feed::{FeedQuery, Studio, for_you_ranked, studio_for};
use crate::services::videos::{VideoView, publish, read_fields, view};
use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use axum::response::IntoResponse;
use haul_domain::content::VideoStatus;
use haul_domain::feed::rank::Reasons;
use haul_domain::ids::{UserId, VideoId};
use haul_domain::page::PageRequest;
use haul_store::accounts::User;
use serde::Deserialize;

/// A buy card over the video.
pub struct Card {
    pub product_id: i64,
    pub sku_id: i64,
    pub title: String,
    /// What it costs now: a running deal's price and countdown show on the card.
    pub price: PriceTag,
    pub at_ms: i64,
    /// The product pays the video's creator commission: the card says so.
    pub commission: bool,
    /// Sold by quote: the card asks for one instead of buying.
    pub quote: bool,
}

pub struct Slide {
    pub v: VideoView,
    pub cards: Vec<Card>,
    pub liked: bool,
    pub saved: bool,
    /// "Why am I seeing this?"
    pub why: Option<String>,
    /// The first video shown again: "you're all caught up" goes before it.
    pub caught_up: bool,
}

fn why(r: &Reasons) -> String {
    let lang = crate::i18n::current();
    let source = match r.source {
        haul_domain::feed::rank::Source::Following => lang.t("watch-why-following"),
        haul_domain::feed::rank::Source::Affinity => lang.t("watch-why-affinity"),
        haul_domain::feed::rank::Source::Exploration => lang.t("watch-why-exploration"),
        haul_domain::feed::rank::Source::Pool => lang.t("watch-why-pool"),
        haul_domain::feed::rank::Source::Seen => lang.t("watch-why-seen"),
    };
    lang.t_args(
        "watch-why",
        &[
            ("source", source),
            ("pool", (r.pool.level() + 1).to_string()),
            ("quality", format!("{:.2}", r.quality)),
            ("freshness", format!("{:.2}", r.freshness)),
            ("affinity", format!("{:.2}", r.affinity)),
            ("hard_sell", format!("{:.2}", r.hard_sell)),
            ("factor", format!("{:.2}", r.policy_factor)),
            ("score", format!("{:.3}", r.score)),
        ],
    )
}

async fn slide(state: &AppState, user: Option<&User>, v: VideoView, reasons: Option<&Reasons>) -> Result<Slide, AppError> {
    let mut cards = Vec::new();
    let listed: Vec<(i64, Option<i64>, i64)> = v.detail.anchors.iter().map(|a| (a.product_id, a.sku_id, a.price_minor)).collect();
    let now = crate::services::catalog::prices_now(state, &listed).await?;
    let at = state.clock.now().millis();
    for a in &v.detail.anchors {
        let sku_id = match a.sku_id {
            Some(s) => s,
            None => state.db.skus(haul_domain::ids::ProductId(a.product_id)).await?.first().map_or(0, |s| s.id),
        };
        let creator = haul_domain::ids::UserId(v.detail.video.creator_id);
        cards.push(Card {
            product_id: a.product_id,
            sku_id,
            title: a.title.clone(),
            price: now
                .get(&a.product_id)
                .map_or_else(|| PriceTag::list(a.price_minor, &a.currency), |n| PriceTag::new(*n, &a.currency, at)),
            at_ms: a.at_ms.unwrap_or(0),
            commission: state.db.pays_commission(haul_domain::ids::ProductId(a.product_id), creator).await?,
            quote: a.kind == "quote",
        });
    }
    let reactions = match user {
        Some(u) => state.db.reactions_of(u.user_id(), VideoId(v.detail.video.id)).await?,
        None => Vec::new(),
    };
    Ok(Slide {
        cards,
        liked: reactions.iter().any(|r| r == "like"),
        saved: reactions.iter().any(|r| r == "save"),
        why: reasons.map(why),
        caught_up: false,
        v,
    })
}

async fn slides(state: &AppState, user: Option<&User>, ranked: Vec<Ranked>) -> Result<Vec<Slide>, AppError> {
    let mut out = Vec::with_capacity(ranked.len());
    for r in ranked {
        let mut s = slide(state, user, view((*r.detail).clone()), Some(&r.reasons)).await?;
        s.caught_up = r.caught_up;
        out.push(s);
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "watch.html")]
struct WatchPage {
    layout: Layout,
    slides: Vec<Slide>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "slides.html")]
struct MoreSlides {
    layout: Layout,
    slides: Vec<Slide>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct WatchQuery {
    /// The video tapped on the home page: it plays first, the feed follows.
    from: Option<i64>,
}

pub async fn watch(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<WatchQuery>,
) -> PageResult {
    let (ranked, next) = for_you_ranked(&state, user.as_ref(), &FeedQuery { limit: Some(5), cursor: None }).await?;
    let mut first = Vec::new();
    if let Some(id) = q.from
        && let Ok(detail) = state.db.video(VideoId(id)).await
        && detail.video.status == VideoStatus::Published
    {
        first.push(slide(&state, user.as_ref(), view(detail), None).await?);
    }
    let rest = slides(&state, user.as_ref(), ranked.into_iter().filter(|r| Some(r.detail.video.id) != q.from).collect()).await?;
    first.extend(rest);
    Ok(render(&WatchPage { layout: Layout::new(user, &csrf), slides: first, next }))
}

#[derive(Deserialize)]
pub struct MoreQuery {
    cursor: Option<String>,
}

/// The next slides, as HTML to append.
pub async fn more(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<MoreQuery>,
) -> PageResult {
    let (ranked, next) = for_you_ranked(&state, user.as_ref(), &FeedQuery { limit: Some(5), cursor: q.cursor }).await?;
    let slides = slides(&state, user.as_ref(), ranked).await?;
    Ok(render(&MoreSlides { layout: Layout::new(user, &csrf), slides, next }))
}

pub async fn video(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    let detail = state.db.video(VideoId(id)).await?;
    if detail.video.status != VideoStatus::Published {
        return Err(AppError::not_found("video").into());
    }
    let slide = slide(&state, user.as_ref(), view(detail), None).await?;
    Ok(render(&WatchPage { layout: Layout::new(user, &csrf), slides: vec![slide], next: Some(String::new()) }))
}

#[derive(Deserialize)]
pub struct ReactForm {
    kind: String,
    on: bool,
}

/// Like or save from the feed (JavaScript posts it; without it, the page reloads).
pub async fn react(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    super::layout::CheckedForm(f): super::layout::CheckedForm<ReactForm>,
) -> PageResult {
    crate::services::videos::react_to(&state, user.user_id(), id, &f.kind, f.on).await?;
    Ok(see_other(&format!("/videos/{id}")))
}

#[derive(Deserialize)]
pub struct EventForm {
    kind: String,
    #[serde(default)]
    watch_ms: i64,
}

/// Watch time and shares from the player; anonymous viewers count too.
/// Answers whether it counted (a share counts once per person).
pub async fn event(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    from: crate::auth::ClientAddress,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
    super::layout::CheckedForm(f): super::layout::CheckedForm<EventForm>,
) -> PageResult {
    let viewer =
        crate::services::videos::Viewer { user: user.map(|u| u.user_id()), browser: crate::auth::browser_id(&state, &headers), from };
    let counted = crate::services::videos::record_event(&state, viewer, id, &f.kind, f.watch_ms).await?;
    Ok(axum::Json(serde_json::json!({ "counted": counted })).into_response())
}

#[derive(Template)]
#[template(path = "creator.html")]
struct CreatorPage {
    layout: Layout,
    creator: User,
    followers: i64,
    following: bool,
    videos: Vec<VideoView>,
    notes: Vec<super::notes::NoteTile>,
    showcase: Vec<ShowcaseCard>,
}

/// A product in the creator's showcase, as their profile shows it.
pub struct ShowcaseCard {
    pub item: haul_store::affiliate::ShowcaseItem,
    pub price: String,
    pub image: Option<String>,
}

pub async fn creator(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    let creator = state.db.user(UserId(id)).await?;
    let following = match &user {
        Some(u) => state.db.following(u.user_id()).await?.contains(&id),
        None => false,
    };
    // The grid shows posters and captions: the product cards are not read.
    let videos = state
        .db
        .videos_of_creator(UserId(id), &PageRequest::parse(Some(60), None)?)
        .await?
        .items
        .into_iter()
        .map(|video| view(haul_store::content::VideoDetail { video, anchors: Vec::new() }))
        .collect();
    let followers = state.db.follower_count(UserId(id)).await?;
    let filter = haul_store::content::NoteFilter { author: Some(UserId(id)), product: None };
    let (notes, _) = super::notes::note_tiles(&state, filter, 60, None).await?;
    let showcase = state
        .db
        .showcase(UserId(id))
        .await?
        .into_iter()
        .map(|i| ShowcaseCard {
            price: money(i.min_price_minor, &i.currency),
            image: i.image_key.as_deref().map(crate::media::MediaStore::url),
            item: i,
        })
        .collect();
    Ok(render(&CreatorPage { layout: Layout::new(user, &csrf), creator, followers, following, videos, notes, showcase }))
}

#[derive(Deserialize)]
pub struct FollowForm {
    on: bool,
}

pub async fn follow(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    super::layout::CheckedForm(f): super::layout::CheckedForm<FollowForm>,
) -> PageResult {
    crate::services::videos::follow_creator(&state, &user, UserId(id), f.on).await?;
    Ok(see_other(&format!("/creators/{id}")))
}

#[derive(Template)]
#[template(path = "studio.html")]
struct StudioPage {
    layout: Layout,
    s: Studio,
    rooms: Vec<haul_store::live::Room>,
    error: Option<String>,
    /// Shops a note can say paid for it, `(id, name)`.
    shops: Vec<(i64, String)>,
}

/// A hard-sell signal the studio shows (the scorer's name for it) as a word.
pub fn signal_word(signal: &str) -> String {
    let lang = crate::i18n::current();
    match signal {
        "price_talk" => lang.t("studio-signal-price-talk"),
        "urgency" => lang.t("studio-signal-urgency"),
        "discount" => lang.t("studio-signal-discount"),
        "link_push" => lang.t("studio-signal-link-push"),
        "shouting" => lang.t("studio-signal-shouting"),
        "anchor_density" => lang.t("studio-signal-anchor-density"),
        other => other.to_owned(),
    }
}

/// A rate a video needs to beat to reach the next pool, as a word.
pub fn metric_word(metric: &str) -> String {
    let lang = crate::i18n::current();
    match metric {
        "completion" => lang.t("studio-metric-completion"),
        "like" => lang.t("studio-metric-like"),
        "share" => lang.t("studio-metric-share"),
        other => other.to_owned(),
    }
}

async fn studio_page(state: &AppState, user: User, csrf: &CsrfToken, error: Option<String>) -> PageResult {
    let s = studio_for(state, &user).await?;
    let rooms = state.db.rooms_of_host(user.user_id()).await?;
    let shops = state.db.shops(&PageRequest::parse(Some(100), None)?).await?.items.into_iter().map(|s| (s.id, s.name)).collect();
    Ok(render(&StudioPage { layout: Layout::new(Some(user), csrf), s, rooms, error, shops }))
}

pub async fn studio(State(state): State<AppState>, SignedIn(user): SignedIn, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    studio_page(&state, user, &csrf, None).await
}

pub async fn upload(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    mut form: Multipart,
) -> PageResult {
    check_multipart_csrf(&mut form, &csrf).await?;
    let result = async {
        let mut fields = read_fields(form, state.config.max_video_bytes).await?;
        let product = fields.remove("product").map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
        if !product.trim().is_empty() {
            let id = super::layout::product_in(&product)?;
            let at_ms = fields.remove("at_seconds").and_then(|b| String::from_utf8_lossy(&b).trim().parse::<i64>().ok()).map(|s| s * 1000);
            fields.insert("anchors".into(), serde_json::json!([{"product_id": id, "at_ms": at_ms}]).to_string().into_bytes());
        }
        publish(&state, &user, fields).await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other("/studio")),
        Err(e) => studio_page(&state, user, &csrf, Some(e.localized_message())).await,
    }
}
