//! Sign in, sign up and sign out in the browser, with a session cookie.

use super::layout::{CheckedForm, CsrfToken, Layout, NoFields, PageResult, local_path, render, see_other};
use crate::AppState;
use crate::auth::{ClientAddress, SESSION_COOKIE, WebUser, cookie, random_token, set_cookie, start_session, token_hash};
use crate::services::accounts::{DEVICE_COOKIE, SignIn, SignUp, authenticate, create_account};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use haul_store::accounts::User;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    layout: Layout,
    title: String,
    action: &'static str,
    signup: bool,
    login: String,
    error: Option<String>,
    /// Where to go afterwards (a path on this site), kept across the two forms.
    next: String,
    next_query: String,
}

fn page(user: Option<User>, csrf: &CsrfToken, signup: bool, login: String, error: Option<String>, next: Option<&str>) -> Response {
    let (title, action) = if signup { ("nav-sign-up", "/signup") } else { ("nav-sign-in", "/signin") };
    let layout = Layout::new(user, csrf);
    let next = next.and_then(local_path).unwrap_or_default();
    let next_query = super::layout::sign_in_then(Some(&next)).trim_start_matches("/signin").to_owned();
    render(&SignInPage { title: layout.t(title), layout, action, signup, login, error, next, next_query })
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn sign_in_page(
    WebUser(user): WebUser,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    crate::extract::Query(q): crate::extract::Query<Next>,
) -> Response {
    page(user, &csrf, false, String::new(), None, q.next.as_deref())
}

pub async fn sign_up_page(
    WebUser(user): WebUser,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    crate::extract::Query(q): crate::extract::Query<Next>,
) -> Response {
    page(user, &csrf, true, String::new(), None, q.next.as_deref())
}

#[derive(Deserialize)]
pub struct SignInForm {
    login: String,
    password: String,
    display_name: Option<String>,
    role: Option<String>,
    /// Where to go once signed in: a path on this site.
    next: Option<String>,
}

/// Starts the browser's session, and marks the browser as one this account
/// signs in from (so its owner is never locked out by strangers' guesses).
pub(super) async fn signed_in(
    state: &AppState,
    user: &User,
    (headers, from): (&HeaderMap, &ClientAddress),
    next: Option<&str>,
) -> PageResult {
    let token = start_session(state, user.user_id(), "web", headers, from).await?;
    // What they tried before signing in comes first (see `pending.rs`).
    let to = if cookie(headers, super::pending::PENDING_COOKIE).is_some_and(|v| !v.is_empty()) {
        "/continue".to_owned()
    } else {
        next.and_then(local_path).unwrap_or_else(|| "/".to_owned())
    };
    let mut response = see_other(&to);
    set_cookie(&mut response, SESSION_COOKIE, &token, state.config.session_days * 86_400);
    let device = match cookie(headers, DEVICE_COOKIE).filter(|d| d.len() == 64) {
        Some(d) => d.to_owned(),
        None => {
            let d = random_token();
            set_cookie(&mut response, DEVICE_COOKIE, &d, DEVICE_COOKIE_DAYS * 86_400);
            d
        }
    };
    state.db.remember_device(user.user_id(), &token_hash(&device), state.clock.now()).await?;
    // Taps on creators' content made before signing in credit their sales now.
    if let Some(touches) = cookie(headers, crate::services::earnings::TOUCH_COOKIE) {
        crate::services::earnings::claim_touches(state, user, touches).await?;
        set_cookie(&mut response, crate::services::earnings::TOUCH_COOKIE, "", 0);
    }
    // The account's language follows the person to this browser.
    if let Some(lang) = state.db.user_language(user.user_id()).await?.as_deref().and_then(crate::i18n::Lang::from_tag) {
        set_cookie(&mut response, crate::i18n::LANG_COOKIE, lang.tag(), 365 * 24 * 3600);
    }
    Ok(response)
}

const DEVICE_COOKIE_DAYS: i64 = 400;

pub async fn sign_in(
    State(state): State<AppState>,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    from: ClientAddress,
    headers: HeaderMap,
    CheckedForm(f): CheckedForm<SignInForm>,
) -> PageResult {
    let device = cookie(&headers, DEVICE_COOKIE);
    match authenticate(&state, SignIn { login: f.login.clone(), password: f.password, second_factor: None }, &from, device).await {
        Ok(user) => super::security::finish_sign_in(&state, &csrf, &user, (&headers, &from), f.next.as_deref()).await,
        Err(e) => Ok((e.status(), page(None, &csrf, false, f.login, Some(e.localized_message()), f.next.as_deref())).into_response()),
    }
}

pub async fn sign_up(
    State(state): State<AppState>,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    from: ClientAddress,
    headers: HeaderMap,
    CheckedForm(f): CheckedForm<SignInForm>,
) -> PageResult {
    let next = f.next.clone();
    let input = SignUp { login: f.login.clone(), password: f.password, display_name: f.display_name.unwrap_or_default(), role: f.role };
    match create_account(&state, input).await {
        Ok(user) => signed_in(&state, &user, (&headers, &from), next.as_deref()).await,
        Err(e) => Ok((e.status(), page(None, &csrf, true, f.login, Some(e.localized_message()), next.as_deref())).into_response()),
    }
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap, CheckedForm(_): CheckedForm<NoFields>) -> PageResult {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.db.delete_session(&token_hash(token)).await?;
        state.sessions.forget(token);
    }
    let mut response = see_other("/");
    set_cookie(&mut response, SESSION_COOKIE, "", 0);
    Ok(response)
}

/// The language switch: remembers the choice in this browser for a year, and
/// with the account of a signed-in person, then goes back to the page it was
/// made on (only a path on this site, never elsewhere).
pub async fn switch_language(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    crate::extract::Path(tag): crate::extract::Path<String>,
    headers: HeaderMap,
) -> PageResult {
    let lang = crate::i18n::Lang::from_tag(&tag).unwrap_or_default();
    if let Some(user) = user {
        state.db.set_user_language(user.user_id(), lang.tag()).await?;
    }
    let back = super::layout::referer_path(&headers)
        .and_then(|p| local_path(&p))
        .filter(|p| !p.starts_with("/lang/"))
        .unwrap_or_else(|| "/".to_owned());
    let mut response = see_other(&back);
    set_cookie(&mut response, crate::i18n::LANG_COOKIE, lang.tag(), 365 * 24 * 3600);
    Ok(response)
}

#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    layout: Layout,
    followers: i64,
}

/// "Me": everything of one's own in one list (the phone's last tab).
pub async fn me(
    State(state): State<AppState>,
    super::layout::SignedIn(user): super::layout::SignedIn,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
) -> PageResult {
    let followers = state.db.follower_count(user.user_id()).await?;
    Ok(render(&MePage { layout: Layout::new(Some(user), &csrf), followers }))
}
