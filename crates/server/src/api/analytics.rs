//! Sales figures: the public best-seller lists, a shop's dashboard and the
//! operator's (definitions in `docs/ANALYTICS.md`).

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::extract::{Path, Query};
use crate::services::analytics::{self, BestSellersQuery, Dashboard, DashboardQuery};
use crate::services::platform::Platform;
use axum::extract::State;
use haul_domain::ids::ShopId;
use haul_store::analytics::ProductSales;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(best_sellers)).routes(routes!(dashboard)).routes(routes!(platform))
}

#[derive(Serialize, ToSchema)]
pub struct BestSellers {
    /// The window the list covers, ending now.
    pub window: String,
    pub items: Vec<ProductSales>,
}

/// The best-selling products over a rolling window, overall, in a category
/// or in a shop: units paid and not returned, GMV net of refunds.
#[utoipa::path(get, path = "/api/v1/best-sellers", tag = "analytics", params(BestSellersQuery),
    responses((status = 200, body = BestSellers), (status = 422)))]
async fn best_sellers(State(state): State<AppState>, Query(q): Query<BestSellersQuery>) -> AppResult<axum::Json<BestSellers>> {
    let (window, items) = analytics::best_sellers(&state, &q).await?;
    Ok(axum::Json(BestSellers { window: window.as_str().to_owned(), items }))
}

/// A shop's sales over calendar days in the viewer's time zone: its staff only.
#[utoipa::path(get, path = "/api/v1/shops/{id}/analytics", tag = "analytics", security(("bearer" = [])), params(DashboardQuery),
    responses((status = 200, body = Dashboard), (status = 403), (status = 422)))]
async fn dashboard(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<DashboardQuery>,
) -> AppResult<axum::Json<Dashboard>> {
    Ok(axum::Json(std::sync::Arc::unwrap_or_clone(analytics::dashboard(&state, &user, ShopId(id), &q).await?)))
}

/// The platform's sales over calendar days, its top shops, creators and
/// leaders, and the feed policies compared: operators only.
#[utoipa::path(get, path = "/api/v1/operator/analytics", tag = "analytics", security(("bearer" = [])), params(DashboardQuery),
    responses((status = 200, body = Platform), (status = 403), (status = 422)))]
async fn platform(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<DashboardQuery>,
) -> AppResult<axum::Json<Platform>> {
    Ok(axum::Json(crate::services::platform::platform(&state, &user, &q).await?))
}
