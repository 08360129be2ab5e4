//! Team buys: merchants offer a team price on a SKU; a shopper opens a team
//! by paying, others join by paying; the close job confirms or refunds.

use crate::AppState;
use crate::api::orders::placed_response;
use crate::api::{PageOf, PageParams, idempotency_key};
use crate::auth::{ApiUser, require_shop_staff};
use crate::error::AppResult;
use crate::extract::{Json, Path, Query};
use crate::services::teams::{NewOfferInput, TeamView, create_team_offer, take_seat, team_view};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use haul_domain::ErrorCode;
use haul_domain::ids::{ProductId, ShopId, TeamId, TeamOfferId};
use haul_store::orders::OrderDetail;
use haul_store::teams::{Team, TeamOffer};
use serde::{Deserialize, Serialize};
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

#[utoipa::path(post, path = "/api/v1/team-offers", tag = "team buys", security(("bearer" = [])), request_body = NewOfferInput,
    responses((status = 201, body = TeamOffer), (status = 422, description = "team_size, max_size, time_limit_seconds or tiers invalid")))]
async fn create_offer(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<NewOfferInput>,
) -> AppResult<(StatusCode, axum::Json<TeamOffer>)> {
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
async fn list_offers(State(state): State<AppState>, Query(q): Query<OfferQuery>) -> AppResult<axum::Json<PageOf<TeamOffer>>> {
    match (q.shop_id, q.product_id) {
        (_, Some(product)) => {
            Ok(axum::Json(PageOf { items: state.db.team_offers_of_product(ProductId(product)).await?, next_cursor: None }))
        }
        (Some(shop), None) => {
            let page = PageParams { limit: q.limit, cursor: q.cursor }.parse()?;
            Ok(axum::Json(state.db.team_offers_of_shop(ShopId(shop), &page).await?.into()))
        }
        (None, None) => Err(crate::error::AppError::new(ErrorCode::MissingFilter, "pass shop_id or product_id")),
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
async fn show_offer(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<OfferView>> {
    let offer = state.db.team_offer(TeamOfferId(id)).await?;
    let open_teams = state.db.joinable_teams(TeamOfferId(id), 20).await?;
    Ok(axum::Json(OfferView { offer, open_teams }))
}

#[utoipa::path(post, path = "/api/v1/team-offers/{id}/withdraw", tag = "team buys", security(("bearer" = [])),
    responses((status = 200, body = TeamOffer, description = "no new teams; running ones finish")))]
async fn withdraw_offer(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<TeamOffer>> {
    let offer = state.db.team_offer(TeamOfferId(id)).await?;
    require_shop_staff(&state, &user, ShopId(offer.shop_id)).await?;
    Ok(axum::Json(state.db.withdraw_team_offer(TeamOfferId(id)).await?))
}

#[utoipa::path(post, path = "/api/v1/team-offers/{id}/teams", tag = "team buys", security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "a retry with the same key returns the first answer")),
    responses((status = 201, body = OrderDetail, description = "the opener's order; the team starts when it is paid"),
        (status = 409, description = "team_offer_withdrawn, out_of_stock")))]
async fn open(State(state): State<AppState>, ApiUser(user): ApiUser, headers: HeaderMap, Path(id): Path<i64>) -> AppResult<Response> {
    let key = idempotency_key(&headers)?;
    Ok(placed_response(take_seat(&state, &user, Ok(TeamOfferId(id)), &key).await?))
}

#[utoipa::path(post, path = "/api/v1/teams/{id}/join", tag = "team buys", security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "a retry with the same key returns the first answer")),
    responses((status = 201, body = OrderDetail, description = "a seat awaiting payment"),
        (status = 409, description = "team_full, team_closed, already_in_team, out_of_stock")))]
async fn join(State(state): State<AppState>, ApiUser(user): ApiUser, headers: HeaderMap, Path(id): Path<i64>) -> AppResult<Response> {
    let key = idempotency_key(&headers)?;
    Ok(placed_response(take_seat(&state, &user, Err(TeamId(id)), &key).await?))
}

#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "team buys", responses((status = 200, body = TeamView), (status = 404)))]
async fn show_team(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<TeamView>> {
    Ok(axum::Json(team_view(&state, TeamId(id)).await?))
}
