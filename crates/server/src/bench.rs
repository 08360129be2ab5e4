//! Baselines for the benchmarks, served only with `bench_endpoints = true`.

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

/// One unit per request, the way most stores do it: a transaction that
/// decrements the stock row and commits.
async fn naive(State(state): State<AppState>, Path(sku): Path<i64>) -> AppResult<StatusCode> {
    Ok(if state.db.naive_take_one(SkuId(sku)).await? { StatusCode::CREATED } else { StatusCode::CONFLICT })
}
