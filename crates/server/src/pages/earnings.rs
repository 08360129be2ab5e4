//! The creator's earnings: balances, what each piece of content earned,
//! commission lines, share links and payouts.

use super::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, money, render, see_other, see_other_saying};
use crate::AppState;
use crate::auth::WebUser;
use crate::extract::{Path, Query};
use crate::pages::merchant::percent;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use haul_domain::affiliate::{CommissionStatus, TouchKind};
use haul_domain::page::PageRequest;
use haul_store::affiliate::Party;
use serde::Deserialize;

pub struct BalanceRow {
    pub currency: String,
    pub pending: String,
    pub available: String,
    pub available_minor: i64,
    pub paid: String,
    /// Paid out and not yet confirmed by the provider.
    pub in_flight: Option<String>,
    /// The least that can be paid out, in this currency.
    pub minimum: String,
    pub can_pay_out: bool,
}

pub struct ContentRow {
    pub label: String,
    pub href: String,
    /// Views (a room: unique viewers) and card taps, "—" where not counted.
    pub views: String,
    pub clicks: String,
    pub orders: i64,
    pub sales: String,
    pub gpm: String,
    pub net: String,
}

pub struct LineRow {
    pub title: String,
    pub order_id: i64,
    pub source: String,
    pub rate: String,
    pub net: String,
    pub status: String,
    pub status_class: &'static str,
}

pub struct LinkRow {
    pub title: String,
    pub url: String,
    pub clicks: i64,
}

pub struct PayoutRow {
    pub amount: String,
    pub status: String,
    pub created_at: i64,
    pub failure: Option<String>,
}

#[derive(Template)]
#[template(path = "earnings.html")]
struct EarningsPage {
    layout: Layout,
    balances: Vec<BalanceRow>,
    payout_action: String,
    pending_help: &'static str,
    /// Months with a statement to download, newest first.
    months: Vec<String>,
    statement_path: String,
    content: Vec<ContentRow>,
    lines: Vec<LineRow>,
    links: Vec<LinkRow>,
    payouts: Vec<PayoutRow>,
}

/// Where a piece of content lives, and its name on the page.
pub(crate) fn content_link(lang: crate::i18n::Lang, kind: TouchKind, id: i64) -> (String, String) {
    let href = match kind {
        TouchKind::Video => format!("/videos/{id}"),
        TouchKind::Note => format!("/notes/{id}"),
        TouchKind::LiveRoom => format!("/live/{id}"),
        TouchKind::Showcase => format!("/creators/{id}"),
        TouchKind::ShareLink => "#links".to_owned(),
        TouchKind::Community => format!("/campaigns/{id}"),
    };
    (lang.t_with(&format!("touch-{}", kind.as_str().replace('_', "-")), "id", id), href)
}

/// A party's balances as the page shows them.
pub(crate) async fn balance_rows(state: &AppState, party: Party) -> crate::error::AppResult<Vec<BalanceRow>> {
    let minimum_minor = state.config.payout_minimum_minor;
    Ok(state
        .db
        .balances_of(party)
        .await?
        .into_iter()
        .map(|b| BalanceRow {
            pending: money(b.pending_minor, &b.currency),
            available: money(b.available_minor, &b.currency),
            available_minor: b.available_minor,
            paid: money(b.paid_minor, &b.currency),
            in_flight: (b.in_flight_minor > 0).then(|| money(b.in_flight_minor, &b.currency)),
            minimum: money(minimum_minor, &b.currency),
            can_pay_out: b.available_minor >= minimum_minor,
            currency: b.currency,
        })
        .collect())
}

/// What the content is called where it lives; a link by its product.
async fn content_name(state: &AppState, kind: TouchKind, id: i64) -> Option<String> {
    let name = crate::services::earnings::content_title(state, kind, id).await?;
    Some(if kind == TouchKind::ShareLink { crate::i18n::current().t_with("earn-link-to", "product", name) } else { name })
}

/// A piece of content that earned, with its name, its page and its reach.
struct Earned {
    e: haul_store::affiliate::ContentEarnings,
    label: String,
    href: String,
    views: Option<i64>,
    clicks: Option<i64>,
    gpm: Option<i64>,
}

async fn earned_content(state: &AppState, me: haul_domain::ids::UserId) -> crate::error::AppResult<Vec<Earned>> {
    let lang = crate::i18n::current();
    let mut earned = Vec::new();
    for e in state.db.earnings_by_content(me).await? {
        let (label, href) = content_link(lang, e.touch_kind, e.touch_id);
        let label = content_name(state, e.touch_kind, e.touch_id).await.unwrap_or(label);
        let (views, clicks) = crate::services::earnings::content_reach(state, e.touch_kind, e.touch_id).await?;
        let gpm = views.and_then(|v| haul_domain::analytics::gpm_minor(e.sales_minor, v));
        earned.push(Earned { e, label, href, views, clicks, gpm });
    }
    Ok(earned)
}

/// What each piece of the person's content earned, as CSV.
pub async fn content_csv(State(state): State<AppState>, SignedIn(user): SignedIn) -> PageResult {
    let mut out = String::from("kind,id,title,currency,views,clicks,orders,sales,gpm,commission\n");
    let count = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    for Earned { e, label, views, clicks, gpm, .. } in earned_content(&state, user.user_id()).await? {
        let amount = |minor: i64| crate::csv::amount(minor, &e.currency);
        let money = [amount(e.sales_minor), gpm.map(amount).unwrap_or_default(), amount(e.net_minor)].join(",");
        let (kind, title) = (e.touch_kind.as_str(), crate::csv::text(&label));
        out.push_str(&format!("{kind},{},{title},{},{},{},{},{money}\n", e.touch_id, e.currency, count(views), count(clicks), e.orders));
    }
    Ok(crate::csv::download("haul-content.csv", out))
}

pub async fn page(State(state): State<AppState>, SignedIn(user): SignedIn, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    let lang = crate::i18n::current();
    let me = user.user_id();
    let balances = balance_rows(&state, Party::Creator(me)).await?;
    let links = state.db.share_links_of(me).await?;
    let count = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_else(|| "—".into());
    let content = earned_content(&state, me)
        .await?
        .into_iter()
        .map(|Earned { e, label, href, views, clicks, gpm }| ContentRow {
            label,
            href,
            views: count(views),
            clicks: count(clicks),
            orders: e.orders,
            sales: money(e.sales_minor, &e.currency),
            gpm: gpm.map(|g| money(g, &e.currency)).unwrap_or_else(|| "—".into()),
            net: money(e.net_minor, &e.currency),
        })
        .collect();
    let page = PageRequest::parse(Some(50), None)?;
    let lines = state
        .db
        .commissions_of(me, &page)
        .await?
        .items
        .into_iter()
        .map(|c| LineRow {
            source: content_link(lang, c.touch_kind, c.touch_id).0,
            rate: percent(c.rate_bps),
            net: money(c.net_minor(), &c.currency),
            status: lang.t(&format!("commission-{}", c.status.as_str())),
            status_class: match c.status {
                CommissionStatus::Available => "ok",
                CommissionStatus::Reversed => "muted",
                CommissionStatus::Pending => "",
            },
            title: c.title,
            order_id: c.order_id,
        })
        .collect();
    let mut link_rows = Vec::new();
    for l in &links {
        let title = state.db.product(haul_domain::ids::ProductId(l.product_id)).await?.title;
        link_rows.push(LinkRow { title, clicks: l.clicks, url: crate::services::earnings::link_url(&state, l) });
    }
    let payouts = state
        .db
        .payouts_of(Party::Creator(me), &PageRequest::parse(Some(20), None)?)
        .await?
        .items
        .into_iter()
        .map(|p| PayoutRow {
            amount: money(p.amount_minor, &p.currency),
            status: lang.t(&format!("payout-{}", p.status.as_str())),
            created_at: p.created_at,
            failure: p.failure,
        })
        .collect();
    let payout_action = "/studio/payouts".to_owned();
    let page = EarningsPage {
        layout: Layout::new(Some(user), &csrf),
        balances,
        payout_action,
        pending_help: "earn-pending-help",
        months: recent_months(state.clock.now()),
        statement_path: "/studio/statement.csv".to_owned(),
        content,
        lines,
        links: link_rows,
        payouts,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct PayoutForm {
    amount_minor: i64,
    currency: String,
}

pub async fn payout(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<PayoutForm>) -> PageResult {
    crate::services::earnings::request_payout(&state, Party::Creator(user.user_id()), f.amount_minor, &f.currency).await?;
    Ok(see_other_saying("/studio/earnings", &crate::i18n::current().t("payout-requested-notice")))
}

/// The shop's owner pays out its available balance.
pub async fn shop_payout(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(shop): Path<i64>,
    CheckedForm(f): CheckedForm<PayoutForm>,
) -> PageResult {
    let party = crate::services::earnings::shop_party(&state, &user, haul_domain::ids::ShopId(shop), true).await?;
    crate::services::earnings::request_payout(&state, party, f.amount_minor, &f.currency).await?;
    Ok(see_other_saying(&format!("/merchant/shops/{shop}#money"), &crate::i18n::current().t("payout-requested-notice")))
}

#[derive(Deserialize)]
pub struct LinkForm {
    product_id: i64,
}

pub async fn new_link(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<LinkForm>) -> PageResult {
    let link = crate::services::earnings::share_link(&state, &user, f.product_id).await?;
    let url = crate::services::earnings::link_url(&state, &link);
    Ok(see_other_saying("/studio/earnings#links", &crate::i18n::current().t_with("share-link-made", "url", url)))
}

/// A visit through a creator's share link lands on the product; a
/// signed-out visitor's tap waits in a cookie until they sign in.
pub async fn follow(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    method: axum::http::Method,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> PageResult {
    let taps = crate::auth::cookie(&headers, crate::services::earnings::TOUCH_COOKIE);
    let head = method == axum::http::Method::HEAD;
    let link = crate::services::earnings::follow_share_link(&state, &code, user.as_ref(), taps, head).await?;
    let mut response = see_other(&format!("/products/{}", link.product_id));
    if user.is_none() && !head {
        remember(&state, &mut response, &headers, TouchKind::ShareLink, link.id, link.product_id);
    }
    Ok(response)
}

/// Keeps a signed-out visitor's tap in their browser for the attribution window.
pub(crate) fn remember(
    state: &AppState,
    response: &mut axum::response::Response,
    headers: &HeaderMap,
    kind: TouchKind,
    subject: i64,
    product: i64,
) {
    use crate::services::earnings::{TOUCH_COOKIE, remember_touch};
    let value = remember_touch(crate::auth::cookie(headers, TOUCH_COOKIE), kind, subject, product, state.clock.now());
    crate::auth::set_cookie(response, TOUCH_COOKIE, &value, state.db.affiliate_terms().window_ms / 1000);
}

#[derive(Deserialize)]
pub struct MonthQuery {
    month: String,
}

/// The creator's statement for a month, as CSV.
pub async fn statement(State(state): State<AppState>, SignedIn(user): SignedIn, Query(q): Query<MonthQuery>) -> PageResult {
    let s = crate::services::earnings::statement(&state, Party::Creator(user.user_id()), &q.month).await?;
    Ok(crate::csv::download(&format!("haul-earnings-{}.csv", s.month), crate::services::earnings::statement_csv(&s)))
}

/// A shop's statement for a month, as CSV.
pub async fn shop_statement(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(shop): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> PageResult {
    let party = crate::services::earnings::shop_party(&state, &user, haul_domain::ids::ShopId(shop), false).await?;
    let s = crate::services::earnings::statement(&state, party, &q.month).await?;
    Ok(crate::csv::download(&format!("haul-shop-{shop}-{}.csv", s.month), crate::services::earnings::statement_csv(&s)))
}

/// This month and the two before, for statement links.
pub(crate) fn recent_months(now: haul_domain::Timestamp) -> Vec<String> {
    let mut months = Vec::new();
    let mut at = now;
    for _ in 0..3 {
        let m = haul_domain::affiliate::Month::of(at);
        at = haul_domain::Timestamp::from_millis(m.range().0.millis() - 1);
        months.push(m.to_string());
    }
    months
}
