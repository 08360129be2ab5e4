//! Team buys: merchants offer a team price on a SKU; a shopper opens a team
//! by paying, others join by paying; the close job confirms or refunds.

use crate::AppState;
use crate::api::orders::placed_response;
use crate::api::{PageOf, PageParams, idempotency_key};
use crate::auth::{ApiUser, random_u32, require_shop_staff};
use crate::error::ApiResult;
use crate::extract::{Json, Path, Query};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use haul_domain::group_buy::TeamTerms;
use haul_domain::ids::{ProductId, ShopId, SkuId, TeamId, TeamOfferId};
use haul_domain::orders::pickup_code;
use haul_domain::signing::to_hex;
use haul_store::accounts::User;
use haul_store::orders::{OrderDetail, Placed};
use haul_store::teams::{SeatRequest, Team, TeamMember, TeamOffer};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_offers, create_offer))
        .routes(routes!(show_offer))
        .routes(routes!(withdraw_offer))
        .routes(routes!(open))
        .routes(routes!(show_team))
        .routes(routes!(join))
}

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
pub async fn create_team_offer(state: &AppState, user: &User, input: &NewOfferInput) -> ApiResult<TeamOffer> {
    let sku = state.db.sku(SkuId(input.sku_id)).await?;
    let product = state.db.product(ProductId(sku.product_id)).await?;
    require_shop_staff(state, user, ShopId(product.shop_id)).await?;
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

#[utoipa::path(post, path = "/api/v1/team-offers", tag = "team buys", security(("bearer" = [])), request_body = NewOfferInput,
    responses((status = 201, body = TeamOffer), (status = 422, description = "team_size, max_size, time_limit_seconds or tiers invalid")))]
async fn create_offer(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<NewOfferInput>,
) -> ApiResult<(StatusCode, axum::Json<TeamOffer>)> {
    Ok((StatusCode::CREATED, axum::Json(create_team_offer(&state, &user, &input).await?)))
}

#[derive(Deserialize, IntoParams)]
pub struct OfferQuery {
    /// A shop's offers, newest first...
    pub shop_id: Option<i64>,
    /// ...or a product's active ones.
    pub product_id: Option<i64>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/team-offers", tag = "team buys", params(OfferQuery), responses((status = 200, body = PageOf<TeamOffer>)))]
async fn list_offers(State(state): State<AppState>, Query(q): Query<OfferQuery>) -> ApiResult<axum::Json<PageOf<TeamOffer>>> {
    match (q.shop_id, q.product_id) {
        (_, Some(product)) => {
            Ok(axum::Json(PageOf { items: state.db.team_offers_of_product(ProductId(product)).await?, next_cursor: None }))
        }
        (Some(shop), None) => {
            let page = PageParams { limit: q.limit, cursor: q.cursor }.parse()?;
            Ok(axum::Json(state.db.team_offers_of_shop(ShopId(shop), &page).await?.into()))
        }
        (None, None) => Err(crate::error::ApiError::bad_request("missing_filter", "pass shop_id or product_id")),
    }
}

#[derive(Serialize, ToSchema)]
pub struct OfferView {
    #[serde(flatten)]
    pub offer: TeamOffer,
    /// Teams that others can join now, fullest first.
    pub open_teams: Vec<Team>,
}

#[utoipa::path(get, path = "/api/v1/team-offers/{id}", tag = "team buys", responses((status = 200, body = OfferView), (status = 404)))]
async fn show_offer(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult<axum::Json<OfferView>> {
    let offer = state.db.team_offer(TeamOfferId(id)).await?;
    let open_teams = state.db.joinable_teams(TeamOfferId(id), 20).await?;
    Ok(axum::Json(OfferView { offer, open_teams }))
}

#[utoipa::path(post, path = "/api/v1/team-offers/{id}/withdraw", tag = "team buys", security(("bearer" = [])),
    responses((status = 200, body = TeamOffer, description = "no new teams; running ones finish")))]
async fn withdraw_offer(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> ApiResult<axum::Json<TeamOffer>> {
    let offer = state.db.team_offer(TeamOfferId(id)).await?;
    require_shop_staff(&state, &user, ShopId(offer.shop_id)).await?;
    Ok(axum::Json(state.db.withdraw_team_offer(TeamOfferId(id)).await?))
}

/// Opens a team on an offer (`Ok`) or joins a team (`Err`); shared with the pages.
pub async fn take_seat(state: &AppState, user: &User, offer_or_team: Result<TeamOfferId, TeamId>, key: &str) -> ApiResult<Placed> {
    let hash = to_hex(&Sha256::digest(format!("{offer_or_team:?}")));
    let now = state.clock.now();
    let req = SeatRequest {
        buyer: user.user_id(),
        idempotency: (key, hash.as_str()),
        pickup_code: pickup_code(random_u32()),
        pay_by: now.plus_seconds(state.config.payment_timeout_seconds),
        now,
    };
    Ok(match offer_or_team {
        Ok(offer) => state.db.open_team(offer, req).await?,
        Err(team) => state.db.join_team(team, req).await?,
    })
}

#[utoipa::path(post, path = "/api/v1/team-offers/{id}/teams", tag = "team buys", security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "a retry with the same key returns the first answer")),
    responses((status = 201, body = OrderDetail, description = "the opener's order; the team starts when it is paid"),
        (status = 409, description = "team_offer_withdrawn, out_of_stock")))]
async fn open(State(state): State<AppState>, ApiUser(user): ApiUser, headers: HeaderMap, Path(id): Path<i64>) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    Ok(placed_response(take_seat(&state, &user, Ok(TeamOfferId(id)), &key).await?))
}

#[utoipa::path(post, path = "/api/v1/teams/{id}/join", tag = "team buys", security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "a retry with the same key returns the first answer")),
    responses((status = 201, body = OrderDetail, description = "a seat awaiting payment"),
        (status = 409, description = "team_full, team_closed, already_in_team, out_of_stock")))]
async fn join(State(state): State<AppState>, ApiUser(user): ApiUser, headers: HeaderMap, Path(id): Path<i64>) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    Ok(placed_response(take_seat(&state, &user, Err(TeamId(id)), &key).await?))
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

pub async fn team_view(state: &AppState, id: TeamId) -> ApiResult<TeamView> {
    let team = state.db.team(id).await?;
    let offer = state.db.team_offer(TeamOfferId(team.offer_id)).await?;
    let terms = offer.terms()?;
    let member_list = state.db.team_members(id).await?;
    let now = state.clock.now().millis();
    let seconds_left = team.expires_at.filter(|_| team.status == "forming").map(|e| ((e - now).max(0) + 999) / 1000);
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

#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "team buys", responses((status = 200, body = TeamView), (status = 404)))]
async fn show_team(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult<axum::Json<TeamView>> {
    Ok(axum::Json(team_view(&state, TeamId(id)).await?))
}
