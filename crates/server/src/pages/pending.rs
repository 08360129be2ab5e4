//! What a signed-out person tried to do, done once they sign in: a like, a
//! save, a follow, a comment, a live room's reminder or a team join. The form (its CSRF token
//! checked first) is kept in a short-lived cookie; after sign-in `/continue`
//! shows it again with a fresh token and submits it, so the action goes
//! through its own handler and rules. A team join is resumed (it holds a
//! seat, paid like any order); a purchase is not: the product's page comes
//! back with the choice made.

use super::layout::{CsrfToken, Layout, PageResult, check_csrf, render, see_other, sign_in_then};
use crate::AppState;
use crate::auth::{WebUser, cookie, set_cookie};
use askama::Template;
use axum::Extension;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const PENDING_COOKIE: &str = "haul_pending";
const KEEP_SECONDS: i64 = 600;
/// A form worth resuming is small; a larger one is not kept.
const MAX_FORM_BYTES: usize = 2_048;
const MAX_COOKIE_BYTES: usize = 3_800;

/// The forms that are done after sign-in, by path.
fn resumable(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else { return false };
    let parts: Vec<&str> = rest.split('/').collect();
    matches!(
        parts.as_slice(),
        ["videos", id, "react" | "comments"]
            | ["creators", id, "follow"]
            | ["notes", id, "like" | "comments"]
            | ["comments", id, "like"]
            | ["teams", id, "join"]
            | ["live", id, "remind"]
            if id.parse::<i64>().is_ok()
    )
}

/// Keeps a signed-out person's resumable form and sends them to sign in.
pub async fn capture(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if req.method() != Method::POST || !(resumable(path) || path == "/cart/add") {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let signed_in = matches!(
        <WebUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(&mut parts, &state).await,
        Ok(WebUser(Some(_)))
    );
    if signed_in {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return super::layout::PageError(crate::error::AppError::new(haul_domain::ErrorCode::UnreadableBody, "the form is too large"))
            .into_response();
    };
    let expected = parts.extensions.get::<CsrfToken>().cloned().unwrap_or(CsrfToken(String::new()));
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let sent = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
    if let Err(e) = check_csrf(&expected, sent) {
        return e.into_response();
    }
    if parts.uri.path() == "/cart/add" {
        return keep_choice(&state, &fields).await;
    }
    let kept: Vec<(String, String)> = fields.into_iter().filter(|(k, _)| k != "csrf").collect();
    let value =
        serde_urlencoded::to_string([("p", parts.uri.path().to_owned()), ("f", serde_urlencoded::to_string(&kept).unwrap_or_default())])
            .unwrap_or_default();
    // A browser drops a cookie this large: sign in and come back instead.
    if value.len() > MAX_COOKIE_BYTES {
        return see_other(&sign_in_then(super::layout::referer_path(&parts.headers).as_deref()));
    }
    let mut response = see_other(&sign_in_then(Some("/continue")));
    set_cookie(&mut response, PENDING_COOKIE, &value, KEEP_SECONDS);
    response
}

/// A purchase is not made for them: sign-in comes back to the product's
/// page with the option and quantity they chose.
async fn keep_choice(state: &AppState, fields: &[(String, String)]) -> Response {
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).and_then(|(_, v)| v.parse::<i64>().ok());
    let back = match field("sku_id") {
        Some(sku) => match state.db.sku(haul_domain::ids::SkuId(sku)).await {
            Ok(s) => Some(format!("/products/{}?sku={sku}&quantity={}", s.product_id, field("quantity").unwrap_or(1))),
            Err(_) => None,
        },
        None => None,
    };
    see_other(&sign_in_then(back.as_deref()))
}

#[derive(Template)]
#[template(path = "continue.html")]
struct ContinuePage {
    layout: Layout,
    action: String,
    fields: Vec<(String, String)>,
}

/// After sign-in: the kept form, submitted by the page's script (or by a
/// tap, without JavaScript). Nothing kept: home.
pub async fn resume(
    State(_): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: axum::http::HeaderMap,
) -> PageResult {
    let kept = cookie(&headers, PENDING_COOKIE)
        .and_then(|v| serde_urlencoded::from_str::<Vec<(String, String)>>(v).ok())
        .and_then(|pairs| {
            let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            Some((get("p")?, serde_urlencoded::from_str::<Vec<(String, String)>>(&get("f")?).ok()?))
        })
        .filter(|(path, _)| resumable(path));
    let mut response = match (user.is_some(), kept) {
        (true, Some((action, fields))) => render(&ContinuePage { layout: Layout::new(user, &csrf), action, fields }),
        _ => see_other("/"),
    };
    set_cookie(&mut response, PENDING_COOKIE, "", 0);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::resumable;

    #[test]
    fn only_social_actions_are_resumed() {
        for path in ["/videos/3/react", "/videos/3/comments", "/creators/9/follow", "/notes/2/like", "/comments/5/like", "/teams/4/join"] {
            assert!(resumable(path), "{path}");
        }
        for path in
            ["/cart/add", "/checkout", "/videos/x/react", "/teams/4/join/more", "/orders/1/pay", "/deals/1/buy", "/comments/5/delete"]
        {
            assert!(!resumable(path), "{path}");
        }
    }
}
