//! Reporting something from its page: a form with the reasons, then back to
//! where the person was, with a word of thanks.

use super::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, local_path, render, see_other_saying};
use crate::AppState;
use crate::extract::Query;
use crate::services::moderation::{ReportInput, report};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::ErrorCode;
use haul_domain::moderation::{ReportReason, Subject};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    subject: String,
    subject_id: i64,
    /// What is being reported: its kind and its caption, title or name.
    what: String,
    /// `(reason, its words)`.
    reasons: Vec<(&'static str, String)>,
    back: String,
    note: String,
}

#[derive(Deserialize)]
pub struct Target {
    subject: String,
    id: i64,
    back: Option<String>,
    /// What to quote (a chat message), filled in for the reporter.
    note: Option<String>,
}

/// A path on this site to return to, else the home page.
fn back_to(back: Option<&str>) -> String {
    back.and_then(local_path).unwrap_or_else(|| "/".to_owned())
}

pub async fn form(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Query(t): Query<Target>,
) -> PageResult {
    let subject = Subject::parse(&t.subject).ok().filter(|s| s.reportable()).ok_or_else(|| crate::error::AppError::not_found("page"))?;
    let label = state.db.subject_label(subject, t.id).await?.ok_or_else(|| crate::error::AppError::not_found(subject.as_str()))?;
    let lang = crate::i18n::current();
    let kind = lang.t(&format!("subject-{subject}"));
    let what = lang.t_args("report-what", &[("kind", kind), ("label", label.chars().take(80).collect())]);
    let reasons = ReportReason::ALL.iter().map(|r| (r.as_str(), lang.t(&format!("report-reason-{r}")))).collect();
    Ok(render(&ReportPage {
        layout: Layout::new(Some(user), &csrf),
        subject: subject.as_str().to_owned(),
        subject_id: t.id,
        what,
        reasons,
        back: back_to(t.back.as_deref()),
        note: haul_domain::moderation::report_note(t.note.as_deref().unwrap_or_default()),
    }))
}

#[derive(Deserialize)]
pub struct ReportForm {
    subject: String,
    subject_id: i64,
    reason: String,
    #[serde(default)]
    note: String,
    back: Option<String>,
}

pub async fn file(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<ReportForm>) -> PageResult {
    let input = ReportInput {
        subject: Subject::parse(&f.subject)?,
        subject_id: f.subject_id,
        reason: ReportReason::parse(&f.reason)?,
        note: f.note,
    };
    let lang = crate::i18n::current();
    let notice = match report(&state, &user, &input).await {
        Ok(_) => lang.t("report-thanks"),
        Err(e) if e.code == ErrorCode::AlreadyReported => lang.t("report-thanks"),
        Err(e) => return Err(e.into()),
    };
    Ok(see_other_saying(&back_to(f.back.as_deref()), &notice))
}
