//! Team buys: a merchant's offer, and taking a seat (opening a team or
//! joining one).

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::error::AppResult;
use haul_domain::group_buy::TeamStatus;
use haul_domain::group_buy::TeamTerms;
use haul_domain::ids::{ProductId, ShopId, SkuId, TeamId, TeamOfferId};
use haul_domain::signing::to_hex;
use haul_store::accounts::User;
use haul_store::orders::Placed;
use haul_store::teams::{SeatRequest, Team, TeamMember, TeamOffer};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct TierInput {
    /// From this many paid members on...
    pub members: i64,
    /// ...each pays this.
    pub price_minor: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct NewOfferInput {
    pub sku_id: i64,
    /// Paid members needed (N).
    pub team_size: i64,
    /// Seats in all; defaults to `team_size`. More seats let tiers fall further.
    pub max_size: Option<i64>,
    /// Time to fill the team (T), from the opener's payment.
    pub time_limit_seconds: i64,
    /// What each member pays on joining.
    pub team_price_minor: i64,
    #[serde(default)]
    pub tiers: Vec<TierInput>,
}

/// Validates and creates an offer; shared with the merchant pages.
pub async fn create_team_offer(state: &AppState, user: &User, input: &NewOfferInput) -> AppResult<TeamOffer> {
    let sku = state.db.sku(SkuId(input.sku_id)).await?;
    let product = state.db.product(ProductId(sku.product_id)).await?;
    require_shop_staff(state, user, ShopId(product.shop_id)).await?;
    crate::services::shops::require_selling(state, ShopId(product.shop_id)).await?;
    crate::services::catalog::sold_as_goods(&product)?;
    let tiers = input.tiers.iter().map(|t| (t.members, t.price_minor)).collect();
    let terms = TeamTerms::parse(
        input.team_size,
        input.max_size.unwrap_or(input.team_size),
        input.time_limit_seconds,
        input.team_price_minor,
        tiers,
    )?;
    Ok(state.db.create_team_offer(ShopId(product.shop_id), SkuId(sku.id), &terms, state.clock.now()).await?)
}

/// Opens a team on an offer (`Ok`) or joins a team (`Err`); shared with the pages.
pub async fn take_seat(state: &AppState, user: &User, offer_or_team: Result<TeamOfferId, TeamId>, key: &str) -> AppResult<Placed> {
    let hash = to_hex(&Sha256::digest(format!("{offer_or_team:?}")));
    let now = state.clock.now();
    let req = SeatRequest {
        buyer: user.user_id(),
        idempotency: (key, hash.as_str()),
        ship_to: crate::services::orders::default_ship_to(state, user).await?,
        pay_by: now.plus_seconds(state.config.payment_timeout_seconds),
        now,
    };
    let placed = match offer_or_team {
        Ok(offer) => state.db.open_team(offer, req).await?,
        Err(team) => state.db.join_team(team, req).await?,
    };
    if placed.is_new() {
        crate::services::analytics::order_placed(state, placed.order());
    }
    Ok(placed)
}

#[derive(Serialize, ToSchema)]
pub struct TeamView {
    #[serde(flatten)]
    pub team: Team,
    pub offer: TeamOffer,
    /// Paid members only: there are no virtual ones.
    pub member_list: Vec<TeamMember>,
    /// Members still needed to succeed.
    pub needed: i64,
    /// What each member pays at the current size (tiers fall as more join).
    pub price_now_minor: i64,
    pub seconds_left: Option<i64>,
    /// Where others join.
    pub share_path: String,
}

pub async fn team_view(state: &AppState, id: TeamId) -> AppResult<TeamView> {
    let team = state.db.team(id).await?;
    let offer = state.db.team_offer(TeamOfferId(team.offer_id)).await?;
    let terms = offer.terms()?;
    let member_list = state.db.team_members(id).await?;
    let now = state.clock.now().millis();
    let seconds_left = team.expires_at.filter(|_| team.status == TeamStatus::Forming).map(|e| ((e - now).max(0) + 999) / 1000);
    Ok(TeamView {
        needed: (terms.min_size - team.members).max(0),
        price_now_minor: team.final_price_minor.unwrap_or_else(|| terms.price_for(team.members)),
        seconds_left,
        share_path: format!("/teams/{}", team.id),
        member_list,
        team,
        offer,
    })
}
