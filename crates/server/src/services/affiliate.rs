//! Commission plans: a shop offers commission (open to every creator, or to
//! one it invites), changes its rate, and creators answer invitations and
//! browse what pays.

use crate::AppState;
use crate::auth::{can_manage_shop, require_shop_staff};
use crate::error::{AppError, AppResult};
use haul_domain::DomainError;
use haul_domain::affiliate::RateBps;
use haul_domain::ids::{ProductId, ShopId, UserId};
use haul_store::accounts::User;
use haul_store::affiliate::{MarketItem, MarketQuery, MarketSort, NewPlan, Plan};
use serde::Deserialize;
use utoipa::ToSchema;

/// The most a shop pays per video on top of commission, in minor units.
pub const MAX_FLAT_FEE_MINOR: i64 = 10_000_000;

#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanInput {
    /// The product it covers; leave out for the shop's default rate.
    pub product_id: Option<i64>,
    /// Invite this creator (a targeted plan); leave out for an open plan.
    pub creator_id: Option<i64>,
    /// 100 (1%) to 8000 (80%).
    pub rate_bps: i64,
    /// Paid per video a targeted creator posts with the product.
    #[serde(default)]
    pub flat_fee_minor: i64,
}

pub async fn create_plan(state: &AppState, user: &User, shop: ShopId, input: &PlanInput) -> AppResult<Plan> {
    require_shop_staff(state, user, shop).await?;
    crate::services::shops::require_selling(state, shop).await?;
    let rate = RateBps::parse(input.rate_bps)?;
    if let Some(product) = input.product_id
        && state.db.product(ProductId(product)).await?.shop_id != shop.get()
    {
        return Err(AppError::not_found("product"));
    }
    if let Some(creator) = input.creator_id {
        let creator = state.db.user(UserId(creator)).await?;
        // Staff earn nothing on their own shop's products.
        if can_manage_shop(state, &creator, shop).await? {
            return Err(DomainError::invalid("creator_id", "a creator outside the shop").into());
        }
    }
    let flat = input.flat_fee_minor;
    if !(0..=MAX_FLAT_FEE_MINOR).contains(&flat) || (flat > 0 && input.creator_id.is_none()) {
        return Err(DomainError::invalid("flat_fee_minor", "0 or more, for an invited creator only").into());
    }
    let new = NewPlan { shop, product: input.product_id.map(ProductId), creator: input.creator_id.map(UserId), rate, flat_fee_minor: flat };
    Ok(state.db.create_plan(&new, state.clock.now()).await?)
}

/// A new rate; a cut reaches creators after the notice period.
pub async fn set_rate(state: &AppState, user: &User, plan: i64, rate_bps: i64) -> AppResult<Plan> {
    let current = state.db.plan(plan).await?;
    require_shop_staff(state, user, ShopId(current.shop_id)).await.map_err(|_| AppError::not_found("plan"))?;
    Ok(state.db.set_plan_rate(plan, RateBps::parse(rate_bps)?, state.clock.now()).await?)
}

/// The rate a plan pays now: a cut still in its notice pays the old rate.
pub async fn rate_now(state: &AppState, plan: i64) -> AppResult<Option<i64>> {
    let history = state.db.plan_rates(plan).await?;
    let notice_ms = state.config.affiliate_terms().notice_ms;
    Ok(haul_domain::affiliate::rate_at(&history, state.clock.now(), notice_ms).map(RateBps::get))
}

/// A creator adds a product that pays them commission to their showcase.
pub async fn add_to_showcase(state: &AppState, user: &User, product: i64) -> AppResult<()> {
    let product = ProductId(product);
    state.db.product(product).await?;
    if !state.db.pays_commission(product, user.user_id()).await? {
        return Err(AppError::new(haul_domain::ErrorCode::NoCommission, "this product pays you no commission"));
    }
    Ok(state.db.add_to_showcase(user.user_id(), product, state.clock.now()).await?)
}

/// The marketplace in a category (or all) ordered by `rate` (the default),
/// `sold` (units in 30 days) or `rating`.
pub async fn marketplace(state: &AppState, category: Option<i64>, sort: Option<&str>, limit: i64) -> AppResult<Vec<MarketItem>> {
    let sort = match sort.unwrap_or("rate") {
        "rate" | "" => MarketSort::Rate,
        "sold" => MarketSort::Sold,
        "rating" => MarketSort::Rating,
        _ => return Err(DomainError::invalid("sort", "rate, sold or rating").into()),
    };
    let query = MarketQuery { category: category.filter(|c| *c > 0), sort, limit: limit.clamp(1, 100), now: state.clock.now() };
    Ok(state.db.marketplace(&query).await?)
}
