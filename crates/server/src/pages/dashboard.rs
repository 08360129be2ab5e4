//! A shop's sales dashboard: its figures, the funnel, channels, top
//! products and content, live sessions, with charts and CSV exports
//! (figures from `services::analytics`, defined in docs/ANALYTICS.md).

use super::charts::{self, Series};
use super::layout::{CsrfToken, Layout, PageResult, SignedIn, money, render};
use crate::AppState;
use crate::extract::{Path, Query};
use crate::services::analytics::{self as figures, Dashboard, DashboardQuery};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::ids::ShopId;
use serde::Deserialize;

pub struct Card {
    pub label: String,
    pub value: String,
}

pub struct Row {
    pub cells: Vec<String>,
}

/// A row whose first cell links somewhere: a piece of content (and what
/// kind it is), a live session.
pub struct LinkRow {
    pub href: String,
    pub name: String,
    pub kind: String,
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
    funnel_chart: String,
    funnel: Vec<Row>,
    conversion: String,
    content: Vec<LinkRow>,
    sessions: Vec<LinkRow>,
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
    let steps = funnel_steps(&d);
    let funnel_chart =
        charts::bars(&lang.t("dash-funnel"), &steps.iter().map(|(key, n)| (lang.t(key), *n)).collect::<Vec<_>>(), |n| n.to_string());
    let mut content = Vec::new();
    for c in &d.top_content {
        let Ok(kind) = haul_domain::affiliate::TouchKind::parse(&c.sales.subject_kind) else { continue };
        let (label, href) = super::earnings::content_link(lang, kind, c.sales.subject_id);
        let name = c.title.clone().unwrap_or_else(|| label.clone());
        let count = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_else(|| "—".into());
        content.push(LinkRow {
            href,
            name,
            kind: label,
            cells: vec![
                count(c.views),
                count(c.clicks),
                c.sales.orders.to_string(),
                money(c.net_gmv_minor, &c.sales.currency),
                c.gpm_minor.map(|g| money(g, &c.sales.currency)).unwrap_or_else(|| "—".into()),
            ],
        });
    }
    let when = |ms: i64| haul_domain::community::local_date_time(haul_domain::Timestamp::from_millis(ms), d.tz_offset_minutes);
    let sessions = d
        .sessions
        .iter()
        .map(|s| LinkRow {
            href: format!("/live/{}/host#report", s.id),
            name: s.title.clone(),
            kind: String::new(),
            cells: vec![when(s.went_live_at), s.peak_viewers.to_string()],
        })
        .collect();
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
        funnel_chart,
        funnel: tables.funnel,
        conversion: d.funnel.conversion_bps.map(|bps| format!("{:.1}%", bps as f64 / 100.0)).unwrap_or_else(|| "—".into()),
        content,
        sessions,
        channels: tables.channels,
        products: tables.products,
        days: tables.days,
    }))
}

/// The dashboard's tables, as the page shows them and the CSV exports them.
struct Tables {
    funnel: Vec<Row>,
    channels: Vec<Row>,
    products: Vec<Row>,
    days: Vec<Row>,
}

/// The funnel's steps in order, by their names' keys.
fn funnel_steps(d: &Dashboard) -> [(&'static str, i64); 5] {
    let f = &d.funnel;
    [
        ("funnel-impressions", f.impressions),
        ("funnel-product-views", f.product_views),
        ("funnel-cart-adds", f.cart_adds),
        ("funnel-orders-placed", f.orders_placed),
        ("funnel-orders-paid", f.orders_paid),
    ]
}

fn tables(d: &Dashboard, lang: crate::i18n::Lang) -> Tables {
    let steps = funnel_steps(d);
    Tables {
        funnel: steps
            .iter()
            .enumerate()
            .map(|(i, (key, n))| {
                let before = i.checked_sub(1).map(|p| steps[p].1);
                let share = before.and_then(|b| haul_domain::analytics::rate_bps(*n, b));
                Row { cells: vec![lang.t(key), n.to_string(), share.map(|bps| format!("{:.1}%", bps as f64 / 100.0)).unwrap_or_default()] }
            })
            .collect(),
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
        "funnel" => {
            out.push_str("step,count\n");
            for (key, n) in funnel_steps(&d) {
                out.push_str(&format!("{},{n}\n", key.trim_start_matches("funnel-").replace('-', "_")));
            }
        }
        "content" => {
            out.push_str("kind,id,currency,views,clicks,orders,units,gmv,net_gmv,gpm\n");
            let count = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
            for c in &d.top_content {
                let s = &c.sales;
                let money = [amount(s.gross_minor, &s.currency), amount(c.net_gmv_minor, &s.currency)].join(",");
                let gpm = c.gpm_minor.map(|g| amount(g, &s.currency)).unwrap_or_default();
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{money},{gpm}\n",
                    s.subject_kind,
                    s.subject_id,
                    s.currency,
                    count(c.views),
                    count(c.clicks),
                    s.orders,
                    s.units
                ));
            }
        }
        _ => return Err(haul_domain::DomainError::invalid("table", "days, channels, products, funnel or content").into()),
    }
    Ok(super::earnings::csv_download(&format!("haul-shop-{shop}-{}-{}-{}.csv", q.table, d.from, d.to), out))
}

/// A text cell: quoted, and never read as a formula by a spreadsheet.
pub(super) fn csv_text(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_owned() };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}
