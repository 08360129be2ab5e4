//! How an `AppError` looks over HTTP, for the API and the pages alike: the
//! code decides the status, the API's body is `{"error": {code, message}}`,
//! and the message is in the request's language.

use crate::error::AppError;
use crate::i18n::Lang;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use haul_domain::ErrorCode;

impl AppError {
    /// The HTTP status, which the code decides.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The message for people in the language of the request being answered.
    pub fn localized_message(&self) -> String {
        self.message_in(crate::i18n::current())
    }

    /// The message for people in `lang`. English keeps the detailed message
    /// written where the refusal was made; another language says what the
    /// code means, with the field's name when a field failed.
    pub fn message_in(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.message.clone();
        }
        let meaning = lang.code(self.code);
        match self.message.split_once(':') {
            Some((field, _)) if self.code == ErrorCode::ValidationFailed => {
                format!("{}：{field}", meaning.trim_end_matches('。'))
            }
            _ => meaning,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let message = self.localized_message();
        let body = serde_json::json!({ "error": { "code": self.code.as_str(), "message": message } });
        (self.status(), Json(body)).into_response()
    }
}
