//! The account's security page (`/account/security`): whether the e-mail
//! address or phone is proven, two-factor sign-in (turning it on with the
//! QR code, recovery codes, turning it off), and the second step of
//! signing in for accounts that have it.

use super::account::signed_in;
use super::layout::{CheckedForm, CsrfToken, Layout, NoFields, PageResult, SignedIn, local_path, render, see_other_saying};
use crate::AppState;
use crate::auth::ClientAddress;
use crate::error::AppError;
use crate::services::mail_notices;
use crate::services::two_factor::{self, Enrolment};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use haul_domain::accounts::Role;
use haul_store::accounts::User;
use serde::Deserialize;

pub enum View {
    Overview {
        /// `None` when the account has no e-mail address (or phone).
        email_verified: Option<bool>,
        phone_verified: Option<bool>,
        two_factor: bool,
        codes_left: i64,
        /// An operator in production without two-factor sign-in: the
        /// console stays closed until it is on.
        operator_locked: bool,
        /// Each optional e-mail, and whether the person receives it.
        mails: Vec<(&'static str, bool)>,
    },
    Enrol(Enrolment),
    /// Recovery codes, shown once.
    Codes(Vec<String>),
}

#[derive(Template)]
#[template(path = "security.html")]
struct SecurityPage {
    layout: Layout,
    view: View,
    error: Option<String>,
}

fn show(user: User, csrf: &CsrfToken, view: View, error: Option<&AppError>) -> Response {
    let status = error.map_or(axum::http::StatusCode::OK, AppError::status);
    let page = SecurityPage { layout: Layout::new(Some(user), csrf), view, error: error.map(AppError::localized_message) };
    (status, render(&page)).into_response()
}

pub async fn view(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
) -> PageResult {
    // The record's role: in production an operator without two-factor
    // sign-in is seen as a shopper until it is on.
    let stored = state.db.user(user.user_id()).await?;
    let view = View::Overview {
        email_verified: stored.email.as_ref().map(|_| stored.email_verified_at.is_some()),
        phone_verified: stored.phone.as_ref().map(|_| stored.phone_verified_at.is_some()),
        two_factor: stored.totp_enabled_at.is_some(),
        codes_left: state.db.recovery_codes_left(user.user_id()).await?,
        operator_locked: state.config.is_production() && stored.role() == Role::Operator && stored.totp_enabled_at.is_none(),
        mails: {
            let on = mail_notices::preferences(&state, user.user_id()).await?;
            mail_notices::OPTIONAL.into_iter().map(|k| (k, on.contains(&k))).collect()
        },
    };
    Ok(show(user, &csrf, view, None))
}

pub async fn start(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    CheckedForm(_): CheckedForm<NoFields>,
) -> PageResult {
    let enrolment = two_factor::start(&state, &user).await?;
    Ok(show(user, &csrf, View::Enrol(enrolment), None))
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    code: String,
    password: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    CheckedForm(f): CheckedForm<ConfirmForm>,
) -> PageResult {
    let this = crate::auth::cookie(&headers, crate::auth::SESSION_COOKIE).unwrap_or_default();
    match two_factor::confirm(&state, &user, &f.code, f.password, this).await {
        Ok(codes) => Ok(show(user, &csrf, View::Codes(codes), None)),
        Err(e) => match two_factor::pending(&state, &user).await? {
            Some(enrolment) => Ok(show(user, &csrf, View::Enrol(enrolment), Some(&e))),
            None => Err(e.into()),
        },
    }
}

pub async fn renew_codes(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    CheckedForm(f): CheckedForm<CodeForm>,
) -> PageResult {
    match two_factor::renew_recovery_codes(&state, &user, &f.code).await {
        Ok(codes) => Ok(show(user, &csrf, View::Codes(codes), None)),
        Err(e) => Ok(see_other_saying("/account/security", &e.localized_message())),
    }
}

pub async fn disable(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<CodeForm>) -> PageResult {
    let lang = crate::i18n::current();
    Ok(match two_factor::disable(&state, &user, &f.code).await {
        Ok(()) => see_other_saying("/account/security", &lang.t("security-2fa-turned-off")),
        Err(e) => see_other_saying("/account/security", &e.localized_message()),
    })
}

#[derive(Deserialize)]
pub struct DeleteForm {
    password: String,
    code: Option<String>,
    keep_content: Option<String>,
}

/// Deletes the account and signs this browser out.
pub async fn delete(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<DeleteForm>) -> PageResult {
    let code = f.code.as_deref().filter(|c| !c.trim().is_empty());
    if let Err(e) = crate::services::deletion::delete_own(&state, &user, f.password, code, f.keep_content.is_some()).await {
        return Ok(see_other_saying("/account/security#delete", &e.localized_message()));
    }
    let mut response = see_other_saying("/", &crate::i18n::current().t("security-deleted"));
    crate::auth::set_cookie(&mut response, crate::auth::SESSION_COOKIE, "", 0);
    Ok(response)
}

/// The person's data, as a download.
pub async fn export(State(state): State<AppState>, SignedIn(user): SignedIn) -> PageResult {
    let zip = crate::services::export::archive(&state, &user).await?;
    Ok(crate::services::export::download(&user, zip))
}

/// The boxes ticked on the security page's e-mail panel, one per optional
/// e-mail (`mail_notices::OPTIONAL`).
#[derive(Deserialize)]
pub struct MailsForm {
    shipped: Option<String>,
    pickup: Option<String>,
    refund: Option<String>,
    live: Option<String>,
    payout: Option<String>,
}

pub async fn set_mails(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<MailsForm>) -> PageResult {
    let ticked = [("shipped", f.shipped), ("pickup", f.pickup), ("refund", f.refund), ("live", f.live), ("payout", f.payout)];
    let on: Vec<String> = ticked.into_iter().filter(|(_, v)| v.is_some()).map(|(k, _)| k.to_owned()).collect();
    mail_notices::set_preferences(&state, user.user_id(), &on).await?;
    Ok(see_other_saying("/account/security", &crate::i18n::current().t("security-mails-saved")))
}

#[derive(Template)]
#[template(path = "second_step.html")]
struct SecondStepPage {
    layout: Layout,
    challenge: String,
    next: String,
    error: Option<String>,
}

/// After a right password (or SMS code, or a new password): signs the
/// browser in, or asks for the app's code first when the account has
/// two-factor sign-in on.
pub async fn finish_sign_in(
    state: &AppState,
    csrf: &CsrfToken,
    user: &User,
    (headers, from): (&HeaderMap, &ClientAddress),
    next: Option<&str>,
) -> PageResult {
    if user.totp_enabled_at.is_none() {
        return signed_in(state, user, (headers, from), next).await;
    }
    let next = next.and_then(local_path).unwrap_or_default();
    Ok(render(&SecondStepPage { layout: Layout::new(None, csrf), challenge: two_factor::challenge(state, user), next, error: None }))
}

#[derive(Deserialize)]
pub struct SecondStepForm {
    challenge: String,
    code: String,
    next: Option<String>,
}

pub async fn second_step(
    State(state): State<AppState>,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    from: ClientAddress,
    headers: HeaderMap,
    CheckedForm(f): CheckedForm<SecondStepForm>,
) -> PageResult {
    let user = match two_factor::challenged(&state, &f.challenge).await {
        Ok(user) => user,
        Err(e) => return Ok(see_other_saying("/signin", &e.localized_message())),
    };
    match two_factor::check(&state, &user, &f.code).await {
        Ok(()) => signed_in(&state, &user, (&headers, &from), f.next.as_deref()).await,
        Err(e) => {
            let page = SecondStepPage {
                layout: Layout::new(None, &csrf),
                challenge: f.challenge,
                next: f.next.unwrap_or_default(),
                error: Some(e.localized_message()),
            };
            Ok((e.status(), render(&page)).into_response())
        }
    }
}
