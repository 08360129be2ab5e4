//! Deleting an account: by the person, or by an operator on their request;
//! an operator's export of an account's data on request.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::extract::{Json, Path};
use crate::services::deletion;
use axum::extract::State;
use axum::http::StatusCode;
use haul_domain::ids::UserId;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(delete_own)).routes(routes!(delete_on_request)).routes(routes!(export_on_request))
}

#[derive(Deserialize, ToSchema)]
pub struct ExportOnRequest {
    /// Why (the person's request), for the audit log.
    pub reason: String,
}

/// An operator takes an account's data (the zip the person downloads
/// themselves) on its owner's request; audited.
#[utoipa::path(post, path = "/api/v1/operator/people/{id}/export", tag = "moderation", security(("bearer" = [])), request_body = ExportOnRequest,
    responses((status = 200, content_type = "application/zip"), (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
        (status = 422, description = "validation_failed")))]
async fn export_on_request(
    State(state): State<AppState>,
    ApiUser(operator): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<ExportOnRequest>,
) -> AppResult<axum::response::Response> {
    let (user, zip) = deletion::export_on_request(&state, &operator, UserId(id), &input.reason).await?;
    Ok(crate::services::export::download(&user, zip))
}

#[derive(Deserialize, ToSchema)]
pub struct DeleteOwn {
    pub password: String,
    /// With two-factor sign-in on: a code from the app, or a recovery code.
    pub second_factor: Option<String>,
    /// Leave the person's videos, notes, comments and reviews up under a
    /// pseudonym (default: take them down).
    #[serde(default)]
    pub keep_content: bool,
}

/// Deletes the caller's account: their login, name, addresses, sessions and
/// follows are erased at once; orders, payments and commissions stay for
/// the shops and the books under a pseudonym. Refused while their orders
/// are under way or they are staff of a shop.
#[utoipa::path(post, path = "/api/v1/me/deletion", tag = "accounts", security(("bearer" = [])), request_body = DeleteOwn,
    responses((status = 204), (status = 400, description = "code_invalid: the second factor"), (status = 401, description = "invalid_credentials or second_factor_required"),
        (status = 409, description = "account_has_open_orders or account_runs_a_shop"), (status = 429, description = "too_many_attempts")))]
async fn delete_own(State(state): State<AppState>, ApiUser(user): ApiUser, Json(input): Json<DeleteOwn>) -> AppResult<StatusCode> {
    deletion::delete_own(&state, &user, input.password, input.second_factor.as_deref(), input.keep_content).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct DeleteOnRequest {
    /// Why (the person's request), for the audit log.
    pub reason: String,
    #[serde(default)]
    pub keep_content: bool,
}

/// An operator deletes an account on its owner's request; audited.
#[utoipa::path(post, path = "/api/v1/operator/people/{id}/deletion", tag = "moderation", security(("bearer" = [])), request_body = DeleteOnRequest,
    responses((status = 204), (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
        (status = 409, description = "account_has_open_orders or account_runs_a_shop"), (status = 422, description = "validation_failed")))]
async fn delete_on_request(
    State(state): State<AppState>,
    ApiUser(operator): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<DeleteOnRequest>,
) -> AppResult<StatusCode> {
    deletion::delete_on_request(&state, &operator, UserId(id), &input.reason, input.keep_content).await?;
    Ok(StatusCode::NO_CONTENT)
}
