//! The public best-seller lists and a shop's sales dashboard, with its
//! charts and CSV exports (figures from `services::analytics`).

use super::charts::{self, Series};
use super::layout::{CsrfToken, Layout, PageResult, SignedIn, money, render};
use crate::AppState;
use crate::auth::WebUser;
use crate::extract::{Path, Query};
use crate::services::analytics::{self as figures, BestSellersQuery, Dashboard, DashboardQuery};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::ids::ShopId;
use serde::Deserialize;

pub struct Ranked {
    pub rank: usize,
    pub product_id: i64,
    pub title: String,
    pub shop: String,
    pub image: Option<String>,
    pub initial: String,
    pub units: i64,
    pub gmv: String,
}

#[derive(Template)]
#[template(path = "best_sellers.html")]
struct BestSellersPage {
    layout: Layout,
    heading: String,
    window: &'static str,
    by_gmv: bool,
    category: Option<i64>,
    categories: Vec<(i64, String)>,
    items: Vec<Ranked>,
}

#[derive(Deserialize)]
pub struct BestSellersForm {
    window: Option<String>,
    by: Option<String>,
    category: Option<i64>,
}

/// `/best-sellers`: the top 50 over a window, by units or by GMV.
pub async fn best_sellers(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Query(f): Query<BestSellersForm>,
) -> PageResult {
    let by_gmv = f.by.as_deref() == Some("gmv");
    let q = BestSellersQuery { window: f.window, by: f.by, category_id: f.category, shop_id: None, limit: Some(50) };
    let (window, list) = figures::best_sellers(&state, &q).await?;
    let lang = crate::i18n::current();
    let categories = state.db.categories().await?.into_iter().map(|c| (c.id, c.name)).collect();
    let items = list
        .into_iter()
        .enumerate()
        .map(|(i, p)| Ranked {
            rank: i + 1,
            product_id: p.product_id,
            initial: p.title.chars().next().map(String::from).unwrap_or_default(),
            title: p.title,
            shop: p.shop_name,
            image: p.image_key.as_deref().map(crate::media::MediaStore::url),
            units: p.units,
            gmv: money(p.gmv_minor, &p.currency),
        })
        .collect();
    let heading = lang.t(&format!("best-heading-{}", window.as_str()));
    Ok(render(&BestSellersPage {
        layout: Layout::new(user, &csrf),
        heading,
        window: window.as_str(),
        by_gmv,
        category: f.category,
        categories,
        items,
    }))
}

pub struct Card {
    pub label: String,
    pub value: String,
}

pub struct Row {
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    shop_id: i64,
    shop_name: String,
    from: String,
    to: String,
    /// `from=...&to=...&tz_offset_minutes=...` for the export links.
    span: String,
    cards: Vec<Card>,
    per_day: String,
    by_channel: String,
    channels: Vec<Row>,
    products: Vec<Row>,
    days: Vec<Row>,
    empty: bool,
}

/// `/merchant/shops/{id}/dashboard`: a shop's sales over the chosen days.
pub async fn dashboard(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(shop): Path<i64>,
    Query(q): Query<DashboardQuery>,
) -> PageResult {
    let d = figures::dashboard(&state, &user, ShopId(shop), &q).await?;
    let shop_name = state.db.shop(ShopId(shop)).await?.name;
    let lang = crate::i18n::current();
    // The shop sells in one currency; the charts draw its first.
    let currency = d.totals.first().map(|t| t.currency.clone()).unwrap_or_else(|| "CNY".to_owned());
    let cash = |minor: i64| money(minor, &currency);
    let mut cards = Vec::new();
    for t in &d.totals {
        let ratio = |v: Option<i64>| v.map(|bps| format!("{:.1}%", bps as f64 / 100.0)).unwrap_or_else(|| "—".into());
        cards.extend([
            Card { label: lang.t("dash-gmv"), value: money(t.gmv_minor, &t.currency) },
            Card { label: lang.t("dash-net"), value: money(t.net_gmv_minor, &t.currency) },
            Card { label: lang.t("dash-orders"), value: t.orders.to_string() },
            Card { label: lang.t("dash-aov"), value: t.average_order_minor.map(|a| money(a, &t.currency)).unwrap_or_else(|| "—".into()) },
            Card { label: lang.t("dash-refund-rate"), value: ratio(t.refund_rate_bps) },
        ]);
    }
    cards.push(Card { label: lang.t("dash-buyers"), value: d.buyers.to_string() });
    let days: Vec<_> = d.days.iter().filter(|day| day.currency == currency).collect();
    let labels: Vec<String> = days.iter().map(|day| day.date[5..].to_owned()).collect();
    let per_day = charts::lines(
        &lang.t("dash-per-day"),
        &labels,
        &[
            Series { class: "gross", values: days.iter().map(|day| day.gmv_minor).collect() },
            Series { class: "net", values: days.iter().map(|day| day.net_gmv_minor).collect() },
        ],
        cash,
    );
    let channel_rows: Vec<(String, i64)> = d
        .channels
        .iter()
        .filter(|c| c.currency == currency)
        .map(|c| (lang.t(&format!("channel-{}", c.channel)), c.gross_minor - c.refunded_minor))
        .collect();
    let by_channel = charts::bars(&lang.t("dash-channels"), &channel_rows, cash);
    let tables = tables(&d, lang);
    Ok(render(&DashboardPage {
        layout: Layout::new(Some(user), &csrf),
        shop_id: shop,
        shop_name,
        span: format!("from={}&to={}&tz_offset_minutes={}", d.from, d.to, d.tz_offset_minutes),
        from: d.from.clone(),
        to: d.to.clone(),
        empty: d.totals.is_empty(),
        cards,
        per_day,
        by_channel,
        channels: tables.channels,
        products: tables.products,
        days: tables.days,
    }))
}

/// The dashboard's tables, as the page shows them and the CSV exports them.
struct Tables {
    channels: Vec<Row>,
    products: Vec<Row>,
    days: Vec<Row>,
}

fn tables(d: &Dashboard, lang: crate::i18n::Lang) -> Tables {
    Tables {
        channels: d
            .channels
            .iter()
            .map(|c| Row {
                cells: vec![
                    lang.t(&format!("channel-{}", c.channel)),
                    c.units.to_string(),
                    money(c.gross_minor, &c.currency),
                    money(c.refunded_minor, &c.currency),
                ],
            })
            .collect(),
        products: d
            .top_products
            .iter()
            .map(|p| Row { cells: vec![p.title.clone(), p.units.to_string(), money(p.gmv_minor, &p.currency)] })
            .collect(),
        days: d
            .days
            .iter()
            .rev()
            .map(|day| Row {
                cells: vec![
                    day.date.clone(),
                    day.orders.to_string(),
                    money(day.gmv_minor, &day.currency),
                    money(day.net_gmv_minor, &day.currency),
                    money(day.refunds_minor, &day.currency),
                ],
            })
            .collect(),
    }
}

/// The table, and the dashboard's span (not flattened: a flattened query
/// reads every value as text, and the offset is a number).
#[derive(Deserialize)]
pub struct ExportQuery {
    table: String,
    from: Option<String>,
    to: Option<String>,
    tz_offset_minutes: Option<i64>,
}

/// One of the dashboard's tables as CSV: amounts in the currency's units,
/// as numbers, each row with its currency.
pub async fn export(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(shop): Path<i64>,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    let span = DashboardQuery { from: q.from, to: q.to, tz_offset_minutes: q.tz_offset_minutes };
    let d = figures::dashboard(&state, &user, ShopId(shop), &span).await?;
    let amount = |minor: i64, currency: &str| match haul_domain::Currency::parse(currency) {
        Ok(currency) => haul_domain::Money { minor, currency }.decimal(),
        Err(_) => minor.to_string(),
    };
    let mut out = String::new();
    match q.table.as_str() {
        "days" => {
            out.push_str("date,currency,orders,gmv,net_gmv,refunds\n");
            for day in &d.days {
                let row = [
                    amount(day.gmv_minor, &day.currency),
                    amount(day.net_gmv_minor, &day.currency),
                    amount(day.refunds_minor, &day.currency),
                ];
                out.push_str(&format!("{},{},{},{}\n", day.date, day.currency, day.orders, row.join(",")));
            }
        }
        "channels" => {
            out.push_str("channel,currency,units,gmv,refunded\n");
            for c in &d.channels {
                let row = [amount(c.gross_minor, &c.currency), amount(c.refunded_minor, &c.currency)];
                out.push_str(&format!("{},{},{},{}\n", c.channel, c.currency, c.units, row.join(",")));
            }
        }
        "products" => {
            out.push_str("product_id,title,currency,units,net_gmv\n");
            for p in &d.top_products {
                let title = csv_text(&p.title);
                out.push_str(&format!("{},{title},{},{},{}\n", p.product_id, p.currency, p.units, amount(p.gmv_minor, &p.currency)));
            }
        }
        _ => return Err(haul_domain::DomainError::invalid("table", "days, channels or products").into()),
    }
    Ok(super::earnings::csv_download(&format!("haul-shop-{shop}-{}-{}-{}.csv", q.table, d.from, d.to), out))
}

/// A text cell: quoted, and never read as a formula by a spreadsheet.
fn csv_text(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_owned() };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}
