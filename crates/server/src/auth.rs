//! Who is asking. Pages use a session cookie and every form carries a CSRF
//! token (double-submit: the form field must equal the `haul_csrf` cookie).
//! The API uses bearer tokens only, so a browser cannot be tricked into
//! spending a shopper's money from another site.

use crate::AppState;
use crate::error::AppError;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use haul_domain::accounts::Role;
use haul_domain::ids::UserId;
use haul_domain::signing::to_hex;
use haul_store::accounts::Device;
use haul_store::accounts::User;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "haul_session";
pub const CSRF_COOKIE: &str = "haul_csrf";

pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A random token of 32 bytes from the operating system, as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS generator does not fail on the systems Haul runs on; if it ever
    // did, an all-zero token would collide at once and be refused by the
    // primary key, never silently accepted.
    let _ = getrandom::fill(&mut bytes);
    to_hex(&bytes)
}

pub fn random_u32() -> u32 {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    u32::from_le_bytes(bytes)
}

pub fn token_hash(token: &str) -> String {
    to_hex(&Sha256::digest(token.as_bytes()))
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Adds a `Set-Cookie` for a first-party, script-proof cookie. (`Secure` is
/// added to every cookie by the response headers when Haul is served over
/// HTTPS.)
pub fn set_cookie(response: &mut axum::response::Response, name: &str, value: &str, max_age_seconds: i64) {
    let line = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}");
    if let Ok(v) = axum::http::HeaderValue::from_str(&line) {
        response.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
}

/// Who a request comes from, for the limits that count per address: the TCP
/// peer or, when the operator says Haul sits behind a proxy
/// (`trust_forwarded_for`) and the peer is on a private network, the last
/// `X-Forwarded-For` address (the one that proxy saw). An IPv6 client is
/// keyed by its /64, which one household or server holds whole.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddress(client_key(state, peer, &parts.headers)))
    }
}

pub fn client_key(state: &AppState, peer: Option<std::net::IpAddr>, headers: &HeaderMap) -> String {
    use std::net::IpAddr;
    let Some(peer) = peer else { return "unknown".into() };
    let forwarded = || {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .next_back()
    };
    let ip = match state.config.trust_forwarded_for && !haul_domain::outbound::is_public(peer) {
        true => forwarded().unwrap_or(peer),
        false => peer,
    };
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        IpAddr::V4(v4) => v4.to_string(),
    }
}

/// A Haul-issued, signed id for each browser, so that anonymous viewers can
/// be counted once (views, shares) without an account.
pub const BROWSER_COOKIE: &str = "haul_browser";

/// The browser's id, if its cookie carries one Haul signed.
pub fn browser_id<'a>(state: &AppState, headers: &'a HeaderMap) -> Option<&'a str> {
    haul_domain::signing::untag(state.cookie_key.as_bytes(), cookie(headers, BROWSER_COOKIE)?)
}

/// Gives every browser that is shown a page a signed id.
pub async fn browser_id_cookie(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let has_one = browser_id(&state, req.headers()).is_some();
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let address = client_key(&state, peer, req.headers());
    let mut response = next.run(req).await;
    let is_page =
        response.headers().get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
    // Ids are free to ask for, so each address gets only a few an hour:
    // otherwise fetching a page before each view would count every view.
    if !has_one && is_page && state.browser_id_limiter.take(&address) {
        let id = haul_domain::signing::tagged(state.cookie_key.as_bytes(), &random_token()[..32]);
        set_cookie(&mut response, BROWSER_COOKIE, &id, 400 * 86_400);
    }
    response
}

/// Constant-time comparison for secrets.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Starts a session from the request's browser or app and address, and
/// returns its token.
pub async fn start_session(
    state: &AppState,
    user: UserId,
    kind: &str,
    headers: &HeaderMap,
    from: &ClientAddress,
) -> Result<String, AppError> {
    let token = random_token();
    let now = state.clock.now();
    let expires = now.plus_seconds(state.config.session_days * 86_400);
    let agent = headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    // Only what the devices page shows is kept of it.
    let agent = agent.char_indices().nth(USER_AGENT_CHARS).map_or(agent, |(i, _)| &agent[..i]);
    let device = Device { user_agent: agent, address: &from.0 };
    state.db.create_session(&token_hash(&token), user, kind, &random_token(), &device, (now, expires)).await?;
    Ok(token)
}

const USER_AGENT_CHARS: usize = 300;
/// How often a session's "last used" is written: reads of it are cached,
/// and its owner needs minutes, not seconds.
const SEEN_EVERY_MS: i64 = 5 * 60_000;

/// Recently seen sessions, so that a busy client costs no database read per
/// request. An entry lives `SESSION_CACHE_MS`; signing out removes it here at
/// once, and on other nodes within that time.
#[derive(Default)]
pub struct SessionCache(std::sync::Mutex<std::collections::HashMap<String, (i64, User)>>);

const SESSION_CACHE_MS: i64 = 10_000;
const SESSION_CACHE_ENTRIES: usize = 100_000;

impl SessionCache {
    fn get(&self, key: &str, now: i64) -> Option<User> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key).filter(|(until, _)| *until > now).map(|(_, u)| u.clone())
    }

    fn put(&self, key: String, until: i64, user: User) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= SESSION_CACHE_ENTRIES {
            map.clear();
        }
        map.insert(key, (until, user));
    }

    /// Drops every cached session of a user whose rights changed.
    pub fn forget_user(&self, user: i64) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).retain(|_, (_, u)| u.id != user);
    }

    pub fn forget(&self, token: &str) {
        // Keys are "<kind>:<token hash>".
        let hash = token_hash(token);
        self.0.lock().unwrap_or_else(|p| p.into_inner()).retain(|k, _| !k.ends_with(&hash));
    }
}

async fn user_for_token(state: &AppState, token: &str, kind: &str) -> Result<Option<User>, AppError> {
    let now = state.clock.now();
    let hash = token_hash(token);
    let key = format!("{kind}:{hash}");
    if let Some(user) = state.sessions.get(&key, now.millis()) {
        return Ok(Some(user));
    }
    let Some(session) = state.db.session(&hash, now).await? else {
        return Ok(None);
    };
    if session.kind != kind {
        return Ok(None);
    }
    if now.millis() - session.last_seen_at >= SEEN_EVERY_MS {
        // Best effort, beside the request: a busy database delays or skips
        // a "last used", never the request.
        let (db, hash) = (state.db.clone(), hash.clone());
        tokio::spawn(async move {
            if let Err(e) = db.session_seen(&hash, now, SEEN_EVERY_MS).await {
                tracing::warn!(error = %e, "could not record a session's last use");
            }
        });
    }
    let mut user = state.db.user(UserId(session.user_id)).await?;
    if user.suspended_at.is_some() {
        return Ok(None);
    }
    // In production the platform's powers need two-factor sign-in: until
    // an operator turns it on, they act as a shopper (and can turn it on).
    if state.config.is_production() && user.role() == Role::Operator && user.totp_enabled_at.is_none() {
        user.role = Role::Shopper.as_str().to_owned();
    }
    let until = (now.millis() + SESSION_CACHE_MS).min(session.expires_at);
    state.sessions.put(key, until, user.clone());
    Ok(Some(user))
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// The API caller, from `Authorization: Bearer <token>`.
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = bearer(&parts.headers).ok_or_else(AppError::unauthenticated)?;
        user_for_token(state, token, "api").await?.map(ApiUser).ok_or_else(AppError::unauthenticated)
    }
}

/// A caller who may be anonymous: no header is a stranger; a bad token is
/// still refused rather than silently ignored.
impl axum::extract::OptionalFromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, AppError> {
        match bearer(&parts.headers) {
            None => Ok(None),
            Some(token) => user_for_token(state, token, "api").await?.map(|u| Some(ApiUser(u))).ok_or_else(AppError::unauthenticated),
        }
    }
}

/// The person opening a WebSocket: an API token in the query (browsers
/// cannot set headers there), or the page's session cookie when the
/// request comes from this site (another site's page must not ride on the
/// cookie). Anyone else watches anonymously.
pub async fn socket_user(state: &AppState, headers: &HeaderMap, token: Option<&str>) -> Result<Option<User>, AppError> {
    if let Some(token) = token {
        return user_for_token(state, token, "api").await?.map(Some).ok_or_else(AppError::unauthenticated);
    }
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok());
    let origin = headers.get(axum::http::header::ORIGIN).and_then(|h| h.to_str().ok());
    let same_site = match (origin, host) {
        (None, _) => true,
        (Some(o), Some(h)) => o.split_once("://").is_some_and(|(_, rest)| rest == h),
        (Some(_), None) => false,
    };
    match cookie(headers, SESSION_COOKIE) {
        Some(token) if same_site => user_for_token(state, token, "web").await,
        _ => Ok(None),
    }
}

/// The person behind a page request, if signed in.
pub struct WebUser(pub Option<User>);

impl FromRequestParts<AppState> for WebUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        match cookie(&parts.headers, SESSION_COOKIE) {
            Some(token) => Ok(WebUser(user_for_token(state, token, "web").await?)),
            None => Ok(WebUser(None)),
        }
    }
}

/// Whether a user may manage a shop: its staff, or an operator.
pub async fn can_manage_shop(state: &AppState, user: &User, shop: haul_domain::ids::ShopId) -> Result<bool, AppError> {
    if user.role() == haul_domain::accounts::Role::Operator {
        return Ok(true);
    }
    Ok(state.db.shop_role(shop, user.user_id()).await?.is_some())
}

pub async fn require_shop_staff(state: &AppState, user: &User, shop: haul_domain::ids::ShopId) -> Result<(), AppError> {
    if can_manage_shop(state, user, shop).await? { Ok(()) } else { Err(AppError::forbidden()) }
}
