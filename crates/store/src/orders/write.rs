//! The one place orders are written: every order (cart checkout, a buy
//! button, a live room, a team seat, a community campaign, a batch of flash
//! deal winners) goes into `orders`, `order_lines` and `order_events` here,
//! with where it came from as fields of the same rows. A batch is a handful
//! of multi-row statements whatever its size.

use super::{Order, OrderDetail, OrderLine};
use crate::affiliate::Credit;
use crate::affiliate::touches::{SaleLine, attribute};
use crate::{Backend, Result};
use haul_domain::affiliate::{AffiliateTerms, RateBps, Touch, TouchKind};
use haul_domain::delivery::{Address, Fulfilment};
use haul_domain::ids::UserId;
use haul_domain::orders::OrderStatus;
use haul_domain::{Currency, Money, Timestamp};
use sqlx::{Any, AssertSqlSafe, Transaction};

/// Where an order came from: a flash deal (with the buyer's key), a team, a
/// community campaign (with its leader and their rate), a video's card, a
/// live room and its host.
#[derive(Default, Clone)]
pub(crate) struct Origin {
    pub deal: Option<(i64, String)>,
    pub team: Option<i64>,
    pub campaign: Option<i64>,
    pub leader: Option<(i64, i64)>,
    pub video: Option<i64>,
    pub room: Option<(i64, i64)>,
}

/// How a planned order reaches its buyer: delivered (to an address, which
/// may be chosen after the order is placed, for a fee) or collected with a
/// code.
#[derive(Clone)]
pub(crate) enum PlannedDelivery {
    Ship { to: Option<Address>, fee_minor: i64 },
    Collect { code: String },
    UseAtShop,
}

impl PlannedDelivery {
    fn fulfilment(&self) -> Fulfilment {
        match self {
            PlannedDelivery::Ship { .. } => Fulfilment::Delivery,
            PlannedDelivery::Collect { .. } => Fulfilment::Pickup,
            PlannedDelivery::UseAtShop => Fulfilment::Voucher,
        }
    }
}

pub(crate) struct PlannedLine {
    pub sku_id: i64,
    pub product_id: i64,
    pub title: String,
    pub options: String,
    pub unit_price_minor: i64,
    pub quantity: i64,
    /// Its share of the coupons' discount.
    pub discount_minor: i64,
}

/// An order about to be written, awaiting payment: its lines at the prices
/// they sell for (stock already taken), and the note of its first event.
pub(crate) struct PlannedOrder {
    /// From `reserve_order_ids`.
    pub id: i64,
    pub buyer: i64,
    pub shop: i64,
    pub currency: String,
    pub lines: Vec<PlannedLine>,
    /// The part of the lines' discount the platform pays the shop.
    pub platform_discount_minor: i64,
    pub delivery: PlannedDelivery,
    pub pay_by: Timestamp,
    pub now: Timestamp,
    pub origin: Origin,
    pub note: String,
}

/// Writes `planned` orders with their lines (each credited to what sold it)
/// and first events; the orders as written, in the same order.
pub(crate) async fn write_orders(
    tx: &mut Transaction<'_, Any>,
    planned: &[PlannedOrder],
    terms: &AffiliateTerms,
) -> Result<Vec<OrderDetail>> {
    let backend = crate::db::backend_of(tx);
    let line_count = planned.iter().map(|p| p.lines.len()).sum();
    let mut line_ids = next_ids(tx, backend, "order_lines", line_count).await?.into_iter();
    let mut credits = attribute(tx, &sale_lines(planned), terms).await?.into_iter();
    let mut details = Vec::with_capacity(planned.len());
    for p in planned {
        details.push(detail(p, &mut line_ids, &mut credits)?);
    }
    if details.is_empty() {
        return Ok(details);
    }
    let sql = format!(
        "INSERT INTO orders (id, buyer_id, shop_id, status, total_minor, currency, refunded_minor, pickup_code, pay_by, created_at, updated_at, \
         deal_id, idem_key, team_id, campaign_id, video_id, room_id, host_id, fulfilment, shipping_minor, ship_to, discount_minor, platform_discount_minor) VALUES {}",
        crate::db::values(backend, details.len(), 23)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for (p, d) in planned.iter().zip(&details) {
        let o = &d.order;
        q = q
            .bind(o.id)
            .bind(o.buyer_id)
            .bind(o.shop_id)
            .bind(OrderStatus::PendingPayment.as_str())
            .bind(o.total_minor)
            .bind(&o.currency)
            .bind(0i64)
            .bind(&o.pickup_code)
            .bind(o.pay_by)
            .bind(o.created_at)
            .bind(o.updated_at)
            .bind(o.deal_id)
            .bind(p.origin.deal.as_ref().map(|(_, key)| key.as_str()))
            .bind(o.team_id)
            .bind(o.campaign_id)
            .bind(o.video_id)
            .bind(o.room_id)
            .bind(o.host_id)
            .bind(o.fulfilment.as_str())
            .bind(o.shipping_minor)
            .bind(o.ship_to.as_ref().map(super::address_json))
            .bind(o.discount_minor)
            .bind(o.platform_discount_minor);
    }
    q.execute(&mut **tx).await?;
    let sql = format!(
        "INSERT INTO order_lines (id, order_id, sku_id, product_id, title, options, unit_price_minor, quantity, discount_minor, \
         touch_kind, touch_id, creator_id, commission_bps) VALUES {}",
        crate::db::values(backend, line_count, 13)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for l in details.iter().flat_map(|d| &d.lines) {
        q = q
            .bind(l.id)
            .bind(l.order_id)
            .bind(l.sku_id)
            .bind(l.product_id)
            .bind(&l.title)
            .bind(&l.options)
            .bind(l.unit_price_minor)
            .bind(l.quantity)
            .bind(l.discount_minor)
            .bind(l.touch_kind.map(TouchKind::as_str))
            .bind(l.touch_id)
            .bind(l.creator_id)
            .bind(l.commission_bps);
    }
    q.execute(&mut **tx).await?;
    let sql = format!(
        "INSERT INTO order_events (order_id, from_status, to_status, actor_id, note, created_at) VALUES {}",
        crate::db::values(backend, details.len(), 6)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for (p, d) in planned.iter().zip(&details) {
        q = q
            .bind(d.order.id)
            .bind(None::<String>)
            .bind(OrderStatus::PendingPayment.as_str())
            .bind(p.buyer)
            .bind(&p.note)
            .bind(p.now.millis());
    }
    q.execute(&mut **tx).await?;
    Ok(details)
}

/// Each planned line as attribution sees it: a campaign's order is its
/// leader's, at the campaign's rate.
fn sale_lines(planned: &[PlannedOrder]) -> Vec<SaleLine> {
    planned
        .iter()
        .flat_map(|p| {
            let direct = p.origin.campaign.zip(p.origin.leader).map(|(campaign, (leader, bps))| {
                (Touch { kind: TouchKind::Community, id: campaign, creator: UserId(leader), at: p.now }, RateBps::parse(bps).ok())
            });
            p.lines.iter().map(move |l| SaleLine {
                buyer: p.buyer,
                shop: p.shop,
                product: l.product_id,
                at: p.now,
                live_room: p.origin.room,
                direct,
            })
        })
        .collect()
}

/// The order as it will be written: its total (refused if it overflows or
/// mixes currencies) and its lines with their ids and credits.
fn detail(
    p: &PlannedOrder,
    line_ids: &mut impl Iterator<Item = i64>,
    credits: &mut impl Iterator<Item = Option<Credit>>,
) -> Result<OrderDetail> {
    let id = p.id;
    let currency = Currency::parse(&p.currency)?;
    let mut total = Money { minor: 0, currency };
    for l in &p.lines {
        total = total
            .checked_add(Money { minor: l.unit_price_minor, currency }.times(haul_domain::inventory::Quantity::parse(l.quantity)?)?)?;
        total.minor -= l.discount_minor.clamp(0, total.minor);
    }
    let (pickup_code, ship_to, shipping_minor) = match &p.delivery {
        PlannedDelivery::Ship { to, fee_minor } => (String::new(), to.clone(), *fee_minor),
        PlannedDelivery::Collect { code } => (code.clone(), None, 0),
        PlannedDelivery::UseAtShop => (String::new(), None, 0),
    };
    total = total.checked_add(Money { minor: shipping_minor, currency })?;
    let lines = p
        .lines
        .iter()
        .zip(line_ids)
        .zip(credits)
        .map(|((l, line_id), credit)| OrderLine {
            id: line_id,
            order_id: id,
            sku_id: l.sku_id,
            product_id: l.product_id,
            title: l.title.clone(),
            options: l.options.clone(),
            unit_price_minor: l.unit_price_minor,
            quantity: l.quantity,
            discount_minor: l.discount_minor,
            touch_kind: credit.map(|c| c.touch.kind),
            touch_id: credit.map(|c| c.touch.id),
            creator_id: credit.map(|c| c.touch.creator.get()),
            commission_bps: credit.and_then(|c| c.rate).map(RateBps::get),
        })
        .collect();
    let order = Order {
        id,
        buyer_id: p.buyer,
        shop_id: p.shop,
        status: OrderStatus::PendingPayment,
        total_minor: total.minor,
        currency: p.currency.clone(),
        refunded_minor: 0,
        pickup_code,
        pay_by: p.pay_by.millis(),
        paid_at: None,
        created_at: p.now.millis(),
        updated_at: p.now.millis(),
        deal_id: p.origin.deal.as_ref().map(|(deal, _)| *deal),
        team_id: p.origin.team,
        campaign_id: p.origin.campaign,
        ready_at: None,
        video_id: p.origin.video,
        room_id: p.origin.room.map(|(room, _)| room),
        host_id: p.origin.room.map(|(_, host)| host),
        fulfilment: p.delivery.fulfilment(),
        shipping_minor,
        ship_to,
        carrier: None,
        tracking_no: None,
        shipped_at: None,
        received_at: None,
        completed_at: None,
        discount_minor: p.lines.iter().map(|l| l.discount_minor).sum(),
        platform_discount_minor: p.platform_discount_minor,
    };
    Ok(OrderDetail { order, lines })
}

/// Ids for `n` orders about to be planned (a batch claims its keys with
/// them before the orders are written).
pub(crate) async fn reserve_order_ids(tx: &mut Transaction<'_, Any>, n: usize) -> Result<Vec<i64>> {
    let backend = crate::db::backend_of(tx);
    next_ids(tx, backend, "orders", n).await
}

/// Reserves `n` ids of `table`. On SQLite the one write connection makes
/// "after the current maximum" safe; PostgreSQL hands them out from the
/// identity sequence.
async fn next_ids(tx: &mut Transaction<'_, Any>, backend: Backend, table: &'static str, n: usize) -> Result<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    Ok(match backend {
        Backend::Sqlite => {
            let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}");
            let (max,): (i64,) = sqlx::query_as(AssertSqlSafe(sql)).fetch_one(&mut **tx).await?;
            (1..=n as i64).map(|i| max + i).collect()
        }
        Backend::Postgres => {
            let sql = format!("SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)");
            let rows: Vec<(i64,)> = sqlx::query_as(AssertSqlSafe(sql)).bind(n as i64).fetch_all(&mut **tx).await?;
            rows.into_iter().map(|(id,)| id).collect()
        }
    })
}
