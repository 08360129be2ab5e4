//! Baselines for the benchmarks, served only with `bench_endpoints = true`;
//! and the browser tests' clock, only with `test_clock = true`.

use crate::AppState;
use crate::error::AppResult;
use crate::extract::Path;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use haul_domain::ids::SkuId;

pub fn router() -> Router<AppState> {
    Router::new().route("/bench/naive/{sku}", post(naive))
}

/// `POST /test/clock?advance_seconds=N`, served only with `test_clock = true`.
pub fn test_clock_router() -> Router<AppState> {
    Router::new().route("/test/clock", post(advance_clock))
}

#[derive(serde::Deserialize)]
struct Advance {
    advance_seconds: i64,
}

async fn advance_clock(State(state): State<AppState>, crate::extract::Query(a): crate::extract::Query<Advance>) -> StatusCode {
    match &state.test_clock {
        Some(clock) if (0..=366 * 86_400).contains(&a.advance_seconds) => {
            clock.advance_seconds(a.advance_seconds);
            StatusCode::NO_CONTENT
        }
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::NOT_FOUND,
    }
}

/// One unit per request, the way most stores do it: a transaction that
/// decrements the stock row and commits.
async fn naive(State(state): State<AppState>, Path(sku): Path<i64>) -> AppResult<StatusCode> {
    Ok(if state.db.naive_take_one(SkuId(sku)).await? { StatusCode::CREATED } else { StatusCode::CONFLICT })
}
