//! Sign up, sign in, sign out, who am I, and operators granting roles.

use crate::AppState;
use crate::auth::{ApiUser, ClientAddress, bearer, hash_password, start_session, token_hash, verify_password};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use haul_domain::accounts::{Login, Role, check_password, text};
use haul_domain::ids::UserId;
use haul_store::accounts::{NewUser, User};
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
}

#[derive(Deserialize, ToSchema)]
pub struct SignUp {
    /// An email address or a phone number.
    pub login: String,
    pub password: String,
    pub display_name: String,
    /// `shopper` (default) or `creator`.
    pub role: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct SignIn {
    pub login: String,
    pub password: String,
}

/// A user as others may see them: no password hash.
#[derive(Serialize, ToSchema)]
pub struct PublicUser {
    pub id: i64,
    pub display_name: String,
    pub role: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl From<User> for PublicUser {
    fn from(u: User) -> Self {
        PublicUser { id: u.id, display_name: u.display_name, role: u.role, email: u.email, phone: u.phone }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    pub user: PublicUser,
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
}

/// Validates a sign-up and creates the account; shared with the sign-up page.
pub async fn create_account(state: &AppState, input: SignUp) -> ApiResult<User> {
    let login = Login::parse(&input.login)?;
    check_password(&input.password)?;
    let display_name = text("display_name", &input.display_name, 40)?;
    let role = Role::parse(input.role.as_deref().unwrap_or("shopper"))?;
    if !role.self_service() {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "role_not_allowed", "this role is granted by an operator"));
    }
    let password_hash = hash_password(input.password).await?;
    Ok(state
        .db
        .create_user(NewUser { login: &login, password_hash: &password_hash, display_name: &display_name, role }, state.clock.now())
        .await?)
}

/// The cookie that marks a browser an account has signed in from.
pub const DEVICE_COOKIE: &str = "haul_device";

/// Checks a sign-in against the guessing limits and the stored hash; shared
/// with the sign-in page. The attempt is counted before the slow hash, per
/// account and per address; from a browser the account has signed in from
/// before (`device`, its cookie) it is counted for that browser alone, so
/// strangers' guesses never lock the owner out.
pub async fn authenticate(state: &AppState, input: SignIn, from: &ClientAddress, device: Option<&str>) -> ApiResult<User> {
    let login = Login::parse(&input.login).map_err(|_| invalid_credentials())?;
    let user = state.db.user_by_login(&login).await?;
    let known_device = match (&user, device) {
        (Some(u), Some(d)) => state.db.knows_device(u.user_id(), &token_hash(d)).await?,
        _ => false,
    };
    let address = format!("ip:{}", from.0);
    let account = match device {
        Some(d) if known_device => format!("device:{}", token_hash(d)),
        _ => format!("login:{}", login.as_str()),
    };
    let (per_account, per_address) = (state.config.login_attempts, state.config.login_address_attempts);
    let keys: Vec<(&str, u32)> =
        if known_device { vec![(&account, per_account)] } else { vec![(&account, per_account), (&address, per_address)] };
    if let Err(wait_seconds) = state.login_limiter.reserve(&keys) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!("too many failed sign-ins; try again in {} minute(s)", (wait_seconds + 59) / 60),
        ));
    }
    // Verify even for unknown logins so that timing does not reveal which exist.
    let hash = match &user {
        Some(u) => u.password_hash.clone(),
        None => dummy_hash().await?,
    };
    let ok = verify_password(input.password, hash).await;
    match user {
        Some(user) if ok => {
            state.login_limiter.clear(&account);
            // Only what was reserved is given back.
            if !known_device {
                state.login_limiter.give_back(&address);
            }
            Ok(user)
        }
        _ => Err(invalid_credentials()),
    }
}

async fn dummy_hash() -> ApiResult<String> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY.get_or_try_init(|| hash_password("not a real password".into())).await.cloned()
}

fn invalid_credentials() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "wrong login or password")
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = SignUp,
    responses((status = 201, body = SessionOut), (status = 409, description = "login_taken"), (status = 422, description = "validation_failed")))]
async fn sign_up(State(state): State<AppState>, Json(input): Json<SignUp>) -> ApiResult<(StatusCode, axum::Json<SessionOut>)> {
    let user = create_account(&state, input).await?;
    let token = start_session(&state, user.user_id(), "api").await?;
    Ok((StatusCode::CREATED, axum::Json(SessionOut { user: user.into(), token })))
}

#[utoipa::path(post, path = "/api/v1/sessions", tag = "accounts", request_body = SignIn,
    responses((status = 201, body = SessionOut), (status = 401, description = "invalid_credentials"), (status = 429, description = "too_many_attempts")))]
async fn sign_in(
    State(state): State<AppState>,
    from: ClientAddress,
    Json(input): Json<SignIn>,
) -> ApiResult<(StatusCode, axum::Json<SessionOut>)> {
    let user = authenticate(&state, input, &from, None).await?;
    let token = start_session(&state, user.user_id(), "api").await?;
    Ok((StatusCode::CREATED, axum::Json(SessionOut { user: user.into(), token })))
}

#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "accounts", security(("bearer" = [])), responses((status = 204)))]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap, _user: ApiUser) -> ApiResult<StatusCode> {
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
async fn me(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<axum::Json<Me>> {
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
) -> ApiResult<StatusCode> {
    if me.role() != Role::Operator {
        return Err(ApiError::forbidden());
    }
    let role = Role::parse(&input.role)?;
    state.db.set_role(UserId(id), role).await?;
    state.sessions.forget_user(id);
    Ok(StatusCode::NO_CONTENT)
}
