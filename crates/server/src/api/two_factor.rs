//! Two-factor sign-in with an authenticator app: turning it on and off, and
//! recovery codes (signing in sends the app's code as `second_factor`);
//! which optional e-mails the person receives; the download of their data.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::extract::Json;
use crate::services::mail_notices;
use crate::services::two_factor::{self, Enrolment};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(confirm))
        .routes(routes!(disable))
        .routes(routes!(renew_codes))
        .routes(routes!(mail_preferences, set_mail_preferences))
        .routes(routes!(export))
}

/// Everything of the person's own, to take with them: a zip of JSON and CSV
/// (profile, addresses, orders and their lines, reviews, after-sales,
/// vouchers, notes, videos' details, comments, who they follow, quote
/// requests, commissions and payouts).
#[utoipa::path(get, path = "/api/v1/me/export", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, content_type = "application/zip", description = "haul-data-<id>.zip")))]
async fn export(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::response::Response> {
    let zip = crate::services::export::archive(&state, &user).await?;
    Ok(crate::services::export::download(&user, zip))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct MailPreferences {
    /// The optional e-mails the person receives, of `shipped`, `pickup`,
    /// `refund`, `live` and `payout`; receipts always go.
    pub on: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/me/mail-preferences", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = MailPreferences)))]
async fn mail_preferences(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::Json<MailPreferences>> {
    let on = mail_notices::preferences(&state, user.user_id()).await?;
    Ok(axum::Json(MailPreferences { on: on.into_iter().map(str::to_owned).collect() }))
}

#[utoipa::path(put, path = "/api/v1/me/mail-preferences", tag = "accounts", security(("bearer" = [])), request_body = MailPreferences,
    responses((status = 200, body = MailPreferences), (status = 422, description = "validation_failed")))]
async fn set_mail_preferences(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<MailPreferences>,
) -> AppResult<axum::Json<MailPreferences>> {
    mail_notices::set_preferences(&state, user.user_id(), &input.on).await?;
    mail_preferences(State(state), ApiUser(user)).await
}

/// A new secret for the person's authenticator app (as text and as an
/// `otpauth://` link); two-factor sign-in is on once a code confirms it.
#[utoipa::path(post, path = "/api/v1/me/two-factor", tag = "accounts", security(("bearer" = [])),
    responses((status = 201, body = Enrolment), (status = 409, description = "two_factor_on")))]
async fn start(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<(StatusCode, axum::Json<Enrolment>)> {
    Ok((StatusCode::CREATED, axum::Json(two_factor::start(&state, &user).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct Code {
    /// From the authenticator app (or, where it says so, a recovery code).
    pub code: String,
}

#[derive(Deserialize, ToSchema)]
pub struct Confirm {
    /// From the authenticator app.
    pub code: String,
    /// The account's password: turning two-factor on takes it.
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Each works once in place of the app's code; shown only now.
    pub recovery_codes: Vec<String>,
}

/// Turns two-factor sign-in on with a code from the app and the password;
/// every other session of the account ends.
#[utoipa::path(post, path = "/api/v1/me/two-factor/confirm", tag = "accounts", security(("bearer" = [])), request_body = Confirm,
    responses((status = 200, body = RecoveryCodes), (status = 400, description = "code_invalid"), (status = 401, description = "invalid_credentials: the password"),
        (status = 409, description = "two_factor_on, or two_factor_off: start first")))]
async fn confirm(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    ApiUser(user): ApiUser,
    Json(input): Json<Confirm>,
) -> AppResult<axum::Json<RecoveryCodes>> {
    let this = crate::auth::bearer(&headers).unwrap_or_default();
    Ok(axum::Json(RecoveryCodes { recovery_codes: two_factor::confirm(&state, &user, &input.code, input.password, this).await? }))
}

/// Turns two-factor sign-in off, with a code from the app or a recovery code.
#[utoipa::path(post, path = "/api/v1/me/two-factor/disable", tag = "accounts", security(("bearer" = [])), request_body = Code,
    responses((status = 204), (status = 400, description = "code_invalid"), (status = 409, description = "two_factor_off"), (status = 429, description = "too_many_attempts")))]
async fn disable(State(state): State<AppState>, ApiUser(user): ApiUser, Json(input): Json<Code>) -> AppResult<StatusCode> {
    two_factor::disable(&state, &user, &input.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// New recovery codes in place of the old ones.
#[utoipa::path(post, path = "/api/v1/me/two-factor/recovery-codes", tag = "accounts", security(("bearer" = [])), request_body = Code,
    responses((status = 200, body = RecoveryCodes), (status = 400, description = "code_invalid"), (status = 409, description = "two_factor_off"), (status = 429, description = "too_many_attempts")))]
async fn renew_codes(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<Code>,
) -> AppResult<axum::Json<RecoveryCodes>> {
    Ok(axum::Json(RecoveryCodes { recovery_codes: two_factor::renew_recovery_codes(&state, &user, &input.code).await? }))
}
