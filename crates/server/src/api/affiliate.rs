//! Commission plans and the creators' marketplace.

use crate::AppState;
use crate::auth::{ApiUser, require_shop_staff};
use crate::error::AppResult;
use crate::extract::{Json, Path, Query};
use crate::services::affiliate::{PlanInput, add_to_showcase, create_plan, rate_now, set_rate};
use axum::extract::State;
use axum::http::StatusCode;
use haul_domain::ids::{ProductId, ShopId, UserId};
use haul_store::affiliate::{MarketItem, Plan, ShowcaseItem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(marketplace))
        .routes(routes!(shop_plans, new_plan))
        .routes(routes!(change_rate))
        .routes(routes!(my_invitations))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(showcase))
        .routes(routes!(add_showcase))
        .routes(routes!(remove_showcase))
}

#[utoipa::path(get, path = "/api/v1/creators/{id}/showcase", tag = "affiliate", responses((status = 200, body = Vec<ShowcaseItem>), (status = 404)))]
async fn showcase(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<Vec<ShowcaseItem>>> {
    state.db.user(UserId(id)).await?;
    Ok(axum::Json(state.db.showcase(UserId(id)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ShowcaseInput {
    pub product_id: i64,
}

#[utoipa::path(post, path = "/api/v1/me/showcase", tag = "affiliate", security(("bearer" = [])), request_body = ShowcaseInput,
    responses((status = 204), (status = 404), (status = 409, description = "no_commission, showcase_full")))]
async fn add_showcase(State(state): State<AppState>, ApiUser(user): ApiUser, Json(input): Json<ShowcaseInput>) -> AppResult<StatusCode> {
    add_to_showcase(&state, &user, input.product_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/me/showcase/{product_id}", tag = "affiliate", security(("bearer" = [])), responses((status = 204)))]
async fn remove_showcase(State(state): State<AppState>, ApiUser(user): ApiUser, Path(product_id): Path<i64>) -> AppResult<StatusCode> {
    state.db.remove_from_showcase(user.user_id(), ProductId(product_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct MarketQuery {
    /// 1 to 100; 50 by default.
    pub limit: Option<i64>,
    /// Only this category.
    pub category_id: Option<i64>,
    /// `rate` (best first, the default), `sold` (units in the last 30 days) or `rating`.
    pub sort: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/affiliate/marketplace", tag = "affiliate", params(MarketQuery),
    responses((status = 200, body = Vec<MarketItem>, description = "products that pay commission to any creator"), (status = 422)))]
async fn marketplace(State(state): State<AppState>, Query(q): Query<MarketQuery>) -> AppResult<axum::Json<Vec<MarketItem>>> {
    let items = crate::services::affiliate::marketplace(&state, q.category_id, q.sort.as_deref(), q.limit.unwrap_or(50)).await?;
    Ok(axum::Json(items))
}

/// A plan with the rate it pays now (a cut in its notice still pays the old one).
#[derive(Serialize, ToSchema)]
pub struct PlanView {
    #[serde(flatten)]
    pub plan: Plan,
    pub rate_in_force_bps: Option<i64>,
}

async fn view(state: &AppState, plan: Plan) -> AppResult<PlanView> {
    let rate_in_force_bps = rate_now(state, plan.id).await?;
    Ok(PlanView { plan, rate_in_force_bps })
}

#[utoipa::path(get, path = "/api/v1/shops/{id}/commission-plans", tag = "affiliate", security(("bearer" = [])),
    responses((status = 200, body = Vec<PlanView>), (status = 403)))]
async fn shop_plans(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<Vec<PlanView>>> {
    require_shop_staff(&state, &user, ShopId(id)).await?;
    let mut views = Vec::new();
    for plan in state.db.plans_of_shop(ShopId(id)).await? {
        views.push(view(&state, plan).await?);
    }
    Ok(axum::Json(views))
}

#[utoipa::path(post, path = "/api/v1/shops/{id}/commission-plans", tag = "affiliate", security(("bearer" = [])), request_body = PlanInput,
    responses((status = 201, body = PlanView), (status = 403), (status = 404), (status = 409, description = "plan_exists, shop_not_selling"), (status = 422)))]
async fn new_plan(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<PlanInput>,
) -> AppResult<(StatusCode, axum::Json<PlanView>)> {
    let plan = create_plan(&state, &user, ShopId(id), &input).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&state, plan).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct RateInput {
    /// 100 (1%) to 8000 (80%). A cut reaches creators after the notice.
    pub rate_bps: i64,
}

#[utoipa::path(put, path = "/api/v1/commission-plans/{id}", tag = "affiliate", security(("bearer" = [])), request_body = RateInput,
    responses((status = 200, body = PlanView), (status = 404), (status = 422)))]
async fn change_rate(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<RateInput>,
) -> AppResult<axum::Json<PlanView>> {
    let plan = set_rate(&state, &user, id, input.rate_bps).await?;
    Ok(axum::Json(view(&state, plan).await?))
}

#[utoipa::path(get, path = "/api/v1/me/commission-plans", tag = "affiliate", security(("bearer" = [])),
    responses((status = 200, body = Vec<PlanView>, description = "plans shops offered this creator: invitations and those accepted")))]
async fn my_invitations(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::Json<Vec<PlanView>>> {
    let mut views = Vec::new();
    for plan in state.db.plans_of_creator(user.user_id()).await? {
        views.push(view(&state, plan).await?);
    }
    Ok(axum::Json(views))
}

#[utoipa::path(post, path = "/api/v1/commission-plans/{id}/accept", tag = "affiliate", security(("bearer" = [])),
    responses((status = 200, body = PlanView), (status = 404), (status = 409, description = "invitation_answered")))]
async fn accept(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<PlanView>> {
    let plan = state.db.answer_invitation(id, user.user_id(), true).await?;
    Ok(axum::Json(view(&state, plan).await?))
}

#[utoipa::path(post, path = "/api/v1/commission-plans/{id}/decline", tag = "affiliate", security(("bearer" = [])),
    responses((status = 200, body = PlanView), (status = 404), (status = 409, description = "invitation_answered")))]
async fn decline(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<PlanView>> {
    let plan = state.db.answer_invitation(id, user.user_id(), false).await?;
    Ok(axum::Json(view(&state, plan).await?))
}
