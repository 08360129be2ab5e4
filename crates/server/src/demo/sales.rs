//! Four weeks of sales in the demo, so the best-seller lists and the
//! merchants' dashboards have something to show: neighbours buy fruit and
//! tea every day (some from the farmer's video or the orchard's live room),
//! each order paid through the sandbox, shipped and received; now and then
//! a shop refunds part of one. Placed through the one order path at the
//! time they happened, then counted by the analytics worker. What shoppers
//! did before buying (feed impressions, product views, cart adds) is
//! counted around each order, and last week's live session of the orchard
//! is played minute by minute: viewers coming and going, chat and likes,
//! orders from the room.

use super::{Result, Text};
use crate::AppState;
use haul_domain::Timestamp;
use haul_domain::accounts::Role;
use haul_domain::delivery::Address;
use haul_domain::ids::{OrderId, SkuId, UserId};
use haul_domain::inventory::Quantity;
use haul_store::orders::{Checkout, Placed, Receive};
use std::collections::HashMap;

const DAY: i64 = 86_400;
const DAYS: i64 = 28;

/// Who else buys, and where it goes: `(login, name, phone, province, city, district, street)`.
const NEIGHBOURS: [(&str, Text, &str, &str, &str, &str, &str); 4] = [
    ("zhou@haul.demo", Text("Ms Zhou", "周姐"), "13900139011", "ZJ", "杭州市", "西湖区", "文三路 90 号 3 幢 502 室"),
    ("liu@haul.demo", Text("Xiao Liu", "小刘"), "13900139012", "BJ", "北京市", "朝阳区", "三里屯北路 5 号楼 1 单元 301"),
    ("chen@haul.demo", Text("Grandpa Chen", "陈大爷"), "13900139013", "SC", "成都市", "武侯区", "玉林北路 12 号 2 栋 6 楼"),
    ("he@haul.demo", Text("He Jing", "何静"), "13900139014", "GD", "广州市", "天河区", "天河北路 233 号 1808 室"),
];

/// What sells: the orchard's and the tea house's products (those stocked for a month of it).
pub struct Stock<'a> {
    pub fruit: &'a [SkuId],
    pub tea: &'a [SkuId],
    /// A video of the farmer's and the orchard's room with its host.
    pub video: Option<i64>,
    pub room: (i64, i64),
    /// The orchard's session last week (half an hour from its start), for its report.
    pub session: (i64, Timestamp),
    /// Who refunds for each shop: the orchard's owner, the tea house's.
    pub owners: [UserId; 2],
}

pub async fn fill(
    state: &AppState,
    hash: &str,
    regulars: &HashMap<UserId, Address>,
    stock: &Stock<'_>,
    zh: bool,
    now: Timestamp,
) -> Result<usize> {
    let mut homes = regulars.clone();
    let mut buyers: Vec<UserId> = regulars.keys().copied().collect();
    buyers.sort();
    for (login, name, phone, province, city, district, street) in NEIGHBOURS {
        let buyer = super::user(state, hash, login, name.pick(zh), Role::Shopper).await?;
        let home = Address {
            recipient: name.pick(zh).into(),
            phone: phone.into(),
            country: "CN".into(),
            province: province.into(),
            city: city.into(),
            district: district.into(),
            street: street.into(),
            postcode: String::new(),
        };
        let home = Address::parse(&home)?;
        state.db.add_address(buyer, &home, true, now).await?;
        homes.insert(buyer, home);
        buyers.push(buyer);
    }
    // Only what has stock for a month of it.
    let (mut fruits, mut teas) = (Vec::new(), Vec::new());
    for (from, into) in [(stock.fruit, &mut fruits), (stock.tea, &mut teas)] {
        for sku in from {
            if state.db.sku(*sku).await?.stock >= 100 {
                into.push(*sku);
            }
        }
    }
    let mut placed = 0usize;
    for day in (1..=DAYS).rev() {
        // One to four orders a day, more at weekends, the same every run.
        let orders = 1 + (day * 7 + day / 7) % 4 + i64::from(day % 7 < 2);
        for i in 0..orders {
            let at = now.plus_seconds(-day * DAY + 9 * 3600 + i * 2 * 3600 + (day * 613 % 3600));
            let buyer = buyers[((day + i) as usize) % buyers.len()];
            let fruit = (day + i) % 3 != 0;
            let skus = if fruit { &fruits } else { &teas };
            let sku = skus[((day * 3 + i) as usize) % skus.len()];
            let quantity = 1 + (day + 2 * i) % 2;
            // Fruit sells from the farmer's video some days, from the orchard's room on others.
            let (video, room) = match (fruit, (day + i) % 4) {
                (true, 1) => (stock.video, None),
                (true, 2) => (None, Some(stock.room)),
                _ => (None, None),
            };
            let id = order(state, (buyer, homes.get(&buyer).cloned()), (sku, quantity), (video, room), at).await?;
            super::delivery::ship(state, id, at.plus_seconds(DAY / 2)).await?;
            if day > 3 {
                state.db.confirm_received(id, buyer, haul_domain::orders::event_notes::RECEIVED, at.plus_seconds(3 * DAY)).await?;
            }
            placed += 1;
            looked_before_buying(state, sku, video, at).await?;
            if placed.is_multiple_of(9) {
                // A box arrived damaged: the shop refunds half the order.
                let total = state.db.order(id).await?.order.total_minor;
                let owner = stock.owners[usize::from(!fruit)];
                let reason = Text("A box arrived damaged", "一箱运输破损").pick(zh);
                state.db.refund_order(id, total / 2, reason, owner, at.plus_seconds(2 * DAY)).await?;
            }
        }
    }
    placed += session(state, &buyers, &homes, &fruits, stock).await?;
    while crate::workers::analytics::run_once(state).await.map_err(|e| e.message)? > 0 {}
    Ok(placed)
}

/// Around each demo order, what shoppers did on the way, as the funnel
/// counts it: about forty showings of the product on videos in feeds for
/// one order, eight views of its page, two cart adds, one order placed, a
/// hundred videos shown in feeds;
/// the farmer's video watched and its card tapped when it sold.
async fn looked_before_buying(state: &AppState, sku: SkuId, video: Option<i64>, at: Timestamp) -> Result<()> {
    use haul_domain::analytics::{Metric, Subject};
    use haul_store::analytics::{ActivityCounts, ActivityKey};
    let product = state.db.product(haul_domain::ids::ProductId(state.db.sku(sku).await?.product_id)).await?;
    let (id, shop, ms) = (product.id, product.shop_id, at.millis());
    let spread = ms / 1000 % 7;
    let mut counts = ActivityCounts::new();
    for (metric, n) in [(Metric::Impression, 36 + spread), (Metric::View, 6 + spread / 2), (Metric::Cart, 2)] {
        counts.insert(ActivityKey::at(Subject::Product, id, metric, ms, shop), n);
    }
    counts.insert(ActivityKey::at(Subject::Shop, shop, Metric::Order, ms, shop), 1 + i64::from(spread == 3));
    // The feed (content first) showed about a hundred videos, a tenth of them hard selling.
    counts.insert(ActivityKey::at(Subject::Feed, 0, Metric::Impression, ms, 0), 96 + spread);
    counts.insert(ActivityKey::at(Subject::Feed, 0, Metric::HardSellImpression, ms, 0), 9 + spread / 3);
    if let Some(video) = video {
        for (metric, n) in [(Metric::Impression, 60 + spread), (Metric::View, 25 + spread), (Metric::Click, 4)] {
            counts.insert(ActivityKey::at(Subject::Video, video, metric, ms, 0), n);
        }
    }
    Ok(state.db.add_activity(&counts).await?)
}

/// Last week's half hour in the orchard's room, minute by minute: viewers
/// rise to a peak when the oranges are cut open and drift away; some chat
/// and like; ten orders come from the room. Returns the orders placed.
async fn session(
    state: &AppState,
    buyers: &[UserId],
    homes: &HashMap<UserId, Address>,
    fruits: &[SkuId],
    stock: &Stock<'_>,
) -> Result<usize> {
    use haul_store::live::{RoomDelta, RoomSeen};
    let (room, started) = stock.session;
    let regulars: Vec<(i64, String)> = buyers.iter().map(|b| (room, format!("u{}", b.get()))).collect();
    let passers_by: Vec<(i64, String)> = (0..140).map(|i| (room, format!("ademo-viewer-{i:03}"))).collect();
    let mut placed = 0;
    for minute in 0..30i64 {
        let at = started.plus_seconds(minute * 60 + 30);
        // Up to 96 at once around minute 12, fewer before and after.
        let viewers = (96 - (minute - 12).abs() * 5).max(12);
        let arriving = (minute as usize * 5).min(passers_by.len());
        let new: Vec<(i64, String)> = passers_by[arriving.saturating_sub(5)..arriving]
            .iter()
            .cloned()
            .chain((minute == 0).then(|| regulars.clone()).into_iter().flatten())
            .collect();
        let chatting: Vec<(i64, String)> =
            new.iter().filter(|(_, v)| v.ends_with('3') || v.ends_with('7') || v.starts_with('u')).cloned().collect();
        let delta = RoomDelta {
            comments: 2 + minute % 4,
            likes: 10 + minute * 3 % 17,
            shares: minute % 5 / 4,
            viewer_ms: viewers * 60_000,
            viewers_now: viewers,
        };
        state.db.add_room_counts(&[(room, delta)], RoomSeen { viewers: &new, interacting: &chatting }, at).await?;
        if minute % 3 == 1 && minute < 29 {
            let buyer = buyers[(minute as usize / 3) % buyers.len()];
            let sku = fruits[(minute as usize / 3) % fruits.len()];
            let id =
                order(state, (buyer, homes.get(&buyer).cloned()), (sku, 1 + minute % 2), (None, Some((room, stock.room.1))), at).await?;
            super::delivery::ship(state, id, at.plus_seconds(DAY / 2)).await?;
            looked_before_buying(state, sku, None, at).await?;
            placed += 1;
        }
    }
    Ok(placed)
}

async fn order(
    state: &AppState,
    (buyer, home): (UserId, Option<Address>),
    (sku, quantity): (SkuId, i64),
    (video, room): (Option<i64>, Option<(i64, i64)>),
    at: Timestamp,
) -> Result<OrderId> {
    let lines = [(sku, Quantity::parse(quantity)?)];
    let checkout = Checkout {
        buyer,
        lines: &lines,
        idempotency: None,
        receive: Receive::Deliver(home),
        pay_by: at.plus_seconds(state.config.payment_timeout_seconds),
        now: at,
        clear_cart: false,
        video,
        room,
        coupons: &[],
    };
    let Placed::New(placed) = state.db.place_order(checkout).await? else {
        return Err("the demo order was a replay".into());
    };
    super::pay(state, &placed.order, at).await?;
    Ok(OrderId(placed.order.id))
}
