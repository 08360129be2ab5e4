//! Editing a product: details, SKUs, prices, stock, the picture and flash
//! deals.

use crate::AppState;
use crate::error::AppError;
use crate::extract::Path;
use crate::pages::layout::check_multipart_csrf;
use crate::pages::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, money, render, see_other};
use crate::services::catalog::{SkuInput, SkuUpdate, change_sku, parse_sku, product_for_staff, read_file_field, store_image};
use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use haul_domain::Money;
use haul_domain::ids::{ProductId, ShopId, SkuId};
use haul_domain::page::PageRequest;
use haul_store::accounts::User;
use haul_store::catalog::Product;
use serde::Deserialize;

pub struct SkuRow {
    pub id: i64,
    pub code: String,
    pub options: String,
    pub price: String,
    pub stock: i64,
}

pub struct DealRow {
    pub id: i64,
    pub price: String,
    pub sold: i64,
    pub quantity: i64,
    /// Upcoming, live, ended or cancelled, as a word.
    pub state: String,
    pub starts_at: i64,
    pub ends_at: i64,
}

/// A flash deal's phase (`DealView::state`) in the page's language.
fn deal_state(state: &str) -> String {
    let lang = crate::i18n::current();
    match state {
        "upcoming" => lang.t("merchant-deal-upcoming"),
        "live" => lang.t("merchant-deal-live"),
        "ended" => lang.t("merchant-deal-ended"),
        "cancelled" => lang.t("merchant-deal-cancelled"),
        other => other.to_owned(),
    }
}

#[derive(Template)]
#[template(path = "merchant_product.html")]
pub(super) struct ProductPage {
    layout: Layout,
    product: Product,
    skus: Vec<SkuRow>,
    deals: Vec<DealRow>,
    /// `(id, summary)` of the product's team offers.
    teams: Vec<(i64, String)>,
    /// A voucher's terms (deals and team buys are for goods).
    terms: Option<super::vouchers::TermsFields>,
    error: Option<String>,
}

pub(super) async fn product_page(state: &AppState, user: User, csrf: &CsrfToken, id: ProductId, error: Option<String>) -> PageResult {
    let product = product_for_staff(state, &user, id).await?;
    let skus = state
        .db
        .skus(id)
        .await?
        .into_iter()
        .map(|s| SkuRow {
            id: s.id,
            code: s.code,
            options: s.options,
            price: money(s.price_minor, &s.currency).trim_start_matches(['¥', '$', '€']).to_owned(),
            stock: s.stock,
        })
        .collect();
    let mut deals = Vec::new();
    let shop_deals = state.db.deals_of_shop(ShopId(product.shop_id), &PageRequest::parse(Some(100), None)?).await?.items;
    for d in shop_deals.into_iter().filter(|d| d.product_id == product.id) {
        let v = crate::services::deals::view(state, d).await?;
        deals.push(DealRow {
            id: v.deal.id,
            price: money(v.deal.price_minor, &v.deal.currency),
            sold: v.deal.quantity - v.remaining,
            quantity: v.deal.quantity,
            state: deal_state(v.state),
            starts_at: v.deal.starts_at,
            ends_at: v.deal.ends_at,
        });
    }
    let teams = state
        .db
        .team_offers_of_product(id)
        .await?
        .into_iter()
        .map(|o| {
            let summary = crate::i18n::current().t_args(
                "merchant-team-summary",
                &[
                    ("price", money(o.start_price_minor, &o.currency)),
                    ("size", o.min_size.to_string()),
                    ("minutes", (o.time_limit_seconds / 60).to_string()),
                ],
            );
            (o.id, summary)
        })
        .collect();
    let terms = state.db.voucher_offer(id).await?.as_ref().map(super::vouchers::TermsFields::of);
    Ok(render(&ProductPage { layout: Layout::new(Some(user), csrf), product, skus, deals, teams, terms, error }))
}

pub(super) async fn product(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    product_page(&state, user, &csrf, ProductId(id), None).await
}

#[derive(Deserialize)]
pub(super) struct EditForm {
    title: String,
    #[serde(default)]
    description: String,
    active: Option<String>,
}

pub(super) async fn update_product(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<EditForm>,
) -> PageResult {
    let p = product_for_staff(&state, &user, ProductId(id)).await?;
    let result: Result<(), AppError> = async {
        let title = haul_domain::accounts::text("title", &f.title, 120)?;
        let description = haul_domain::accounts::optional_text("description", &f.description, 5000)?;
        let category = p.category_id.map(haul_domain::ids::CategoryId);
        Ok(state.db.update_product(ProductId(id), &title, &description, category, f.active.is_some(), state.clock.now()).await?)
    }
    .await;
    back_to_product(&state, user, &csrf, ProductId(id), result).await
}

#[derive(Deserialize)]
pub(super) struct SkuForm {
    code: Option<String>,
    #[serde(default)]
    options: String,
    price: String,
    stock: i64,
}

pub(super) async fn add_sku(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<SkuForm>,
) -> PageResult {
    let p = product_for_staff(&state, &user, ProductId(id)).await?;
    let shop = state.db.shop(ShopId(p.shop_id)).await?;
    let result = async {
        let price = Money::parse_decimal(&f.price, &shop.currency)?;
        let sku = parse_sku(
            &SkuInput { code: f.code.unwrap_or_default(), options: f.options, price_minor: price.minor, stock: f.stock },
            &shop.currency,
        )?;
        Ok::<_, AppError>(state.db.add_sku(ProductId(id), &sku, &shop.currency).await?)
    }
    .await;
    back_to_product(&state, user, &csrf, ProductId(id), result).await
}

pub(super) async fn update_sku(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<SkuForm>,
) -> PageResult {
    let sku = state.db.sku(SkuId(id)).await?;
    let result = async {
        let price = Money::parse_decimal(&f.price, &sku.currency)?;
        change_sku(&state, &user, SkuId(id), SkuUpdate { options: Some(f.options), price_minor: Some(price.minor), stock: Some(f.stock) })
            .await
    }
    .await;
    back_to_product(&state, user, &csrf, ProductId(sku.product_id), result).await
}

pub(super) async fn upload_image(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> PageResult {
    product_for_staff(&state, &user, ProductId(id)).await?;
    check_multipart_csrf(&mut form, &csrf).await?;
    let result = async {
        let bytes = read_file_field(form, state.config.max_upload_bytes).await?;
        store_image(&state, ProductId(id), &bytes).await
    }
    .await;
    back_to_product(&state, user, &csrf, ProductId(id), result).await
}

/// After a form on a product's page: back to it, or the page again with
/// what went wrong.
async fn back_to_product<T>(state: &AppState, user: User, csrf: &CsrfToken, id: ProductId, result: Result<T, AppError>) -> PageResult {
    match result {
        Ok(_) => Ok(see_other(&format!("/merchant/products/{id}"))),
        Err(e) => product_page(state, user, csrf, id, Some(e.localized_message())).await,
    }
}

/// The SKU a form names, if it is one of this product's.
async fn sku_of(state: &AppState, product: &Product, sku: i64) -> Result<haul_store::catalog::Sku, AppError> {
    let sku = state.db.sku(SkuId(sku)).await?;
    if sku.product_id != product.id {
        return Err(AppError::not_found("sku"));
    }
    Ok(sku)
}

#[derive(Deserialize)]
pub(super) struct DealForm {
    sku_id: i64,
    price: String,
    quantity: i64,
    cap: i64,
    starts_in: i64,
    minutes: i64,
    /// Drop the deal in this live room (its number), if any.
    room: Option<String>,
}

pub(super) async fn add_deal(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<DealForm>,
) -> PageResult {
    let product = product_for_staff(&state, &user, ProductId(id)).await?;
    let result = async {
        let sku = sku_of(&state, &product, f.sku_id).await?;
        let price = Money::parse_decimal(&f.price, &sku.currency)?;
        let starts = state.clock.now().plus_seconds(f.starts_in.clamp(0, 60 * 24 * 31) * 60);
        let input = crate::services::deals::NewDealInput {
            sku_id: sku.id,
            price_minor: price.minor,
            quantity: f.quantity,
            per_shopper_cap: f.cap,
            starts_at: starts.millis(),
            ends_at: starts.plus_seconds(f.minutes.clamp(0, 60 * 24 * 32) * 60).millis(),
            live_room_id: match f.room.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                Some(r) => Some(super::super::layout::id_in(r, "room", "a live room's number or link")?),
                None => None,
            },
        };
        crate::services::deals::create_deal(&state, &user, &input).await
    }
    .await;
    back_to_product(&state, user, &csrf, ProductId(id), result).await
}

#[derive(Deserialize)]
pub(super) struct TeamOfferForm {
    sku_id: i64,
    price: String,
    size: i64,
    hours: i64,
}

pub(super) async fn add_team_offer(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<TeamOfferForm>,
) -> PageResult {
    let product = product_for_staff(&state, &user, ProductId(id)).await?;
    let result = async {
        let sku = sku_of(&state, &product, f.sku_id).await?;
        let input = crate::services::teams::NewOfferInput {
            sku_id: sku.id,
            team_size: f.size,
            max_size: None,
            time_limit_seconds: f.hours.clamp(0, 24 * 8) * 3600,
            team_price_minor: Money::parse_decimal(&f.price, &sku.currency)?.minor,
            tiers: Vec::new(),
        };
        crate::services::teams::create_team_offer(&state, &user, &input).await
    }
    .await;
    back_to_product(&state, user, &csrf, ProductId(id), result).await
}
