//! Two-factor sign-in with an authenticator app (the rules are
//! `haul_domain::two_factor`'s): turning it on by proving the app has the
//! secret, the second step of signing in, recovery codes, turning it off.
//! Operators must have it in production (see `auth::user_for_token`).

use crate::AppState;
use crate::auth::token_hash;
use crate::error::{AppError, AppResult};
use haul_domain::ErrorCode;
use haul_domain::signing::{from_hex, tagged, to_hex, untag};
use haul_domain::two_factor::{self, RECOVERY_CODES, SECRET_BYTES};
use haul_store::accounts::User;
use serde::Serialize;
use utoipa::ToSchema;

/// What the person adds to their app: the secret as text, and as the link
/// the QR code carries.
#[derive(Serialize, ToSchema)]
pub struct Enrolment {
    /// Base32, in groups of four, to type in by hand.
    pub secret: String,
    pub otpauth_uri: String,
    /// The QR code of `otpauth_uri`, as SVG.
    #[serde(skip)]
    pub qr_svg: String,
}

fn enrolment(user: &User, key: &[u8]) -> Enrolment {
    let uri = two_factor::otpauth_uri("Haul", user.login(), key);
    let secret =
        two_factor::base32(key).as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
    Enrolment { secret, qr_svg: crate::qr::svg(&uri), otpauth_uri: uri }
}

/// A new secret for the person's app; two-factor sign-in is on once a code
/// from the app confirms it.
pub async fn start(state: &AppState, user: &User) -> AppResult<Enrolment> {
    let mut key = [0u8; SECRET_BYTES];
    getrandom::fill(&mut key).map_err(AppError::internal)?;
    if !state.db.start_totp(user.user_id(), &to_hex(&key)).await? {
        return Err(AppError::refused(ErrorCode::TwoFactorOn));
    }
    Ok(enrolment(user, &key))
}

/// The secret being added, to show again after a wrong code.
pub async fn pending(state: &AppState, user: &User) -> AppResult<Option<Enrolment>> {
    let totp = state.db.totp(user.user_id()).await?;
    if totp.totp_enabled_at.is_some() {
        return Ok(None);
    }
    Ok(totp.totp_secret.as_deref().and_then(from_hex).map(|key| enrolment(user, &key)))
}

/// Turns two-factor sign-in on with a code from the app and the account's
/// password (a session alone is not enough: whoever stole one must not lock
/// the owner out), and signs every other session out (one opened with a
/// stolen password ends); the recovery codes, shown this once.
pub async fn confirm(state: &AppState, user: &User, code: &str, password: String, this_session: &str) -> AppResult<Vec<String>> {
    if !crate::auth::verify_password(password, user.password_hash.clone()).await {
        return Err(AppError::new(ErrorCode::InvalidCredentials, "wrong password"));
    }
    let totp = state.db.totp(user.user_id()).await?;
    if totp.totp_enabled_at.is_some() {
        return Err(AppError::refused(ErrorCode::TwoFactorOn));
    }
    let key = totp.totp_secret.as_deref().and_then(from_hex).ok_or_else(|| AppError::refused(ErrorCode::TwoFactorOff))?;
    let step = two_factor::verify(&key, code, state.clock.now(), None).map_err(|_| AppError::refused(ErrorCode::CodeInvalid))?;
    let (codes, hashes) = recovery_codes()?;
    if !state.db.enable_totp(user.user_id(), step, &hashes, state.clock.now()).await? {
        return Err(AppError::refused(ErrorCode::TwoFactorOn));
    }
    state.db.end_other_sessions(user.user_id(), &token_hash(this_session)).await?;
    state.sessions.forget_user(user.id);
    Ok(codes)
}

fn recovery_codes() -> AppResult<(Vec<String>, Vec<String>)> {
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(AppError::internal)?;
        codes.push(two_factor::recovery_code(random));
    }
    let hashes = codes.iter().filter_map(|c| two_factor::normalize_recovery_code(c)).map(|c| token_hash(&c)).collect();
    Ok((codes, hashes))
}

/// Checks a code from the app, or a recovery code (used up), for a user
/// with two-factor sign-in on. Guesses are limited as passwords are.
pub async fn check(state: &AppState, user: &User, typed: &str) -> AppResult<()> {
    let key = format!("2fa:{}", user.id);
    if let Err(wait_seconds) = state.login_limiter.reserve(&[(&key, state.config.login_attempts)]) {
        return Err(AppError::new(
            ErrorCode::TooManyAttempts,
            format!("too many wrong codes; try again in {} minute(s)", (wait_seconds + 59) / 60),
        ));
    }
    let totp = state.db.totp(user.user_id()).await?;
    let secret = totp.totp_secret.as_deref().and_then(from_hex).filter(|_| totp.totp_enabled_at.is_some());
    let Some(secret) = secret else { return Err(AppError::refused(ErrorCode::TwoFactorOff)) };
    let now = state.clock.now();
    let accepted = match two_factor::verify(&secret, typed, now, totp.totp_last_step) {
        Ok(step) => state.db.use_totp_step(user.user_id(), step).await?,
        Err(two_factor::CodeRefusal::Malformed) => match two_factor::normalize_recovery_code(typed) {
            Some(code) => state.db.use_recovery_code(user.user_id(), &token_hash(&code), now).await?,
            None => false,
        },
        Err(_) => false,
    };
    if !accepted {
        return Err(AppError::refused(ErrorCode::CodeInvalid));
    }
    state.login_limiter.clear(&key);
    Ok(())
}

/// The second step of signing in: nothing for accounts without two-factor
/// sign-in; for the others, the code they sent.
pub async fn second_step(state: &AppState, user: &User, code: Option<&str>) -> AppResult<()> {
    if user.totp_enabled_at.is_none() {
        return Ok(());
    }
    match code {
        Some(code) => check(state, user, code).await,
        None => Err(AppError::refused(ErrorCode::SecondFactorRequired)),
    }
}

/// Turns two-factor sign-in off, with a code from the app or a recovery code.
pub async fn disable(state: &AppState, user: &User, code: &str) -> AppResult<()> {
    check(state, user, code).await?;
    state.db.disable_totp(user.user_id()).await?;
    state.sessions.forget_user(user.id);
    Ok(())
}

/// New recovery codes in place of the old, with a code from the app.
pub async fn renew_recovery_codes(state: &AppState, user: &User, code: &str) -> AppResult<Vec<String>> {
    check(state, user, code).await?;
    let (codes, hashes) = recovery_codes()?;
    state.db.renew_recovery_codes(user.user_id(), &hashes).await?;
    Ok(codes)
}

/// How long a page's first step (the password, or an SMS code) stays good
/// for its second.
const CHALLENGE_MS: i64 = 5 * 60 * 1000;

/// What a sign-in page carries from its first step to its second: signed, so
/// only Haul makes it; it names the account and when it ends.
pub fn challenge(state: &AppState, user: &User) -> String {
    let ends = state.clock.now().millis() + CHALLENGE_MS;
    tagged(state.cookie_key.as_bytes(), &format!("2fa.{}.{ends}", user.id))
}

/// The account a challenge names, while it is good.
pub async fn challenged(state: &AppState, challenge: &str) -> AppResult<User> {
    let expired = || AppError::new(ErrorCode::Unauthenticated, "this sign-in took too long: sign in again");
    let value = untag(state.cookie_key.as_bytes(), challenge).ok_or_else(expired)?;
    let mut parts = value.split('.');
    let (Some("2fa"), Some(id), Some(ends)) = (parts.next(), parts.next(), parts.next()) else { return Err(expired()) };
    let (Ok(id), Ok(ends)) = (id.parse::<i64>(), ends.parse::<i64>()) else { return Err(expired()) };
    if state.clock.now().millis() >= ends {
        return Err(expired());
    }
    Ok(state.db.user(haul_domain::ids::UserId(id)).await?)
}
