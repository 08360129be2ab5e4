//! The shop's commission plans on its console page: what it pays creators
//! (open to all or offered to one, per product or shop-wide), and a rate
//! change that creators see coming.

use crate::AppState;
use crate::extract::Path;
use crate::i18n::Lang;
use crate::pages::layout::{CheckedForm, PageResult, SignedIn, id_in, see_other_saying};
use crate::services::affiliate::{PlanInput, create_plan, rate_now, set_rate};
use axum::extract::State;
use haul_domain::DomainError;
use haul_domain::affiliate::PlanStatus;
use haul_domain::ids::ShopId;
use haul_store::catalog::ProductSummary;
use serde::Deserialize;

/// A plan as the console lists it.
pub struct PlanRow {
    pub id: i64,
    /// The product's title, or "the whole shop".
    pub covers: String,
    /// "Open to every creator", or the invited creator's name.
    pub who: String,
    pub status: String,
    /// The rate set last, as a percentage.
    pub rate: String,
    /// When a cut is still in its notice: the rate creators get until then.
    pub in_force: Option<String>,
}

/// A creator who sold the shop's products, as the console ranks them.
pub struct CreatorRow {
    pub name: String,
    pub href: String,
    pub orders: i64,
    pub sales: String,
    pub pending: String,
    pub released: String,
}

pub async fn creator_rows(state: &AppState, shop: ShopId) -> crate::error::AppResult<Vec<CreatorRow>> {
    let money = crate::pages::layout::money;
    Ok(state
        .db
        .creators_of_shop(shop)
        .await?
        .into_iter()
        .map(|c| CreatorRow {
            href: format!("/creators/{}", c.creator_id),
            name: c.display_name,
            orders: c.orders,
            sales: money(c.sales_minor, &c.currency),
            pending: money(c.pending_minor, &c.currency),
            released: money(c.released_minor, &c.currency),
        })
        .collect())
}

pub async fn plan_rows(state: &AppState, shop: ShopId, products: &[ProductSummary]) -> crate::error::AppResult<Vec<PlanRow>> {
    let lang = crate::i18n::current();
    let mut rows = Vec::new();
    for p in state.db.plans_of_shop(shop).await? {
        let covers = match p.product_id {
            Some(id) => products.iter().find(|x| x.id == id).map(|x| x.title.clone()).unwrap_or_else(|| format!("#{id}")),
            None => lang.t("plans-whole-shop"),
        };
        let who = match p.creator_id {
            Some(id) => state.db.user(haul_domain::ids::UserId(id)).await?.display_name,
            None => lang.t("plans-open"),
        };
        let in_force = rate_now(state, p.id).await?.filter(|r| *r != p.rate_bps).map(percent);
        rows.push(PlanRow { id: p.id, covers, who, status: status_word(lang, p.status), rate: percent(p.rate_bps), in_force });
    }
    Ok(rows)
}

fn status_word(lang: Lang, s: PlanStatus) -> String {
    lang.t(&format!("plan-status-{s}"))
}

/// "20%" or "12.5%" for basis points.
pub fn percent(bps: i64) -> String {
    let text = format!("{}.{:02}", bps / 100, bps % 100);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// Basis points from a percentage as typed ("20", "12.5", "8%").
fn parse_percent(text: &str) -> Result<i64, DomainError> {
    let bad = || DomainError::invalid("rate", "a percentage between 1 and 80, such as 20 or 12.5");
    let t = text.trim().trim_end_matches(['%', '％']).trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || whole.len() > 3 || frac.len() > 2 || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| bad())? };
    Ok(whole * 100 + frac)
}

#[derive(Deserialize)]
pub struct PlanForm {
    /// A product's number, or empty for the whole shop.
    #[serde(default)]
    product: String,
    /// A creator's number or profile link, or empty for an open plan.
    #[serde(default)]
    creator: String,
    rate: String,
}

pub async fn add(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<PlanForm>,
) -> PageResult {
    let product = Some(f.product.trim()).filter(|p| !p.is_empty()).map(|p| id_in(p, "product", "a product")).transpose()?;
    let creator =
        Some(f.creator.trim()).filter(|c| !c.is_empty()).map(|c| id_in(c, "creator", "a creator's number or profile link")).transpose()?;
    let input = PlanInput { product_id: product, creator_id: creator, rate_bps: parse_percent(&f.rate)?, flat_fee_minor: 0 };
    let plan = create_plan(&state, &user, ShopId(id), &input).await?;
    let notice = crate::i18n::current().t_with("plans-added", "rate", percent(plan.rate_bps));
    Ok(see_other_saying(&format!("/merchant/shops/{id}#plans"), &notice))
}

#[derive(Deserialize)]
pub struct RateForm {
    rate: String,
}

pub async fn change(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(plan): Path<i64>,
    CheckedForm(f): CheckedForm<RateForm>,
) -> PageResult {
    let old = state.db.plan(plan).await?;
    let new = set_rate(&state, &user, plan, parse_percent(&f.rate)?).await?;
    let lang = crate::i18n::current();
    let notice = if new.rate_bps < old.rate_bps {
        lang.t_args("plans-cut", &[("rate", percent(new.rate_bps)), ("days", state.config.commission_notice_days.to_string())])
    } else {
        lang.t_with("plans-changed", "rate", percent(new.rate_bps))
    };
    Ok(see_other_saying(&format!("/merchant/shops/{}#plans", new.shop_id), &notice))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_read_and_print_both_ways() {
        for (text, bps) in [("20", 2000), ("12.5", 1250), ("8%", 800), (" 1.25 ", 125), ("80", 8000)] {
            assert_eq!(parse_percent(text), Ok(bps), "{text}");
        }
        for bad in ["", "abc", "1.234", "-5", "1e3"] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
        assert_eq!(percent(2000), "20%");
        assert_eq!(percent(1250), "12.5%");
        assert_eq!(percent(125), "1.25%");
    }
}
