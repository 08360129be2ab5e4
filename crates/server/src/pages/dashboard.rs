//! A shop's sales dashboard: its figures, the funnel, channels, top
//! products and content, live sessions, with charts and CSV exports
//! (figures from `services::analytics`, defined in docs/ANALYTICS.md).

use super::charts::{self, Series};
use super::layout::{CsrfToken, Layout, PageResult, SignedIn, money, render};
use crate::AppState;
use crate::csv::amount;
use crate::extract::{Path, Query};
use crate::i18n::Lang;
use crate::services::analytics::{self as figures, Dashboard, DashboardQuery, Day, Totals};
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
    let mut cards = total_cards(&d.totals, lang);
    cards.push(Card { label: lang.t("dash-buyers"), value: d.buyers.to_string() });
    let per_day = per_day_chart(&d.days, &currency, lang);
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
        conversion: percent(d.funnel.conversion_bps),
        content,
        sessions,
        channels: tables.channels,
        products: tables.products,
        days: tables.days,
    }))
}

/// A share in basis points as a percentage; "—" when there is none.
pub(super) fn percent(bps: Option<i64>) -> String {
    bps.map(|b| format!("{:.1}%", b as f64 / 100.0)).unwrap_or_else(|| "—".into())
}

/// GMV, net GMV, orders, average order and refund rate, per currency.
pub(super) fn total_cards(totals: &[Totals], lang: Lang) -> Vec<Card> {
    let mut cards = Vec::new();
    for t in totals {
        cards.extend([
            Card { label: lang.t("dash-gmv"), value: money(t.gmv_minor, &t.currency) },
            Card { label: lang.t("dash-net"), value: money(t.net_gmv_minor, &t.currency) },
            Card { label: lang.t("dash-orders"), value: t.orders.to_string() },
            Card { label: lang.t("dash-aov"), value: t.average_order_minor.map(|a| money(a, &t.currency)).unwrap_or_else(|| "—".into()) },
            Card { label: lang.t("dash-refund-rate"), value: percent(t.refund_rate_bps) },
        ]);
    }
    cards
}

/// GMV and net GMV per day in one currency, as a line chart.
pub(super) fn per_day_chart(days: &[Day], currency: &str, lang: Lang) -> String {
    let days: Vec<_> = days.iter().filter(|day| day.currency == currency).collect();
    let labels: Vec<String> = days.iter().map(|day| day.date[5..].to_owned()).collect();
    charts::lines(
        &lang.t("dash-per-day"),
        &labels,
        &[
            Series { class: "gross", values: days.iter().map(|day| day.gmv_minor).collect() },
            Series { class: "net", values: days.iter().map(|day| day.net_gmv_minor).collect() },
        ],
        |minor| money(minor, currency),
    )
}

/// Sales per day as CSV.
pub(super) fn days_csv(days: &[Day]) -> String {
    let mut out = String::from("date,currency,orders,gmv,net_gmv,refunds\n");
    for day in days {
        let row =
            [amount(day.gmv_minor, &day.currency), amount(day.net_gmv_minor, &day.currency), amount(day.refunds_minor, &day.currency)];
        out.push_str(&format!("{},{},{},{}\n", day.date, day.currency, day.orders, row.join(",")));
    }
    out
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
                Row { cells: vec![lang.t(key), n.to_string(), share.map(|bps| percent(Some(bps))).unwrap_or_default()] }
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

/// The table, and the span (not flattened: a flattened query reads every
/// value as text, and the offset is a number).
#[derive(Deserialize)]
pub struct ExportQuery {
    pub table: String,
    from: Option<String>,
    to: Option<String>,
    tz_offset_minutes: Option<i64>,
}

impl ExportQuery {
    pub fn span(&self) -> DashboardQuery {
        DashboardQuery { from: self.from.clone(), to: self.to.clone(), tz_offset_minutes: self.tz_offset_minutes }
    }
}

/// One of the dashboard's tables as CSV: amounts in the currency's units,
/// as numbers, each row with its currency.
pub async fn export(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(shop): Path<i64>,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    let d = figures::dashboard(&state, &user, ShopId(shop), &q.span()).await?;
    let mut out = String::new();
    match q.table.as_str() {
        "days" => out = days_csv(&d.days),
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
                let title = crate::csv::text(&p.title);
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
        "sessions" => {
            out.push_str("room_id,title,went_live_at,ended_at,peak_viewers\n");
            let when = |ms: Option<i64>| {
                ms.map(|ms| haul_domain::community::local_date_time(haul_domain::Timestamp::from_millis(ms), d.tz_offset_minutes))
                    .unwrap_or_default()
            };
            for s in &d.sessions {
                let (title, live, ended) = (crate::csv::text(&s.title), when(Some(s.went_live_at)), when(s.ended_at));
                out.push_str(&format!("{},{title},{live},{ended},{}\n", s.id, s.peak_viewers));
            }
        }
        _ => return Err(haul_domain::DomainError::invalid("table", "days, channels, products, funnel, content or sessions").into()),
    }
    Ok(crate::csv::download(&format!("haul-shop-{shop}-{}-{}-{}.csv", q.table, d.from, d.to), out))
}
