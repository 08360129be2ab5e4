//! A shop's webhook endpoints and the log of deliveries.

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::{ApiUser, random_token, require_shop_staff};
use crate::error::AppResult;
use crate::extract::{Json, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use haul_domain::DomainError;
use haul_domain::ids::{EndpointId, ShopId};
use haul_store::webhooks::{Delivery, Endpoint};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const EVENTS: &[&str] = &[
    "order.paid",
    "order.refunded",
    "order.shipped",
    "order.ready_for_pickup",
    "order.completed",
    "order.cancelled",
    "team.completed",
    "team.failed",
    "campaign.closed",
    "lead.created",
];

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_endpoints, create_endpoint)).routes(routes!(delete_endpoint)).routes(routes!(deliveries))
}

#[derive(Deserialize, ToSchema)]
pub struct NewEndpoint {
    pub url: String,
    /// Event names, or empty for all of them.
    #[serde(default)]
    pub events: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/shops/{id}/webhooks", tag = "webhooks", security(("bearer" = [])), responses((status = 200, body = Vec<Endpoint>)))]
async fn list_endpoints(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> AppResult<axum::Json<Vec<Endpoint>>> {
    require_shop_staff(&state, &user, ShopId(id)).await?;
    Ok(axum::Json(state.db.endpoints(ShopId(id)).await?))
}

#[utoipa::path(post, path = "/api/v1/shops/{id}/webhooks", tag = "webhooks", security(("bearer" = [])), request_body = NewEndpoint,
    responses((status = 201, body = Endpoint, description = "includes the signing secret")))]
async fn create_endpoint(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<NewEndpoint>,
) -> AppResult<(StatusCode, axum::Json<Endpoint>)> {
    require_shop_staff(&state, &user, ShopId(id)).await?;
    let url = state.outbound.check_target("url", &input.url)?;
    if let Some(bad) = input.events.iter().find(|e| !EVENTS.contains(&e.as_str())) {
        return Err(DomainError::invalid("events", format!("unknown event {bad:?}; known: {}", EVENTS.join(", "))).into());
    }
    let events = if input.events.is_empty() { "*".to_owned() } else { input.events.join(",") };
    let endpoint = state.db.create_endpoint(ShopId(id), &url, &random_token(), &events, state.clock.now()).await?;
    Ok((StatusCode::CREATED, axum::Json(endpoint)))
}

#[utoipa::path(delete, path = "/api/v1/shops/{id}/webhooks/{endpoint_id}", tag = "webhooks", security(("bearer" = [])), responses((status = 204), (status = 404)))]
async fn delete_endpoint(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, endpoint)): Path<(i64, i64)>,
) -> AppResult<StatusCode> {
    require_shop_staff(&state, &user, ShopId(id)).await?;
    state.db.delete_endpoint(ShopId(id), EndpointId(endpoint)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/shops/{id}/webhook-deliveries", tag = "webhooks", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = PageOf<Delivery>)))]
async fn deliveries(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<PageOf<Delivery>>> {
    require_shop_staff(&state, &user, ShopId(id)).await?;
    Ok(axum::Json(state.db.deliveries(ShopId(id), &page.parse()?).await?.into()))
}
