//! The CSV exports' cells and their download: every table a page shows can
//! be taken to a spreadsheet, amounts as numbers in the currency's units.

use axum::response::{IntoResponse, Response};
use haul_domain::{Currency, Money};

/// An amount in the currency's units (`12.50`); the minor units if the currency is unknown.
pub fn amount(minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(currency) => Money { minor, currency }.decimal(),
        Err(_) => minor.to_string(),
    }
}

/// A text cell: quoted, and never read as a formula by a spreadsheet (which
/// also reads one after a leading tab or carriage return).
pub fn text(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

/// The file, to be saved under `name`.
pub fn download(name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [(axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (axum::http::header::CONTENT_DISPOSITION, disposition)],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cells_are_quoted_and_never_formulas() {
        assert_eq!(text("tea \"green\""), "\"tea \"\"green\"\"\"");
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert!(text(formula).starts_with("\"'"), "{formula:?}");
        }
        assert_eq!(amount(1250, "CNY"), "12.50");
        assert_eq!(amount(7, "not a currency"), "7");
    }
}
