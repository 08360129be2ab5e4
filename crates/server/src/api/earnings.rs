//! What creators earn: touches, share links, earnings and payouts; and the
//! payout provider's callback.

use super::{PageOf, PageParams};
use crate::AppState;
use crate::auth::{ApiUser, require_shop_staff};
use crate::error::AppResult;
use crate::extract::{Json, Path, Query, RawBody};
use crate::services::earnings;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use haul_domain::affiliate::TouchKind;
use haul_domain::ids::ShopId;
use haul_store::affiliate::{Balance, Commission, ContentEarnings, Party, Payout, ShopCreator, Statement};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(touch))
        .routes(routes!(my_links, new_link))
        .routes(routes!(my_earnings))
        .routes(routes!(my_payouts, new_payout))
        .routes(routes!(payout_callback))
        .routes(routes!(shop_creators))
        .routes(routes!(shop_balance))
        .routes(routes!(my_statement))
        .routes(routes!(shop_statement))
        .routes(routes!(shop_payouts, new_shop_payout))
}

#[derive(Deserialize, ToSchema)]
pub struct TouchInput {
    pub product_id: i64,
    /// `video`, `note`, `showcase` (then `subject_id` is the creator) or `share_link`.
    #[schema(value_type = String)]
    pub kind: TouchKind,
    pub subject_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TouchAck {
    /// False when that content does not carry the product (nothing is kept).
    pub counted: bool,
}

/// The signed-in shopper tapped a creator's content on the way to a
/// product: the last such tap within the window earns the creator the sale.
#[utoipa::path(post, path = "/api/v1/touches", tag = "affiliate", security(("bearer" = [])), request_body = TouchInput,
    responses((status = 200, body = TouchAck), (status = 422)))]
async fn touch(State(state): State<AppState>, ApiUser(user): ApiUser, Json(input): Json<TouchInput>) -> AppResult<axum::Json<TouchAck>> {
    let counted = earnings::record_touch(&state, &user, input.product_id, input.kind, input.subject_id).await?;
    Ok(axum::Json(TouchAck { counted }))
}

#[derive(Deserialize, ToSchema)]
pub struct LinkInput {
    pub product_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct LinkView {
    pub id: i64,
    pub code: String,
    pub product_id: i64,
    pub clicks: i64,
    /// The address to share: it counts a click and lands on the product.
    pub url: String,
}

fn link_view(state: &AppState, l: haul_store::affiliate::ShareLink) -> LinkView {
    let url = earnings::link_url(state, &l);
    LinkView { id: l.id, code: l.code, product_id: l.product_id, clicks: l.clicks, url }
}

/// The creator's link to a product (the same link when asked again).
#[utoipa::path(post, path = "/api/v1/me/share-links", tag = "affiliate", security(("bearer" = [])), request_body = LinkInput,
    responses((status = 201, body = LinkView), (status = 404)))]
async fn new_link(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<LinkInput>,
) -> AppResult<(StatusCode, axum::Json<LinkView>)> {
    let link = earnings::share_link(&state, &user, input.product_id).await?;
    Ok((StatusCode::CREATED, axum::Json(link_view(&state, link))))
}

#[utoipa::path(get, path = "/api/v1/me/share-links", tag = "affiliate", security(("bearer" = [])), responses((status = 200, body = Vec<LinkView>)))]
async fn my_links(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::Json<Vec<LinkView>>> {
    let links = state.db.share_links_of(user.user_id()).await?;
    Ok(axum::Json(links.into_iter().map(|l| link_view(&state, l)).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct Earnings {
    /// Pending, available and paid amounts per currency, in minor units.
    pub balances: Vec<Balance>,
    /// What each video, note, room, link, showcase or campaign earned.
    pub by_content: Vec<ContentEarnings>,
    /// The commission lines, newest first (paged with `cursor`).
    pub lines: PageOf<Commission>,
}

#[utoipa::path(get, path = "/api/v1/me/earnings", tag = "affiliate", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = Earnings)))]
async fn my_earnings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<Earnings>> {
    let me = user.user_id();
    Ok(axum::Json(Earnings {
        balances: state.db.balances_of(Party::Creator(me)).await?,
        by_content: state.db.earnings_by_content(me).await?,
        lines: state.db.commissions_of(me, &page.parse()?).await?.into(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct PayoutInput {
    pub amount_minor: i64,
    pub currency: String,
}

/// Pays out part or all of the available balance (at least the configured
/// minimum); the provider answers later, and a failed payout is retried.
#[utoipa::path(post, path = "/api/v1/me/payouts", tag = "affiliate", security(("bearer" = [])), request_body = PayoutInput,
    responses((status = 201, body = Payout), (status = 409, description = "payout_too_small, payout_too_large"), (status = 422)))]
async fn new_payout(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<PayoutInput>,
) -> AppResult<(StatusCode, axum::Json<Payout>)> {
    let payout = earnings::request_payout(&state, Party::Creator(user.user_id()), input.amount_minor, &input.currency).await?;
    Ok((StatusCode::CREATED, axum::Json(payout)))
}

#[utoipa::path(get, path = "/api/v1/me/payouts", tag = "affiliate", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = PageOf<Payout>)))]
async fn my_payouts(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<PageOf<Payout>>> {
    Ok(axum::Json(state.db.payouts_of(Party::Creator(user.user_id()), &page.parse()?).await?.into()))
}

/// Called by the sandbox payout provider, signed with the shared secret.
#[utoipa::path(post, path = "/api/v1/payouts/webhooks/sandbox", tag = "affiliate",
    params(("Haul-Signature" = String, Header, description = "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"t.body\">")),
    responses((status = 204), (status = 401, description = "bad_signature, stale_signature"), (status = 404)))]
async fn payout_callback(State(state): State<AppState>, headers: HeaderMap, RawBody(body): RawBody) -> AppResult<StatusCode> {
    earnings::payout_callback(&state, &headers, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The creators who sold the shop's products, ranked by attributed sales,
/// with the commission still held and released to them.
#[utoipa::path(get, path = "/api/v1/shops/{id}/affiliate/creators", tag = "affiliate", security(("bearer" = [])),
    responses((status = 200, body = Vec<ShopCreator>), (status = 403)))]
async fn shop_creators(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> AppResult<axum::Json<Vec<ShopCreator>>> {
    require_shop_staff(&state, &user, ShopId(id)).await?;
    Ok(axum::Json(state.db.creators_of_shop(ShopId(id)).await?))
}

/// The shop's money: `pending_minor` is what orders not yet settled hold
/// (settled once complete for the hold), `available_minor` what the owner
/// may pay out; its sales less refunds, commission and the platform's fee.
#[utoipa::path(get, path = "/api/v1/shops/{id}/balance", tag = "affiliate", security(("bearer" = [])),
    responses((status = 200, body = Vec<Balance>), (status = 403)))]
async fn shop_balance(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<Vec<Balance>>> {
    let party = earnings::shop_party(&state, &user, ShopId(id), false).await?;
    Ok(axum::Json(state.db.balances_of(party).await?))
}

#[utoipa::path(get, path = "/api/v1/shops/{id}/payouts", tag = "affiliate", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = PageOf<Payout>), (status = 403)))]
async fn shop_payouts(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<PageOf<Payout>>> {
    let party = earnings::shop_party(&state, &user, ShopId(id), false).await?;
    Ok(axum::Json(state.db.payouts_of(party, &page.parse()?).await?.into()))
}

/// The shop's owner pays out part or all of its available balance.
#[utoipa::path(post, path = "/api/v1/shops/{id}/payouts", tag = "affiliate", security(("bearer" = [])), request_body = PayoutInput,
    responses((status = 201, body = Payout), (status = 403), (status = 409, description = "payout_too_small, payout_too_large"), (status = 422)))]
async fn new_shop_payout(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<PayoutInput>,
) -> AppResult<(StatusCode, axum::Json<Payout>)> {
    let party = earnings::shop_party(&state, &user, ShopId(id), true).await?;
    let payout = earnings::request_payout(&state, party, input.amount_minor, &input.currency).await?;
    Ok((StatusCode::CREATED, axum::Json(payout)))
}

/// The creator's money in a month (`2026-12`, UTC): balances at its start
/// and end, and every movement between.
#[utoipa::path(get, path = "/api/v1/me/statements/{month}", tag = "affiliate", security(("bearer" = [])),
    responses((status = 200, body = Statement), (status = 422)))]
async fn my_statement(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(month): Path<String>,
) -> AppResult<axum::Json<Statement>> {
    Ok(axum::Json(earnings::statement(&state, Party::Creator(user.user_id()), &month).await?))
}

/// The shop's money in a month: its sales, refunds, commission and fees,
/// settlements and payouts.
#[utoipa::path(get, path = "/api/v1/shops/{id}/statements/{month}", tag = "affiliate", security(("bearer" = [])),
    responses((status = 200, body = Statement), (status = 403), (status = 422)))]
async fn shop_statement(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, month)): Path<(i64, String)>,
) -> AppResult<axum::Json<Statement>> {
    let party = earnings::shop_party(&state, &user, ShopId(id), false).await?;
    Ok(axum::Json(earnings::statement(&state, party, &month).await?))
}
