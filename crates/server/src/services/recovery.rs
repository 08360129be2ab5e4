//! Proving an e-mail address or phone, and getting back into an account:
//! verification links and codes, password reset by e-mail link or SMS code,
//! and sign-in by SMS code. Asking for a reset or a sign-in code answers
//! the same whether or not the account exists, and takes the same time:
//! the looking up and sending happen after the answer.

use crate::AppState;
use crate::auth::{ClientAddress, hash_password, random_token, random_u32, token_hash};
use crate::error::{AppError, AppResult};
use crate::messages::{self, Outgoing};
use haul_domain::accounts::{Login, check_password};
use haul_domain::one_time::{self, Channel, Purpose};
use haul_domain::{DomainError, ErrorCode};
use haul_store::accounts::User;
use haul_store::one_time::{NewCode, OneTimeCode};

/// What a code or link is sent to for `user`'s `login`.
fn channel_of(login: &Login) -> Channel {
    match login {
        Login::Email(_) => Channel::Email,
        Login::Phone(_) => Channel::Sms,
    }
}

/// Requests that send codes, per address an hour: refused openly (429), as
/// that tells nothing of any account.
fn limit_requests(state: &AppState, from: &ClientAddress) -> AppResult<()> {
    if state.recovery_limiter.take(&format!("ip:{}", from.0)) {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::TooManyAttempts, "too many codes asked for from this address; try again later"))
    }
}

/// Asks for a password reset: a link to an e-mail login, a code to a phone
/// login. The same answer whether or not the account exists.
pub async fn request_reset(state: &AppState, login: &str, from: &ClientAddress) -> AppResult<()> {
    let login = Login::parse(login)?;
    limit_requests(state, from)?;
    send_in_background(state, login, Purpose::ResetPassword);
    Ok(())
}

/// Asks for a code that signs a phone account in; the same answer whether or
/// not the account exists.
pub async fn request_sign_in_code(state: &AppState, phone: &str, from: &ClientAddress) -> AppResult<()> {
    let login = Login::parse(phone)?;
    if !matches!(login, Login::Phone(_)) {
        return Err(DomainError::invalid("login", "sign-in codes go to phone numbers; e-mail accounts sign in with their password").into());
    }
    limit_requests(state, from)?;
    send_in_background(state, login, Purpose::SignIn);
    Ok(())
}

fn send_in_background(state: &AppState, login: Login, purpose: Purpose) {
    let (state, lang) = (state.clone(), crate::i18n::current());
    tokio::spawn(crate::i18n::scope(lang, async move {
        let sent = async {
            let Some(user) = state.db.user_by_login(&login).await? else { return Ok(()) };
            if user.suspended_at.is_some() {
                return Ok(());
            }
            issue(&state, &user, &login, purpose).await
        };
        if let Err(e) = sent.await {
            tracing::warn!(error = %e.message, "could not send a {} code", purpose.as_str());
        }
    }));
}

/// Sends `user` a new code or link for `purpose` at `login`, unless codes
/// went there too often lately (then nothing is sent: 429, saying when one
/// may). Requests racing each other are held to the hour's count by this
/// node's counter before the record's.
async fn issue(state: &AppState, user: &User, login: &Login, purpose: Purpose) -> AppResult<()> {
    let now = state.clock.now();
    let destination = login.as_str();
    if !state.destination_limiter.take(destination) {
        return Err(AppError::new(ErrorCode::TooManyAttempts, "codes went to this address or number five times this hour"));
    }
    let sent = state.db.codes_sent_to(destination, now.plus_seconds(-3600)).await?;
    if let Err(wait_seconds) = one_time::may_send(&sent, now) {
        return Err(AppError::new(ErrorCode::TooManyAttempts, format!("a code was sent lately; ask again in {wait_seconds} s")));
    }
    let channel = channel_of(login);
    let lifetime = purpose.lifetime_seconds(channel);
    let lang = messages::language_of(state, user.user_id()).await?;
    let minutes = (lifetime / 60).to_string();
    let (secret, mut args) = match channel {
        Channel::Email => {
            let token = random_token();
            let path = if purpose == Purpose::VerifyEmail { "/verify-email" } else { "/reset-password" };
            (token.clone(), vec![("link", format!("{}{path}?token={token}", state.public_url))])
        }
        Channel::Sms => {
            let code = one_time::six_digits(random_u32().to_be_bytes());
            (code_secret(user, purpose, &code), vec![("code", code)])
        }
    };
    args.extend([("name", user.display_name.clone()), ("minutes", minutes)]);
    let hash = token_hash(&secret);
    let code = NewCode { user: user.user_id(), purpose, channel, destination, secret_hash: &hash, expires_at: now.plus_seconds(lifetime) };
    state.db.issue_code(&code, now).await?;
    messages::send(state, Outgoing { channel, to: destination, kind: purpose.as_str(), lang, args, optional: false }).await
}

/// What a six-digit code is hashed as: with its account and purpose, so one
/// account's code is nothing for another's.
fn code_secret(user: &User, purpose: Purpose, code: &str) -> String {
    format!("{}:{}:{code}", user.id, purpose.as_str())
}

fn code_invalid() -> AppError {
    AppError::new(ErrorCode::CodeInvalid, "the code is wrong, used or expired")
}

/// The account's newest code for `purpose`, if `typed` is it. A wrong guess
/// counts against the code (five kill it) and against the account, before
/// the check, so that neither racing guesses nor new codes give more: after
/// five, each further guess waits longer.
async fn check_code(state: &AppState, user: &User, purpose: Purpose, typed: &str) -> AppResult<OneTimeCode> {
    let key = format!("code:{}:{}", user.id, purpose.as_str());
    if let Err(wait_seconds) = state.login_limiter.reserve(&[(&key, one_time::MAX_ATTEMPTS as u32)]) {
        return Err(AppError::new(
            ErrorCode::TooManyAttempts,
            format!("too many wrong codes; try again in {} minute(s)", (wait_seconds + 59) / 60),
        ));
    }
    let code = state.db.latest_code(user.user_id(), purpose).await?.ok_or_else(code_invalid)?;
    one_time::usable(code.issued(), state.clock.now()).map_err(|_| code_invalid())?;
    let matches = one_time::normalize_code(typed).is_some_and(|t| token_hash(&code_secret(user, purpose, &t)) == code.secret_hash);
    if !matches {
        state.db.count_code_attempt(code.id).await?;
        return Err(code_invalid());
    }
    state.login_limiter.clear(&key);
    Ok(code)
}

/// The link whose token is `token`, while it may be used.
async fn check_link(state: &AppState, token: &str, purpose: Purpose) -> AppResult<OneTimeCode> {
    let invalid = || AppError::new(ErrorCode::LinkInvalid, "this link has expired or was used already");
    let link = state.db.code_by_secret(&token_hash(token), purpose).await?.ok_or_else(invalid)?;
    one_time::usable(link.issued(), state.clock.now()).map_err(|_| invalid())?;
    Ok(link)
}

/// A new password, proven by the link's token or by the login and its code.
pub enum ResetProof<'a> {
    Link { token: &'a str },
    Code { login: &'a str, code: &'a str },
}

/// Sets a new password and signs the account out everywhere; the code or
/// link is used up. Tries are limited per address as sign-ins are.
pub async fn complete_reset(state: &AppState, proof: ResetProof<'_>, new_password: String, from: &ClientAddress) -> AppResult<User> {
    check_password(&new_password)?;
    let address = format!("reset-ip:{}", from.0);
    if let Err(wait_seconds) = state.login_limiter.reserve(&[(&address, state.config.login_address_attempts)]) {
        return Err(AppError::new(
            ErrorCode::TooManyAttempts,
            format!("too many tries; try again in {} minute(s)", (wait_seconds + 59) / 60),
        ));
    }
    let by = match proof {
        ResetProof::Link { .. } => Channel::Email,
        ResetProof::Code { .. } => Channel::Sms,
    };
    let (user, code) = match proof {
        ResetProof::Link { token } => {
            let link = check_link(state, token, Purpose::ResetPassword).await?;
            let user = state.db.user(haul_domain::ids::UserId(link.user_id.unwrap_or_default())).await?;
            (user, link)
        }
        ResetProof::Code { login, code } => {
            let login = Login::parse(login).map_err(|_| code_invalid())?;
            let user = state.db.user_by_login(&login).await?.ok_or_else(code_invalid)?;
            let code = check_code(state, &user, Purpose::ResetPassword, code).await?;
            (user, code)
        }
    };
    let hash = hash_password(new_password).await?;
    if !state.db.reset_password(code.id, user.user_id(), &hash, state.clock.now()).await? {
        return Err(AppError::new(ErrorCode::LinkInvalid, "this link or code was used already"));
    }
    state.sessions.forget_user(user.id);
    state.login_limiter.give_back(&address);
    // Whoever was guessing the old password has nothing left to guess.
    state.login_limiter.clear(&format!("login:{}", user.login()));
    // The link or code reached the person at their login: it is theirs.
    state.db.mark_verified(user.user_id(), by, state.clock.now()).await?;
    Ok(user)
}

/// A right sign-in code, not yet used: the caller checks the second factor
/// (if the account has one) before using it up.
pub struct SignInCode {
    pub user: User,
    code_id: i64,
}

/// Checks the code sent to a phone account for signing in.
pub async fn check_sign_in_code(state: &AppState, phone: &str, code: &str) -> AppResult<SignInCode> {
    let refused = || AppError::new(ErrorCode::InvalidCredentials, "wrong phone number or code");
    let login = Login::parse(phone).map_err(|_| refused())?;
    let user = state.db.user_by_login(&login).await?.ok_or_else(refused)?;
    let found = check_code(state, &user, Purpose::SignIn, code)
        .await
        .map_err(|e| if e.code == ErrorCode::TooManyAttempts { e } else { refused() })?;
    if user.suspended_at.is_some() {
        return Err(AppError::new(ErrorCode::AccountSuspended, "this account is suspended by the platform"));
    }
    Ok(SignInCode { user, code_id: found.id })
}

impl SignInCode {
    /// Uses the code up: the phone is proven; the account as it is now.
    pub async fn sign_in(self, state: &AppState) -> AppResult<User> {
        if !state.db.use_code(self.code_id, state.clock.now()).await? {
            return Err(AppError::new(ErrorCode::InvalidCredentials, "wrong phone number or code"));
        }
        state.db.mark_verified(self.user.user_id(), Channel::Sms, state.clock.now()).await?;
        Ok(state.db.user(self.user.user_id()).await?)
    }
}

/// Sends the signed-in person a link to their e-mail address, or a code to
/// their phone, to prove it is theirs; which one went.
pub async fn send_verification(state: &AppState, user: &User, from: &ClientAddress) -> AppResult<Channel> {
    let (login, purpose) = match (&user.email, &user.phone) {
        (Some(e), _) if user.email_verified_at.is_none() => (Login::Email(e.clone()), Purpose::VerifyEmail),
        (_, Some(p)) if user.phone_verified_at.is_none() => (Login::Phone(p.clone()), Purpose::VerifyPhone),
        _ => return Err(AppError::new(ErrorCode::NothingToVerify, "your e-mail address or phone is verified already")),
    };
    limit_requests(state, from)?;
    issue(state, user, &login, purpose).await?;
    Ok(channel_of(&login))
}

/// Opens a verification link: the e-mail address is proven.
pub async fn verify_email(state: &AppState, token: &str) -> AppResult<()> {
    let link = check_link(state, token, Purpose::VerifyEmail).await?;
    let user = haul_domain::ids::UserId(link.user_id.unwrap_or_default());
    state.db.use_code(link.id, state.clock.now()).await?;
    state.db.mark_verified(user, Channel::Email, state.clock.now()).await?;
    state.sessions.forget_user(user.get());
    Ok(())
}

/// The code sent to the signed-in person's phone: the number is proven.
pub async fn verify_phone(state: &AppState, user: &User, code: &str) -> AppResult<()> {
    let found = check_code(state, user, Purpose::VerifyPhone, code).await?;
    state.db.use_code(found.id, state.clock.now()).await?;
    state.db.mark_verified(user.user_id(), Channel::Sms, state.clock.now()).await?;
    state.sessions.forget_user(user.id);
    Ok(())
}
