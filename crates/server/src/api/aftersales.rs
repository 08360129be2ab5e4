//! After-sales: a buyer opens a case on a line of a paid order (refund only,
//! return and refund, exchange; a reason and up to six pictures); the
//! merchant, the buyer, a community order's leader and the operator take
//! its steps; deadlines decide for whoever stays silent.

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::{ApiUser, require_shop_staff};
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::services::aftersales::{self, Action, CaseView};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use haul_domain::ErrorCode;
use haul_domain::accounts::Role;
use haul_domain::ids::{OrderId, ShopId};
use haul_store::aftersales::{Case, CasesOf};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    // Only opening a case (with its pictures) takes a large body.
    OpenApiRouter::new()
        .routes(routes!(open, of_order))
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .routes(routes!(list))
        .routes(routes!(show))
        .routes(routes!(act))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/aftersales", tag = "aftersales", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "`line_id`, `kind` (refund_only, return_refund, exchange), `quantity` (1 by default), `reason`, up to 6 `images`"),
    responses((status = 201, body = Case), (status = 404),
        (status = 409, description = "order_not_paid, not_received_yet, claim_window_closed, nothing_to_claim, case_open"), (status = 415, description = "unsupported_image")))]
async fn open(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> AppResult<(StatusCode, axum::Json<Case>)> {
    let form = form.map_err(|e| AppError::new(ErrorCode::InvalidUpload, e.body_text()))?;
    let parts = crate::media::read_upload(form, state.config.max_upload_bytes).await?;
    Ok((StatusCode::CREATED, axum::Json(aftersales::open(&state, &user, OrderId(id), parts).await?)))
}

/// The cases of an order, for its buyer and its shop's staff.
#[utoipa::path(get, path = "/api/v1/orders/{id}/aftersales", tag = "aftersales", security(("bearer" = [])),
    responses((status = 200, body = Vec<Case>), (status = 404)))]
async fn of_order(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<Vec<Case>>> {
    crate::services::orders::readable_order(&state, &user, OrderId(id)).await?;
    Ok(axum::Json(state.db.cases_of_order(OrderId(id)).await?))
}

#[derive(Deserialize, IntoParams)]
struct ListQuery {
    /// A shop's cases (its staff); without it, your own as a buyer.
    shop_id: Option<i64>,
    /// The cases waiting for the operator (operators only).
    #[serde(default)]
    escalated: bool,
    /// Open cases only.
    #[serde(default)]
    open: bool,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Cases, newest first: yours, a shop's, or those escalated to the operator.
#[utoipa::path(get, path = "/api/v1/aftersales", tag = "aftersales", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = PageOf<Case>), (status = 403)))]
async fn list(State(state): State<AppState>, ApiUser(user): ApiUser, Query(q): Query<ListQuery>) -> AppResult<axum::Json<PageOf<Case>>> {
    let page = PageParams { limit: q.limit, cursor: q.cursor }.parse()?;
    let of = match (q.shop_id, q.escalated) {
        (_, true) if user.role() != Role::Operator => return Err(AppError::forbidden()),
        (_, true) => CasesOf::Escalated,
        (Some(shop), false) => {
            require_shop_staff(&state, &user, ShopId(shop)).await?;
            CasesOf::Shop(ShopId(shop))
        }
        (None, false) => CasesOf::Buyer(user.user_id()),
    };
    Ok(axum::Json(state.db.cases(of, q.open, &page).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/aftersales/{id}", tag = "aftersales", security(("bearer" = [])),
    responses((status = 200, body = CaseView), (status = 404)))]
async fn show(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<CaseView>> {
    let (case, _) = aftersales::readable(&state, &user, id).await?;
    Ok(axum::Json(aftersales::view(&state, case).await?))
}

/// A step: `{"action": "accept" | "reject" (reason) | "ask_for_return" |
/// "ship_return" (carrier, tracking_no) | "confirm_return" (carrier and
/// tracking_no of an exchange's replacement) | "escalate" | "decide"
/// (for_buyer, reason; operators) | "withdraw"}`.
#[utoipa::path(post, path = "/api/v1/aftersales/{id}/actions", tag = "aftersales", security(("bearer" = [])), request_body = Action,
    responses((status = 200, body = Case), (status = 403), (status = 404), (status = 409, description = "illegal_case_step, out_of_stock")))]
async fn act(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(action): Json<Action>,
) -> AppResult<axum::Json<Case>> {
    Ok(axum::Json(aftersales::act(&state, &user, id, &action).await?))
}
