//! `/operator/analytics`: the platform's sales over the chosen days, its
//! top shops, creators and leaders, the feed policies compared, with a
//! chart and CSV exports (figures from `services::platform`).

use crate::AppState;
use crate::csv::amount;
use crate::extract::Query;
use crate::pages::dashboard::{Card, ExportQuery, Row, days_csv, per_day_chart, percent, total_cards};
use crate::pages::layout::{CsrfToken, Layout, PageResult, SignedIn, money, render};
use crate::services::analytics::DashboardQuery;
use crate::services::platform::{Platform, platform};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_store::analytics::Seller;

#[derive(Template)]
#[template(path = "operator_analytics.html")]
struct PlatformPage {
    layout: Layout,
    from: String,
    to: String,
    span: String,
    cards: Vec<Card>,
    per_day: String,
    /// `(title key, CSV table, rows)`.
    sellers: Vec<(&'static str, &'static str, Vec<Row>)>,
    policies: Vec<Row>,
}

fn seller_rows(list: &[Seller]) -> Vec<Row> {
    list.iter()
        .map(|s| Row { cells: vec![s.name.clone(), s.orders.to_string(), money(s.gross_minor - s.refunded_minor, &s.currency)] })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<DashboardQuery>,
) -> PageResult {
    let p = platform(&state, &user, &q).await?;
    let lang = crate::i18n::current();
    let cards = total_cards(&p.totals, lang);
    let currency = p.currency.clone().unwrap_or_else(|| "CNY".into());
    let per_day = per_day_chart(&p.days, &currency, lang);
    let policies = p
        .policies
        .iter()
        .map(|v| Row {
            cells: vec![
                lang.t(&format!("operator-policy-{}", v.policy.replace('_', "-"))),
                v.impressions.to_string(),
                percent(v.hard_sell_impressions_bps),
                money(v.video_gmv_minor, &currency),
                percent(v.hard_sell_gmv_bps),
            ],
        })
        .collect();
    Ok(render(&PlatformPage {
        layout: Layout::new(Some(user), &csrf),
        span: format!("from={}&to={}&tz_offset_minutes={}", p.from, p.to, p.tz_offset_minutes),
        from: p.from.clone(),
        to: p.to.clone(),
        cards,
        per_day,
        sellers: vec![
            ("platform-top-shops", "shops", seller_rows(&p.shops)),
            ("platform-top-creators", "creators", seller_rows(&p.creators)),
            ("platform-top-leaders", "leaders", seller_rows(&p.leaders)),
        ],
        policies,
    }))
}

/// One of the page's tables as CSV, amounts in the currency's units.
pub async fn export(State(state): State<AppState>, SignedIn(user): SignedIn, Query(q): Query<ExportQuery>) -> PageResult {
    let p: Platform = platform(&state, &user, &q.span()).await?;
    let mut out = String::new();
    let sellers = |list: &[Seller], out: &mut String| {
        out.push_str("id,name,currency,orders,gmv,net_gmv\n");
        for s in list {
            let money = [amount(s.gross_minor, &s.currency), amount(s.gross_minor - s.refunded_minor, &s.currency)].join(",");
            out.push_str(&format!("{},{},{},{},{money}\n", s.id, crate::csv::text(&s.name), s.currency, s.orders));
        }
    };
    match q.table.as_str() {
        "days" => out = days_csv(&p.days),
        "shops" => sellers(&p.shops, &mut out),
        "creators" => sellers(&p.creators, &mut out),
        "leaders" => sellers(&p.leaders, &mut out),
        "policies" => {
            out.push_str("policy,impressions,hard_sell_impressions,video_net_gmv,hard_sell_net_gmv,currency\n");
            let currency = p.currency.clone().unwrap_or_default();
            for v in &p.policies {
                let money = [amount(v.video_gmv_minor, &currency), amount(v.hard_sell_gmv_minor, &currency)].join(",");
                out.push_str(&format!("{},{},{},{money},{currency}\n", v.policy, v.impressions, v.hard_sell_impressions));
            }
        }
        _ => return Err(haul_domain::DomainError::invalid("table", "days, shops, creators, leaders or policies").into()),
    }
    Ok(crate::csv::download(&format!("haul-platform-{}-{}-{}.csv", q.table, p.from, p.to), out))
}
