//! A note's page (images, labels, the author's rating, product tags, likes
//! and comments) and the studio's note form.

use super::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, render, see_other};
use crate::AppState;
use crate::auth::WebUser;
use crate::extract::{Path, Query};
use crate::pages::layout::check_multipart_csrf;
use crate::services::notes::{NoteView, publish, view};
use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use haul_domain::ids::{NoteId, ShopId};
use haul_domain::page::PageRequest;
use haul_store::content::{NoteCard, NoteFilter};
use serde::Deserialize;

/// A note in a two-column grid: its first picture, title, author and labels.
pub struct NoteTile {
    pub id: i64,
    pub title: String,
    pub author: String,
    pub cover: Option<String>,
    pub likes: i64,
    /// The author's rating, shown only where it is of the product at hand
    /// (on a product's page) or of the product the note rates.
    pub rating: Option<i64>,
    pub sponsored: bool,
    pub commission: bool,
}

/// Grid tiles; `about` is the product whose page shows them.
pub fn tiles(cards: Vec<NoteCard>, about: Option<i64>) -> Vec<NoteTile> {
    cards
        .into_iter()
        .map(|c| NoteTile {
            rating: c.rating.filter(|_| about.is_none() || c.rated_product_id == about),
            cover: c.cover_key.as_deref().map(crate::media::MediaStore::url),
            id: c.id,
            title: c.title,
            author: c.author,
            likes: c.likes,
            sponsored: c.sponsored == 1,
            commission: c.commission == 1,
        })
        .collect()
}

/// The newest notes of a filter, as tiles, with the cursor for more.
pub async fn note_tiles(
    state: &AppState,
    filter: NoteFilter,
    limit: i64,
    cursor: Option<&str>,
) -> Result<(Vec<NoteTile>, Option<String>), crate::error::AppError> {
    let page = crate::services::reads::note_cards(state, filter, &PageRequest::parse(Some(limit), cursor)?).await?;
    Ok((tiles(page.items.clone(), filter.product), page.next_cursor.clone()))
}

#[derive(Template)]
#[template(path = "notes.html")]
struct NotesPage {
    layout: Layout,
    notes: Vec<NoteTile>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct NotesQuery {
    cursor: Option<String>,
}

/// The notes feed: every published note, newest first, two columns.
pub async fn list(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NotesQuery>,
) -> PageResult {
    let (notes, next) = note_tiles(&state, NoteFilter::default(), 30, q.cursor.as_deref()).await?;
    Ok(render(&NotesPage { layout: Layout::new(user, &csrf), notes, next }))
}

#[derive(Template)]
#[template(path = "note.html")]
struct NotePage {
    layout: Layout,
    n: NoteView,
    /// The note's labels, in words.
    labels: Vec<String>,
    stars: String,
    /// `(id, author, body, at)`, newest first.
    comments: Vec<(i64, String, String, i64)>,
    /// For the author: shops that offered to sponsor the note, `(id, name)`.
    offers: Vec<(i64, String)>,
    /// For a shop's staff: the shops they may sponsor it for, `(id, name,
    /// the author named this shop)`, while the note is not sponsored.
    sponsor_as: Vec<(i64, String, bool)>,
    /// What each tagged product costs now, by product.
    tag_prices: Vec<(i64, super::layout::PriceTag)>,
}

pub async fn note(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    let n = view(state.db.note(NoteId(id)).await?);
    crate::services::analytics::note_viewed(&state, id);
    let stars = n.detail.note.rating.map(|r| "★".repeat(r as usize) + &"☆".repeat(5 - r as usize)).unwrap_or_default();
    let comments = state.db.note_comments(NoteId(id), 50).await?;
    // A sponsorship is proposed by one side and accepted by the other.
    let (mut offers, mut sponsor_as) = (Vec::new(), Vec::new());
    if let Some(u) = &user
        && n.detail.note.sponsored_by_shop_id.is_none()
        && n.detail.note.rating.is_none()
    {
        let open = state.db.open_sponsorships(NoteId(id)).await?;
        if u.id == n.detail.note.author_id {
            for s in open.iter().filter(|s| s.shop_agreed == 1) {
                offers.push((s.shop_id, state.db.shop(ShopId(s.shop_id)).await?.name));
            }
        } else {
            for shop in state.db.shops_of_member(u.user_id()).await? {
                let named = open.iter().any(|s| s.shop_id == shop.id && s.author_agreed == 1);
                sponsor_as.push((shop.id, shop.name, named));
            }
        }
    }
    let labels = n.detail.labels.iter().map(|l| label_word(l)).collect();
    let tagged = state.db.product_summaries(&n.detail.tags.iter().map(|t| t.product_id).collect::<Vec<_>>()).await?;
    let listed: Vec<(i64, Option<i64>, i64)> = tagged.iter().filter_map(|p| Some((p.id, None, p.min_price_minor?))).collect();
    let now = crate::services::catalog::prices_now(&state, &listed).await?;
    let at = state.clock.now().millis();
    let tag_prices = tagged.iter().filter_map(|p| Some((p.id, super::layout::PriceTag::new(*now.get(&p.id)?, &p.currency, at)))).collect();
    Ok(render(&NotePage { layout: Layout::new(user, &csrf), n, labels, stars, comments, offers, sponsor_as, tag_prices }))
}

/// A note's label (the record's English word) in the page's language.
fn label_word(label: &str) -> String {
    let lang = crate::i18n::current();
    match label {
        "sponsored" => lang.t("note-label-sponsored"),
        "commission link" => lang.t("note-label-commission"),
        other => other.to_owned(),
    }
}

#[derive(Deserialize)]
pub struct SponsorForm {
    shop_id: i64,
}

/// The author accepts a shop's offer: the note is labelled sponsored.
pub async fn sponsor(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<SponsorForm>,
) -> PageResult {
    crate::services::notes::agree_sponsorship(&state, &user, id, ShopId(f.shop_id)).await?;
    Ok(see_other(&format!("/notes/{id}")))
}

#[derive(Deserialize)]
pub struct LikeForm {
    on: bool,
}

pub async fn like(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<LikeForm>,
) -> PageResult {
    state.db.like_note(NoteId(id), user.user_id(), f.on, state.clock.now()).await?;
    Ok(see_other(&format!("/notes/{id}")))
}

#[derive(Deserialize)]
pub struct CommentForm {
    body: String,
}

pub async fn comment(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<CommentForm>,
) -> PageResult {
    let body = haul_domain::accounts::text("body", &f.body, 500)?;
    state.db.comment_note(NoteId(id), user.user_id(), &body, state.clock.now()).await?;
    Ok(see_other(&format!("/notes/{id}")))
}

/// The studio's note form: product links become tags; a rating rates the
/// first tagged product.
pub async fn create(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    mut form: Multipart,
) -> PageResult {
    check_multipart_csrf(&mut form, &csrf).await?;
    let mut parts = crate::media::read_upload(form, state.config.max_upload_bytes).await?;
    let field = |parts: &[(String, Vec<u8>)], name: &str| {
        parts.iter().find(|(n, _)| n == name).map(|(_, b)| String::from_utf8_lossy(b).trim().to_owned()).unwrap_or_default()
    };
    let product = field(&parts, "product");
    let commission = field(&parts, "commission") == "on";
    if !product.is_empty() {
        let id = super::layout::product_in(&product)?;
        parts.push(("tags".into(), serde_json::json!([{"product_id": id, "commission": commission}]).to_string().into_bytes()));
        if !field(&parts, "rating").is_empty() {
            parts.push(("rated_product_id".into(), id.to_string().into_bytes()));
        }
    }
    let note = publish(&state, &user, parts).await?;
    Ok(see_other(&format!("/notes/{}", note.detail.note.id)))
}
