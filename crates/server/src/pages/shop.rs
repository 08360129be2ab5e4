//! Browsing: home, a shop, a product, and the link-out of external listings.

use super::layout::{CsrfToken, Layout, PageResult, PriceTag, money, render};
use crate::AppState;
use crate::auth::WebUser;
use crate::error::AppError;
use crate::extract::{Path, Query};
use crate::services::catalog::{ProductDetail, visible_product};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use haul_domain::accounts::search_terms;
use haul_domain::affiliate::TouchKind;
use haul_domain::catalog::ListingKind;
use haul_domain::ids::{ProductId, ShopId};
use haul_domain::page::PageRequest;
use haul_store::catalog::{ProductFilter, ProductSummary};
use serde::Deserialize;

pub struct Card {
    pub id: i64,
    pub title: String,
    pub price: PriceTag,
    pub shop: String,
    pub image: Option<String>,
    pub initial: String,
    pub kind: String,
    pub sold_out: bool,
}

/// Product cards with what each costs now (see `services::catalog::prices_now`).
pub async fn cards(state: &AppState, products: &[ProductSummary]) -> Result<Vec<Card>, AppError> {
    let listed: Vec<(i64, Option<i64>, i64)> = products.iter().filter_map(|p| Some((p.id, None, p.min_price_minor?))).collect();
    let now = crate::services::catalog::prices_now(state, &listed).await?;
    let at = state.clock.now().millis();
    Ok(products
        .iter()
        .map(|p| Card {
            id: p.id,
            price: match now.get(&p.id) {
                Some(n) => PriceTag::new(*n, &p.currency, at),
                None => PriceTag { now: crate::i18n::current().t("price-see-seller"), ..PriceTag::list(0, &p.currency) },
            },
            shop: p.shop_name.clone(),
            image: p.image_key.as_deref().map(crate::media::MediaStore::url),
            initial: p.title.chars().next().map(String::from).unwrap_or_default(),
            sold_out: p.kind != "external" && p.stock == 0,
            kind: p.kind.clone(),
            title: p.title.clone(),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct Catalog {
    layout: Layout,
    heading: String,
    description: Option<String>,
    /// Where to report the shop, on a shop's page.
    report: Option<String>,
    action: String,
    q: String,
    /// Category chips, `(id, name)`, and the one chosen; on the catalog only.
    categories: Vec<(i64, String)>,
    category: Option<i64>,
    cards: Vec<Card>,
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
pub struct Browse {
    q: Option<String>,
    category: Option<i64>,
    cursor: Option<String>,
}

async fn listing(state: &AppState, filter: ProductFilter, cursor: Option<&str>) -> Result<(Vec<Card>, Option<String>), AppError> {
    let page = PageRequest::parse(Some(24), cursor)?;
    let found = crate::services::reads::products(state, &filter, &page).await?;
    Ok((cards(state, &found.items).await?, found.next_cursor.clone()))
}

/// Every product, searched or by category: the catalog behind the content.
pub async fn catalog(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Query(b): Query<Browse>,
) -> PageResult {
    let q = search_terms(&b.q.unwrap_or_default(), 100);
    let categories: Vec<(i64, String)> = crate::services::reads::categories(&state).await?.iter().map(|c| (c.id, c.name.clone())).collect();
    let category = b.category.filter(|c| categories.iter().any(|(id, _)| id == c));
    let filter = ProductFilter {
        search: Some(q.clone()).filter(|s| !s.is_empty()),
        category: category.map(haul_domain::ids::CategoryId),
        ..ProductFilter::default()
    };
    let (cards, next_cursor) = listing(&state, filter, b.cursor.as_deref()).await?;
    let lang = crate::i18n::current();
    let heading = if q.is_empty() { lang.t("catalog-title") } else { lang.t_with("home-results", "q", &q) };
    Ok(render(&Catalog {
        layout: Layout::new(user, &csrf),
        heading,
        description: None,
        action: "/products".into(),
        report: None,
        q,
        categories,
        category,
        cards,
        next_cursor,
    }))
}

pub async fn shop(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Path(slug): Path<String>,
    Query(b): Query<Browse>,
) -> PageResult {
    let slug = haul_domain::catalog::slug(&slug).map_err(|_| AppError::not_found("shop"))?;
    let shop = state.db.shop_by_slug(&slug).await?;
    let q = search_terms(&b.q.unwrap_or_default(), 100);
    let filter =
        ProductFilter { shop: Some(ShopId(shop.id)), search: Some(q.clone()).filter(|s| !s.is_empty()), ..ProductFilter::default() };
    let (cards, next_cursor) = listing(&state, filter, b.cursor.as_deref()).await?;
    let description = Some(shop.description.clone()).filter(|d| !d.is_empty());
    Ok(render(&Catalog {
        layout: Layout::new(user, &csrf),
        heading: shop.name,
        description,
        report: Some(format!("/report?subject=shop&id={}&back=/shops/{slug}", shop.id)),
        action: format!("/shops/{slug}"),
        q,
        categories: Vec::new(),
        category: None,
        cards,
        next_cursor,
    }))
}

pub struct SkuOption {
    pub id: i64,
    pub label: String,
    pub price: String,
    pub stock: i64,
    /// The option chosen before signing in.
    pub chosen: bool,
}

/// A running or upcoming flash deal as the product page shows it.
pub struct DealCard {
    pub id: i64,
    pub price: String,
    pub was: String,
    pub remaining: i64,
    pub quantity: i64,
    pub cap: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub when: String,
    pub live: bool,
    /// An idempotency key per rendering: a double tap buys once.
    pub key: String,
}

#[derive(Template)]
#[template(path = "product.html")]
struct ProductPage {
    layout: Layout,
    p: ProductDetail,
    deals: Vec<DealCard>,
    teams: Vec<super::teams::OfferCard>,
    price: String,
    image: Option<String>,
    initial: String,
    skus: Vec<SkuOption>,
    /// Notes that tag the product, newest first.
    notes: Vec<super::notes::NoteTile>,
    quantity: i64,
    /// The first reviews, the stars and the shop's score.
    r: super::reviews::ReviewsPart,
    coupons: Vec<super::coupons::CouponCard>,
    /// A voucher's terms, as lines to read, and how many one may buy.
    voucher: Vec<String>,
    max_quantity: i64,
}

/// What a voucher buys and when and where it may be used, in the reader's language.
fn voucher_lines(lang: crate::i18n::Lang, offer: &haul_store::vouchers::VoucherOffer, shop: &haul_store::catalog::Shop) -> Vec<String> {
    let terms = offer.terms();
    let (first, last) = terms.days();
    let hours = terms.hours().unwrap_or_else(|| lang.t("voucher-all-day"));
    let mut lines = vec![
        offer.covers.clone(),
        lang.t_args("voucher-terms-line", &[("days", format!("{first} – {last}")), ("hours", hours)]),
        lang.t_with("voucher-per-person", "n", offer.per_person),
        lang.t(if terms.refund_unused { "voucher-refund-unused" } else { "voucher-no-refund" }),
    ];
    if !shop.address.is_empty() {
        lines.push(lang.t_with("voucher-where", "address", shop.address.clone()));
    }
    lines
}

#[derive(Deserialize)]
pub struct Via {
    /// What the shopper tapped to get here: `video.12`, `note.3`,
    /// `showcase.<creator>`; anything else is ignored.
    via: Option<String>,
    /// The option and quantity chosen before a sign-in interrupted the
    /// purchase (see `pending.rs`).
    sku: Option<i64>,
    quantity: Option<i64>,
}

pub async fn product(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    Query(via): Query<Via>,
    headers: axum::http::HeaderMap,
) -> PageResult {
    let p = visible_product(&state, ProductId(id), user.as_ref()).await?;
    crate::services::analytics::product_viewed(&state, id, p.shop.id);
    let tapped = via
        .via
        .as_deref()
        .and_then(|v| v.split_once('.'))
        .and_then(|(kind, subject)| Some((TouchKind::parse(kind).ok()?, subject.parse::<i64>().ok()?)));
    // A signed-out visitor's tap waits in their browser until they sign in.
    let remember = match (&user, tapped) {
        (Some(user), Some((kind, subject))) => {
            crate::services::earnings::record_touch(&state, user, id, kind, subject).await?;
            None
        }
        (None, Some(tap)) => Some(tap),
        _ => None,
    };
    let price = p.skus.iter().map(|s| s.price_minor).min().map(|m| money(m, &p.shop.currency)).unwrap_or_default();
    let skus = p
        .skus
        .iter()
        .map(|s| SkuOption {
            id: s.id,
            label: if s.options.is_empty() { s.code.clone() } else { s.options.clone() },
            price: money(s.price_minor, &s.currency),
            stock: s.stock,
            chosen: via.sku == Some(s.id),
        })
        .collect();
    let quantity = via.quantity.filter(|q| (1..=999).contains(q)).unwrap_or(1);
    let image = p.product.image_key.as_deref().map(crate::media::MediaStore::url);
    let initial = p.product.title.chars().next().map(String::from).unwrap_or_default();
    let mut deals = Vec::new();
    let now = state.clock.now().millis();
    let mut current: Vec<_> =
        crate::services::reads::deals_not_ended(&state, &[id]).await?.iter().filter(|d| now < d.ends_at).cloned().collect();
    current.sort_by_key(|d| d.starts_at);
    for d in current {
        let was = p.skus.iter().find(|s| s.id == d.sku_id).map(|s| money(s.price_minor, &s.currency)).unwrap_or_default();
        let v = crate::services::deals::view(&state, d).await?;
        let live = v.state == "live";
        deals.push(DealCard {
            id: v.deal.id,
            price: money(v.deal.price_minor, &v.deal.currency),
            was,
            remaining: v.remaining,
            quantity: v.deal.quantity,
            cap: v.deal.per_shopper_cap,
            starts_at: v.deal.starts_at,
            ends_at: v.deal.ends_at,
            when: super::when(if live { v.deal.ends_at } else { v.deal.starts_at }),
            live,
            key: crate::auth::random_token()[..32].to_owned(),
        });
    }
    let teams = super::teams::offer_cards(&crate::services::reads::team_offers(&state, ProductId(id)).await?)?;
    let about = haul_store::content::NoteFilter { author: None, product: Some(id) };
    let (notes, _) = super::notes::note_tiles(&state, about, 6, None).await?;
    let r = super::reviews::part(&state, user.as_ref(), ProductId(id), ShopId(p.shop.id), &PageRequest::parse(Some(5), None)?).await?;
    let coupons = super::coupons::for_product(&state, &p.shop, id).await?;
    // Only a voucher has terms: other products' pages read nothing more.
    let offer =
        if p.product.kind() == ListingKind::Voucher { crate::services::reads::voucher_offer(&state, ProductId(id)).await? } else { None };
    let (voucher, max_quantity) = match offer {
        Some(offer) => (voucher_lines(crate::i18n::current(), &offer, &p.shop), offer.per_person),
        None => (Vec::new(), 999),
    };
    let mut response = render(&ProductPage {
        voucher,
        max_quantity,
        layout: Layout::new(user, &csrf),
        price,
        image,
        initial,
        skus,
        deals,
        teams,
        notes,
        quantity,
        r,
        coupons,
        p,
    });
    if let Some((kind, subject)) = remember {
        super::earnings::remember(&state, &mut response, &headers, kind, subject, id);
    }
    Ok(response)
}

/// Records the click on an external listing, then sends the shopper there.
pub async fn out(State(state): State<AppState>, WebUser(user): WebUser, Path(id): Path<i64>) -> PageResult {
    let product = state.db.product(ProductId(id)).await?;
    let (ListingKind::External, Some(url)) = (product.kind(), product.external_url.as_deref()) else {
        return Err(AppError::not_found("external link").into());
    };
    crate::services::shops::require_selling(&state, ShopId(product.shop_id)).await?;
    state.db.record_external_click(ProductId(id), user.map(|u| u.user_id()), state.clock.now()).await?;
    Ok(Redirect::to(url).into_response())
}
