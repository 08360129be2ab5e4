//! Signing up and signing in: validation, the password hash and the
//! guessing limits.

use crate::AppState;
use crate::auth::{ClientAddress, hash_password, token_hash, verify_password};
use crate::error::{AppError, AppResult};
use haul_domain::ErrorCode;
use haul_domain::accounts::{Login, Role, check_password, text};
use haul_store::accounts::{NewUser, User};
use serde::Deserialize;
use utoipa::ToSchema;

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
    /// With two-factor sign-in on: the code from the authenticator app, or
    /// a recovery code.
    pub second_factor: Option<String>,
}

/// Validates a sign-up and creates the account; shared with the sign-up page.
pub async fn create_account(state: &AppState, input: SignUp) -> AppResult<User> {
    let login = Login::parse(&input.login)?;
    if login.as_str().ends_with(haul_store::deletion::DELETED_DOMAIN) {
        return Err(haul_domain::DomainError::invalid("login", "not a valid email address").into());
    }
    check_password(&input.password)?;
    let display_name = text("display_name", &input.display_name, 40)?;
    let role = Role::parse(input.role.as_deref().unwrap_or("shopper"))?;
    if !role.self_service() {
        return Err(AppError::new(ErrorCode::RoleNotAllowed, "this role is granted by an operator"));
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
pub async fn authenticate(state: &AppState, input: SignIn, from: &ClientAddress, device: Option<&str>) -> AppResult<User> {
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
        return Err(AppError::new(
            ErrorCode::TooManyAttempts,
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
        Some(user) if ok && user.suspended_at.is_some() => {
            state.login_limiter.clear(&account);
            Err(AppError::new(ErrorCode::AccountSuspended, "this account is suspended by the platform"))
        }
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

async fn dummy_hash() -> AppResult<String> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY.get_or_try_init(|| hash_password("not a real password".into())).await.cloned()
}

fn invalid_credentials() -> AppError {
    AppError::new(ErrorCode::InvalidCredentials, "wrong login or password")
}
