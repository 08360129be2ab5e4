//! Community campaigns: a leader publishes one over a store's offer,
//! residents order from it, and the leader hands orders over against their
//! pickup codes (with the guessing limit).

use crate::AppState;
use crate::auth::random_u32;
use crate::error::{AppError, AppResult};
use crate::services::community::{led_by, visible_community};
use haul_domain::ErrorCode;
use haul_domain::community::{TimeOfDay, local_date, next_cutoff};
use haul_domain::ids::{CampaignId, CommunityId, ShopId, SkuId};
use haul_domain::inventory::Quantity;
use haul_domain::orders::OrderStatus;
use haul_domain::signing::to_hex;
use haul_domain::{DomainError, Timestamp};
use haul_store::accounts::User;
use haul_store::community::{CampaignDetail, CampaignOrder, Community, NewCampaign, PickupEntry};
use haul_store::orders::{Order, Placed};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

#[derive(Deserialize, Serialize, ToSchema)]
pub struct ItemInput {
    pub sku_id: i64,
    /// The leader's price; the store's price when absent.
    pub price_minor: Option<i64>,
    /// Units this product needs, else its lines are refunded at the close.
    #[serde(default)]
    pub threshold_units: i64,
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct NewCampaignInput {
    pub shop_id: i64,
    pub title: String,
    /// A local time of day such as `23:00`: the next one in the leader's time zone...
    pub cutoff: Option<String>,
    /// ...or an exact instant in Unix milliseconds.
    pub cutoff_at: Option<i64>,
    /// `YYYY-MM-DD`; the day after the cut-off by default.
    pub delivery_date: Option<String>,
    /// Units the whole campaign needs; 0 for none.
    #[serde(default)]
    pub threshold_units: i64,
    pub items: Vec<ItemInput>,
}

/// Validates and publishes a campaign in the leader's community; shared with the pages.
pub async fn publish(state: &AppState, user: &User, input: &NewCampaignInput) -> AppResult<CampaignDetail> {
    let community = state
        .db
        .community_of_leader(user.user_id())
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotALeader, "apply to lead a community first; an operator approves it"))?;
    let now = state.clock.now();
    let cutoff = match (&input.cutoff, input.cutoff_at) {
        (Some(t), None) => next_cutoff(now, TimeOfDay::parse(t)?, community.utc_offset_minutes)?,
        (None, Some(ms)) => Timestamp::from_millis(ms),
        _ => return Err(DomainError::invalid("cutoff", "give either cutoff (such as 23:00) or cutoff_at").into()),
    };
    let earliest = local_date(cutoff, community.utc_offset_minutes);
    let delivery_date = match input.delivery_date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => local_date(cutoff.plus_seconds(86_400), community.utc_offset_minutes),
        Some(d) if is_date(d) && d >= earliest.as_str() => d.to_owned(),
        Some(_) => return Err(DomainError::invalid("delivery_date", format!("a date (YYYY-MM-DD) from {earliest} on")).into()),
    };
    if input.threshold_units < 0 || input.items.iter().any(|i| i.threshold_units < 0) {
        return Err(DomainError::invalid("threshold_units", "thresholds are zero or more").into());
    }
    if input.items.iter().any(|i| i.price_minor.is_some_and(|p| !(0..=haul_domain::money::MAX_MINOR).contains(&p))) {
        return Err(DomainError::AmountOutOfRange.into());
    }
    let title = haul_domain::accounts::text("title", &input.title, 120)?;
    let new = NewCampaign {
        shop: ShopId(input.shop_id),
        title: &title,
        cutoff_at: cutoff,
        delivery_date,
        threshold_units: input.threshold_units,
        commission_bps: state.config.leader_commission_bps,
        items: input.items.iter().map(|i| (SkuId(i.sku_id), i.price_minor, i.threshold_units)).collect(),
    };
    Ok(state.db.create_campaign(&community, &new, now).await?)
}

fn is_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && matches!(d[5..7].parse::<u32>(), Ok(1..=12))
        && matches!(d[8..10].parse::<u32>(), Ok(1..=31))
}

/// A campaign and its community, if `viewer` may see them.
pub async fn visible_campaign(state: &AppState, viewer: Option<&User>, id: CampaignId) -> AppResult<(CampaignDetail, Community)> {
    let detail = state.db.campaign(id).await?;
    let community = visible_community(state, viewer, CommunityId(detail.campaign.community_id)).await?;
    Ok((detail, community))
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct OrderLineInput {
    /// A campaign item's id (not the SKU's).
    pub item_id: i64,
    pub quantity: i64,
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct CampaignOrderInput {
    pub items: Vec<OrderLineInput>,
}

/// A resident's order; shared with the community page.
pub async fn place(state: &AppState, user: &User, id: CampaignId, input: &CampaignOrderInput, key: &str) -> AppResult<Placed> {
    let mut lines = Vec::with_capacity(input.items.len());
    for l in &input.items {
        lines.push((l.item_id, Quantity::parse(l.quantity)?));
    }
    lines.sort_by_key(|l| l.0);
    if lines.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(DomainError::invalid("items", "each item once; set its quantity instead").into());
    }
    let hash = to_hex(&Sha256::digest(serde_json::to_vec(input).unwrap_or_default()));
    let now = state.clock.now();
    let order = CampaignOrder {
        buyer: user.user_id(),
        lines: &lines,
        idempotency: (key, &hash),
        random: random_u32(),
        pay_by: now.plus_seconds(state.config.payment_timeout_seconds),
        now,
    };
    let placed = state.db.order_from_campaign(id, order).await?;
    if placed.is_new() {
        crate::services::analytics::order_placed(state, placed.order());
    }
    Ok(placed)
}

#[derive(Serialize, ToSchema)]
pub struct PickupView {
    #[serde(flatten)]
    pub entry: PickupEntry,
    /// Waiting at the pickup point longer than the configured grace.
    pub uncollected: bool,
}

/// The pickup list with the uncollected flag; shared with the leader console.
pub async fn pickup_views(state: &AppState, id: CampaignId) -> AppResult<Vec<PickupView>> {
    let grace_ms = state.config.pickup_grace_hours * 3_600_000;
    let now = state.clock.now().millis();
    let list = state.db.pickup_list(id).await?;
    Ok(list
        .into_iter()
        .map(|entry| PickupView {
            uncollected: entry.status == OrderStatus::ReadyForPickup && entry.ready_at.is_some_and(|r| now >= r + grace_ms),
            entry,
        })
        .collect())
}

/// The leader of the campaign's community (or an operator).
pub async fn leader_of(state: &AppState, user: &User, id: CampaignId) -> AppResult<CampaignDetail> {
    let detail = state.db.campaign(id).await?;
    led_by(state, user, CommunityId(detail.campaign.community_id)).await?;
    Ok(detail)
}

/// Hands an order over; shared with the leader console.
pub async fn hand_over(state: &AppState, user: &User, id: CampaignId, code: &str) -> AppResult<Order> {
    let detail = leader_of(state, user, id).await?;
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DomainError::invalid("code", "the six digits on the resident's order").into());
    }
    let community = state.db.community(CommunityId(detail.campaign.community_id)).await?;
    // Six digits can be guessed: wrong codes are limited per campaign and
    // per leader (counted before the lookup), and logged.
    let (by_campaign, by_leader) = (format!("pickup:campaign:{}", id.get()), format!("pickup:leader:{}", community.leader_id));
    let free = state.config.pickup_code_attempts;
    if let Err(wait_seconds) = state.code_limiter.reserve(&[(&by_campaign, free), (&by_leader, free)]) {
        return Err(AppError::new(ErrorCode::TooManyAttempts, format!("too many wrong pickup codes; try again in {wait_seconds} s")));
    }
    let result = state.db.verify_pickup(id, code, haul_domain::ids::UserId(community.leader_id), state.clock.now()).await;
    match &result {
        Err(haul_store::StoreError::Conflict { code: ErrorCode::PickupCodeUnknown, .. }) => {
            tracing::warn!(campaign = id.get(), leader = community.leader_id, by = user.id, "wrong pickup code");
        }
        _ => {
            state.code_limiter.give_back(&by_campaign);
            state.code_limiter.give_back(&by_leader);
        }
    }
    Ok(result?)
}
