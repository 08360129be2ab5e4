//! The group leader's console: apply, publish campaigns from a store that
//! reaches the pickup point, follow orders by resident, read the supply
//! order, mark the delivery arrived, hand orders over against pickup codes,
//! and see the commission earned.

use crate::AppState;
use crate::extract::{Path, Query};
use crate::pages::layout::see_other_saying;
use crate::pages::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, money, render, see_other};
use crate::services::campaigns::{ItemInput, NewCampaignInput, PickupView, hand_over, leader_of, pickup_views, publish};
use crate::services::community::{ApplyInput, apply_to_lead};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::Money;
use haul_domain::community::CommunityStatus;
use haul_domain::ids::{CampaignId, CommunityId, ShopId};
use haul_domain::page::PageRequest;
use haul_store::accounts::User;
use haul_store::community::{Campaign, Community, ServingShop, SupplyLine};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "leader.html")]
struct Console {
    layout: Layout,
    community: Option<Community>,
    /// The community's UTC offset in minutes: cut-offs are in its time.
    zone_offset: i64,
    /// The application's status; empty before applying.
    status: String,
    commission: String,
    stores: Vec<ServingShop>,
    /// The store picked for a new campaign, and its `(sku id, label, price)`.
    picked: Option<ServingShop>,
    picked_id: i64,
    /// What the picked store offers leaders: (sku, name, store price, lowest price).
    skus: Vec<(i64, String, String, String)>,
    campaigns: Vec<CampaignRow>,
    error: Option<String>,
}

/// A campaign with what it sold (net of refunds) and what the leader earned on it.
pub struct CampaignRow {
    pub c: Campaign,
    pub orders: i64,
    pub sales: String,
    pub earned: String,
}

#[derive(Deserialize)]
pub struct ConsoleQuery {
    shop: Option<i64>,
}

async fn console(state: &AppState, user: User, csrf: &CsrfToken, shop: Option<i64>, error: Option<String>) -> PageResult {
    let community = state.db.community_of_leader(user.user_id()).await?;
    let (mut stores, mut campaigns, mut skus, mut picked) = (Vec::new(), Vec::new(), Vec::new(), None);
    if let Some(c) = community.as_ref().filter(|c| c.status == CommunityStatus::Approved) {
        stores = state.db.serving_shops(c).await?;
        campaigns = state.db.campaigns_of_community(CommunityId(c.id), &PageRequest::parse(Some(50), None)?).await?.items;
        picked = stores.iter().find(|s| Some(s.shop_id) == shop).cloned();
        if let Some(s) = &picked {
            // Only what the store offers leaders, with its lowest price.
            for o in state.db.leader_offers(ShopId(s.shop_id)).await? {
                let name = format!("{} {}", o.title, o.options);
                skus.push((o.sku_id, name, money(o.price_minor, &o.currency), money(o.min_price_minor, &o.currency)));
            }
        }
    }
    let commission = state
        .db
        .leader_commission(user.user_id())
        .await?
        .iter()
        .map(|(c, total, n)| crate::i18n::current().t_args("leader-commission-on", &[("amount", money(*total, c)), ("n", n.to_string())]))
        .collect::<Vec<_>>()
        .join(", ");
    let earned: HashMap<i64, _> = state
        .db
        .earnings_by_content(user.user_id())
        .await?
        .into_iter()
        .filter(|e| e.touch_kind == haul_domain::affiliate::TouchKind::Community)
        .map(|e| (e.touch_id, e))
        .collect();
    let campaigns = campaigns
        .into_iter()
        .map(|c| {
            let e = earned.get(&c.id);
            CampaignRow {
                orders: e.map_or(0, |e| e.orders),
                sales: e.map(|e| money(e.sales_minor, &e.currency)).unwrap_or_default(),
                earned: e.map(|e| money(e.net_minor, &e.currency)).unwrap_or_default(),
                c,
            }
        })
        .collect();
    let status = community.as_ref().map(|c| c.status.as_str().to_owned()).unwrap_or_default();
    let picked_id = picked.as_ref().map_or(0, |p| p.shop_id);
    Ok(render(&Console {
        layout: Layout::new(Some(user), csrf),
        zone_offset: community.as_ref().map_or(crate::services::community::DEFAULT_UTC_OFFSET_MINUTES, |c| c.utc_offset_minutes),
        community,
        status,
        commission,
        stores,
        picked,
        picked_id,
        skus,
        campaigns,
        error,
    }))
}

pub async fn index(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<ConsoleQuery>,
) -> PageResult {
    console(&state, user, &csrf, q.shop, None).await
}

#[derive(Deserialize)]
pub struct ApplyForm {
    name: String,
    area: String,
    pickup_address: String,
    pickup_hours: String,
    lat: String,
    lng: String,
}

pub async fn apply(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    CheckedForm(f): CheckedForm<ApplyForm>,
) -> PageResult {
    let coordinate = |t: &str| t.trim().parse::<f64>().unwrap_or(f64::NAN);
    let input = ApplyInput {
        name: f.name,
        area: f.area,
        pickup_address: f.pickup_address,
        pickup_hours: f.pickup_hours,
        lat: coordinate(&f.lat),
        lng: coordinate(&f.lng),
        utc_offset_minutes: None,
    };
    match apply_to_lead(&state, &user, &input).await {
        Ok(_) => Ok(see_other("/leader")),
        Err(e) => console(&state, user, &csrf, None, Some(e.localized_message())).await,
    }
}

/// The new-campaign form: `pick_<sku>` checked, `price_<sku>` (blank for the
/// store's price), `min_<sku>` units the product needs.
pub async fn create(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    CheckedForm(f): CheckedForm<HashMap<String, String>>,
) -> PageResult {
    let field = |k: &str| f.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let shop = field("shop_id").parse::<i64>().unwrap_or(0);
    let result = async {
        let currency = state.db.shop(ShopId(shop)).await?.currency;
        let mut items = Vec::new();
        for sku in f.keys().filter_map(|k| k.strip_prefix("pick_")).filter_map(|s| s.parse::<i64>().ok()) {
            let price = field(&format!("price_{sku}"));
            let price_minor = if price.is_empty() { None } else { Some(Money::parse_decimal(&price, &currency)?.minor) };
            items.push(ItemInput { sku_id: sku, price_minor, threshold_units: field(&format!("min_{sku}")).parse().unwrap_or(0) });
        }
        items.sort_by_key(|i| i.sku_id);
        let input = NewCampaignInput {
            shop_id: shop,
            title: field("title"),
            cutoff: Some(field("cutoff")),
            cutoff_at: None,
            delivery_date: Some(field("delivery_date")),
            threshold_units: field("threshold_units").parse().unwrap_or(0),
            items,
        };
        publish(&state, &user, &input).await
    }
    .await;
    match result {
        Ok(c) => Ok(see_other(&format!("/leader/campaigns/{}", c.campaign.id))),
        Err(e) => console(&state, user, &csrf, Some(shop), Some(e.localized_message())).await,
    }
}

#[derive(Template)]
#[template(path = "leader_campaign.html")]
struct CampaignPage {
    layout: Layout,
    k: crate::pages::community::CampaignCard,
    list: Vec<PickupView>,
    supply: Vec<SupplyLine>,
    supply_total: String,
    currency: String,
    /// When the delivery arrived, as the page's `<time>`; empty before.
    arrived: String,
}

pub async fn campaign(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    let detail = leader_of(&state, &user, CampaignId(id)).await?;
    let list = pickup_views(&state, CampaignId(id)).await?;
    let currency = state.db.shop(ShopId(detail.campaign.shop_id)).await?.currency;
    let (supply, supply_total) = match state.db.supply_order_of_campaign(CampaignId(id)).await? {
        Some((o, lines)) => (lines, money(o.total_minor, &o.currency)),
        None => (Vec::new(), String::new()),
    };
    let arrived =
        detail.campaign.arrived_at.map(|at| format!(r#"<time data-ms="{at}">{}</time>"#, crate::pages::when(at))).unwrap_or_default();
    let offset = state.db.community(CommunityId(detail.campaign.community_id)).await?.utc_offset_minutes;
    let k = crate::pages::community::card(detail, state.clock.now().millis(), offset);
    let layout = Layout::new(Some(user), &csrf);
    Ok(render(&CampaignPage { layout, k, list, supply, supply_total, currency, arrived }))
}

pub async fn arrived(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(_): CheckedForm<crate::pages::layout::NoFields>,
) -> PageResult {
    leader_of(&state, &user, CampaignId(id)).await?;
    let ready = state.db.mark_arrived(CampaignId(id), state.clock.now()).await?;
    crate::services::mail_notices::ready_for_pickup(&state, &ready).await;
    let n = ready.len();
    let notice = crate::i18n::current().t_with("leader-arrived-notice", "n", n);
    Ok(see_other_saying(&format!("/leader/campaigns/{id}"), &notice))
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

pub async fn pickup(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<CodeForm>,
) -> PageResult {
    let notice = match hand_over(&state, &user, CampaignId(id), &f.code).await {
        Ok(o) => crate::i18n::current().t_with("leader-handed-over", "id", o.id),
        Err(e) => e.localized_message(),
    };
    Ok(see_other_saying(&format!("/leader/campaigns/{id}"), &notice))
}
