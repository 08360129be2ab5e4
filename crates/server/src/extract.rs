//! Extractors whose refusals use Haul's error shape instead of axum's plain
//! text, so a malformed body gets `{"error":{"code":"invalid_json",...}}`.

use crate::error::AppError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use haul_domain::ErrorCode;
use serde::de::DeserializeOwned;

pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(AppError::new(ErrorCode::UnsupportedMediaType, "send Content-Type: application/json"))
            }
            Err(JsonRejection::JsonDataError(e)) => Err(AppError::new(ErrorCode::InvalidBody, e.body_text())),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(AppError::new(ErrorCode::InvalidJson, e.body_text())),
            Err(e) => Err(body_refused(e.status(), e.body_text())),
        }
    }
}

pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e: QueryRejection| AppError::new(ErrorCode::InvalidQuery, e.body_text()))
    }
}

/// Path parameters; an id that is not a number is simply not found.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| Path(p.0)).map_err(|_| AppError::not_found("resource"))
    }
}

/// The body's raw bytes, for signed webhooks whose MAC covers them exactly.
pub struct RawBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        axum::body::Bytes::from_request(req, state).await.map(RawBody).map_err(|e| body_refused(e.status(), e.body_text()))
    }
}

/// A body that could not be read: too large (413) or broken (400).
fn body_refused(status: StatusCode, text: String) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::new(ErrorCode::PayloadTooLarge, "the request body is too large")
    } else {
        AppError::new(ErrorCode::UnreadableBody, text)
    }
}
