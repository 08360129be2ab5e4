//! Vouchers as people use them: the buyer's vouchers with their codes and
//! QR codes, and the shop's redemption page for a phone at the counter
//! (type the code, or scan it where the page is served over HTTPS), with
//! the shop's figures and latest redemptions.

use super::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, money, render};
use crate::AppState;
use crate::extract::{Path, Query};
use crate::i18n::Lang;
use crate::services::vouchers;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::ids::ShopId;
use haul_domain::page::PageRequest;
use haul_domain::vouchers::{VoucherCode, VoucherStatus};
use haul_store::accounts::User;
use haul_store::vouchers::Voucher;
use serde::Deserialize;

/// A voucher as a card: the code and its QR code only while it may be used.
pub struct VoucherCard {
    pub title: String,
    pub shop_name: String,
    pub shop_address: String,
    pub code: String,
    pub qr: String,
    pub status: String,
    pub status_class: &'static str,
    pub days: String,
    pub hours: String,
    pub paid: String,
    pub order_href: String,
    pub redeemed_at: Option<i64>,
    pub redeemed_by: String,
    /// Where the buyer refunds it unused, when they may.
    pub refund_action: String,
}

impl VoucherCard {
    /// `with_code`: the buyer's view (the code to show at the counter).
    pub fn of(lang: Lang, v: &Voucher, with_code: bool) -> VoucherCard {
        let terms = v.terms();
        let (first, last) = terms.days();
        let code = VoucherCode::parse(&v.code).map(|c| c.grouped()).unwrap_or_default();
        let usable = with_code && v.status == VoucherStatus::Issued;
        VoucherCard {
            title: v.title.clone(),
            shop_name: v.shop_name.clone(),
            shop_address: v.shop_address.clone(),
            qr: if usable { crate::qr::svg(&v.code) } else { String::new() },
            code: if with_code { code } else { String::new() },
            status: lang.t(&format!("voucher-status-{}", v.status.as_str())),
            status_class: match v.status {
                VoucherStatus::Issued => "ok",
                _ => "muted",
            },
            days: format!("{first} – {last}"),
            hours: terms.hours().unwrap_or_else(|| lang.t("voucher-all-day")),
            paid: money(v.paid_minor, &v.currency),
            order_href: format!("/orders/{}", v.order_id),
            redeemed_at: v.redeemed_at,
            redeemed_by: v.redeemed_by_name.clone().unwrap_or_default(),
            refund_action: if usable && v.refund_unused != 0 { format!("/vouchers/{}/refund", v.id) } else { String::new() },
        }
    }
}

#[derive(Template)]
#[template(path = "vouchers.html")]
struct MinePage {
    layout: Layout,
    cards: Vec<VoucherCard>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct Cursor {
    cursor: Option<String>,
}

/// `/vouchers`: the shopper's vouchers, newest first.
pub async fn mine(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<Cursor>,
) -> PageResult {
    let page = vouchers::mine(&state, &user, &PageRequest::parse(Some(20), q.cursor.as_deref())?).await?;
    let lang = crate::i18n::current();
    let cards = page.items.iter().map(|v| VoucherCard::of(lang, v, true)).collect();
    Ok(render(&MinePage { layout: Layout::new(Some(user), &csrf), cards, next: page.next_cursor }))
}

/// The buyer refunds an unused voucher, then sees their vouchers (or the page they came from).
pub async fn refund(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<Back>,
) -> PageResult {
    vouchers::refund(&state, &user, id).await?;
    let order = f.back.strip_prefix("/orders/").filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    let back = order.map_or_else(|| "/vouchers".to_owned(), |id| format!("/orders/{id}"));
    Ok(super::layout::see_other_saying(&back, &crate::i18n::current().t("voucher-refunded-now")))
}

#[derive(Deserialize)]
pub struct Back {
    #[serde(default)]
    back: String,
}

#[derive(Template)]
#[template(path = "redeem.html")]
struct RedeemPage {
    layout: Layout,
    shop_id: i64,
    shop_name: String,
    typed: String,
    error: String,
    redeemed: Option<VoucherCard>,
    /// Sold, redeemed (and their worth), refunded, expired: the last 30 days.
    figures: [(String, String); 5],
    recent: Vec<VoucherCard>,
}

async fn redeem_page(
    state: &AppState,
    user: User,
    csrf: &CsrfToken,
    shop: i64,
    typed: String,
    outcome: Result<Option<Voucher>, String>,
) -> PageResult {
    let lang = crate::i18n::current();
    let (recent, f) = vouchers::of_shop(state, &user, ShopId(shop), &PageRequest::parse(Some(10), None)?).await?;
    let s = state.db.shop(ShopId(shop)).await?;
    let count = |key: &str, n: i64| (lang.t(key), n.to_string());
    let figures = [
        count("voucher-sold", f.issued),
        count("voucher-redeemed", f.redeemed),
        (lang.t("voucher-redeemed-worth"), money(f.redeemed_minor, &s.currency)),
        count("voucher-refunded", f.refunded),
        count("voucher-expired", f.expired),
    ];
    let (redeemed, error) = match outcome {
        Ok(v) => (v.map(|v| VoucherCard::of(lang, &v, true)), String::new()),
        Err(e) => (None, e),
    };
    Ok(render(&RedeemPage {
        layout: Layout::new(Some(user), csrf),
        shop_id: shop,
        shop_name: s.name,
        typed,
        error,
        redeemed,
        figures,
        recent: recent.items.iter().map(|v| VoucherCard::of(lang, v, true)).collect(),
    }))
}

/// `/merchant/shops/{id}/redeem`: the counter's page.
pub async fn counter(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    redeem_page(&state, user, &csrf, id, String::new(), Ok(None)).await
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn redeem(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<CodeForm>,
) -> PageResult {
    match vouchers::redeem(&state, &user, ShopId(id), &f.code).await {
        Ok(v) => redeem_page(&state, user, &csrf, id, String::new(), Ok(Some(v))).await,
        Err(e) if e.status().is_client_error() && e.status() != axum::http::StatusCode::FORBIDDEN => {
            let lang = crate::i18n::current();
            let said = match e.code {
                haul_domain::ErrorCode::ValidationFailed => lang.t("voucher-code-hint"),
                haul_domain::ErrorCode::NotFound => lang.t("voucher-not-here"),
                code => lang.code(code),
            };
            redeem_page(&state, user, &csrf, id, f.code, Err(said)).await
        }
        Err(e) => Err(e.into()),
    }
}
