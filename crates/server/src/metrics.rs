//! Prometheus metrics: request counts and latencies by route, plus business
//! counters (orders placed, payments received) recorded where they happen.

use crate::AppState;
use crate::error::AppError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// The process-wide recorder; installed once even when tests start many apps.
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be set (e.g. by an embedding
            // program); ours then only renders what it saw.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

pub async fn track(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "unmatched".into());
    let method = method_label(req.method());
    let start = Instant::now();
    let response = next.run(req).await;
    let labels = [("method", method.to_owned()), ("route", route), ("status", response.status().as_u16().to_string())];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(start.elapsed().as_secs_f64());
    response
}

/// Any method name is a valid request, so only the standard ones get their
/// own label: invented ones would each start new series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// `/metrics`: served only with the configured token as a bearer token, so
/// strangers cannot read the figures; without a token it is not served.
pub async fn serve(State(state): State<AppState>, headers: HeaderMap) -> Result<String, AppError> {
    let expected = state.config.metrics_token.as_deref().filter(|t| !t.is_empty()).ok_or_else(|| AppError::not_found("page"))?;
    let given = crate::auth::bearer(&headers).unwrap_or("");
    if !crate::auth::same_secret(given, expected) {
        return Err(AppError::unauthenticated());
    }
    Ok(handle().render())
}

pub fn order_placed() {
    metrics::counter!("haul_orders_placed_total").increment(1);
}

pub fn payment_received() {
    metrics::counter!("haul_payments_succeeded_total").increment(1);
}
