//! The home page, content first as on the apps people shop in: the videos
//! the viewer's For You feed opens on, rooms live now (or about to start), notes in
//! two columns, then the shop; search and categories one tap away.

use super::layout::{CsrfToken, Layout, PageResult, PriceTag, render, see_other};
use super::notes::{NoteTile, note_tiles};
use super::shop::Card;
use crate::AppState;
use crate::auth::WebUser;
use crate::extract::Query;
use crate::services::reads;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::live::RoomStatus;
use haul_domain::page::PageRequest;
use haul_store::catalog::ProductFilter;
use haul_store::content::NoteFilter;
use serde::Deserialize;

pub struct VideoTile {
    pub id: i64,
    pub poster: Option<String>,
    pub caption: String,
    pub creator: String,
    pub likes: i64,
    /// What the first product card's product costs now.
    pub price: Option<PriceTag>,
}

pub struct RoomTile {
    pub id: i64,
    pub title: String,
    pub host: String,
    pub cover: Option<String>,
    pub live: bool,
    pub viewers: i64,
    pub starts_at: i64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    videos: Vec<VideoTile>,
    rooms: Vec<RoomTile>,
    notes: Vec<NoteTile>,
    categories: Vec<(i64, String)>,
    cards: Vec<Card>,
}

#[derive(Deserialize)]
pub struct HomeQuery {
    q: Option<String>,
}

const VIDEOS: usize = 6;
const ROOMS: i64 = 6;
const NOTES: i64 = 10;
const PRODUCTS: i64 = 8;

pub async fn home(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Query(h): Query<HomeQuery>,
) -> PageResult {
    // A search from an old link or another site lands in the catalog.
    if let Some(q) = h.q.filter(|q| !q.trim().is_empty()) {
        let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        return Ok(see_other(&format!("/products?q={q}")));
    }
    let ranked = state.feed.preview(&state.db, user.as_ref().map(|u| u.user_id()), VIDEOS, state.clock.now()).await?;
    let listed: Vec<(i64, Option<i64>, i64)> =
        ranked.iter().filter_map(|r| r.detail.anchors.first()).map(|a| (a.product_id, a.sku_id, a.price_minor)).collect();
    let now = crate::services::catalog::prices_now(&state, &listed).await?;
    let at = state.clock.now().millis();
    let videos = ranked
        .iter()
        .map(|r| {
            let v = &r.detail.video;
            VideoTile {
                id: v.id,
                poster: v.poster_key.as_deref().map(crate::media::MediaStore::url),
                caption: v.caption.clone(),
                creator: v.creator_name.clone(),
                likes: v.likes,
                price: r.detail.anchors.first().map(|a| match now.get(&a.product_id) {
                    Some(n) => PriceTag::new(*n, &a.currency, at),
                    None => PriceTag::list(a.price_minor, &a.currency),
                }),
            }
        })
        .collect();
    let rooms = rooms(&state).await?;
    let (notes, _) = note_tiles(&state, NoteFilter::default(), NOTES, None).await?;
    let categories = reads::categories(&state).await?.iter().map(|c| (c.id, c.name.clone())).collect();
    let products = reads::products(&state, &ProductFilter::default(), &PageRequest::parse(Some(PRODUCTS), None)?).await?;
    Ok(render(&HomePage {
        layout: Layout::new(user, &csrf),
        videos,
        rooms,
        notes,
        categories,
        cards: super::shop::cards(&state, &products.items).await?,
    }))
}

/// Rooms live now, most watched first, then the next to start.
async fn rooms(state: &AppState) -> Result<Vec<RoomTile>, crate::error::AppError> {
    let page = PageRequest::parse(Some(ROOMS), None)?;
    let tile = |r: haul_store::live::Room, live: bool| RoomTile {
        viewers: if live { state.live.viewers_now(r.id) } else { 0 },
        cover: r.cover_key.as_deref().map(crate::media::MediaStore::url),
        id: r.id,
        title: r.title,
        host: r.host_name,
        live,
        starts_at: r.starts_at,
    };
    let mut rooms: Vec<RoomTile> =
        reads::rooms(state, RoomStatus::Live, &page).await?.items.iter().cloned().map(|r| tile(r, true)).collect();
    rooms.sort_by_key(|r| std::cmp::Reverse(r.viewers));
    let upcoming = reads::rooms(state, RoomStatus::Scheduled, &page).await?;
    rooms.extend(upcoming.items.iter().take(ROOMS as usize - rooms.len().min(ROOMS as usize)).cloned().map(|r| tile(r, false)));
    Ok(rooms)
}
