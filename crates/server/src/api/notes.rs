//! Notes: a title, text, up to 9 images, product tags and the author's own
//! rating of what they bought; likes and comments. "Sponsored" and
//! "commission link" labels come from the record and cannot be hidden.

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::{ApiUser, can_manage_shop};
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::services::notes::{NoteView, SponsorshipView, agree_sponsorship, publish, view};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use haul_domain::ErrorCode;
use haul_domain::accounts::text;
use haul_domain::ids::{NoteId, ShopId, UserId};
use haul_store::content::{Note, NoteCard, NoteFilter};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    // Only creating a note (with its pictures) takes a large body.
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .routes(routes!(show))
        .routes(routes!(like))
        .routes(routes!(comment))
        .routes(routes!(sponsor))
        .routes(routes!(sponsorships))
        .routes(routes!(of_author))
}

#[utoipa::path(post, path = "/api/v1/notes", tag = "notes", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "`title`, `body`, up to 9 `images`, `tags` (JSON list of {product_id, commission}), `rating` 1-5 with `rated_product_id` (only for what you bought), `sponsored_by_shop_id` if a shop paid"),
    responses((status = 201, body = NoteView), (status = 409, description = "not_a_buyer, own_product_review, sponsored_review"), (status = 415, description = "unsupported_image")))]
async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    form: Result<Multipart, MultipartRejection>,
) -> AppResult<(StatusCode, axum::Json<NoteView>)> {
    let form = form.map_err(|e| AppError::new(ErrorCode::InvalidUpload, e.body_text()))?;
    let parts = crate::media::read_upload(form, state.config.max_upload_bytes).await?;
    Ok((StatusCode::CREATED, axum::Json(publish(&state, &user, parts).await?)))
}

#[utoipa::path(get, path = "/api/v1/notes/{id}", tag = "notes", responses((status = 200, body = NoteView), (status = 404)))]
async fn show(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<NoteView>> {
    let note = view(state.db.note(NoteId(id)).await?);
    crate::services::analytics::note_viewed(&state, id);
    Ok(axum::Json(note))
}

#[derive(Deserialize, ToSchema)]
pub struct LikeInput {
    #[serde(default = "yes")]
    pub on: bool,
}

fn yes() -> bool {
    true
}

#[utoipa::path(post, path = "/api/v1/notes/{id}/likes", tag = "notes", security(("bearer" = [])), request_body = LikeInput, responses((status = 204), (status = 404)))]
async fn like(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<LikeInput>,
) -> AppResult<StatusCode> {
    state.db.like_note(NoteId(id), user.user_id(), input.on, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct CommentInput {
    pub body: String,
}

#[utoipa::path(post, path = "/api/v1/notes/{id}/comments", tag = "notes", security(("bearer" = [])), request_body = CommentInput, responses((status = 204), (status = 404)))]
async fn comment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<CommentInput>,
) -> AppResult<StatusCode> {
    let body = text("body", &input.body, 500)?;
    state.db.comment_note(NoteId(id), user.user_id(), &body, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct SponsorInput {
    pub shop_id: i64,
}

#[utoipa::path(post, path = "/api/v1/notes/{id}/sponsor", tag = "notes", security(("bearer" = [])), request_body = SponsorInput,
    description = "A sponsorship is an agreement: the note's author and the shop's staff each call this; when both have, the note is labelled sponsored for good.",
    responses((status = 200, body = SponsorshipView), (status = 403), (status = 409, description = "not_sponsorable")))]
async fn sponsor(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<SponsorInput>,
) -> AppResult<axum::Json<SponsorshipView>> {
    Ok(axum::Json(agree_sponsorship(&state, &user, id, ShopId(input.shop_id)).await?))
}

#[utoipa::path(get, path = "/api/v1/notes/{id}/sponsorships", tag = "notes", security(("bearer" = [])),
    description = "Agreements still waiting for the other side: all of them for the author, a shop's own for its staff.",
    responses((status = 200, body = Vec<SponsorshipView>)))]
async fn sponsorships(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> AppResult<axum::Json<Vec<SponsorshipView>>> {
    let note = state.db.note(NoteId(id)).await?.note;
    let mut open = Vec::new();
    for s in state.db.open_sponsorships(NoteId(id)).await? {
        if note.author_id == user.id || can_manage_shop(&state, &user, ShopId(s.shop_id)).await? {
            open.push(s.into());
        }
    }
    Ok(axum::Json(open))
}

#[derive(Deserialize, IntoParams)]
struct NotesQuery {
    /// Only this author's notes.
    author_id: Option<i64>,
    /// Only notes that tag this product.
    product_id: Option<i64>,
    /// 1 to 100; 20 by default.
    limit: Option<i64>,
    cursor: Option<String>,
}

/// The notes feed: published notes, newest first, each with its first
/// picture and its labels (`sponsored`, `commission`: 1 when they apply).
#[utoipa::path(get, path = "/api/v1/notes", tag = "notes", params(NotesQuery), responses((status = 200, body = PageOf<NoteCard>)))]
async fn list(State(state): State<AppState>, Query(q): Query<NotesQuery>) -> AppResult<axum::Json<PageOf<NoteCard>>> {
    let page = PageParams { limit: q.limit, cursor: q.cursor }.parse()?;
    let filter = NoteFilter { author: q.author_id.map(UserId), product: q.product_id };
    Ok(axum::Json(state.db.note_cards(filter, &page).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/creators/{id}/notes", tag = "notes", params(PageParams), responses((status = 200, body = PageOf<Note>)))]
async fn of_author(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<PageOf<Note>>> {
    Ok(axum::Json(state.db.notes_of_author(UserId(id), &page.parse()?).await?.into()))
}
