//! The operator's page: group-leader applications, the feed's hard-sell
//! policy, and moderation strikes against creators.

use crate::AppState;
use crate::error::AppError;
use crate::extract::Path;
use crate::pages::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, render, see_other};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::accounts::Role;
use haul_domain::community::CommunityStatus;
use haul_domain::ids::CommunityId;
use haul_domain::page::PageRequest;
use haul_store::accounts::User;
use haul_store::community::Community;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "operator_communities.html")]
struct Queue {
    layout: Layout,
    applied: Vec<Community>,
    commerce_first: bool,
}

fn operator(user: &User) -> Result<(), AppError> {
    if user.role() == Role::Operator { Ok(()) } else { Err(AppError::forbidden()) }
}

pub async fn queue(State(state): State<AppState>, SignedIn(user): SignedIn, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    operator(&user)?;
    let applied = state.db.communities(CommunityStatus::Applied, &PageRequest::parse(Some(100), None)?).await?.items;
    let commerce_first = state.feed.policy() == haul_domain::feed::hard_sell::Policy::CommerceFirst;
    Ok(render(&Queue { layout: Layout::new(Some(user), &csrf), applied, commerce_first }))
}

#[derive(Deserialize)]
pub struct PolicyForm {
    policy: String,
}

/// The feed's hard-sell policy.
pub async fn policy(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<PolicyForm>) -> PageResult {
    operator(&user)?;
    let policy = haul_domain::feed::hard_sell::Policy::parse(&f.policy)
        .ok_or_else(|| haul_domain::DomainError::invalid("policy", "content_first or commerce_first"))?;
    state.feed.set_policy(&state.db, policy).await?;
    Ok(see_other("/operator/communities"))
}

#[derive(Deserialize)]
pub struct ViolationForm {
    creator_id: i64,
    reason: String,
}

pub async fn violation(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<ViolationForm>) -> PageResult {
    crate::services::feed::record_violation(&state, &user, f.creator_id, &f.reason).await?;
    Ok(see_other("/operator/communities"))
}

#[derive(Deserialize)]
pub struct DecisionForm {
    approve: bool,
}

pub async fn decide(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<DecisionForm>,
) -> PageResult {
    operator(&user)?;
    let c = state.db.decide_community(CommunityId(id), f.approve, user.user_id(), state.clock.now()).await?;
    state.sessions.forget_user(c.leader_id);
    Ok(see_other("/operator/communities"))
}
