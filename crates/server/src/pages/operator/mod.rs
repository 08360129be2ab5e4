//! The operator's console, `/operator`: the reports queue, shops awaiting
//! approval and shop suspension, people (strikes, suspension), leaders'
//! applications, the feed policy, and the audit log. Each action comes back
//! with a notice saying what it did.

use crate::AppState;
use crate::extract::{Path, Query};
use crate::i18n::Lang;
use crate::pages::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, render, see_other, see_other_saying};
use crate::services::moderation::{DecisionInput, decide, find_people, require_operator};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::community::CommunityStatus;
use haul_domain::feed::hard_sell::Policy;
use haul_domain::ids::CommunityId;
use haul_domain::moderation::{OperatorAction, ReportReason, ShopStatus, Subject};
use haul_domain::page::PageRequest;
use haul_store::catalog::Shop;
use haul_store::community::Community;
use haul_store::moderation::Outcome;
use serde::Deserialize;

pub mod analytics;
mod rows;

use rows::{AuditRow, PersonRow, QueueRow, ShopRow};

pub const TABS: [&str; 6] = ["reports", "shops", "people", "leaders", "feed", "audit"];

#[derive(Template)]
#[template(path = "operator.html")]
struct Console {
    layout: Layout,
    tab: &'static str,
    /// `(tab, its name)`.
    tabs: Vec<(&'static str, String)>,
    queue: Vec<QueueRow>,
    pending_shops: Vec<ShopRow>,
    found_shops: Vec<ShopRow>,
    shop_q: String,
    people: Vec<PersonRow>,
    people_q: String,
    applied: Vec<Community>,
    commerce_first: bool,
    audit: Vec<AuditRow>,
    audit_next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ConsoleQuery {
    tab: Option<String>,
    shop_q: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
}

pub async fn console(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<ConsoleQuery>,
) -> PageResult {
    require_operator(&user)?;
    let lang = crate::i18n::current();
    let tab = TABS.iter().copied().find(|t| Some(*t) == q.tab.as_deref()).unwrap_or("reports");
    let mut page = Console {
        tabs: TABS.iter().map(|t| (*t, lang.t(&format!("operator-tab-{t}")))).collect(),
        tab,
        queue: Vec::new(),
        pending_shops: Vec::new(),
        found_shops: Vec::new(),
        shop_q: q.shop_q.clone().unwrap_or_default(),
        people: Vec::new(),
        people_q: q.q.clone().unwrap_or_default(),
        applied: Vec::new(),
        commerce_first: state.feed.policy() == Policy::CommerceFirst,
        audit: Vec::new(),
        audit_next: None,
        layout: Layout::new(Some(user.clone()), &csrf),
    };
    match tab {
        "reports" => {
            for entry in state.db.report_queue(100).await? {
                let label = state.db.subject_label(entry.subject, entry.subject_id).await?.unwrap_or_default();
                page.queue.push(QueueRow::of(lang, entry, label));
            }
        }
        "shops" => {
            let row = |s: Shop| ShopRow::of(lang, s);
            page.pending_shops = state.db.shops_for_review(ShopStatus::Pending, "", 100).await?.into_iter().map(row).collect();
            let terms = haul_domain::accounts::search_terms(&page.shop_q, 60);
            if !terms.is_empty() {
                for status in [ShopStatus::Active, ShopStatus::Suspended, ShopStatus::Rejected] {
                    page.found_shops.extend(state.db.shops_for_review(status, &terms, 20).await?.into_iter().map(row));
                }
            }
        }
        "people" => page.people = find_people(&state, &user, &page.people_q).await?.into_iter().map(|u| PersonRow::of(lang, u)).collect(),
        "leaders" => page.applied = state.db.communities(CommunityStatus::Applied, &PageRequest::parse(Some(100), None)?).await?.items,
        "audit" => {
            let log = state.db.audit_log(None, &PageRequest::parse(Some(50), q.cursor.as_deref())?).await?;
            page.audit = log.items.into_iter().map(|e| AuditRow::of(lang, e)).collect();
            page.audit_next = log.next_cursor;
        }
        _ => {}
    }
    Ok(render(&page))
}

/// Where an action returns: its tab, saying what was done.
fn back(tab: &str, notice: String) -> axum::response::Response {
    let tab = TABS.iter().copied().find(|t| *t == tab).unwrap_or("reports");
    see_other_saying(&format!("/operator?tab={tab}"), &notice)
}

#[derive(Deserialize)]
pub struct DecideForm {
    action: String,
    subject: String,
    subject_id: i64,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    tab: String,
}

pub async fn decide_form(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<DecideForm>) -> PageResult {
    let input = DecisionInput {
        action: OperatorAction::parse(&f.action)?,
        subject: Subject::parse(&f.subject)?,
        subject_id: f.subject_id,
        reason: f.reason,
    };
    let outcome = decide(&state, &user, &input).await?;
    Ok(back(&f.tab, done(crate::i18n::current(), &input, &outcome)))
}

/// "Took down video #12; 3 reports closed; 2 orders refunded": what a
/// decision did, in the operator's language.
fn done(lang: Lang, d: &DecisionInput, o: &Outcome) -> String {
    let what = format!("{} #{}", lang.t(&format!("subject-{}", d.subject)), d.subject_id);
    if !o.effects.changed && d.action != OperatorAction::Dismiss {
        return lang.t_with("operator-done-nothing", "what", what);
    }
    let mut parts = vec![lang.t_args("operator-done", &[("action", lang.t(&format!("action-{}", d.action))), ("what", what)])];
    parts.extend(effect_words(lang, o));
    parts.join(lang.t("list-separator").as_str())
}

/// What a decision did beyond itself, a phrase per effect.
pub fn effect_words(lang: Lang, o: &Outcome) -> Vec<String> {
    let e = &o.effects;
    let mut words = Vec::new();
    for (n, key) in [
        (o.reports_closed as usize, "operator-done-reports"),
        (e.orders_refunded, "operator-done-refunded"),
        (e.orders_cancelled, "operator-done-cancelled"),
        (e.teams_failed, "operator-done-teams"),
        (e.campaigns_failed, "operator-done-campaigns"),
        (e.deals_to_cancel.len(), "operator-done-deals"),
        (e.rooms_to_end.len(), "operator-done-rooms"),
        (e.sessions_ended as usize, "operator-done-sessions"),
        (e.plans_paused as usize, "operator-done-plans-paused"),
        (e.plans_resumed as usize, "operator-done-plans-resumed"),
    ] {
        if n > 0 {
            words.push(lang.t_with(key, "n", n));
        }
    }
    words
}

#[derive(Deserialize)]
pub struct PolicyForm {
    policy: String,
}

/// The feed's hard-sell policy.
pub async fn policy(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<PolicyForm>) -> PageResult {
    let policy = Policy::parse(&f.policy).ok_or_else(|| haul_domain::DomainError::invalid("policy", "content_first or commerce_first"))?;
    crate::services::feed::set_policy(&state, &user, policy).await?;
    let lang = crate::i18n::current();
    let name = lang.t(if policy == Policy::CommerceFirst { "operator-commerce-first" } else { "operator-content-first" });
    Ok(back("feed", lang.t_with("operator-done-policy", "policy", name)))
}

#[derive(Deserialize)]
pub struct StrikeForm {
    creator_id: i64,
    reason: String,
}

#[derive(Deserialize)]
pub struct RequestForm {
    reason: String,
    action: String,
}

/// A person's request, carried out by the operator: their data as a
/// download, or their account deleted (content taken down).
pub async fn on_request(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<RequestForm>,
) -> PageResult {
    let target = haul_domain::ids::UserId(id);
    let back = "/operator?tab=people";
    let done = match f.action.as_str() {
        "export" => crate::services::deletion::export_on_request(&state, &user, target, &f.reason)
            .await
            .map(|(person, zip)| crate::services::export::download(&person, zip)),
        "delete" => crate::services::deletion::delete_on_request(&state, &user, target, &f.reason, false)
            .await
            .map(|()| see_other_saying(back, &crate::i18n::current().t("operator-deleted"))),
        _ => Err(crate::error::AppError::refused(haul_domain::ErrorCode::InvalidForm)),
    };
    Ok(done.unwrap_or_else(|e| see_other_saying(back, &e.localized_message())))
}

/// A strike against a creator found in the people tab.
pub async fn strike(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<StrikeForm>) -> PageResult {
    crate::services::feed::record_violation(&state, &user, f.creator_id, &f.reason).await?;
    let name = state.db.user(haul_domain::ids::UserId(f.creator_id)).await?.display_name;
    Ok(back("people", crate::i18n::current().t_with("operator-done-strike", "name", name)))
}

#[derive(Deserialize)]
pub struct LeaderForm {
    approve: bool,
}

pub async fn leader(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<LeaderForm>,
) -> PageResult {
    let c = crate::services::community::decide_leader(&state, &user, CommunityId(id), f.approve).await?;
    let key = if f.approve { "operator-done-leader-approved" } else { "operator-done-leader-rejected" };
    Ok(back("leaders", crate::i18n::current().t_with(key, "name", c.name)))
}

/// The old address of the leaders' queue.
pub async fn leaders() -> axum::response::Response {
    see_other("/operator?tab=leaders")
}

/// A reason's words, for the queue.
pub fn reason_words(lang: Lang, reasons: &str) -> String {
    reasons
        .split(',')
        .filter_map(|r| ReportReason::parse(r).ok())
        .map(|r| lang.t(&format!("report-reason-{r}")))
        .collect::<Vec<_>>()
        .join(lang.t("list-separator").as_str())
}
