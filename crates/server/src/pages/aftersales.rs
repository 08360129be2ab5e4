//! After-sales pages: the buyer's request form on an order line, a case
//! with what each side may do next and when silence decides, and the lists
//! (a buyer's, a shop's, the operator's escalated ones).

use super::layout::{
    CheckedForm, CsrfToken, Layout, PageResult, SignedIn, check_multipart_csrf, money, render, see_other, see_other_saying,
};
use crate::AppState;
use crate::extract::{Path, Query};
use crate::i18n::Lang;
use crate::services::aftersales::{self, Action, Sides};
use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, State};
use haul_domain::accounts::Role;
use haul_domain::aftersales::{CaseKind, CaseStatus};
use haul_domain::delivery::Fulfilment;
use haul_domain::ids::{OrderId, ShopId};
use haul_domain::orders::OrderStatus;
use haul_domain::page::PageRequest;
use haul_store::aftersales::{Case, CasesOf};
use serde::Deserialize;

/// A case in a list or on its order's page.
pub struct CaseRow {
    pub href: String,
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub open: bool,
    pub amount: String,
    pub quantity: i64,
    pub at: i64,
}

impl CaseRow {
    pub fn of(lang: Lang, c: &Case) -> Self {
        CaseRow {
            href: format!("/aftersales/{}", c.id),
            id: c.id,
            title: c.title.clone(),
            kind: lang.t(&format!("aftersale-kind-{}", c.kind)),
            status: lang.t(&format!("aftersale-status-{}", c.status)),
            open: c.status.is_open(),
            amount: money(c.amount_minor, &c.currency),
            quantity: c.quantity,
            at: c.created_at,
        }
    }
}

/// Units of a line that a new case may still cover: those not refunded nor
/// in a case that did not close.
pub fn claimable(line_quantity: i64, line: i64, cases: &[Case]) -> i64 {
    line_quantity - cases.iter().filter(|c| c.order_line_id == line && c.status != CaseStatus::Closed).map(|c| c.quantity).sum::<i64>()
}

#[derive(Template)]
#[template(path = "aftersale_new.html")]
struct NewPage {
    layout: Layout,
    order_id: i64,
    line_id: i64,
    title: String,
    options: String,
    /// `(kind, its name, its hint)`.
    kinds: Vec<(&'static str, String, String)>,
    most: i64,
}

#[derive(Deserialize)]
pub struct LineQuery {
    line: i64,
}

pub async fn new_form(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    Query(q): Query<LineQuery>,
) -> PageResult {
    let detail = crate::services::orders::readable_order(&state, &user, OrderId(id)).await?;
    if detail.order.buyer_id != user.id {
        return Err(crate::error::AppError::not_found("order").into());
    }
    let line = detail.lines.iter().find(|l| l.id == q.line).ok_or_else(|| crate::error::AppError::not_found("order line"))?;
    let cases = state.db.cases_of_order(OrderId(id)).await?;
    let lang = crate::i18n::current();
    let received = detail.order.status == OrderStatus::Completed;
    let kinds = CaseKind::ALL
        .iter()
        .filter(|k| received || **k == CaseKind::RefundOnly)
        .map(|k| (k.as_str(), lang.t(&format!("aftersale-kind-{k}")), lang.t(&format!("aftersale-kind-{k}-hint"))))
        .collect();
    Ok(render(&NewPage {
        layout: Layout::new(Some(user), &csrf),
        order_id: id,
        line_id: line.id,
        title: line.title.clone(),
        options: line.options.clone(),
        kinds,
        most: claimable(line.quantity, line.id, &cases).max(0),
    }))
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> PageResult {
    check_multipart_csrf(&mut form, &csrf).await?;
    let parts = crate::media::read_upload(form, state.config.max_upload_bytes).await?;
    let case = aftersales::open(&state, &user, OrderId(id), parts).await?;
    Ok(see_other(&format!("/aftersales/{}", case.id)))
}

#[derive(Template)]
#[template(path = "aftersale.html")]
struct CasePage {
    layout: Layout,
    c: Case,
    kind: String,
    status: String,
    amount: String,
    /// What happens at the deadline, if one runs.
    next: Option<String>,
    images: Vec<String>,
    /// `(at, who and what)`.
    events: Vec<(i64, String)>,
    sides: Sides,
    /// An exchange of a delivery: the replacement's parcel is asked for.
    replacement_parcel: bool,
}

pub async fn view(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    let (c, sides) = aftersales::readable(&state, &user, id).await?;
    let view = aftersales::view(&state, c).await?;
    let lang = crate::i18n::current();
    let c = view.case;
    let events = view
        .events
        .iter()
        .map(|e| {
            let note = if e.note == haul_store::aftersales::DEADLINE_NOTE { lang.t("aftersale-deadline-passed") } else { e.note.clone() };
            let status = lang.t(&format!("aftersale-status-{}", e.to_status));
            (e.created_at, if note.is_empty() { status } else { format!("{status} · {note}") })
        })
        .collect();
    let delivered = state.db.order(OrderId(c.order_id)).await?.order.fulfilment == Fulfilment::Delivery;
    Ok(render(&CasePage {
        layout: Layout::new(Some(user), &csrf),
        kind: lang.t(&format!("aftersale-kind-{}", c.kind)),
        status: lang.t(&format!("aftersale-status-{}", c.status)),
        amount: money(c.amount_minor, &c.currency),
        next: c.deadline_at.map(|_| lang.t(&format!("aftersale-next-{}", c.status))),
        images: view.image_urls,
        events,
        sides,
        replacement_parcel: c.kind == CaseKind::Exchange && delivered,
        c,
    }))
}

#[derive(Deserialize)]
pub struct StepForm {
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    tracking_no: String,
}

pub async fn act(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<StepForm>,
) -> PageResult {
    let parcel = |f: &StepForm| (!f.carrier.trim().is_empty()).then(|| f.carrier.clone());
    let action = match f.action.as_str() {
        "accept" => Action::Accept,
        "reject" => Action::Reject { reason: f.reason.clone() },
        "ask_for_return" => Action::AskForReturn,
        "ship_return" => Action::ShipReturn { carrier: f.carrier.clone(), tracking_no: f.tracking_no.clone() },
        "confirm_return" => Action::ConfirmReturn { carrier: parcel(&f), tracking_no: Some(f.tracking_no.clone()) },
        "escalate" => Action::Escalate,
        "decide_for_buyer" => Action::Decide { for_buyer: true, reason: f.reason.clone() },
        "decide_for_shop" => Action::Decide { for_buyer: false, reason: f.reason.clone() },
        "withdraw" => Action::Withdraw,
        _ => return Err(haul_domain::DomainError::invalid("action", "no such step").into()),
    };
    let c = aftersales::act(&state, &user, id, &action).await?;
    let lang = crate::i18n::current();
    Ok(see_other_saying(&format!("/aftersales/{id}"), &lang.t(&format!("aftersale-status-{}", c.status))))
}

#[derive(Template)]
#[template(path = "aftersales.html")]
struct ListPage {
    layout: Layout,
    heading: String,
    /// The list's own query, kept on the link to the next page.
    query: String,
    cases: Vec<CaseRow>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    shop: Option<i64>,
    #[serde(default)]
    escalated: bool,
    cursor: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let lang = crate::i18n::current();
    let (of, heading) = match (q.shop, q.escalated) {
        (_, true) if user.role() == Role::Operator => (CasesOf::Escalated, lang.t("aftersale-list-escalated")),
        (_, true) => return Err(crate::error::AppError::forbidden().into()),
        (Some(shop), false) => {
            crate::auth::require_shop_staff(&state, &user, ShopId(shop)).await?;
            (CasesOf::Shop(ShopId(shop)), lang.t("aftersale-list-shop"))
        }
        (None, false) => (CasesOf::Buyer(user.user_id()), lang.t("aftersale-list")),
    };
    let page = state.db.cases(of, false, &PageRequest::parse(Some(20), q.cursor.as_deref())?).await?;
    Ok(render(&ListPage {
        layout: Layout::new(Some(user), &csrf),
        heading,
        query: match (q.shop, q.escalated) {
            (_, true) => "escalated=true&".to_owned(),
            (Some(shop), _) => format!("shop={shop}&"),
            _ => String::new(),
        },
        cases: page.items.iter().map(|c| CaseRow::of(lang, c)).collect(),
        next: page.next_cursor,
    }))
}
