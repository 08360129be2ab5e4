//! Verified reviews: the buyer of a received order line reviews it once
//! (stars, text, up to nine pictures) and may follow up once; the shop
//! replies once; an operator hides one through the moderation queue. The
//! rules are `domain::reviews`.

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::error::{AppError, AppResult};
use haul_domain::DomainError;
use haul_domain::ids::{ProductId, ShopId};
use haul_domain::page::PageRequest;
use haul_domain::reviews::{self, ShopScore};
use haul_store::accounts::User;
use haul_store::reviews::{NewReview, RatedNote, Review};
use serde::Serialize;
use utoipa::ToSchema;

/// A review as pages and the API show it.
#[derive(Clone, Serialize, ToSchema)]
pub struct ReviewView {
    #[serde(flatten)]
    pub review: Review,
    pub image_urls: Vec<String>,
    /// Always true: only buyers of the item review it.
    pub verified_purchase: bool,
}

pub fn view(review: Review) -> ReviewView {
    let image_urls = review.image_keys.iter().map(|k| crate::media::MediaStore::url(k)).collect();
    ReviewView { review, image_urls, verified_purchase: true }
}

/// Reviews a line from its form: `line_id`, `rating` (1-5), `body`, up to
/// nine `images`.
pub async fn add(state: &AppState, user: &User, parts: Vec<(String, Vec<u8>)>) -> AppResult<ReviewView> {
    let field = |name: &str| crate::media::text_field(&parts, name);
    let line: i64 = field("line_id").parse().map_err(|_| DomainError::invalid("line_id", "the order line reviewed"))?;
    let rating = reviews::stars(field("rating").parse().map_err(|_| DomainError::invalid("rating", "1 to 5 stars"))?)?;
    let body = reviews::text("body", &field("body"), false)?;
    let keys = state.media.put_pictures("reviews", &parts, "images", reviews::MAX_PICTURES).await?;
    let new = NewReview { author: user.user_id(), line, rating, body: &body, image_keys: &keys };
    match state.db.add_review(new, state.clock.now()).await {
        Ok(review) => Ok(view(review)),
        Err(e) => {
            state.media.remove(&keys).await;
            Err(e.into())
        }
    }
}

pub async fn follow_up(state: &AppState, user: &User, id: i64, text: &str) -> AppResult<ReviewView> {
    let text = reviews::text("text", text, true)?;
    Ok(view(state.db.follow_up_review(id, user.user_id(), &text, state.clock.now()).await?))
}

/// The shop's staff reply, once.
pub async fn reply(state: &AppState, user: &User, id: i64, text: &str) -> AppResult<ReviewView> {
    let review = state.db.review(id).await?;
    require_shop_staff(state, user, ShopId(review.shop_id)).await.map_err(|_| AppError::not_found("review"))?;
    let text = reviews::text("text", text, true)?;
    Ok(view(state.db.reply_review(id, &text, state.clock.now()).await?))
}

/// What a product page shows of its reviews.
#[derive(Clone, Serialize, ToSchema)]
pub struct ProductReviews {
    /// The mean of the counted ratings, to one decimal; absent without any.
    pub average: Option<f64>,
    pub total: i64,
    /// How many gave 1, 2, 3, 4 and 5 stars.
    pub counts: [i64; 5],
    /// Reviews, those with pictures first.
    pub items: Vec<ReviewView>,
    pub next_cursor: Option<String>,
    /// Notes whose rating counts: by buyers, neither sponsored nor earning
    /// their author commission on the product.
    #[schema(value_type = Vec<Object>)]
    pub notes: Vec<RatedNote>,
}

pub async fn of_product(state: &AppState, product: ProductId, page: &PageRequest) -> AppResult<ProductReviews> {
    let stars = state.db.product_stars(product).await?;
    let reviews = state.db.reviews_of_product(product, page).await?;
    let notes = if page.before.is_none() { state.db.rated_notes(product, 10).await? } else { Vec::new() };
    Ok(ProductReviews {
        average: stars.average(),
        total: stars.total(),
        counts: stars.counts,
        items: reviews.items.into_iter().map(view).collect(),
        next_cursor: reviews.next_cursor,
        notes,
    })
}

/// A shop's record, as its pages show it.
#[derive(Serialize, ToSchema)]
pub struct ShopScoreView {
    pub average: Option<f64>,
    pub reviews: i64,
    /// Percent of after-sales requests answered before the deadline.
    pub answered_on_time: Option<i64>,
    /// Percent of completed orders refunded through after-sales.
    pub refund_rate: Option<f64>,
}

pub async fn shop_score(state: &AppState, shop: ShopId) -> AppResult<ShopScoreView> {
    let ShopScore { average, reviews, answered_on_time, refund_rate } = *super::reads::shop_score(state, shop).await?;
    Ok(ShopScoreView { average, reviews, answered_on_time, refund_rate })
}
