//! Reports from shoppers, and the operator's console: the queue, decisions,
//! shops awaiting approval, people, and the audit log.

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::extract::{Json, Query};
use crate::services::moderation::{DecisionInput, ReportInput, decide, find_people, report, require_operator};
use axum::extract::State;
use axum::http::StatusCode;
use haul_domain::moderation::{ShopStatus, Subject};
use haul_store::catalog::Shop;
use haul_store::moderation::{AuditEntry, Outcome, QueueEntry, Report};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(file))
        .routes(routes!(queue))
        .routes(routes!(decision))
        .routes(routes!(shops))
        .routes(routes!(people))
        .routes(routes!(audit))
}

#[utoipa::path(post, path = "/api/v1/reports", tag = "moderation", security(("bearer" = [])), request_body = ReportInput,
    responses((status = 201, body = Report), (status = 404), (status = 409, description = "already_reported"), (status = 429, description = "too_many_reports")))]
async fn file(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<ReportInput>,
) -> AppResult<(StatusCode, axum::Json<Report>)> {
    Ok((StatusCode::CREATED, axum::Json(report(&state, &user, &input).await?)))
}

/// A reported thing in the queue, with what it is called.
#[derive(Serialize, ToSchema)]
pub struct QueueItem {
    #[serde(flatten)]
    pub entry: QueueEntry,
    /// Its caption, title, text or name, as it is now.
    pub label: String,
}

#[utoipa::path(get, path = "/api/v1/operator/reports", tag = "moderation", security(("bearer" = [])),
    responses((status = 200, body = Vec<QueueItem>), (status = 403)))]
async fn queue(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::Json<Vec<QueueItem>>> {
    require_operator(&user)?;
    let mut items = Vec::new();
    for entry in state.db.report_queue(100).await? {
        let label = state.db.subject_label(entry.subject, entry.subject_id).await?.unwrap_or_default();
        items.push(QueueItem { entry, label });
    }
    Ok(axum::Json(items))
}

#[utoipa::path(post, path = "/api/v1/operator/decisions", tag = "moderation", security(("bearer" = [])), request_body = DecisionInput,
    responses((status = 200, body = Outcome, description = "what the decision did; it is in the audit log"), (status = 403), (status = 404),
        (status = 409, description = "not_restorable"), (status = 422)))]
async fn decision(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<DecisionInput>,
) -> AppResult<axum::Json<Outcome>> {
    Ok(axum::Json(decide(&state, &user, &input).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct ShopQuery {
    /// `pending` (default), `active`, `suspended` or `rejected`.
    #[param(value_type = Option<String>)]
    pub status: Option<ShopStatus>,
    /// Part of the shop's name or address slug.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/operator/shops", tag = "moderation", security(("bearer" = [])), params(ShopQuery),
    responses((status = 200, body = Vec<Shop>), (status = 403)))]
async fn shops(State(state): State<AppState>, ApiUser(user): ApiUser, Query(q): Query<ShopQuery>) -> AppResult<axum::Json<Vec<Shop>>> {
    require_operator(&user)?;
    let terms = q.q.as_deref().map(|t| haul_domain::accounts::search_terms(t, 60)).unwrap_or_default();
    Ok(axum::Json(state.db.shops_for_review(q.status.unwrap_or(ShopStatus::Pending), &terms, 100).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct PeopleQuery {
    /// Part of a name, e-mail address or phone number.
    pub q: String,
}

/// A person as the operator sees them.
#[derive(Serialize, ToSchema)]
pub struct Person {
    pub id: i64,
    pub display_name: String,
    pub role: String,
    pub suspended_at: Option<i64>,
    pub created_at: i64,
}

#[utoipa::path(get, path = "/api/v1/operator/people", tag = "moderation", security(("bearer" = [])), params(PeopleQuery),
    responses((status = 200, body = Vec<Person>), (status = 403)))]
async fn people(State(state): State<AppState>, ApiUser(user): ApiUser, Query(q): Query<PeopleQuery>) -> AppResult<axum::Json<Vec<Person>>> {
    let found = find_people(&state, &user, &q.q).await?;
    Ok(axum::Json(
        found
            .into_iter()
            .map(|u| Person {
                id: u.id,
                display_name: u.display_name,
                role: u.role,
                suspended_at: u.suspended_at,
                created_at: u.created_at,
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    #[param(value_type = Option<String>)]
    pub subject: Option<Subject>,
    pub subject_id: Option<i64>,
    /// 1 to 100; 20 by default.
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/operator/audit", tag = "moderation", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = PageOf<AuditEntry>), (status = 403)))]
async fn audit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<AuditQuery>,
) -> AppResult<axum::Json<PageOf<AuditEntry>>> {
    require_operator(&user)?;
    let subject = q.subject.zip(q.subject_id);
    let page = PageParams { limit: q.limit, cursor: q.cursor }.parse()?;
    Ok(axum::Json(state.db.audit_log(subject, &page).await?.into()))
}
