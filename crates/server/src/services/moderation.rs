//! Moderation: shoppers report what they see; operators take it down,
//! restore it or dismiss the reports, suspend and reinstate users and shops,
//! approve new shops; every operator action is written to the audit log.

use crate::AppState;
use crate::error::{AppError, AppResult};
use haul_domain::accounts::Role;
use haul_domain::moderation::{OperatorAction, ReportReason, Subject, operator_reason, report_note};
use haul_store::accounts::User;
use haul_store::moderation::{Decision, Outcome, Report};
use serde::Deserialize;
use utoipa::ToSchema;

pub fn require_operator(user: &User) -> AppResult<()> {
    if user.role() == Role::Operator { Ok(()) } else { Err(AppError::forbidden()) }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportInput {
    /// `video`, `note`, `comment`, `note_comment`, `live_room`, `product`, `shop` or `user`.
    #[schema(value_type = String)]
    pub subject: Subject,
    pub subject_id: i64,
    /// `spam`, `fraud`, `offensive`, `prohibited`, `infringement` or `other`.
    #[schema(value_type = String)]
    pub reason: ReportReason,
    /// What is wrong, or the chat message being reported.
    #[serde(default)]
    pub note: String,
}

/// A shopper reports something they saw.
pub async fn report(state: &AppState, user: &User, input: &ReportInput) -> AppResult<Report> {
    if !input.subject.reportable() || state.db.subject_label(input.subject, input.subject_id).await?.is_none() {
        return Err(AppError::not_found(input.subject.as_str()));
    }
    let note = report_note(&input.note);
    Ok(state.db.file_report(user.user_id(), input.subject, input.subject_id, input.reason, &note, state.clock.now()).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionInput {
    /// `take_down`, `restore`, `dismiss`, `suspend_user`, `reinstate_user`,
    /// `suspend_shop`, `reinstate_shop`, `approve_shop` or `reject_shop`.
    #[schema(value_type = String)]
    pub action: OperatorAction,
    #[schema(value_type = String)]
    pub subject: Subject,
    pub subject_id: i64,
    /// Why: kept in the audit log for good.
    pub reason: String,
}

/// An operator decides: the decision and its effects are one transaction
/// with its audit entry; what holds live state (a deal's gate, a room's
/// viewers, the feed's index) follows at once.
pub async fn decide(state: &AppState, operator: &User, input: &DecisionInput) -> AppResult<Outcome> {
    require_operator(operator)?;
    let reason = operator_reason(&input.reason)?;
    if matches!(
        input.action,
        OperatorAction::ApproveLeader | OperatorAction::RejectLeader | OperatorAction::FeedPolicy | OperatorAction::Strike
    ) {
        return Err(haul_domain::DomainError::invalid("action", "leaders, the feed policy and strikes have their own forms").into());
    }
    if !input.action.applies_to(input.subject) {
        return Err(haul_domain::DomainError::invalid("action", format!("{} does not apply to a {}", input.action, input.subject)).into());
    }
    let now = state.clock.now();
    let decision = Decision {
        operator: operator.user_id(),
        action: input.action,
        subject: input.subject,
        subject_id: input.subject_id,
        reason: &reason,
        now,
    };
    let outcome = state.db.decide(decision).await?;
    for deal in &outcome.effects.deals_to_cancel {
        match crate::services::deals::cancel_deal(state, operator, *deal).await {
            Ok(_) => {}
            // Ended meanwhile: nothing left to stop.
            Err(e) if e.code == haul_domain::ErrorCode::DealNotActive => {}
            Err(e) => return Err(e),
        }
    }
    if input.subject == Subject::User {
        state.sessions.forget_user(input.subject_id);
    }
    for room in &outcome.effects.rooms_to_end {
        crate::services::live::end_stream(state, *room).await?;
    }
    if outcome.effects.changed && !matches!(input.subject, Subject::Comment | Subject::NoteComment | Subject::Review | Subject::LiveRoom) {
        state.feed.refresh(&state.db, now).await?;
    }
    Ok(outcome)
}

/// Records an operator action carried out elsewhere (a leader's
/// application, the feed policy, a strike).
pub async fn audit(
    state: &AppState,
    operator: &User,
    action: OperatorAction,
    subject: (Subject, i64),
    reason: &str,
    detail: &serde_json::Value,
) -> AppResult<()> {
    let reason = if reason.trim().is_empty() { "-".to_owned() } else { haul_domain::moderation::report_note(reason) };
    let decision = Decision {
        operator: operator.user_id(),
        action,
        subject: subject.0,
        subject_id: subject.1,
        reason: &reason,
        now: state.clock.now(),
    };
    state.db.audit(decision, &detail.to_string()).await?;
    Ok(())
}

/// People an operator looks for by name, e-mail or phone (for a strike or
/// a suspension), at most 20.
pub async fn find_people(state: &AppState, operator: &User, query: &str) -> AppResult<Vec<User>> {
    require_operator(operator)?;
    let query = query.trim();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    Ok(state.db.find_users(&haul_domain::accounts::search_terms(query, 60), 20).await?)
}
