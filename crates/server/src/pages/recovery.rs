//! Getting back into an account in the browser: "forgot password" (a link
//! by e-mail, a code by SMS), sign-in by SMS code, and proving one's e-mail
//! address or phone.

use super::layout::{CheckedForm, CsrfToken, Layout, NoFields, PageResult, SignedIn, render, say, see_other_saying};
use super::security::finish_sign_in;
use crate::AppState;
use crate::auth::{ClientAddress, WebUser};
use crate::error::AppError;
use crate::extract::Query;
use crate::services::recovery::{self, ResetProof};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use haul_domain::accounts::Login;
use haul_domain::one_time::Channel;
use haul_store::accounts::User;
use serde::Deserialize;

/// What the page asks for next.
pub enum Step {
    /// The login to send a reset link or code to.
    AskLogin { login: String },
    /// A new password, with the e-mailed link's token.
    NewPassword { token: String },
    /// The code sent to a phone, and a new password.
    CodeAndPassword { login: String },
    /// A phone number to send a sign-in code to.
    AskPhone { phone: String },
    /// The sign-in code sent to that phone.
    SignInCode { phone: String },
    /// The code sent to the signed-in person's phone.
    VerifyPhone,
    /// Nothing more: the note says what happened.
    Done,
}

#[derive(Template)]
#[template(path = "recovery.html")]
struct RecoveryPage {
    layout: Layout,
    title: String,
    note: Option<String>,
    error: Option<String>,
    step: Step,
}

fn page(user: Option<User>, csrf: &CsrfToken, title: &str, note: Option<String>, error: Option<&AppError>, step: Step) -> Response {
    let layout = Layout::new(user, csrf);
    let status = error.map_or(axum::http::StatusCode::OK, AppError::status);
    let page = RecoveryPage { title: layout.t(title), layout, note, error: error.map(AppError::localized_message), step };
    (status, render(&page)).into_response()
}

pub async fn forgot_page(WebUser(user): WebUser, axum::Extension(csrf): axum::Extension<CsrfToken>) -> Response {
    page(
        user,
        &csrf,
        "recovery-forgot-title",
        Some(crate::i18n::current().t("recovery-forgot-intro")),
        None,
        Step::AskLogin { login: String::new() },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
}

/// Sends the link or code; the next step is the same whether or not the
/// account exists.
pub async fn forgot(
    State(state): State<AppState>,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    from: ClientAddress,
    CheckedForm(f): CheckedForm<LoginForm>,
) -> PageResult {
    let lang = crate::i18n::current();
    if let Err(e) = recovery::request_reset(&state, &f.login, &from).await {
        return Ok(page(None, &csrf, "recovery-forgot-title", None, Some(&e), Step::AskLogin { login: f.login }));
    }
    Ok(match Login::parse(&f.login) {
        Ok(Login::Phone(phone)) => page(
            None,
            &csrf,
            "recovery-reset-title",
            Some(lang.t_with("recovery-code-sent", "to", &phone)),
            None,
            Step::CodeAndPassword { login: phone },
        ),
        _ => page(None, &csrf, "recovery-forgot-title", Some(lang.t_with("recovery-link-sent", "to", f.login.trim())), None, Step::Done),
    })
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// The e-mailed link: a form for the new password.
pub async fn reset_page(axum::Extension(csrf): axum::Extension<CsrfToken>, Query(q): Query<TokenQuery>) -> Response {
    page(None, &csrf, "recovery-reset-title", None, None, Step::NewPassword { token: q.token.unwrap_or_default() })
}

#[derive(Deserialize)]
pub struct ResetForm {
    token: Option<String>,
    login: Option<String>,
    code: Option<String>,
    password: String,
}

/// Sets the new password and signs this browser in; every other session of
/// the account has ended.
pub async fn reset(
    State(state): State<AppState>,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    from: ClientAddress,
    headers: HeaderMap,
    CheckedForm(f): CheckedForm<ResetForm>,
) -> PageResult {
    let proof = match (&f.token, &f.login) {
        (Some(token), _) => ResetProof::Link { token },
        (None, login) => ResetProof::Code { login: login.as_deref().unwrap_or_default(), code: f.code.as_deref().unwrap_or_default() },
    };
    match recovery::complete_reset(&state, proof, f.password, &from).await {
        Ok(user) => {
            let mut signed = finish_sign_in(&state, &csrf, &user, (&headers, &from), Some("/me")).await?;
            say(&mut signed, &crate::i18n::current().t("recovery-reset-done"));
            Ok(signed)
        }
        Err(e) => {
            let step = match (f.token, f.login) {
                (Some(token), _) => Step::NewPassword { token },
                (None, login) => Step::CodeAndPassword { login: login.unwrap_or_default() },
            };
            Ok(page(None, &csrf, "recovery-reset-title", None, Some(&e), step))
        }
    }
}

pub async fn sms_sign_in_page(WebUser(user): WebUser, axum::Extension(csrf): axum::Extension<CsrfToken>) -> Response {
    page(
        user,
        &csrf,
        "recovery-sms-title",
        Some(crate::i18n::current().t("recovery-sms-intro")),
        None,
        Step::AskPhone { phone: String::new() },
    )
}

#[derive(Deserialize)]
pub struct PhoneForm {
    phone: String,
    code: Option<String>,
}

/// Sends the code (no `code` field), or signs in with it.
pub async fn sms_sign_in(
    State(state): State<AppState>,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    from: ClientAddress,
    headers: HeaderMap,
    CheckedForm(f): CheckedForm<PhoneForm>,
) -> PageResult {
    let title = "recovery-sms-title";
    let Some(code) = f.code else {
        return Ok(match recovery::request_sign_in_code(&state, &f.phone, &from).await {
            Ok(()) => {
                let note = crate::i18n::current().t_with("recovery-code-sent", "to", f.phone.trim());
                page(None, &csrf, title, Some(note), None, Step::SignInCode { phone: f.phone })
            }
            Err(e) => page(None, &csrf, title, None, Some(&e), Step::AskPhone { phone: f.phone }),
        });
    };
    match recovery::check_sign_in_code(&state, &f.phone, &code).await {
        Ok(checked) => {
            let user = checked.sign_in(&state).await?;
            finish_sign_in(&state, &csrf, &user, (&headers, &from), None).await
        }
        Err(e) => Ok(page(None, &csrf, title, None, Some(&e), Step::SignInCode { phone: f.phone })),
    }
}

/// The e-mailed verification link.
pub async fn verify_email_link(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Query(q): Query<TokenQuery>,
) -> Response {
    let title = "recovery-verify-title";
    match recovery::verify_email(&state, q.token.as_deref().unwrap_or_default()).await {
        Ok(()) => page(user, &csrf, title, Some(crate::i18n::current().t("recovery-email-verified")), None, Step::Done),
        Err(e) => page(user, &csrf, title, None, Some(&e), Step::Done),
    }
}

/// Sends the signed-in person a verification link or code.
pub async fn send_verification(
    State(state): State<AppState>,
    from: ClientAddress,
    SignedIn(user): SignedIn,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    CheckedForm(_): CheckedForm<NoFields>,
) -> PageResult {
    let lang = crate::i18n::current();
    Ok(match recovery::send_verification(&state, &user, &from).await {
        Ok(Channel::Email) => see_other_saying("/me", &lang.t_with("recovery-link-sent", "to", user.login())),
        Ok(Channel::Sms) => {
            let note = lang.t_with("recovery-code-sent", "to", user.login());
            page(Some(user), &csrf, "recovery-verify-title", Some(note), None, Step::VerifyPhone)
        }
        Err(e) => page(Some(user), &csrf, "recovery-verify-title", None, Some(&e), Step::Done),
    })
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

pub async fn verify_phone(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    CheckedForm(f): CheckedForm<CodeForm>,
) -> PageResult {
    match recovery::verify_phone(&state, &user, &f.code).await {
        Ok(()) => Ok(see_other_saying("/me", &crate::i18n::current().t("recovery-phone-verified"))),
        Err(e) => Ok(page(Some(user), &csrf, "recovery-verify-title", None, Some(&e), Step::VerifyPhone)),
    }
}
