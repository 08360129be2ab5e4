//! Every route of the server: the JSON API, the pages, the media server's
//! hooks, media and HLS files, health and metrics, and the layers every
//! response passes through.

use crate::AppState;
use axum::Router;
use axum::routing::get;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use utoipa_swagger_ui::SwaggerUi;

pub fn router(state: AppState) -> Router {
    let (api, mut openapi) = crate::api::router().split_for_parts();
    crate::api::errors_doc::declare(&mut openapi);
    let mut bench = if state.config.bench_endpoints { crate::bench::router() } else { Router::new() };
    if state.test_clock.is_some() {
        bench = bench.merge(crate::bench::test_clock_router());
    }
    // Media from the object store when there is one; a replay made on
    // another node is found there too.
    let (media, hls) = if state.media.is_remote() {
        let media = Router::new().route("/{*key}", get(remote_media)).with_state(state.clone());
        let replays = Router::new().route("/{file}", get(remote_replay)).with_state(state.clone());
        (media, Router::new().fallback_service(ServeDir::new(state.config.hls_dir()).fallback(replays)))
    } else {
        (
            Router::new().fallback_service(ServeDir::new(state.media.root())),
            Router::new().fallback_service(ServeDir::new(state.config.hls_dir())),
        )
    };
    Router::new()
        .merge(bench)
        .merge(api)
        .merge(crate::pages::router(&state).layer(axum::middleware::from_fn_with_state(state.clone(), crate::pages::layout::html_errors)))
        .merge(crate::api::live::hooks())
        .route("/healthz", get(healthz))
        .route("/livez", get(|| async { "ok" }))
        .fallback(crate::pages::layout::not_found)
        .route("/metrics", get(crate::metrics::serve))
        .route_layer(axum::middleware::from_fn(crate::metrics::track))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi))
        .nest("/media", media)
        .nest("/live/hls", hls)
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::browser_id_cookie))
        .layer(axum::middleware::from_fn(crate::i18n::language))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::headers::harden))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn remote_media(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path(key): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    state.media.serve(&key, &headers).await
}

async fn remote_replay(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    state.media.serve(&format!("hls/{file}"), &headers).await
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Result<&'static str, crate::error::AppError> {
    state.db.ping().await?;
    Ok("ok")
}
