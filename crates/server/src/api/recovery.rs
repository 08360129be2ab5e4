//! Getting back into an account and proving its e-mail address or phone:
//! password reset, sign-in by SMS code, verification.

use super::accounts::SessionOut;
use crate::AppState;
use crate::auth::{ApiUser, ClientAddress, start_session};
use crate::error::{AppError, AppResult};
use crate::extract::Json;
use crate::services::recovery::{self, ResetProof};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use haul_domain::ErrorCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ask_reset))
        .routes(routes!(complete_reset))
        .routes(routes!(ask_sign_in_code))
        .routes(routes!(sign_in_with_code))
        .routes(routes!(ask_verification))
        .routes(routes!(verify_phone))
        .routes(routes!(verify_email))
}

#[derive(Deserialize, ToSchema)]
pub struct AskReset {
    /// The account's e-mail address or phone number.
    pub login: String,
}

#[derive(Serialize, ToSchema)]
pub struct Accepted {
    /// Said whether or not such an account exists.
    pub message: String,
}

fn accepted(key: &str) -> (StatusCode, axum::Json<Accepted>) {
    (StatusCode::ACCEPTED, axum::Json(Accepted { message: crate::i18n::current().t(key) }))
}

/// Sends a reset link to an e-mail login, or a six-digit code to a phone
/// login. The answer is the same whether or not the account exists.
#[utoipa::path(post, path = "/api/v1/password-resets", tag = "accounts", request_body = AskReset,
    responses((status = 202, body = Accepted), (status = 422, description = "validation_failed"), (status = 429, description = "too_many_attempts: from this address")))]
async fn ask_reset(
    State(state): State<AppState>,
    from: ClientAddress,
    Json(input): Json<AskReset>,
) -> AppResult<(StatusCode, axum::Json<Accepted>)> {
    recovery::request_reset(&state, &input.login, &from).await?;
    Ok(accepted("recovery-sent-if-exists"))
}

#[derive(Deserialize, ToSchema)]
pub struct CompleteReset {
    /// The token of the e-mailed link...
    pub token: Option<String>,
    /// ...or the phone login and the code sent to it.
    pub login: Option<String>,
    pub code: Option<String>,
    pub new_password: String,
}

/// Sets a new password with the e-mailed link's token or the SMS code; every
/// session of the account ends.
#[utoipa::path(post, path = "/api/v1/password-resets/complete", tag = "accounts", request_body = CompleteReset,
    responses((status = 204), (status = 400, description = "link_invalid or code_invalid"), (status = 422, description = "validation_failed"),
        (status = 429, description = "too_many_attempts")))]
async fn complete_reset(State(state): State<AppState>, from: ClientAddress, Json(input): Json<CompleteReset>) -> AppResult<StatusCode> {
    let proof = match (&input.token, &input.login, &input.code) {
        (Some(token), _, _) => ResetProof::Link { token },
        (None, Some(login), Some(code)) => ResetProof::Code { login, code },
        _ => return Err(haul_domain::DomainError::invalid("token", "send the link's token, or the login and its code").into()),
    };
    recovery::complete_reset(&state, proof, input.new_password, &from).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct AskSignInCode {
    pub phone: String,
}

/// Sends a sign-in code to a phone account; the same answer whether or not
/// the account exists.
#[utoipa::path(post, path = "/api/v1/sessions/sms-code", tag = "accounts", request_body = AskSignInCode,
    responses((status = 202, body = Accepted), (status = 422, description = "validation_failed"), (status = 429, description = "too_many_attempts")))]
async fn ask_sign_in_code(
    State(state): State<AppState>,
    from: ClientAddress,
    Json(input): Json<AskSignInCode>,
) -> AppResult<(StatusCode, axum::Json<Accepted>)> {
    recovery::request_sign_in_code(&state, &input.phone, &from).await?;
    Ok(accepted("recovery-code-sent-if-exists"))
}

#[derive(Deserialize, ToSchema)]
pub struct SignInWithCode {
    pub phone: String,
    pub code: String,
    /// With two-factor sign-in on: the code from the authenticator app, or
    /// a recovery code.
    pub second_factor: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/sessions/sms", tag = "accounts", request_body = SignInWithCode,
    responses((status = 201, body = SessionOut), (status = 400, description = "code_invalid: the second factor"),
        (status = 401, description = "invalid_credentials, or second_factor_required"), (status = 403, description = "account_suspended"),
        (status = 429, description = "too_many_attempts: wrong second factors")))]
async fn sign_in_with_code(
    State(state): State<AppState>,
    from: ClientAddress,
    headers: HeaderMap,
    Json(input): Json<SignInWithCode>,
) -> AppResult<(StatusCode, axum::Json<SessionOut>)> {
    let checked = recovery::check_sign_in_code(&state, &input.phone, &input.code).await?;
    crate::services::two_factor::second_step(&state, &checked.user, input.second_factor.as_deref()).await?;
    let user = checked.sign_in(&state).await?;
    let token = start_session(&state, user.user_id(), "api", &headers, &from).await?;
    Ok((StatusCode::CREATED, axum::Json(SessionOut { user: user.into(), token })))
}

#[derive(Serialize, ToSchema)]
pub struct VerificationSent {
    /// `email` (a link) or `sms` (a code).
    pub channel: String,
}

/// Sends the signed-in person a link to their e-mail address, or a code to
/// their phone.
#[utoipa::path(post, path = "/api/v1/me/verification", tag = "accounts", security(("bearer" = [])),
    responses((status = 202, body = VerificationSent), (status = 409, description = "nothing_to_verify"), (status = 429, description = "too_many_attempts: a code was sent lately")))]
async fn ask_verification(
    State(state): State<AppState>,
    from: ClientAddress,
    ApiUser(user): ApiUser,
) -> AppResult<(StatusCode, axum::Json<VerificationSent>)> {
    let channel = recovery::send_verification(&state, &user, &from).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(VerificationSent { channel: channel.as_str().into() })))
}

#[derive(Deserialize, ToSchema)]
pub struct Code {
    pub code: String,
}

#[utoipa::path(post, path = "/api/v1/me/verification/phone", tag = "accounts", security(("bearer" = [])), request_body = Code,
    responses((status = 204), (status = 400, description = "code_invalid"), (status = 409, description = "nothing_to_verify: the account has no phone"),
        (status = 429, description = "too_many_attempts")))]
async fn verify_phone(State(state): State<AppState>, ApiUser(user): ApiUser, Json(input): Json<Code>) -> AppResult<StatusCode> {
    if user.phone.is_none() {
        return Err(AppError::refused(ErrorCode::NothingToVerify));
    }
    recovery::verify_phone(&state, &user, &input.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct Token {
    pub token: String,
}

/// The token of an e-mailed verification link (the page at the link does
/// the same).
#[utoipa::path(post, path = "/api/v1/email-verifications", tag = "accounts", request_body = Token,
    responses((status = 204), (status = 400, description = "link_invalid")))]
async fn verify_email(State(state): State<AppState>, Json(input): Json<Token>) -> AppResult<StatusCode> {
    recovery::verify_email(&state, &input.token).await?;
    Ok(StatusCode::NO_CONTENT)
}
