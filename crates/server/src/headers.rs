//! Headers on every response: no MIME sniffing, no framing by other sites,
//! a Content-Security-Policy that the pages satisfy (scripts only from Haul's
//! own files: no inline scripts or handlers), and `Secure` on every cookie
//! when people reach Haul over HTTPS.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Media plays from `blob:` URLs (hls.js feeds the video element through
/// Media Source, and may run its worker from a blob); styles may be inline
/// (`style` attributes), scripts may not.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub async fn harden(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    if state.config.https() {
        let cookies: Vec<HeaderValue> = headers.get_all(header::SET_COOKIE).iter().cloned().collect();
        headers.remove(header::SET_COOKIE);
        for c in cookies {
            let secure = match c.to_str() {
                Ok(text) if !text.contains("; Secure") => HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(c),
                _ => c,
            };
            headers.append(header::SET_COOKIE, secure);
        }
    }
    response
}
