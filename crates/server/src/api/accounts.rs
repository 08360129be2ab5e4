//! Sign up, sign in, sign out, who am I, and operators granting roles.

use crate::AppState;
use crate::auth::{ApiUser, ClientAddress, bearer, start_session, token_hash};
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path};
use crate::services::accounts::{SignIn, SignUp, authenticate, create_account};
use crate::services::devices::{DeviceView, devices, end_device, end_other_devices};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use haul_domain::accounts::Role;
use haul_domain::ids::UserId;
use haul_store::accounts::User;
use haul_store::catalog::Shop;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_up))
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
        .routes(routes!(me))
        .routes(routes!(set_role))
        .routes(routes!(my_sessions))
        .routes(routes!(end_session))
        .routes(routes!(end_other_sessions))
}

/// A user as others may see them: no password hash.
#[derive(Serialize, ToSchema)]
pub struct PublicUser {
    pub id: i64,
    pub display_name: String,
    pub role: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Whether the person proved they hold the address or number.
    pub email_verified: bool,
    pub phone_verified: bool,
    /// Whether signing in takes a code from an authenticator app too.
    pub two_factor: bool,
}

impl From<User> for PublicUser {
    fn from(u: User) -> Self {
        PublicUser {
            id: u.id,
            display_name: u.display_name,
            role: u.role,
            email_verified: u.email.is_some() && u.email_verified_at.is_some(),
            phone_verified: u.phone.is_some() && u.phone_verified_at.is_some(),
            two_factor: u.totp_enabled_at.is_some(),
            email: u.email,
            phone: u.phone,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    pub user: PublicUser,
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = SignUp,
    responses((status = 201, body = SessionOut), (status = 409, description = "login_taken"), (status = 422, description = "validation_failed")))]
async fn sign_up(
    State(state): State<AppState>,
    from: ClientAddress,
    headers: HeaderMap,
    Json(input): Json<SignUp>,
) -> AppResult<(StatusCode, axum::Json<SessionOut>)> {
    let user = create_account(&state, input).await?;
    let token = start_session(&state, user.user_id(), "api", &headers, &from).await?;
    Ok((StatusCode::CREATED, axum::Json(SessionOut { user: user.into(), token })))
}

#[utoipa::path(post, path = "/api/v1/sessions", tag = "accounts", request_body = SignIn,
    responses((status = 201, body = SessionOut), (status = 400, description = "code_invalid: the second factor is wrong or used"),
        (status = 401, description = "invalid_credentials, or second_factor_required"), (status = 429, description = "too_many_attempts")))]
async fn sign_in(
    State(state): State<AppState>,
    from: ClientAddress,
    headers: HeaderMap,
    Json(input): Json<SignIn>,
) -> AppResult<(StatusCode, axum::Json<SessionOut>)> {
    let second_factor = input.second_factor.clone();
    let user = authenticate(&state, input, &from, None).await?;
    crate::services::two_factor::second_step(&state, &user, second_factor.as_deref()).await?;
    let token = start_session(&state, user.user_id(), "api", &headers, &from).await?;
    Ok((StatusCode::CREATED, axum::Json(SessionOut { user: user.into(), token })))
}

#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "accounts", security(("bearer" = [])), responses((status = 204)))]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap, _user: ApiUser) -> AppResult<StatusCode> {
    if let Some(token) = bearer(&headers) {
        state.db.delete_session(&token_hash(token)).await?;
        state.sessions.forget(token);
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user: PublicUser,
    /// Shops this user is staff of.
    pub shops: Vec<Shop>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = Me)))]
async fn me(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::Json<Me>> {
    let shops = state.db.shops_of_member(user.user_id()).await?;
    Ok(axum::Json(Me { user: user.into(), shops }))
}

#[derive(Deserialize, ToSchema)]
pub struct SetRole {
    pub role: String,
}

/// Operators grant roles, e.g. approving a group leader.
#[utoipa::path(put, path = "/api/v1/users/{id}/role", tag = "accounts", security(("bearer" = [])), request_body = SetRole,
    responses((status = 204), (status = 403, description = "forbidden")))]
async fn set_role(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<SetRole>,
) -> AppResult<StatusCode> {
    if me.role() != Role::Operator {
        return Err(AppError::forbidden());
    }
    let role = Role::parse(&input.role)?;
    state.db.set_role(UserId(id), role).await?;
    state.sessions.forget_user(id);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Devices {
    /// The most recently used first.
    pub items: Vec<DeviceView>,
}

#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = Devices)))]
async fn my_sessions(State(state): State<AppState>, headers: HeaderMap, ApiUser(user): ApiUser) -> AppResult<axum::Json<Devices>> {
    let token = bearer(&headers).unwrap_or_default();
    Ok(axum::Json(Devices { items: devices(&state, &user, token).await? }))
}

#[utoipa::path(delete, path = "/api/v1/me/sessions/{handle}", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 404, description = "not_found: no such session of yours"),
        (status = 409, description = "session_is_current: the session making the request signs out at DELETE /api/v1/sessions/current")))]
async fn end_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiUser(user): ApiUser,
    Path(handle): Path<String>,
) -> AppResult<StatusCode> {
    end_device(&state, &user, &handle, bearer(&headers).unwrap_or_default()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Ended {
    /// How many sessions were signed out.
    pub ended: u64,
}

#[utoipa::path(post, path = "/api/v1/me/sessions/sign-out-others", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = Ended)))]
async fn end_other_sessions(State(state): State<AppState>, headers: HeaderMap, ApiUser(user): ApiUser) -> AppResult<axum::Json<Ended>> {
    let token = bearer(&headers).unwrap_or_default();
    Ok(axum::Json(Ended { ended: end_other_devices(&state, &user, token).await? }))
}
