//! Requests for a quote: a buyer asks, the shop's staff answer from their
//! inbox (the contact is theirs and the buyer's alone).

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::extract::{Json, Path, Query};
use crate::services::analytics::DashboardQuery;
use crate::services::leads::{self, LeadFigures, LeadInput, LeadView};
use axum::extract::State;
use axum::http::StatusCode;
use haul_domain::analytics::{self, DaySpan};
use haul_domain::ids::ShopId;
use haul_store::leads::{Lead, LeadMessage};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ask))
        .routes(routes!(mine))
        .routes(routes!(read))
        .routes(routes!(set_status))
        .routes(routes!(write))
        .routes(routes!(inbox))
        .routes(routes!(figures))
}

/// Asks the shop for a quote on a product sold by quote.
#[utoipa::path(post, path = "/api/v1/products/{id}/leads", tag = "leads", security(("bearer" = [])), request_body = LeadInput,
    responses((status = 201, body = Lead), (status = 404), (status = 409, description = "lead_open, not_in_bag"),
        (status = 422, description = "validation_failed: the field is named"), (status = 429, description = "rate_limited")))]
async fn ask(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<LeadInput>,
) -> AppResult<(StatusCode, axum::Json<Lead>)> {
    Ok((StatusCode::CREATED, axum::Json(leads::ask(&state, &user, id, &input).await?)))
}

/// The requests for a quote the signed-in person sent, newest first.
#[utoipa::path(get, path = "/api/v1/leads", tag = "leads", security(("bearer" = [])), params(PageParams), responses((status = 200, body = PageOf<Lead>)))]
async fn mine(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<PageOf<Lead>>> {
    let mut page = state.db.buyer_leads(user.user_id(), &page.parse()?).await?;
    page.items.iter_mut().for_each(Lead::hide_attribution);
    Ok(axum::Json(page.into()))
}

/// A lead and its conversation: the buyer sees the replies, the shop's staff the notes too.
#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads", security(("bearer" = [])), responses((status = 200, body = LeadView), (status = 404)))]
async fn read(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<LeadView>> {
    Ok(axum::Json(leads::read(&state, &user, id).await?))
}

#[derive(Deserialize, ToSchema)]
struct StatusInput {
    /// `contacted`, `quoted`, `won` or `lost`.
    status: String,
}

/// The shop's staff move a lead on.
#[utoipa::path(post, path = "/api/v1/leads/{id}/status", tag = "leads", security(("bearer" = [])), request_body = StatusInput,
    responses((status = 200, body = Lead), (status = 403), (status = 404), (status = 409, description = "illegal_transition")))]
async fn set_status(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<StatusInput>,
) -> AppResult<axum::Json<Lead>> {
    Ok(axum::Json(leads::set_status(&state, &user, id, &input.status).await?))
}

#[derive(Deserialize, ToSchema)]
struct MessageInput {
    text: String,
    /// `reply` (the default; the buyer sees it) or `note` (the shop's staff only).
    kind: Option<String>,
}

/// A reply on a lead (its buyer or the shop's staff), or a staff note.
#[utoipa::path(post, path = "/api/v1/leads/{id}/messages", tag = "leads", security(("bearer" = [])), request_body = MessageInput,
    responses((status = 201, body = LeadMessage), (status = 404), (status = 422)))]
async fn write(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<MessageInput>,
) -> AppResult<(StatusCode, axum::Json<LeadMessage>)> {
    let reply = match input.kind.as_deref() {
        None | Some("") | Some("reply") => true,
        Some("note") => false,
        Some(_) => return Err(haul_domain::DomainError::invalid("kind", "reply or note").into()),
    };
    Ok((StatusCode::CREATED, axum::Json(leads::write(&state, &user, id, reply, &input.text).await?)))
}

#[derive(Deserialize, IntoParams)]
struct InboxQuery {
    /// `new`, `contacted`, `quoted`, `won` or `lost`; all if left out.
    status: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// A shop's leads, newest first: its staff only.
#[utoipa::path(get, path = "/api/v1/shops/{id}/leads", tag = "leads", security(("bearer" = [])), params(InboxQuery),
    responses((status = 200, body = PageOf<Lead>), (status = 403)))]
async fn inbox(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<InboxQuery>,
) -> AppResult<axum::Json<PageOf<Lead>>> {
    let page = PageParams { limit: q.limit, cursor: q.cursor }.parse()?;
    Ok(axum::Json(leads::inbox(&state, &user, ShopId(id), q.status.as_deref(), &page).await?.into()))
}

/// A shop's leads over calendar days, by province and by the content that produced them.
#[utoipa::path(get, path = "/api/v1/shops/{id}/leads/figures", tag = "leads", security(("bearer" = [])), params(DashboardQuery),
    responses((status = 200, body = LeadFigures), (status = 403)))]
async fn figures(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<DashboardQuery>,
) -> AppResult<axum::Json<LeadFigures>> {
    let offset = analytics::offset_minutes(q.tz_offset_minutes, crate::services::analytics::DEFAULT_OFFSET_MINUTES)?;
    let span = DaySpan::parse(q.from.as_deref(), q.to.as_deref(), offset, state.clock.now())?;
    Ok(axum::Json(leads::figures(&state, &user, ShopId(id), span.from, span.to).await?))
}
