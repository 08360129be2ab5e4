//! The JSON API under `/api/v1`. Each domain has a module with a `router()`;
//! the OpenAPI document is generated from the handlers' annotations.

pub mod accounts;
pub mod affiliate;
pub mod aftersales;
pub mod analytics;
pub mod campaigns;
pub mod cart;
pub mod catalog;
pub mod comments;
pub mod community;
pub mod coupons;
pub mod deals;
pub mod deletion;
pub mod delivery;
pub mod earnings;
pub mod errors_doc;
pub mod feed;
pub mod leader_offers;
pub mod leads;
pub mod live;
pub mod moderation;
pub mod notes;
pub mod notifications;
pub mod orders;
pub mod partners;
pub mod payments;
pub mod recovery;
pub mod reviews;
pub mod shops;
pub mod teams;
pub mod two_factor;
pub mod videos;
pub mod vouchers;
pub mod webhooks;

use crate::AppState;
use crate::error::AppError;
use axum::http::HeaderMap;
use haul_domain::ErrorCode;
use haul_domain::page::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(title = "Haul API", description = "Social commerce: shops, products, orders, payments. Errors are `{\"error\":{\"code\",\"message\"}}`; authenticate with `Authorization: Bearer <token>` from POST /api/v1/sessions."),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(accounts::router())
        .merge(recovery::router())
        .merge(deletion::router())
        .merge(two_factor::router())
        .merge(shops::router())
        .merge(catalog::router())
        .merge(deals::router())
        .merge(teams::router())
        .merge(community::router())
        .merge(campaigns::router())
        .merge(leader_offers::router())
        .merge(videos::router())
        .merge(comments::router())
        .merge(notifications::router())
        .merge(feed::router())
        .merge(notes::router())
        .merge(live::router())
        .merge(cart::router())
        .merge(orders::router())
        .merge(aftersales::router())
        .merge(reviews::router())
        .merge(leads::router())
        .merge(vouchers::router())
        .merge(coupons::router())
        .merge(analytics::router())
        .merge(delivery::router())
        .merge(moderation::router())
        .merge(affiliate::router())
        .merge(earnings::router())
        .merge(payments::router())
        .merge(partners::router())
        .merge(webhooks::router())
}

/// `?limit=&cursor=` on every list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    /// 1 to 100; 20 by default.
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn parse(&self) -> Result<PageRequest, AppError> {
        Ok(PageRequest::parse(self.limit, self.cursor.as_deref())?)
    }
}

/// A page of a list, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOf<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

impl<T> From<Page<T>> for PageOf<T> {
    fn from(p: Page<T>) -> Self {
        PageOf { items: p.items, next_cursor: p.next_cursor }
    }
}

/// The `Idempotency-Key` header: required on writes a client may retry.
pub fn idempotency_key(headers: &HeaderMap) -> Result<String, AppError> {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::trim).filter(|k| !k.is_empty()).ok_or_else(|| {
        AppError::new(ErrorCode::IdempotencyKeyRequired, "send an Idempotency-Key header (any unique string up to 255 characters)")
    })?;
    if key.len() > 255 {
        return Err(AppError::new(ErrorCode::InvalidIdempotencyKey, "Idempotency-Key is at most 255 characters"));
    }
    Ok(key.to_owned())
}
