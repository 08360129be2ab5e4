//! The public best-seller lists (figures from `services::analytics`).

use super::layout::{CsrfToken, Layout, PageResult, money, render};
use crate::AppState;
use crate::auth::WebUser;
use crate::extract::Query;
use crate::services::analytics::{self as figures, BestSellersQuery};
use askama::Template;
use axum::Extension;
use axum::extract::State;
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
