//! The creator's product marketplace: what pays commission and how much a
//! sale earns, and the shops' invitations to answer.

use super::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, money, render, see_other_saying};
use crate::AppState;
use crate::extract::{Path, Query};
use crate::pages::merchant::percent;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::affiliate::{PlanStatus, RateBps, commission_minor};
use serde::Deserialize;

pub struct MarketRow {
    pub product_id: i64,
    pub title: String,
    pub shop_name: String,
    pub price: String,
    pub rate: String,
    /// What one sale at the lowest price earns.
    pub earn: String,
    /// Units sold in the last 30 days, and the shoppers' rating if any.
    pub sold: String,
    pub rating: Option<String>,
    pub in_showcase: bool,
}

pub struct Invitation {
    pub id: i64,
    pub shop_name: String,
    pub covers: String,
    pub rate: String,
}

#[derive(Template)]
#[template(path = "marketplace.html")]
struct MarketPage {
    layout: Layout,
    categories: Vec<haul_store::catalog::Category>,
    category: i64,
    sort: String,
    rows: Vec<MarketRow>,
    invitations: Vec<Invitation>,
}

#[derive(Deserialize, Default)]
pub struct MarketFilter {
    /// A category's number; empty for all.
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    sort: Option<String>,
}

pub async fn marketplace(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Query(filter): Query<MarketFilter>,
) -> PageResult {
    let lang = crate::i18n::current();
    let mine: Vec<i64> = state.db.showcase(user.user_id()).await?.iter().map(|i| i.product_id).collect();
    let sort = filter.sort.clone().unwrap_or_default();
    let category = match filter.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(text) => Some(text.parse::<i64>().map_err(|_| haul_domain::DomainError::invalid("category", "a category from the list"))?),
        None => None,
    };
    let rows = crate::services::affiliate::marketplace(&state, category, Some(&sort), 100)
        .await?
        .into_iter()
        .map(|m| {
            let earn = RateBps::parse(m.rate_bps).map(|r| commission_minor(m.min_price_minor, r)).unwrap_or(0);
            MarketRow {
                product_id: m.product_id,
                title: m.title,
                shop_name: m.shop_name,
                price: money(m.min_price_minor, &m.currency),
                rate: lang.t_with("market-rate", "rate", percent(m.rate_bps)),
                earn: lang.t_with("market-earn", "amount", money(earn, &m.currency)),
                sold: lang.t_with("market-sold", "n", m.units_30d),
                rating: m
                    .rating_centi
                    .map(|c| lang.t_args("market-rating", &[("stars", format!("{:.1}", c as f64 / 100.0)), ("n", m.ratings.to_string())])),
                in_showcase: mine.contains(&m.product_id),
            }
        })
        .collect();
    let mut invitations = Vec::new();
    for p in state.db.plans_of_creator(user.user_id()).await?.into_iter().filter(|p| p.status == PlanStatus::Invited) {
        let shop_name = state.db.shop(haul_domain::ids::ShopId(p.shop_id)).await?.name;
        let covers = match p.product_id {
            Some(id) => state.db.product(haul_domain::ids::ProductId(id)).await?.title,
            None => lang.t("plans-whole-shop"),
        };
        invitations.push(Invitation { id: p.id, shop_name, covers, rate: lang.t_with("market-rate", "rate", percent(p.rate_bps)) });
    }
    let categories = state.db.categories().await?;
    let category = category.unwrap_or(0);
    Ok(render(&MarketPage { layout: Layout::new(Some(user), &csrf), categories, category, sort, rows, invitations }))
}

#[derive(Deserialize)]
pub struct AnswerForm {
    accept: bool,
}

pub async fn answer(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<AnswerForm>,
) -> PageResult {
    state.db.answer_invitation(id, user.user_id(), f.accept).await?;
    let notice = crate::i18n::current().t(if f.accept { "market-accepted" } else { "market-declined" });
    Ok(see_other_saying("/studio/marketplace", &notice))
}

#[derive(Deserialize)]
pub struct ShowcaseForm {
    product_id: i64,
    /// `add` or `remove`.
    then: String,
}

pub async fn showcase(State(state): State<AppState>, SignedIn(user): SignedIn, CheckedForm(f): CheckedForm<ShowcaseForm>) -> PageResult {
    let lang = crate::i18n::current();
    let notice = if f.then == "remove" {
        state.db.remove_from_showcase(user.user_id(), haul_domain::ids::ProductId(f.product_id)).await?;
        lang.t("showcase-removed")
    } else {
        crate::services::affiliate::add_to_showcase(&state, &user, f.product_id).await?;
        lang.t("showcase-added")
    };
    Ok(see_other_saying(&format!("/studio/marketplace#product-{}", f.product_id), &notice))
}
