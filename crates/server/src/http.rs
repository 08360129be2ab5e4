//! How an `AppError` looks over HTTP, for the API and the pages alike: the
//! code decides the status, and the API's body is `{"error": {code, message}}`.

use crate::error::AppError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

impl AppError {
    /// The HTTP status, which the code decides.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code.as_str(), "message": self.message } });
        (self.status(), Json(body)).into_response()
    }
}
