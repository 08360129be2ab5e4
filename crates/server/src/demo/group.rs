//! Group buying in the demo: a team price on the apples with a team already
//! forming, Sunny Orchard placed in Beijing with a 3 km radius, and Auntie
//! Zhang's approved community a kilometre away with a campaign that closes
//! at the next 23:00 Beijing time, over the products the orchard offers
//! leaders.

use super::{Result, Text};
use crate::AppState;
use haul_domain::Timestamp;
use haul_domain::community::{GeoPoint, TimeOfDay, local_date, next_cutoff};
use haul_domain::group_buy::TeamTerms;
use haul_domain::ids::{CommunityId, ShopId, SkuId, UserId};
use haul_store::community::{NewCampaign, NewCommunity};
use haul_store::orders::Placed;
use haul_store::teams::SeatRequest;

pub struct People {
    pub leader: UserId,
    pub operator: UserId,
    pub shopper: UserId,
}

pub async fn fill(state: &AppState, fruit: ShopId, skus: &[SkuId], people: People, zh: bool, now: Timestamp) -> Result<()> {
    // Pinduoduo style: 3 people at ¥24.90 instead of ¥29.90 (12 apples).
    let terms = TeamTerms::parse(3, 3, 24 * 3600, 2490, vec![])?;
    let offer = state.db.create_team_offer(fruit, skus[2], &terms, now).await?;
    // Jingxi style on the mangoes: 2 to go ahead, cheaper as up to 6 join.
    let tiers = TeamTerms::parse(2, 6, 24 * 3600, 3290, vec![(4, 2990), (6, 2690)])?;
    state.db.create_team_offer(fruit, skus[4], &tiers, now).await?;
    let seat = SeatRequest {
        buyer: people.shopper,
        idempotency: ("demo-team", "demo"),
        ship_to: None,
        pay_by: now.plus_seconds(state.config.payment_timeout_seconds),
        now,
    };
    if let Placed::New(order) = state.db.open_team(haul_domain::ids::TeamOfferId(offer.id), seat).await? {
        super::pay(state, &order.order, now).await?;
    }

    state
        .db
        .set_shop_location(
            fruit,
            GeoPoint::parse(39.9087, 116.3975)?,
            super::Text("8 Guoyuan Lane, Dongcheng, Beijing", "北京市东城区果园胡同 8 号").pick(zh),
            3000,
        )
        .await?;
    let application = NewCommunity {
        name: Text("Sanlitun North", "三里屯北区").pick(zh),
        area: Text("Chaoyang, Beijing", "北京市朝阳区").pick(zh),
        pickup_address: Text("Gate 2, Building 5, Sanlitun North", "三里屯北区 5 号楼 2 号门").pick(zh),
        pickup_hours: Text("Daily 08:00-21:00", "每天 08:00-21:00").pick(zh),
        point: GeoPoint::parse(39.9149, 116.4105)?,
        utc_offset_minutes: 8 * 60,
    };
    let community = state.db.apply_to_lead(people.leader, &application, now).await?;
    let community = state.db.decide_community(CommunityId(community.id), true, people.operator, now).await?;
    state.db.join_community(CommunityId(community.id), people.shopper, now).await?;
    // What the orchard lets leaders sell, and from which price.
    for (sku, min_price_minor) in [(skus[0], 1590), (skus[1], 1790), (skus[4], 2990)] {
        state.db.set_leader_offer(fruit, sku, min_price_minor, now).await?;
    }
    let cutoff = next_cutoff(now, TimeOfDay::hm(23, 0)?, community.utc_offset_minutes)?;
    let campaign = NewCampaign {
        shop: fruit,
        title: Text("Tomorrow's fruit from Sunny Orchard", "阳光果园 · 明日鲜果团").pick(zh),
        cutoff_at: cutoff,
        delivery_date: local_date(cutoff.plus_seconds(86_400), community.utc_offset_minutes),
        threshold_units: 10,
        commission_bps: state.config.leader_commission_bps,
        items: vec![(skus[0], Some(1690), 0), (skus[1], None, 0), (skus[4], Some(3290), 5)],
    };
    state.db.create_campaign(&community, &campaign, now).await?;
    Ok(())
}
