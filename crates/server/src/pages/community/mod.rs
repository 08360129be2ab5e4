//! Community group purchase pages: residents find a community, join it and
//! order from its current campaign before the cut-off (`mod.rs`); the
//! leader's console (`leader.rs`). Leaders' applications are decided in
//! the operator's console.

pub mod leader;

use super::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, form_key, money, render, see_other, to_order};
use crate::AppState;
use crate::auth::WebUser;
use crate::extract::Path;
use crate::services::campaigns::{CampaignOrderInput, OrderLineInput, place};
use crate::services::community::visible_community;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::community::CampaignStatus;
use haul_domain::community::CommunityStatus;
use haul_domain::ids::{CampaignId, CommunityId};
use haul_domain::page::PageRequest;
use haul_store::community::{CampaignDetail, Community};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "communities.html")]
struct ListPage {
    layout: Layout,
    communities: Vec<Community>,
}

pub async fn list(State(state): State<AppState>, WebUser(user): WebUser, Extension(csrf): Extension<CsrfToken>) -> PageResult {
    let communities = state.db.communities(CommunityStatus::Approved, &PageRequest::parse(Some(100), None)?).await?.items;
    Ok(render(&ListPage { layout: Layout::new(user, &csrf), communities }))
}

/// A campaign's status as a word of the page's language.
pub fn campaign_status(status: CampaignStatus) -> String {
    let lang = crate::i18n::current();
    match status {
        CampaignStatus::Open => lang.t("community-status-open"),
        CampaignStatus::Closing => lang.t("community-status-closing"),
        CampaignStatus::Succeeded => lang.t("community-status-succeeded"),
        CampaignStatus::Failed => lang.t("community-status-failed"),
    }
}

/// A campaign as residents see it.
pub struct CampaignCard {
    pub d: CampaignDetail,
    pub open: bool,
    /// `(item id, title, options, price, store price if different, ordered, threshold)`
    pub items: Vec<(i64, String, String, String, String, i64, i64)>,
    pub cutoff: String,
    pub key: String,
}

/// A campaign's cut-off as the pickup point's clock shows it, the zone named:
/// leaders and residents agree on it wherever their phones are set.
pub fn cutoff_text(cutoff_ms: i64, utc_offset_minutes: i64) -> String {
    use haul_domain::community::{local_date_time, zone_name};
    let at = haul_domain::Timestamp::from_millis(cutoff_ms);
    crate::i18n::current()
        .t_args("community-cutoff-at", &[("time", local_date_time(at, utc_offset_minutes)), ("zone", zone_name(utc_offset_minutes))])
}

pub fn card(d: CampaignDetail, now_ms: i64, utc_offset_minutes: i64) -> CampaignCard {
    let items = d
        .items
        .iter()
        .map(|i| {
            let store = if i.store_price_minor != i.price_minor { money(i.store_price_minor, &i.currency) } else { String::new() };
            (i.id, i.title.clone(), i.options.clone(), money(i.price_minor, &i.currency), store, i.ordered_units, i.threshold_units)
        })
        .collect();
    CampaignCard {
        open: d.campaign.status == CampaignStatus::Open && now_ms < d.campaign.cutoff_at,
        cutoff: cutoff_text(d.campaign.cutoff_at, utc_offset_minutes),
        key: crate::auth::random_token()[..32].to_owned(),
        items,
        d,
    }
}

#[derive(Template)]
#[template(path = "community.html")]
struct CommunityPage {
    layout: Layout,
    c: Community,
    member: bool,
    campaigns: Vec<CampaignCard>,
}

pub async fn community(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> PageResult {
    let c = visible_community(&state, user.as_ref(), CommunityId(id)).await?;
    let member = match &user {
        Some(u) => state.db.is_member(CommunityId(id), u.user_id()).await?,
        None => false,
    };
    let now = state.clock.now().millis();
    let mut campaigns = Vec::new();
    for summary in state.db.campaigns_of_community(CommunityId(id), &PageRequest::parse(Some(10), None)?).await?.items {
        campaigns.push(card(state.db.campaign(CampaignId(summary.id)).await?, now, c.utc_offset_minutes));
    }
    Ok(render(&CommunityPage { layout: Layout::new(user, &csrf), c, member, campaigns }))
}

pub async fn join(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(_): CheckedForm<super::layout::NoFields>,
) -> PageResult {
    state.db.join_community(CommunityId(id), user.user_id(), state.clock.now()).await?;
    Ok(see_other(&format!("/communities/{id}")))
}

/// `/campaigns/{id}` is shown on its community's page.
pub async fn campaign(State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let d = state.db.campaign(CampaignId(id)).await?;
    Ok(see_other(&format!("/communities/{}#campaign-{id}", d.campaign.community_id)))
}

/// The order form: `q_<item id>` quantities, blank or 0 for none.
pub async fn order(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<HashMap<String, String>>,
) -> PageResult {
    let mut items = Vec::new();
    for (k, v) in &f {
        if let (Some(item), Ok(quantity)) = (k.strip_prefix("q_").and_then(|i| i.parse().ok()), v.trim().parse::<i64>())
            && quantity != 0
        {
            items.push(OrderLineInput { item_id: item, quantity });
        }
    }
    let key = form_key(f.get("key").map(String::as_str).unwrap_or(""));
    let placed = place(&state, &user, CampaignId(id), &CampaignOrderInput { items }, &key).await?;
    Ok(to_order(&placed))
}
