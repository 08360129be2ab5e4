//! A shopper's orders: the list, one order, paying and cancelling.

use super::layout::{CheckedForm, CsrfToken, Layout, NoFields, PageResult, SignedIn, money, render, see_other, see_other_saying};
use super::when;
use crate::AppState;
use crate::auth::can_manage_shop;
use crate::extract::{Path, Query};
use crate::services::orders::{cancel_order, readable_order};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::delivery::Fulfilment;
use haul_domain::ids::{OrderId, ShopId, UserId};
use haul_domain::orders::{OrderStatus, event_notes};
use haul_domain::page::PageRequest;
use haul_store::orders::{Order, OrderDetail};
use serde::Deserialize;

pub struct Row {
    pub id: i64,
    pub href: String,
    pub at: i64,
    pub when: String,
    pub total: String,
    pub status: String,
}

impl Row {
    pub fn of(o: &Order, href: String) -> Self {
        Row {
            id: o.id,
            href,
            at: o.created_at,
            when: when(o.created_at),
            total: money(o.total_minor, &o.currency),
            status: crate::i18n::current().order_status(o.status),
        }
    }
}

#[derive(Template)]
#[template(path = "orders.html")]
pub struct OrdersPage {
    pub layout: Layout,
    pub heading: String,
    pub orders: Vec<Row>,
    pub next_cursor: Option<String>,
    /// The shopper's own orders (with a way to their addresses).
    pub mine: bool,
}

#[derive(Deserialize)]
pub struct Cursor {
    cursor: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Query(c): Query<Cursor>,
) -> PageResult {
    let page = state.db.orders_of_buyer(user.user_id(), &PageRequest::parse(Some(20), c.cursor.as_deref())?).await?;
    let orders = page.items.iter().map(|o| Row::of(o, format!("/orders/{}", o.id))).collect();
    Ok(render(&OrdersPage {
        layout: Layout::new(Some(user), &csrf),
        heading: crate::i18n::current().t("nav-orders"),
        orders,
        next_cursor: page.next_cursor,
        mine: true,
    }))
}

pub struct LineView {
    pub title: String,
    pub options: String,
    pub quantity: i64,
    pub total: String,
    /// Shown to the shop: what sold the line, whom it credits, at what rate.
    pub credit: Option<String>,
    /// Where its buyer asks for a refund, return or exchange, while they may.
    pub claim: Option<String>,
    /// Where its buyer reviews it (received, not reviewed yet), or their review.
    pub review: Option<(String, bool)>,
}

#[derive(Template)]
#[template(path = "order.html")]
struct OrderPage {
    layout: Layout,
    o: OrderDetail,
    lines: Vec<LineView>,
    status_label: String,
    total: String,
    refunded: String,
    /// What the shop's coupon took off, and the platform's.
    discount: String,
    platform_discount: String,
    pay_by: i64,
    is_buyer: bool,
    is_staff: bool,
    pending: bool,
    sandbox: bool,
    paid: bool,
    steps: Vec<(String, String)>,
    /// (at, at in UTC for pages without script, note)
    events: Vec<(i64, String, String)>,
    delivery: bool,
    shipping: String,
    /// `(recipient and phone, the address on one line)`.
    ship_to: Option<(String, String)>,
    /// The buyer may still choose where it goes: their addresses.
    choices: Vec<super::cart::Choice>,
    address_open: bool,
    can_ship: bool,
    can_confirm: bool,
    pickup_point: Option<String>,
    /// Shown to the shop: who bought it.
    buyer_name: String,
    cases: Vec<super::aftersales::CaseRow>,
    /// A voucher order's vouchers: with their codes for the buyer.
    vouchers: Vec<super::vouchers::VoucherCard>,
}

/// "Video #12 · @ann · 20%": what sold a line, for the shop's eyes (the
/// buyer's copy of the order carries no attribution).
async fn credit_of(
    state: &AppState,
    lang: crate::i18n::Lang,
    l: &haul_store::orders::OrderLine,
) -> crate::error::AppResult<Option<String>> {
    let (Some(kind), Some(id), Some(creator)) = (l.touch_kind, l.touch_id, l.creator_id) else {
        return Ok(None);
    };
    let source = lang.t_with(&format!("touch-{}", kind.as_str().replace('_', "-")), "id", id);
    let name = state.db.user(haul_domain::ids::UserId(creator)).await?.display_name;
    let rate = l.commission_bps.map(crate::pages::merchant::percent).unwrap_or_else(|| lang.t("order-line-no-plan"));
    Ok(Some(lang.t_args("order-line-credit", &[("source", source), ("creator", name), ("rate", rate)])))
}

pub async fn view(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    let o = readable_order(&state, &user, OrderId(id)).await?;
    let events = state
        .db
        .order_events(OrderId(id))
        .await?
        .into_iter()
        .map(|e| (e.created_at, when(e.created_at), event_note(crate::i18n::current(), e.note)))
        .collect();
    let status = o.order.status;
    let currency = o.order.currency.clone();
    let lang = crate::i18n::current();
    let is_buyer = o.order.buyer_id == user.id;
    let cases = state.db.cases_of_order(OrderId(id)).await?;
    let reviewed = state.db.reviews_of_order(OrderId(id)).await?;
    // A refund is asked for until completion; then anything, within the window.
    let window = state.config.aftersale_deadlines();
    let claims_open = haul_domain::aftersales::may_open(
        status,
        o.order.completed_at.map(haul_domain::Timestamp::from_millis),
        haul_domain::aftersales::CaseKind::RefundOnly,
        state.clock.now(),
        &window,
    )
    .is_ok();
    let mut lines = Vec::with_capacity(o.lines.len());
    for l in &o.lines {
        lines.push(LineView {
            title: l.title.clone(),
            options: l.options.clone(),
            quantity: l.quantity,
            total: money(l.unit_price_minor * l.quantity, &currency),
            credit: credit_of(&state, lang, l).await?,
            claim: (is_buyer
                && claims_open
                && o.order.fulfilment != Fulfilment::Voucher
                && super::aftersales::claimable(l.quantity, l.id, &cases) > 0)
                .then(|| format!("/orders/{id}/aftersales/new?line={}", l.id)),
            review: match reviewed.iter().find(|(line, _)| *line == l.id) {
                Some((_, review)) => Some((format!("/products/{}#review-{review}", l.product_id), true)),
                None if is_buyer && status == OrderStatus::Completed => Some((format!("/orders/{id}/reviews/new?line={}", l.id), false)),
                None => None,
            },
        });
    }
    let fulfilment = o.order.fulfilment;
    let steps = fulfilment.merchant_steps(status).into_iter().map(|s| (s.as_str().to_owned(), lang.order_step(s))).collect();
    let is_staff = can_manage_shop(&state, &user, ShopId(o.order.shop_id)).await?;
    let delivery = fulfilment == Fulfilment::Delivery;
    let zh = lang == crate::i18n::Lang::Zh;
    let address_open = is_buyer && fulfilment.address_open(status);
    let choices = if address_open {
        state.db.addresses(user.user_id()).await?.into_iter().map(|a| super::cart::Choice::of(&a, zh)).collect()
    } else {
        Vec::new()
    };
    let pickup_point = if fulfilment != Fulfilment::Pickup || o.order.campaign_id.is_some() {
        None
    } else {
        state.db.shop_shipping(ShopId(o.order.shop_id)).await?.pickup_point
    };
    let vouchers = if fulfilment == Fulfilment::Voucher {
        state.db.vouchers_of_order(OrderId(id)).await?.iter().map(|v| super::vouchers::VoucherCard::of(lang, v, is_buyer)).collect()
    } else {
        Vec::new()
    };
    let buyer_name = if is_staff { state.db.user(UserId(o.order.buyer_id)).await?.display_name } else { String::new() };
    let page = OrderPage {
        vouchers,
        delivery,
        shipping: money(o.order.shipping_minor, &currency),
        ship_to: o.order.ship_to.as_ref().map(|a| (format!("{} {}", a.recipient, a.phone), a.one_line(zh))),
        choices,
        address_open,
        can_ship: is_staff && delivery && matches!(status, OrderStatus::Paid | OrderStatus::Fulfilling),
        can_confirm: is_buyer && delivery && status == OrderStatus::Shipped,
        pickup_point,
        buyer_name,
        cases: cases.iter().map(|c| super::aftersales::CaseRow::of(lang, c)).collect(),
        is_buyer,
        is_staff,
        pending: status == OrderStatus::PendingPayment,
        sandbox: state.payments.is_sandbox(),
        paid: status.is_paid(),
        status_label: lang.order_status(status),
        total: money(o.order.total_minor, &currency),
        refunded: money(o.order.refunded_minor, &currency),
        discount: money(o.order.discount_minor - o.order.platform_discount_minor, &currency),
        platform_discount: money(o.order.platform_discount_minor, &currency),
        pay_by: o.order.pay_by,
        layout: Layout::new(Some(user), &csrf),
        lines,
        steps,
        events,
        o,
    };
    Ok(render(&page))
}

pub async fn pay(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(_): CheckedForm<NoFields>,
) -> PageResult {
    let started = crate::services::payments::start(&state, &user, OrderId(id)).await?;
    Ok(see_other(&started.redirect_url))
}

pub async fn cancel(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(_): CheckedForm<NoFields>,
) -> PageResult {
    cancel_order(&state, &user, OrderId(id)).await?;
    Ok(see_other(&format!("/orders/{id}")))
}

#[derive(Deserialize)]
pub struct AddressChoice {
    address_id: i64,
}

pub async fn set_address(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<AddressChoice>,
) -> PageResult {
    crate::services::delivery::set_order_address(&state, &user, OrderId(id), f.address_id).await?;
    Ok(see_other(&format!("/orders/{id}")))
}

pub async fn ship(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<crate::services::delivery::ShipInput>,
) -> PageResult {
    let shipped = crate::services::delivery::ship(&state, &user, OrderId(id), &f).await?;
    let words = [("carrier", shipped.carrier.unwrap_or_default()), ("tracking", shipped.tracking_no.unwrap_or_default())];
    Ok(see_other_saying(&format!("/orders/{id}"), &crate::i18n::current().t_args("order-shipped-notice", &words)))
}

pub async fn received(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(_): CheckedForm<NoFields>,
) -> PageResult {
    crate::services::delivery::confirm_received(&state, &user, OrderId(id)).await?;
    Ok(see_other_saying(&format!("/orders/{id}"), &crate::i18n::current().t("order-received-notice")))
}

/// An order event's note in the reader's language: the system's own notes
/// are translated, what a person typed is shown as typed.
fn event_note(lang: crate::i18n::Lang, note: String) -> String {
    let key = match note.as_str() {
        event_notes::PLACED => "order-note-placed",
        event_notes::PAID => "order-note-paid",
        event_notes::CANCELLED_BY_BUYER => "order-note-cancelled-by-buyer",
        event_notes::NOT_PAID_IN_TIME => "order-note-not-paid-in-time",
        event_notes::BY_THE_SHOP => "order-note-by-the-shop",
        event_notes::FORWARDED_TO_PARTNER => "order-note-forwarded",
        event_notes::TEAM_COMPLETE => "order-note-team-complete",
        event_notes::TEAM_CLOSED_UNPAID => "order-note-team-closed-unpaid",
        event_notes::CAMPAIGN_CLOSED => "order-note-campaign-closed",
        event_notes::NOT_PAID_BY_CUTOFF => "order-note-not-paid-by-cutoff",
        event_notes::ARRIVED_AT_PICKUP => "order-note-arrived",
        event_notes::COLLECTED => "order-note-collected",
        event_notes::FLASH_DEAL => "order-note-flash-deal",
        event_notes::RECEIVED => "order-note-received",
        event_notes::SHIPPED => "order-note-shipped",
        event_notes::RECEIVED_AUTOMATICALLY => "order-note-received-automatically",
        event_notes::VOUCHERS_SETTLED => "order-note-vouchers-settled",
        event_notes::VOUCHER_REFUNDED_UNUSED => "order-note-voucher-refunded-unused",
        event_notes::VOUCHER_REFUNDED_BY_BUYER => "order-note-voucher-refunded-by-buyer",
        _ => return note,
    };
    lang.t(key)
}
