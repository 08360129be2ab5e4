//! What every page shares: the signed-in user, the CSRF token, a notice, and
//! how errors look in a browser.

use crate::AppState;
use crate::auth::{CSRF_COOKIE, WebUser, cookie, random_token, same_secret};
use crate::error::AppError;
use crate::i18n::Lang;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use haul_domain::ErrorCode;
use haul_store::accounts::User;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The CSRF token of this browser, from its cookie or freshly made.
#[derive(Clone)]
pub struct CsrfToken(pub String);

/// Makes sure every browser has a CSRF cookie; forms echo it back.
pub async fn csrf_cookie(mut req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|t| t.len() == 64).map(str::to_owned);
    let token = existing.clone().unwrap_or_else(random_token);
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(req).await;
    if existing.is_none()
        && let Ok(v) = HeaderValue::from_str(&format!("{CSRF_COOKIE}={token}; Path=/; SameSite=Lax; HttpOnly"))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

pub fn check_csrf(expected: &CsrfToken, sent: &str) -> Result<(), PageError> {
    if !expected.0.is_empty() && same_secret(&expected.0, sent) {
        Ok(())
    } else {
        Err(PageError(AppError::new(ErrorCode::CsrfFailed, "This form has expired. Go back, reload the page and try again.")))
    }
}

/// A form posted from one of Haul's pages, accepted only when its `csrf`
/// field matches this browser's CSRF cookie: no handler can forget to check.
pub struct CheckedForm<T>(pub T);

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub struct NoFields {}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CheckedForm<T> {
    type Rejection = PageError;
    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        #[derive(Deserialize)]
        struct Token {
            csrf: String,
        }
        let expected = req.extensions().get::<CsrfToken>().cloned().unwrap_or(CsrfToken(String::new()));
        let body = Bytes::from_request(req, state).await.map_err(|e| PageError(AppError::new(ErrorCode::UnreadableBody, e.body_text())))?;
        let sent = serde_urlencoded::from_bytes::<Token>(&body).map(|t| t.csrf).unwrap_or_default();
        check_csrf(&expected, &sent)?;
        serde_urlencoded::from_bytes(&body).map(CheckedForm).map_err(|e| PageError(AppError::new(ErrorCode::InvalidForm, e.to_string())))
    }
}

/// The signed-in person behind a page; anyone else is sent to sign in,
/// and brought back afterwards to the page that asked: the address itself
/// for a page, the page the form was on for a form.
pub struct SignedIn(pub User);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let WebUser(user) = WebUser::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        match user {
            Some(user) => Ok(SignedIn(user)),
            None => {
                let back = if parts.method == axum::http::Method::GET {
                    parts.uri.path_and_query().map(|p| p.as_str().to_owned())
                } else {
                    referer_path(&parts.headers)
                };
                Err(see_other(&sign_in_then(back.as_deref())))
            }
        }
    }
}

/// The sign-in page, coming back to `next` (a path on this site) after.
pub fn sign_in_then(next: Option<&str>) -> String {
    match next.and_then(local_path) {
        Some(next) => format!("/signin?next={}", url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()),
        None => "/signin".to_owned(),
    }
}

/// The path (and query) of the page a request came from, if it names one.
pub fn referer_path(headers: &axum::http::HeaderMap) -> Option<String> {
    let url = url::Url::parse(headers.get(axum::http::header::REFERER)?.to_str().ok()?).ok()?;
    Some(format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default()))
}

pub struct Layout {
    pub user: Option<User>,
    pub csrf: String,
    pub notice: Option<String>,
    pub lang: Lang,
    /// The bottom bar's tab to light up.
    pub tab: &'static str,
    pub unread: i64,
}

impl Layout {
    pub fn new(user: Option<User>, csrf: &CsrfToken) -> Self {
        let notice = NOTICE.try_with(Clone::clone).ok().flatten();
        let tab = TAB.try_with(|t| *t).unwrap_or("");
        let unread = UNREAD.try_with(|n| *n).unwrap_or(0);
        Layout { user, csrf: csrf.0.clone(), notice, lang: crate::i18n::current(), tab, unread }
    }
    /// The page's text for `key` in its language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
    pub fn t_with(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        self.lang.t_with(key, name, value)
    }
    pub fn t_args(&self, key: &str, args: &[(&'static str, String)]) -> String {
        self.lang.t_args(key, args)
    }
    pub fn with_notice(mut self, notice: Option<String>) -> Self {
        self.notice = notice.filter(|n| !n.is_empty()).map(|n| n.chars().take(200).collect());
        self
    }
}

/// Renders a template, or a plain 500 if the template itself fails.
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError(AppError::internal(e)).into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    title: String,
    message: String,
    /// The form field the error is about, for forms that show it beside the field.
    field: Option<&'static str>,
}

/// Which field of a form an error is about: a validation names it; a few
/// refusals belong to one field (the rating, the pictures).
fn field_of(e: &AppError) -> Option<&'static str> {
    match e.code {
        ErrorCode::ValidationFailed => {
            let name = e.message.split_once(':')?.0;
            ["title", "body", "caption", "rating", "images", "product", "file", "tags", "starts_at", "name", "limit"]
                .into_iter()
                .find(|f| *f == name)
        }
        ErrorCode::NotABuyer | ErrorCode::OwnProductReview | ErrorCode::SponsoredReview => Some("rating"),
        ErrorCode::UnsupportedImage => Some("images"),
        ErrorCode::UnsupportedVideo => Some("file"),
        _ => None,
    }
}

/// An error shown as a page; "sign in first" becomes a redirect to sign in.
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if self.0.code == haul_domain::ErrorCode::Unauthenticated {
            return Redirect::to("/signin").into_response();
        }
        let status = self.0.status();
        let title = match status {
            StatusCode::NOT_FOUND => "error-not-found",
            StatusCode::FORBIDDEN => "error-forbidden",
            s if s.is_server_error() => "error-server",
            _ => "error-other",
        };
        let user = PAGE_USER.try_with(Clone::clone).ok().flatten();
        let layout = Layout::new(user, &CsrfToken(String::new()));
        let page = ErrorPage { title: layout.t(title), message: self.0.message_in(layout.lang), field: field_of(&self.0), layout };
        let html = page.render().unwrap_or_else(|_| "error".into());
        (status, Html(html)).into_response()
    }
}

pub type PageResult = Result<Response, PageError>;

/// Redirect after a form post.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

const NOTICE_COOKIE: &str = "haul_notice";

tokio::task_local! {
    /// The notice the previous form left for this page, if any.
    static NOTICE: Option<String>;
    /// Who asked for the page, for its error page's top bar.
    static PAGE_USER: Option<User>;
    /// The tab of the phone's tab bar the page belongs to.
    static TAB: &'static str;
    /// The signed-in person's unread notifications.
    static UNREAD: i64;
}

/// Which tab of the bottom bar a path belongs to ("" for none).
fn tab_of(path: &str) -> &'static str {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    match path {
        "/" => "home",
        _ if under("/live") => "live",
        _ if under("/studio") => "post",
        _ if under("/cart") => "cart",
        _ if under("/me") || under("/orders") || under("/account") => "me",
        _ => "",
    }
}

/// Pages answer errors as pages: a refusal made before a handler ran (an
/// address that is not a number, a bad query) comes back from the shared
/// extractors as JSON and is shown here in the site's layout instead, with
/// the top bar of whoever is signed in.
pub async fn html_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let user = WebUser::from_request_parts(&mut parts, &state).await.ok().and_then(|WebUser(u)| u);
    // The bottom bar's "Me" shows how many notifications wait unread.
    let unread = match &user {
        Some(u) => state.db.unread_notifications(u.user_id()).await.unwrap_or(0),
        None => 0,
    };
    let response = UNREAD.scope(unread, PAGE_USER.scope(user.clone(), next.run(Request::from_parts(parts, body)))).await;
    let json = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !json || !(response.status().is_client_error() || response.status().is_server_error()) {
        return response;
    }
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024).await.unwrap_or_default();
    let body = serde_json::from_slice::<serde_json::Value>(&bytes).unwrap_or_default();
    let code = ErrorCode::ALL.iter().copied().find(|c| body["error"]["code"] == c.as_str()).unwrap_or(ErrorCode::InternalError);
    let message = body["error"]["message"].as_str().unwrap_or_default().to_owned();
    PAGE_USER.scope(user, async move { PageError(AppError::new(code, message)).into_response() }).await
}

/// An address no page or endpoint answers: the site's 404 page, or the
/// API's error for an API path.
pub async fn not_found(WebUser(user): WebUser, uri: axum::http::Uri) -> Response {
    let error = AppError::not_found("page");
    if uri.path().starts_with("/api/") {
        return error.into_response();
    }
    PAGE_USER.scope(user, async move { PageError(error).into_response() }).await
}

/// Redirect after a form post, and say on the next page what was done. The
/// notice travels in a short-lived cookie, never in the address, so nobody
/// can put words of their own on Haul's pages with a link.
pub fn see_other_saying(to: &str, notice: &str) -> Response {
    let mut response = see_other(to);
    say(&mut response, notice);
    response
}

/// Leaves `notice` for the page a redirect leads to.
pub fn say(response: &mut Response, notice: &str) {
    let notice: String = notice.chars().take(200).collect();
    let value = serde_urlencoded::to_string([("n", notice)]).unwrap_or_default();
    crate::auth::set_cookie(response, NOTICE_COOKIE, value.trim_start_matches("n="), 60);
}

/// Hands a page the notice its browser brought, once: the cookie is cleared
/// unless the answer leaves a new notice.
pub async fn notice_cookie(req: Request, next: Next) -> Response {
    let notice = cookie(req.headers(), NOTICE_COOKIE)
        .and_then(|v| serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("n={v}")).ok())
        .and_then(|pairs| pairs.into_iter().next().map(|(_, n)| n))
        .filter(|n| !n.is_empty());
    let had = notice.is_some();
    let tab = tab_of(req.uri().path());
    let mut response = NOTICE.scope(notice, TAB.scope(tab, next.run(req))).await;
    let leaves_new = response.headers().get_all(header::SET_COOKIE).iter().any(|v| v.as_bytes().starts_with(NOTICE_COOKIE.as_bytes()));
    if had && !leaves_new {
        crate::auth::set_cookie(&mut response, NOTICE_COOKIE, "", 0);
    }
    response
}

/// A path on this site to go back to: visible ASCII only (a tab or a line
/// break could turn `/ /evil` into `//evil` in a browser), starting with
/// one `/` and no `\`.
pub fn local_path(raw: &str) -> Option<String> {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.contains('\\')
        && raw.len() <= 512
        && raw.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| raw.to_owned())
}

/// A price as a card shows it: what it costs now, the list price a running
/// deal undercuts with the deal's countdown, and the team price.
pub struct PriceTag {
    pub now: String,
    pub was: Option<String>,
    pub ends_at: Option<i64>,
    /// Time left in the deal, as first drawn (the page's script counts down).
    pub left: String,
    pub team: Option<String>,
}

impl PriceTag {
    pub fn new(p: haul_domain::catalog::PriceNow, currency: &str, now_ms: i64) -> PriceTag {
        PriceTag {
            now: money(p.price, currency),
            was: p.was.map(|w| money(w, currency)),
            ends_at: p.deal_ends_at,
            left: p.deal_ends_at.map(|e| hms(e - now_ms)).unwrap_or_default(),
            team: p.team.map(|t| money(t, currency)),
        }
    }

    /// A list price only.
    pub fn list(minor: i64, currency: &str) -> PriceTag {
        PriceTag { now: money(minor, currency), was: None, ends_at: None, left: String::new(), team: None }
    }
}

/// `h:mm:ss` of a duration in milliseconds (0 when past).
fn hms(ms: i64) -> String {
    let s = (ms / 1000).max(0);
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

pub fn money(minor: i64, currency: &str) -> String {
    haul_domain::Currency::parse(currency)
        .map(|c| haul_domain::Money { minor, currency: c }.display())
        .unwrap_or_else(|_| format!("{minor} {currency}"))
}

/// The Idempotency-Key of a page form: the `key` the page drew when it was
/// rendered, so a double tap or a resubmitted form places one order.
pub fn form_key(raw: &str) -> String {
    format!("page-{}", raw.chars().filter(char::is_ascii_alphanumeric).take(64).collect::<String>())
}

/// After an order was placed from a page (or a retry got the first one):
/// to that order's page.
pub fn to_order(placed: &haul_store::orders::Placed) -> Response {
    see_other(&format!("/orders/{}", placed.order().order.id))
}

/// Checks the CSRF token of a multipart form, which pages send as its first
/// field, before the files are read.
pub async fn check_multipart_csrf(form: &mut axum::extract::Multipart, expected: &CsrfToken) -> Result<(), PageError> {
    let first = form.next_field().await.map_err(|e| PageError(AppError::new(ErrorCode::InvalidUpload, e.body_text())))?;
    // Read a token's length at most: this runs before the upload's turn.
    let mut sent = Vec::new();
    if let Some(mut f) = first.filter(|f| f.name() == Some("csrf")) {
        while let Ok(Some(chunk)) = f.chunk().await {
            sent.extend_from_slice(&chunk);
            if sent.len() > 128 {
                break;
            }
        }
    }
    check_csrf(expected, std::str::from_utf8(&sent).unwrap_or_default())
}

/// The product a studio form names: its number, or a link to its page.
pub fn product_in(text: &str) -> Result<i64, haul_domain::DomainError> {
    id_in(text, "product", "a product's number or the link to its page")
}

/// The thing a form names by its number or a link to its page (the last
/// part of the path); otherwise `field` is invalid, expecting `what`.
pub fn id_in(text: &str, field: &'static str, what: &str) -> Result<i64, haul_domain::DomainError> {
    text.trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| haul_domain::DomainError::invalid(field, what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_on_this_site_are_gone_back_to() {
        assert_eq!(local_path("/cart").as_deref(), Some("/cart"));
        assert_eq!(local_path("/orders/7?tab=x").as_deref(), Some("/orders/7?tab=x"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/x",
            "https://evil.example",
            "javascript:x",
            "",
            "/a b",
            "/\u{7f}",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn forms_name_things_by_number_or_by_the_link_to_their_page() {
        assert_eq!(product_in(" 42 ").unwrap(), 42);
        assert_eq!(product_in("http://127.0.0.1:8080/products/42/").unwrap(), 42);
        assert_eq!(id_in("/live/7", "room", "a live room's number or link").unwrap(), 7);
        let refused = id_in("/live/soon", "room", "a live room's number or link").unwrap_err();
        assert!(matches!(refused, haul_domain::DomainError::Invalid { field: "room", .. }), "{refused:?}");
    }
}
