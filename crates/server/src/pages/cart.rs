//! The cart page, adding to it, "Buy now", and checkout of one shop's items.

use super::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, form_key, money, render, see_other, to_order};
use crate::AppState;
use crate::auth::random_token;
use crate::services::orders::{LineInput, PlaceOrder, place_order, put_in_cart};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::delivery::Fulfilment;
use haul_domain::ids::{ShopId, SkuId};
use haul_domain::inventory::Quantity;
use haul_store::delivery::ShopShipping;
use serde::Deserialize;

pub struct Item {
    pub sku_id: i64,
    pub product_id: i64,
    pub title: String,
    pub options: String,
    pub price: String,
    pub unit_minor: i64,
    pub quantity: i64,
    pub stock: i64,
    pub short: bool,
}

pub struct Group {
    pub shop_id: i64,
    pub shop_name: String,
    pub items: Vec<Item>,
    pub total: String,
    /// An idempotency key per rendering, so a double-click orders once.
    pub key: String,
    /// What delivery costs from this shop, in words.
    pub shipping: String,
    /// Where buyers may collect instead, if the shop offers it.
    pub pickup_point: Option<String>,
    /// The shopper's addresses, each with this shop's fee to it.
    pub choices: Vec<Choice>,
    /// The shop's coupons the shopper holds that this cart reaches:
    /// `(claim, its title, what it takes off, in minor units)`, the best first.
    pub coupons: Vec<(i64, String, String, i64)>,
    /// The platform's coupons the shopper holds that the cart reaches
    /// after the best of the shop's, alike.
    pub platform_coupons: Vec<(i64, String, String, i64)>,
}

/// An address to choose at checkout or on an order.
pub struct Choice {
    pub id: i64,
    pub label: String,
    pub is_default: bool,
}

impl Choice {
    /// "小美 13800138001 · 上海市上海市徐汇区…", in the page's order of parts.
    pub fn of(a: &haul_store::delivery::SavedAddress, zh: bool) -> Self {
        Choice { id: a.id, label: format!("{} {} · {}", a.recipient, a.phone, a.address().one_line(zh)), is_default: a.is_default == 1 }
    }
}

#[derive(Template)]
#[template(path = "cart.html")]
struct CartPage {
    layout: Layout,
    groups: Vec<Group>,
    has_addresses: bool,
    sandbox: bool,
}

pub async fn view(State(state): State<AppState>, SignedIn(user): SignedIn, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    let mut groups: Vec<Group> = Vec::new();
    let mut totals: Vec<(i64, String)> = Vec::new();
    for i in state.db.cart(user.user_id()).await? {
        if groups.last().is_none_or(|g| g.shop_id != i.shop_id) {
            groups.push(Group {
                shop_id: i.shop_id,
                shop_name: i.shop_name.clone(),
                items: Vec::new(),
                total: String::new(),
                key: random_token(),
                shipping: String::new(),
                pickup_point: None,
                choices: Vec::new(),
                coupons: Vec::new(),
                platform_coupons: Vec::new(),
            });
            totals.push((0, i.currency.clone()));
        }
        if let (Some(g), Some(t)) = (groups.last_mut(), totals.last_mut()) {
            t.0 += i.price_minor * i.quantity;
            g.items.push(Item {
                sku_id: i.sku_id,
                product_id: i.product_id,
                title: i.title,
                options: i.options,
                price: money(i.price_minor, &i.currency),
                unit_minor: i.price_minor,
                quantity: i.quantity,
                stock: i.stock,
                short: i.stock < i.quantity,
            });
        }
    }
    let lang = crate::i18n::current();
    let zh = lang == crate::i18n::Lang::Zh;
    let addresses = state.db.addresses(user.user_id()).await?;
    let held = state.db.held_coupons(user.user_id(), state.clock.now()).await?;
    for (g, (minor, currency)) in groups.iter_mut().zip(totals) {
        g.coupons = usable_coupons(&held, g, Some(g.shop_id), &currency, minor);
        let after_shop = minor - g.coupons.first().map_or(0, |c| c.3);
        g.platform_coupons = usable_coupons(&held, g, None, &currency, after_shop);
        g.total = money(minor, &currency);
        let shipping = state.db.shop_shipping(ShopId(g.shop_id)).await?;
        g.shipping = shipping_terms(lang, &shipping, &currency);
        // Each address with what delivery there costs from this shop.
        let rates = shipping.rates();
        g.choices = addresses
            .iter()
            .map(|a| {
                let fee = money(rates.fee_to(minor, Some(&a.address())), &currency);
                let choice = Choice::of(a, zh);
                Choice { label: format!("{} · {}", choice.label, lang.t_with("shipping-flat", "fee", fee)), ..choice }
            })
            .collect();
        g.pickup_point = shipping.pickup_point;
    }
    let has_addresses = !addresses.is_empty();
    Ok(render(&CartPage { layout: Layout::new(Some(user), &csrf), groups, has_addresses, sandbox: state.payments.is_sandbox() }))
}

/// The held coupons of `shop` (none: the platform's) that the group's
/// items reach, with what each takes off, the best first.
fn usable_coupons(
    held: &[haul_store::coupons::Held],
    g: &Group,
    shop: Option<i64>,
    currency: &str,
    subtotal: i64,
) -> Vec<(i64, String, String, i64)> {
    let mut usable: Vec<(i64, i64, String, String)> = held
        .iter()
        .filter(|h| h.coupon.shop_id == shop && h.coupon.currency == currency)
        .filter_map(|h| {
            let c = &h.coupon;
            let goods = match c.product_id {
                Some(p) => g.items.iter().filter(|i| i.product_id == p).map(|i| i.unit_minor * i.quantity).sum(),
                None => subtotal,
            };
            let off = c.terms().ok()?.off(goods);
            (off > 0).then(|| (off, h.claim_id, c.title.clone(), money(off, &c.currency)))
        })
        .collect();
    usable.sort_by_key(|u| std::cmp::Reverse(u.0));
    usable.into_iter().map(|(minor, claim, label, off)| (claim, label, off, minor)).collect()
}

/// A shop's delivery fees in a sentence: free, or the fee and from what
/// subtotal it is free, noting that some provinces cost more.
pub fn shipping_terms(lang: crate::i18n::Lang, s: &ShopShipping, currency: &str) -> String {
    let mut terms = if s.flat_minor == 0 && s.regions.is_empty() {
        lang.t("shipping-free")
    } else {
        lang.t_with("shipping-flat", "fee", money(s.flat_minor, currency))
    };
    if let Some(free) = s.free_above_minor.filter(|_| s.flat_minor > 0 || !s.regions.is_empty()) {
        terms = format!("{terms} · {}", lang.t_with("shipping-free-above", "amount", money(free, currency)));
    }
    if !s.regions.is_empty() {
        terms = format!("{terms} · {}", lang.t("shipping-regions-differ"));
    }
    terms
}

#[derive(Deserialize)]
pub struct AddForm {
    sku_id: i64,
    quantity: i64,
    /// `cart` or `buy`.
    then: Option<String>,
    /// Bought from this video's card.
    video_id: Option<i64>,
    /// Bought with this live room's buy button.
    room_id: Option<i64>,
}

pub async fn add(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<AddForm>) -> PageResult {
    let quantity = Quantity::parse(f.quantity)?;
    if f.then.as_deref() == Some("buy") {
        let input = PlaceOrder {
            items: vec![LineInput { sku_id: f.sku_id, quantity: quantity.get() }],
            from_cart_shop_id: None,
            video_id: f.video_id,
            room_id: f.room_id,
            fulfilment: None,
            address_id: None,
            coupon_claim_ids: Vec::new(),
        };
        return Ok(to_order(&place_order(&state, &user, &input, None).await?));
    }
    if let Some(video) = f.video_id {
        let product = state.db.sku(SkuId(f.sku_id)).await?.product_id;
        crate::services::earnings::record_touch(&state, &user, product, haul_domain::affiliate::TouchKind::Video, video).await?;
    }
    put_in_cart(&state, &user, SkuId(f.sku_id), quantity).await?;
    Ok(see_other("/cart"))
}

#[derive(Deserialize)]
pub struct UpdateForm {
    sku_id: i64,
    quantity: i64,
}

pub async fn update(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<UpdateForm>) -> PageResult {
    if f.quantity == 0 {
        state.db.remove_cart_item(user.user_id(), SkuId(f.sku_id)).await?;
    } else {
        put_in_cart(&state, &user, SkuId(f.sku_id), Quantity::parse(f.quantity)?).await?;
    }
    Ok(see_other("/cart"))
}

#[derive(Deserialize)]
pub struct DealForm {
    key: String,
}

/// "Grab it" on a flash deal: one unit, through the same engine as the API.
pub async fn buy_deal(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    crate::extract::Path(deal): crate::extract::Path<i64>,
    CheckedForm(f): CheckedForm<DealForm>,
) -> PageResult {
    let answer = crate::services::deals::buy(&state, &user, deal, 1, form_key(&f.key)).await?;
    Ok(to_order(&answer))
}

#[derive(Deserialize)]
pub struct CheckoutForm {
    shop_id: i64,
    key: String,
    /// `delivery` or `pickup`.
    fulfilment: Option<String>,
    address_id: Option<i64>,
    /// A held coupon's claim id; empty for none.
    #[serde(default)]
    coupon: String,
    #[serde(default)]
    platform_coupon: String,
}

pub async fn checkout(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<CheckoutForm>) -> PageResult {
    let fulfilment = f.fulfilment.as_deref().map(Fulfilment::parse).transpose()?;
    let input = PlaceOrder {
        items: Vec::new(),
        from_cart_shop_id: Some(f.shop_id),
        video_id: None,
        room_id: None,
        fulfilment,
        address_id: f.address_id.filter(|_| fulfilment != Some(Fulfilment::Pickup)),
        coupon_claim_ids: [&f.coupon, &f.platform_coupon].iter().filter_map(|c| c.trim().parse::<i64>().ok()).collect(),
    };
    let placed = place_order(&state, &user, &input, Some(&form_key(&f.key))).await?;
    Ok(to_order(&placed))
}
