//! Partner fulfilment: a shop registers a partner; paid orders for the
//! partner's items are forwarded to it as signed webhooks (see the store's
//! outbox), and the partner reports shipment back here, signed with the same
//! secret.

use crate::AppState;
use crate::auth::{ApiUser, random_token, require_shop_staff};
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, RawBody};
use crate::payments::SIGNATURE_HEADER;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use haul_domain::ErrorCode;
use haul_domain::accounts::text;
use haul_domain::ids::{OrderId, PartnerId, ShopId};
use haul_domain::signing;
use haul_store::catalog::Partner;
use haul_store::orders::Order;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_partner)).routes(routes!(shipment))
}

#[derive(Deserialize, ToSchema)]
pub struct NewPartner {
    pub name: String,
    /// Where paid orders are forwarded.
    pub endpoint_url: String,
}

#[utoipa::path(post, path = "/api/v1/shops/{id}/partners", tag = "partners", security(("bearer" = [])), request_body = NewPartner,
    responses((status = 201, body = Partner, description = "includes the signing secret, shown once")))]
async fn create_partner(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<NewPartner>,
) -> AppResult<(StatusCode, axum::Json<Partner>)> {
    require_shop_staff(&state, &user, ShopId(id)).await?;
    let name = text("name", &input.name, 60)?;
    let url = state.outbound.check_target("endpoint_url", &input.endpoint_url)?;
    let partner = state.db.create_partner(ShopId(id), &name, &url, &random_token(), state.clock.now()).await?;
    Ok((StatusCode::CREATED, axum::Json(partner)))
}

#[derive(Deserialize, ToSchema)]
pub struct Shipment {
    pub partner_id: i64,
    #[serde(default)]
    pub tracking: String,
}

/// The partner says it shipped the order. Signed like every Haul webhook.
#[utoipa::path(post, path = "/api/v1/partner/orders/{id}/shipment", tag = "partners", request_body = Shipment,
    params(("Haul-Signature" = String, Header, description = "t=<unix seconds>,v1=<hex HMAC-SHA256 with the partner secret>")),
    responses((status = 200, body = Order), (status = 401, description = "bad_signature"), (status = 404), (status = 409, description = "shipped_in_part_by_the_shop")))]
async fn shipment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> AppResult<axum::Json<Order>> {
    let input: Shipment = serde_json::from_slice(&body).map_err(|e| AppError::new(ErrorCode::InvalidJson, e.to_string()))?;
    let partner =
        state.db.partner(PartnerId(input.partner_id)).await.map_err(|_| AppError::new(ErrorCode::BadSignature, "unknown partner"))?;
    let header = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
    signing::verify(partner.secret.as_bytes(), header, &body, state.clock.now().seconds())?;
    // Only orders forwarded to this partner: not the shop's own orders, and
    // not an order the shop ships in part itself.
    match state.db.partner_lines(id, partner.id).await? {
        (0, _) => return Err(AppError::not_found("order")),
        (theirs, all) if theirs < all => {
            return Err(AppError::new(
                ErrorCode::ShippedInPartByTheShop,
                "the shop ships some lines of this order itself: it marks the order shipped",
            ));
        }
        _ => {}
    }
    let tracking = haul_domain::accounts::search_terms(&input.tracking, 60);
    let note = if tracking.is_empty() {
        format!("shipped by partner {}", partner.name)
    } else {
        format!("shipped by partner {}, tracking {tracking}", partner.name)
    };
    let shipment = haul_store::orders::Shipment {
        carrier: &partner.name,
        tracking_no: Some(tracking.as_str()).filter(|t| !t.is_empty()),
        actor: None,
        prepared_note: haul_domain::orders::event_notes::FORWARDED_TO_PARTNER,
        note: &note,
    };
    Ok(axum::Json(state.db.ship_order(OrderId(id), shipment, state.clock.now()).await?))
}
