//! Opening and running a shop: the shop list, the shop page with its orders
//! and products, and adding a product.

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::error::AppResult;
use crate::extract::Path;
use crate::pages::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, render, see_other};
use crate::pages::orders::Row;
use crate::services::catalog::{ProductInput, SkuInput, add_product};
use crate::services::community::LocationInput;
use crate::services::shops::{NewShop, open_shop};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::ids::ShopId;
use haul_domain::page::PageRequest;
use haul_domain::{Currency, DomainError, Money};
use haul_store::accounts::User;
use haul_store::catalog::{ProductFilter, ProductSummary, Shop};
use haul_store::community::{SupplyLine, SupplyOrder};
use haul_store::delivery::{RegionFee, ShopShipping};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "merchant_index.html")]
pub(super) struct Index {
    layout: Layout,
    shops: Vec<Shop>,
    error: Option<String>,
}

pub(super) async fn index_page(state: &AppState, user: User, csrf: &CsrfToken, error: Option<String>) -> PageResult {
    let shops = state.db.shops_of_member(user.user_id()).await?;
    Ok(render(&Index { layout: Layout::new(Some(user), csrf), shops, error }))
}

pub(super) async fn index(State(state): State<AppState>, SignedIn(user): SignedIn, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    index_page(&state, user, &csrf, None).await
}

#[derive(Deserialize)]
pub(super) struct ShopForm {
    name: String,
    slug: String,
    #[serde(default)]
    description: String,
}

pub(super) async fn create_shop(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    CheckedForm(f): CheckedForm<ShopForm>,
) -> PageResult {
    match open_shop(&state, user.user_id(), NewShop { slug: f.slug, name: f.name, description: f.description, currency: None }).await {
        Ok(shop) => Ok(see_other(&format!("/merchant/shops/{}", shop.id))),
        Err(e) => index_page(&state, user, &csrf, Some(e.localized_message())).await,
    }
}

#[derive(Template)]
#[template(path = "merchant_shop.html")]
pub(super) struct ShopPage {
    layout: Layout,
    shop: Shop,
    products: Vec<ProductSummary>,
    orders: Vec<Row>,
    /// After-sales requests still open, newest first.
    cases: Vec<crate::pages::aftersales::CaseRow>,
    /// Consolidated community orders: `(supply order, its lines)`.
    supply: Vec<(SupplyOrder, Vec<SupplyLine>)>,
    offered: Vec<super::offers::Offered>,
    not_offered: Vec<super::offers::NotOffered>,
    error: Option<String>,
    shipping: ShippingForm,
    /// The fees in words, as buyers read them at checkout.
    shipping_terms: String,
    plans: Vec<super::plans::PlanRow>,
    creators: Vec<super::plans::CreatorRow>,
    /// The shop's money, and where its owner pays it out (empty for other staff).
    balances: Vec<crate::pages::earnings::BalanceRow>,
    payout_action: String,
    pending_help: &'static str,
    months: Vec<String>,
    statement_path: String,
    cities: Vec<(&'static str, &'static str)>,
    /// The new-product form's voucher terms, as a new voucher starts.
    terms: super::vouchers::TermsFields,
}

pub(super) async fn shop_page(state: &AppState, user: User, csrf: &CsrfToken, id: ShopId, error: Option<String>) -> PageResult {
    require_shop_staff(state, &user, id).await?;
    let shop = state.db.shop(id).await?;
    let filter = ProductFilter { shop: Some(id), include_drafts: true, ..ProductFilter::default() };
    let products = state.db.products(&filter, &PageRequest::parse(Some(100), None)?).await?.items;
    let orders = state
        .db
        .orders_of_shop(id, &PageRequest::parse(Some(50), None)?)
        .await?
        .items
        .iter()
        .map(|o| Row::of(o, format!("/orders/{}", o.id)))
        .collect();
    let lang = crate::i18n::current();
    let cases = state.db.cases(haul_store::aftersales::CasesOf::Shop(id), true, &PageRequest::parse(Some(20), None)?).await?.items;
    let cases = cases.iter().map(|c| crate::pages::aftersales::CaseRow::of(lang, c)).collect();
    let mut supply = Vec::new();
    for o in state.db.supply_orders_of_shop(id, &PageRequest::parse(Some(20), None)?).await?.items {
        let lines = state.db.supply_lines(o.id).await?;
        supply.push((o, lines));
    }
    let (offered, not_offered) = super::offers::offer_rows(state, id, &products).await?;
    let rates = state.db.shop_shipping(id).await?;
    let shipping_terms = crate::pages::cart::shipping_terms(crate::i18n::current(), &rates, &shop.currency);
    let shipping = ShippingForm::of(&rates, &shop.currency);
    let plans = super::plans::plan_rows(state, id, &products).await?;
    let creators = super::plans::creator_rows(state, id).await?;
    let party = crate::services::earnings::shop_party(state, &user, id, false).await?;
    let balances = crate::pages::earnings::balance_rows(state, party).await?;
    let owner = state.db.shop_role(id, user.user_id()).await?.as_deref() == Some("owner");
    let payout_action = if owner { format!("/merchant/shops/{id}/payouts") } else { String::new() };
    let layout = Layout::new(Some(user), csrf);
    Ok(render(&ShopPage {
        layout,
        shop,
        products,
        orders,
        cases,
        supply,
        offered,
        not_offered,
        error,
        shipping,
        shipping_terms,
        plans,
        creators,
        balances,
        payout_action,
        pending_help: "shop-pending-help",
        months: crate::pages::earnings::recent_months(state.clock.now()),
        statement_path: format!("/merchant/shops/{id}/statement.csv"),
        cities: crate::pages::near::city_names(lang),
        terms: super::vouchers::TermsFields::default(),
    }))
}

pub(super) async fn shop(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    shop_page(&state, user, &csrf, ShopId(id), None).await
}

#[derive(Deserialize)]
pub(super) struct NewProductForm {
    title: String,
    #[serde(default)]
    description: String,
    kind: String,
    #[serde(default)]
    external_url: String,
    #[serde(default)]
    options: String,
    price: String,
    stock: i64,
    #[serde(flatten)]
    terms: super::vouchers::TermsFields,
}

pub(super) async fn create_product(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<NewProductForm>,
) -> PageResult {
    let shop = state.db.shop(ShopId(id)).await?;
    let result = async {
        let price = Money::parse_decimal(&f.price, &shop.currency)?;
        let voucher = (f.kind == "voucher").then(|| f.terms.input());
        let input = ProductInput {
            shop_id: id,
            title: f.title,
            description: f.description,
            category_id: None,
            kind: Some(f.kind),
            external_url: Some(f.external_url).filter(|u| !u.trim().is_empty()),
            partner_id: None,
            active: Some(true),
            skus: vec![SkuInput { code: "DEFAULT".into(), options: f.options, price_minor: price.minor, stock: f.stock }],
            voucher,
        };
        add_product(&state, &user, input).await
    }
    .await;
    match result {
        Ok(p) => Ok(see_other(&format!("/merchant/products/{}", p.id))),
        Err(e) => shop_page(&state, user, &csrf, ShopId(id), Some(e.localized_message())).await,
    }
}

#[derive(Deserialize)]
pub(super) struct LocationForm {
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lng: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    address: String,
    radius_m: i64,
}

/// Where the store is and how far it delivers to community pickup points.
pub(super) async fn set_location(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<LocationForm>,
) -> PageResult {
    require_shop_staff(&state, &user, ShopId(id)).await?;
    let coordinate = |t: &str| Some(t.trim()).filter(|t| !t.is_empty()).map(|t| t.parse::<f64>().unwrap_or(f64::NAN));
    let at = LocationInput {
        lat: coordinate(&f.lat),
        lng: coordinate(&f.lng),
        city: Some(f.city),
        address: Some(f.address),
        delivery_radius_m: Some(f.radius_m),
    };
    match crate::services::community::locate_shop(&state, &user, ShopId(id), &at).await {
        Ok(()) => Ok(see_other(&format!("/merchant/shops/{id}"))),
        Err(e) => shop_page(&state, user, &csrf, ShopId(id), Some(e.localized_message())).await,
    }
}

/// A shop's shipping as its form shows it: amounts in the currency's units,
/// province fees one per line (`西藏 20`).
#[derive(Deserialize, Default)]
pub(super) struct ShippingForm {
    flat: String,
    #[serde(default)]
    free_above: String,
    #[serde(default)]
    regions: String,
    #[serde(default)]
    pickup_point: String,
}

impl ShippingForm {
    fn of(s: &ShopShipping, currency: &str) -> Self {
        let amount = |minor: i64| Money { minor, currency: Currency::parse(currency).unwrap_or(Currency::CNY) }.decimal();
        ShippingForm {
            flat: amount(s.flat_minor),
            free_above: s.free_above_minor.map(amount).unwrap_or_default(),
            regions: s
                .regions
                .iter()
                .map(|r| format!("{} {}", province_name(&r.province), amount(r.fee_minor)))
                .collect::<Vec<_>>()
                .join("\n"),
            pickup_point: s.pickup_point.clone().unwrap_or_default(),
        }
    }

    fn parse(&self, currency: &str) -> AppResult<ShopShipping> {
        let amount = |field: &'static str, text: &str| {
            Money::parse_decimal(text.trim(), currency).map(|m| m.minor).map_err(|_| DomainError::invalid(field, "an amount such as 8.00"))
        };
        let mut regions = Vec::new();
        for line in self.regions.lines().map(str::trim).filter(|l| !l.is_empty()).take(MAX_REGION_LINES) {
            let (province, fee) =
                line.rsplit_once(char::is_whitespace).ok_or_else(|| DomainError::invalid("regions", "a province and a fee per line"))?;
            regions.push(RegionFee { province: province.trim().to_owned(), fee_minor: amount("regions", fee)? });
        }
        Ok(ShopShipping {
            flat_minor: if self.flat.trim().is_empty() { 0 } else { amount("flat_minor", &self.flat)? },
            free_above_minor: Some(self.free_above.trim()).filter(|t| !t.is_empty()).map(|t| amount("free_above_minor", t)).transpose()?,
            regions,
            pickup_point: Some(self.pickup_point.clone()),
        })
    }
}

/// A province as the page's reader names it (the form reads either name back).
fn province_name(code: &str) -> &str {
    let zh = crate::i18n::current() == crate::i18n::Lang::Zh;
    haul_domain::delivery::province(code).map_or(code, |p| if zh { p.zh } else { p.en })
}

/// More lines than there are provinces is a mistake, not a list.
const MAX_REGION_LINES: usize = 40;

pub(super) async fn set_shipping(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<ShippingForm>,
) -> PageResult {
    let shop = state.db.shop(ShopId(id)).await?;
    let saved = match f.parse(&shop.currency) {
        Ok(input) => crate::services::delivery::set_shipping(&state, &user, ShopId(id), input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => Ok(crate::pages::layout::see_other_saying(
            &format!("/merchant/shops/{id}#shipping"),
            &crate::i18n::current().t("merchant-shipping-saved"),
        )),
        Err(e) if e.status().is_client_error() && e.code != haul_domain::ErrorCode::Forbidden => {
            shop_page(&state, user, &csrf, ShopId(id), Some(e.localized_message())).await
        }
        Err(e) => Err(e.into()),
    }
}
