//! Review pages: the buyer's form on a received order line, a product's
//! reviews (stars as counted, pictures first, "verified purchase" on each,
//! the rated notes that count), the author's follow-up and the shop's reply.

use super::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, check_multipart_csrf, render, see_other};
use crate::AppState;
use crate::auth::WebUser;
use crate::auth::can_manage_shop;
use crate::extract::{Path, Query};
use crate::services::reviews::{self, ProductReviews, ShopScoreView};
use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use haul_domain::ids::{OrderId, ProductId, ShopId};
use haul_domain::page::PageRequest;
use haul_domain::reviews::Stars;
use haul_store::accounts::User;
use haul_store::reviews::RatedNote;
use serde::Deserialize;

/// "★★★★☆" for four stars.
pub fn stars(n: i64) -> String {
    let n = n.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

/// A review as the list shows it, with what the reader may add to it.
pub struct ReviewItem {
    pub id: i64,
    pub author: String,
    pub stars: String,
    pub options: String,
    pub body: String,
    pub at: i64,
    pub images: Vec<String>,
    pub follow_up: Option<(i64, String)>,
    pub reply: Option<String>,
    /// The reader wrote it and has not followed up yet.
    pub can_follow_up: bool,
    /// The reader is the shop's staff and it has no reply yet.
    pub can_reply: bool,
}

/// The reviews part of a product's pages.
pub struct ReviewsPart {
    pub product_id: i64,
    pub average: Option<String>,
    pub average_stars: String,
    pub total: i64,
    /// `(stars, percent)`, five stars first.
    pub shares: Vec<(i64, i64)>,
    pub items: Vec<ReviewItem>,
    pub notes: Vec<(RatedNote, String)>,
    pub next: Option<String>,
    /// The shop's record in a line: stars, after-sales answered in time,
    /// refunds.
    pub score: String,
}

fn score_line(lang: crate::i18n::Lang, s: &ShopScoreView) -> String {
    let mut line = lang.t("reviews-shop");
    line.push(' ');
    match s.average {
        Some(a) => line.push_str(&lang.t_args("reviews-shop-stars", &[("stars", format!("{a:.1}")), ("count", s.reviews.to_string())])),
        None => line.push_str(&lang.t("reviews-shop-none")),
    }
    if let Some(p) = s.answered_on_time {
        line.push_str(&format!(" · {}", lang.t_with("reviews-shop-on-time", "percent", p)));
    }
    if let Some(p) = s.refund_rate {
        line.push_str(&format!(" · {}", lang.t_with("reviews-shop-refunds", "percent", format!("{p:.1}"))));
    }
    line
}

pub async fn part(
    state: &AppState,
    user: Option<&User>,
    product: ProductId,
    shop: ShopId,
    page: &PageRequest,
) -> crate::error::AppResult<ReviewsPart> {
    let ProductReviews { average, total, counts, items, next_cursor, notes } =
        ProductReviews::clone(&*crate::services::reads::reviews(state, product, page).await?);
    let staff = match user {
        Some(u) => can_manage_shop(state, u, shop).await?,
        None => false,
    };
    let items = items
        .into_iter()
        .map(|v| {
            let r = v.review;
            ReviewItem {
                id: r.id,
                stars: stars(r.rating),
                can_follow_up: r.follow_up.is_none() && user.is_some_and(|u| u.id == r.author_id),
                can_reply: r.reply.is_none() && staff,
                author: r.author,
                options: r.options,
                body: r.body,
                at: r.created_at,
                images: v.image_urls,
                follow_up: r.follow_up.zip(r.follow_up_at).map(|(t, at)| (at, t)),
                reply: r.reply,
            }
        })
        .collect();
    Ok(ReviewsPart {
        product_id: product.get(),
        average: average.map(|a| format!("{a:.1}")),
        average_stars: stars(average.map(|a| a.round() as i64).unwrap_or(0)),
        total,
        shares: Stars { counts }.shares().to_vec(),
        items,
        notes: notes
            .into_iter()
            .map(|n| {
                let s = stars(n.rating);
                (n, s)
            })
            .collect(),
        next: next_cursor,
        score: score_line(crate::i18n::current(), &reviews::shop_score(state, shop).await?),
    })
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct AllPage {
    layout: Layout,
    title: String,
    r: ReviewsPart,
}

#[derive(Deserialize)]
pub struct Cursor {
    cursor: Option<String>,
}

/// Every review of a product, page by page.
pub async fn all(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    Query(c): Query<Cursor>,
) -> PageResult {
    let product = state.db.product(ProductId(id)).await?;
    let r =
        part(&state, user.as_ref(), ProductId(id), ShopId(product.shop_id), &PageRequest::parse(Some(20), c.cursor.as_deref())?).await?;
    Ok(render(&AllPage { layout: Layout::new(user, &csrf), title: product.title, r }))
}

#[derive(Template)]
#[template(path = "review_new.html")]
struct NewPage {
    layout: Layout,
    order_id: i64,
    line_id: i64,
    title: String,
    options: String,
    /// `(stars, drawn)`, five first.
    ratings: Vec<(i64, String)>,
}

#[derive(Deserialize)]
pub struct LineQuery {
    line: i64,
}

pub async fn new_form(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    Query(q): Query<LineQuery>,
) -> PageResult {
    let detail = crate::services::orders::readable_order(&state, &user, OrderId(id)).await?;
    let line = detail.lines.iter().find(|l| l.id == q.line && detail.order.buyer_id == user.id);
    let line = line.ok_or_else(|| crate::error::AppError::not_found("order line"))?;
    Ok(render(&NewPage {
        order_id: id,
        line_id: line.id,
        title: line.title.clone(),
        options: line.options.clone(),
        ratings: (1..=5).rev().map(|n| (n, stars(n))).collect(),
        layout: Layout::new(Some(user), &csrf),
    }))
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    mut form: Multipart,
) -> PageResult {
    check_multipart_csrf(&mut form, &csrf).await?;
    let parts = crate::media::read_upload(form, state.config.max_upload_bytes).await?;
    let review = reviews::add(&state, &user, parts).await?;
    Ok(see_other(&format!("/products/{}#review-{}", review.review.product_id, review.review.id)))
}

#[derive(Deserialize)]
pub struct TextForm {
    text: String,
}

pub async fn follow_up(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<TextForm>,
) -> PageResult {
    let review = reviews::follow_up(&state, &user, id, &f.text).await?;
    Ok(see_other(&format!("/products/{}#review-{id}", review.review.product_id)))
}

pub async fn reply(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<TextForm>,
) -> PageResult {
    let review = reviews::reply(&state, &user, id, &f.text).await?;
    Ok(see_other(&format!("/products/{}#review-{id}", review.review.product_id)))
}
