//! Group leaders and their communities: applying, the operator's decision,
//! residents joining, the stores that reach a pickup point, a store's
//! location and radius, and the leader's commission.

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::{ApiUser, require_shop_staff};
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::services::community::{ApplyInput, LocationInput, apply_to_lead, locate_shop, visible_community};
use axum::extract::State;
use axum::http::StatusCode;
use haul_domain::ErrorCode;
use haul_domain::accounts::Role;
use haul_domain::community::CommunityStatus;
use haul_domain::ids::{CommunityId, ShopId};
use haul_store::community::{Community, ServingShop, SupplyOrder};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, apply))
        .routes(routes!(show))
        .routes(routes!(decide))
        .routes(routes!(join))
        .routes(routes!(stores))
        .routes(routes!(set_location))
        .routes(routes!(supply_orders))
        .routes(routes!(commission))
}

#[utoipa::path(post, path = "/api/v1/communities", tag = "community", security(("bearer" = [])), request_body = ApplyInput,
    responses((status = 201, body = Community, description = "an application; an operator approves it"), (status = 409, description = "already_applied")))]
async fn apply(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<ApplyInput>,
) -> AppResult<(StatusCode, axum::Json<Community>)> {
    Ok((StatusCode::CREATED, axum::Json(apply_to_lead(&state, &user, &input).await?)))
}

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// `approved` (default, anyone), or `applied` / `rejected` (operators).
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/communities", tag = "community", params(ListQuery), responses((status = 200, body = PageOf<Community>), (status = 403, description = "forbidden: only operators list applications")))]
async fn list(
    State(state): State<AppState>,
    user: Option<ApiUser>,
    Query(q): Query<ListQuery>,
) -> AppResult<axum::Json<PageOf<Community>>> {
    let status = match q.status.as_deref() {
        None => CommunityStatus::Approved,
        Some(s) => {
            CommunityStatus::parse(s).map_err(|_| AppError::new(ErrorCode::InvalidStatus, "status is approved, applied or rejected"))?
        }
    };
    if status != CommunityStatus::Approved && !user.as_ref().is_some_and(|u| u.0.role() == Role::Operator) {
        return Err(AppError::forbidden());
    }
    let page = PageParams { limit: q.limit, cursor: q.cursor }.parse()?;
    Ok(axum::Json(state.db.communities(status, &page).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/communities/{id}", tag = "community", responses((status = 200, body = Community), (status = 404)))]
async fn show(State(state): State<AppState>, user: Option<ApiUser>, Path(id): Path<i64>) -> AppResult<axum::Json<Community>> {
    Ok(axum::Json(visible_community(&state, user.as_ref().map(|u| &u.0), CommunityId(id)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct Decision {
    pub approve: bool,
}

#[utoipa::path(post, path = "/api/v1/communities/{id}/decision", tag = "community", security(("bearer" = [])), request_body = Decision,
    responses((status = 200, body = Community), (status = 403), (status = 409, description = "not_pending")))]
async fn decide(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(d): Json<Decision>,
) -> AppResult<axum::Json<Community>> {
    if user.role() != Role::Operator {
        return Err(AppError::forbidden());
    }
    Ok(axum::Json(crate::services::community::decide_leader(&state, &user, CommunityId(id), d.approve).await?))
}

#[utoipa::path(post, path = "/api/v1/communities/{id}/join", tag = "community", security(("bearer" = [])),
    responses((status = 204, description = "a member (joining twice changes nothing)"), (status = 404)))]
async fn join(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<StatusCode> {
    state.db.join_community(CommunityId(id), user.user_id(), state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/communities/{id}/stores", tag = "community",
    responses((status = 200, body = Vec<ServingShop>, description = "stores whose delivery radius reaches the pickup point, nearest first")))]
async fn stores(State(state): State<AppState>, user: Option<ApiUser>, Path(id): Path<i64>) -> AppResult<axum::Json<Vec<ServingShop>>> {
    let c = visible_community(&state, user.as_ref().map(|u| &u.0), CommunityId(id)).await?;
    Ok(axum::Json(state.db.serving_shops(&c).await?))
}

#[utoipa::path(put, path = "/api/v1/shops/{id}/location", tag = "community", security(("bearer" = [])), request_body = LocationInput,
    responses((status = 204), (status = 403), (status = 422)))]
async fn set_location(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<LocationInput>,
) -> AppResult<StatusCode> {
    locate_shop(&state, &user, ShopId(id), &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/shops/{id}/supply-orders", tag = "community", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = PageOf<SupplyOrder>, description = "consolidated orders from closed campaigns")))]
async fn supply_orders(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<PageOf<SupplyOrder>>> {
    require_shop_staff(&state, &user, ShopId(id)).await?;
    Ok(axum::Json(state.db.supply_orders_of_shop(ShopId(id), &page.parse()?).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct CommissionView {
    pub currency: String,
    /// The leader's commission on orders collected at the pickup point,
    /// after the platform's fee and refunds (paid out like a creator's).
    pub total_minor: i64,
    pub orders: i64,
}

#[utoipa::path(get, path = "/api/v1/leader/commission", tag = "community", security(("bearer" = [])), responses((status = 200, body = Vec<CommissionView>)))]
async fn commission(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::Json<Vec<CommissionView>>> {
    let rows = state.db.leader_commission(user.user_id()).await?;
    Ok(axum::Json(rows.into_iter().map(|(currency, total_minor, orders)| CommissionView { currency, total_minor, orders }).collect()))
}
