//! Deleting an account, by the person (with their password, and their
//! second factor if they have one) or by an operator on their request
//! (with a reason, in the audit log), and an operator's export of an
//! account's data on request. What is erased and what is kept under
//! a pseudonym is `haul_store::deletion`'s.

use crate::AppState;
use crate::auth::verify_password;
use crate::error::{AppError, AppResult};
use haul_domain::ErrorCode;
use haul_domain::ids::UserId;
use haul_domain::moderation::{OperatorAction, Subject, operator_reason};
use haul_store::accounts::User;
use haul_store::moderation::Decision;

/// The person deletes their own account; every session of it ends.
pub async fn delete_own(state: &AppState, user: &User, password: String, second_factor: Option<&str>, keep_content: bool) -> AppResult<()> {
    let key = format!("delete:{}", user.id);
    if let Err(wait_seconds) = state.login_limiter.reserve(&[(&key, state.config.login_attempts)]) {
        return Err(AppError::new(
            ErrorCode::TooManyAttempts,
            format!("too many wrong passwords; try again in {} minute(s)", (wait_seconds + 59) / 60),
        ));
    }
    if !verify_password(password, user.password_hash.clone()).await {
        return Err(AppError::new(ErrorCode::InvalidCredentials, "wrong password"));
    }
    state.login_limiter.clear(&key);
    super::two_factor::second_step(state, user, second_factor).await?;
    erase(state, user, keep_content).await
}

/// An operator deletes an account on its owner's request.
pub async fn delete_on_request(state: &AppState, operator: &User, target: UserId, reason: &str, keep_content: bool) -> AppResult<()> {
    super::moderation::require_operator(operator)?;
    let reason = operator_reason(reason)?;
    let user = state.db.user(target).await?;
    erase(state, &user, keep_content).await?;
    let decision = Decision {
        operator: operator.user_id(),
        action: OperatorAction::DeleteAccount,
        subject: Subject::User,
        subject_id: target.get(),
        reason: &reason,
        now: state.clock.now(),
    };
    state.db.audit(decision, &serde_json::json!({ "keep_content": keep_content }).to_string()).await?;
    Ok(())
}

/// An operator exports an account's data on its owner's request (to send
/// it to them); audited.
pub async fn export_on_request(state: &AppState, operator: &User, target: UserId, reason: &str) -> AppResult<(User, Vec<u8>)> {
    super::moderation::require_operator(operator)?;
    let reason = operator_reason(reason)?;
    let user = state.db.user(target).await?;
    let zip = super::export::archive(state, &user).await?;
    let decision = Decision {
        operator: operator.user_id(),
        action: OperatorAction::ExportData,
        subject: Subject::User,
        subject_id: target.get(),
        reason: &reason,
        now: state.clock.now(),
    };
    state.db.audit(decision, "{}").await?;
    Ok((user, zip))
}

async fn erase(state: &AppState, user: &User, keep_content: bool) -> AppResult<()> {
    state.db.delete_account(user.user_id(), keep_content, state.clock.now()).await?;
    state.db.forget_messages_to(user.login()).await?;
    state.sessions.forget_user(user.id);
    Ok(())
}
