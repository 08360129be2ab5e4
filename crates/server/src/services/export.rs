//! A person's data to take with them (PIPL and GDPR both ask for it): one
//! zip with each set of `haul_store::export::SETS` as JSON and as CSV, and
//! a README saying what is in it.

use crate::AppState;
use crate::error::{AppError, AppResult};
use haul_store::accounts::User;
use serde_json::{Map, Value};
use std::io::Write;
use zip::write::SimpleFileOptions;

/// The zip, built in memory (a person's own rows are not many).
pub async fn archive(state: &AppState, user: &User) -> AppResult<Vec<u8>> {
    let lang = crate::i18n::current();
    let mut files = vec![("README.txt".to_owned(), lang.t_with("export-readme", "at", time_of(state)).into_bytes())];
    for (name, sql) in haul_store::export::SETS {
        let rows = state.db.export_set(sql, user.user_id()).await?;
        let json = serde_json::to_vec_pretty(&rows).map_err(|e| AppError::internal(e.to_string()))?;
        files.push((format!("{name}.json"), json));
        files.push((format!("{name}.csv"), csv(&rows).into_bytes()));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(format!("haul-data/{name}"), options).map_err(|e| AppError::internal(e.to_string()))?;
        zip.write_all(&bytes).map_err(|e| AppError::internal(e.to_string()))?;
    }
    Ok(zip.finish().map_err(|e| AppError::internal(e.to_string()))?.into_inner())
}

/// The zip as a download named after the account.
pub fn download(user: &User, zip: Vec<u8>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let disposition = format!("attachment; filename=\"haul-data-{}.zip\"", user.id);
    ([(axum::http::header::CONTENT_TYPE, "application/zip".to_owned()), (axum::http::header::CONTENT_DISPOSITION, disposition)], zip)
        .into_response()
}

fn time_of(state: &AppState) -> String {
    haul_domain::community::local_date_time(state.clock.now(), 0) + " UTC"
}

/// Rows as CSV under their columns' names; texts guarded as every Haul CSV.
fn csv(rows: &[Map<String, Value>]) -> String {
    let Some(first) = rows.first() else { return String::new() };
    let mut out = first.keys().map(|k| crate::csv::text(k)).collect::<Vec<_>>().join(",");
    out.push('\n');
    for row in rows {
        let cells: Vec<String> = row
            .values()
            .map(|v| match v {
                Value::Null => String::new(),
                Value::String(s) => crate::csv::text(s),
                other => other.to_string(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
