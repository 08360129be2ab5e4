//! Keeping the rollups: paid orders and refunds not yet rolled up are
//! added to their buckets in batches, each marked `rolled_at` in the same
//! transaction, so a sale is counted once whichever node (or restart) gets
//! to it. Off the order's hot path: the flash-deal writer writes nothing here.

use super::windows::{NEVER_COUNTED, WindowDelta, add_to_windows};
use crate::db::{Backend, backend_of, values};
use crate::{Db, Result};
use haul_domain::Timestamp;
use haul_domain::affiliate::TouchKind;
use haul_domain::aftersales::line_refunds;
use haul_domain::analytics::{Grain, LineOrigin, MINUTES_KEPT_MS, channel, credited_content, units_back};
use sqlx::{Any, AssertSqlSafe, Transaction};
use std::collections::{BTreeMap, BTreeSet};

record! {
    struct PaidOrder {
        pub id: i64,
        pub shop_id: i64,
        pub buyer_id: i64,
        pub currency: String,
        pub total_minor: i64,
        pub shipping_minor: i64,
        pub paid_at: i64,
        pub deal_id: Option<i64>,
        pub team_id: Option<i64>,
        pub campaign_id: Option<i64>,
        pub room_id: Option<i64>,
        pub video_id: Option<i64>,
    }
}

const ORDER_COLUMNS: &str =
    "id, shop_id, buyer_id, currency, total_minor, shipping_minor, paid_at, deal_id, team_id, campaign_id, room_id, video_id";

record! {
    struct Line {
        pub id: i64,
        pub order_id: i64,
        pub product_id: i64,
        pub category_id: i64,
        pub quantity: i64,
        pub paid_minor: i64,
        pub touch_kind: Option<String>,
        pub touch_id: Option<i64>,
        pub creator_id: Option<i64>,
    }
}

record! {
    struct RefundRow {
        pub id: i64,
        pub amount_minor: i64,
        pub order_line_id: Option<i64>,
        pub created_at: i64,
        pub rolled: i64,
        /// A second payment sent back whole: never a sale, so never a refund of one.
        pub duplicate: i64,
    }
}

/// `(grain, bucket, product, channel, currency)` → shop, category and the sums.
type SalesKey = (&'static str, i64, i64, &'static str, String);
#[derive(Default)]
struct SalesSums {
    shop: i64,
    category: i64,
    units: i64,
    gross: i64,
    units_back: i64,
    refunded: i64,
}

/// `(shop, grain, bucket, currency)` → orders, gross, refunded, refunds, refunds' amount.
type ShopKey = (i64, &'static str, i64, String);

/// `(kind, content, hour, currency, shop)` → creator, orders, units, gross, refunded.
type ContentKey = (&'static str, i64, i64, String, i64);

/// `(room, minute, currency)` → orders, gross.
type RoomKey = (i64, i64, String);

/// Sums about to be added to the rollups.
#[derive(Default)]
struct Batch {
    sales: BTreeMap<SalesKey, SalesSums>,
    shops: BTreeMap<ShopKey, [i64; 5]>,
    buyers: BTreeSet<(i64, i64, i64)>,
    content: BTreeMap<ContentKey, [i64; 5]>,
    rooms: BTreeMap<RoomKey, [i64; 2]>,
    /// `(room, viewer)`: buyers from a room interacted with it.
    room_buyers: BTreeSet<(i64, String)>,
}

impl Batch {
    /// The grains a moment is counted in: minutes only while they are kept.
    fn grains(at: i64, now: Timestamp) -> impl Iterator<Item = (Grain, i64)> {
        let minutes = at >= now.millis() - MINUTES_KEPT_MS;
        [Grain::Hour, Grain::Minute].into_iter().filter(move |g| *g == Grain::Hour || minutes).map(move |g| (g, g.floor(at)))
    }

    fn sale(&mut self, o: &PaidOrder, l: &Line, delta: SalesSums, now: Timestamp) {
        let origin = LineOrigin {
            deal: o.deal_id.is_some(),
            team: o.team_id.is_some(),
            campaign: o.campaign_id.is_some(),
            touch: l.touch_kind.as_deref().and_then(|k| TouchKind::parse(k).ok()),
            room: o.room_id.is_some(),
            video: o.video_id.is_some(),
        };
        let channel = channel(&origin).as_str();
        for (grain, bucket) in Self::grains(o.paid_at, now) {
            let s = self.sales.entry((grain.as_str(), bucket, l.product_id, channel, o.currency.clone())).or_default();
            s.shop = o.shop_id;
            s.category = l.category_id;
            s.units += delta.units;
            s.gross += delta.gross;
            s.units_back += delta.units_back;
            s.refunded += delta.refunded;
        }
    }

    /// Adds to what the content credited with the line sold (`room`: the
    /// room the order came from, its deal's included). `counted`: the
    /// content this order has already been counted for, if it counts as an
    /// order (once per piece of content it bought through).
    fn content(
        &mut self,
        o: &PaidOrder,
        l: &Line,
        room: Option<i64>,
        counted: Option<&mut BTreeSet<(&'static str, i64)>>,
        delta: [i64; 3],
    ) {
        let touch = l.touch_kind.as_deref().and_then(|k| TouchKind::parse(k).ok()).zip(l.touch_id);
        let Some((kind, id)) = credited_content(touch, room, o.video_id) else { return };
        let first = counted.is_some_and(|c| c.insert((kind.as_str(), id)));
        let key = (kind.as_str(), id, Grain::Hour.floor(o.paid_at), o.currency.clone(), o.shop_id);
        let sums = self.content.entry(key).or_default();
        if let Some(creator) = l.creator_id {
            sums[0] = creator;
        }
        sums[1] += i64::from(first);
        for (sum, d) in sums[2..].iter_mut().zip(delta) {
            *sum += d;
        }
    }

    fn shop(&mut self, shop: i64, currency: &str, at: i64, delta: [i64; 5], now: Timestamp) {
        for (grain, bucket) in Self::grains(at, now) {
            let s = self.shops.entry((shop, grain.as_str(), bucket, currency.to_owned())).or_default();
            for (sum, d) in s.iter_mut().zip(delta) {
                *sum += d;
            }
        }
    }

    async fn write(self, tx: &mut Transaction<'_, Any>) -> Result<()> {
        let backend = backend_of(tx);
        let mut windows: BTreeMap<(&'static str, i64), WindowDelta> = BTreeMap::new();
        for ((grain, bucket, product, _, currency), s) in &self.sales {
            let sum = windows.entry((*grain, *bucket)).or_default().entry((*product, currency.clone())).or_default();
            *sum = [s.shop, s.category, sum[2] + s.units - s.units_back, sum[3] + s.gross - s.refunded];
        }
        add_to_windows(tx, &windows).await?;
        let sales: Vec<_> = self.sales.into_iter().collect();
        for chunk in sales.chunks(500) {
            let sql = format!(
                "INSERT INTO sales_rollups (grain, bucket_ms, product_id, channel, currency, shop_id, category_id, units, gross_minor, units_back, refunded_minor) \
                 VALUES {} ON CONFLICT (grain, bucket_ms, product_id, channel, currency) DO UPDATE SET units = sales_rollups.units + excluded.units, \
                 gross_minor = sales_rollups.gross_minor + excluded.gross_minor, units_back = sales_rollups.units_back + excluded.units_back, \
                 refunded_minor = sales_rollups.refunded_minor + excluded.refunded_minor",
                values(backend, chunk.len(), 11)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for ((grain, bucket, product, channel, currency), s) in chunk {
                q = q.bind(*grain).bind(*bucket).bind(*product).bind(*channel).bind(currency.as_str());
                q = q.bind(s.shop).bind(s.category).bind(s.units).bind(s.gross).bind(s.units_back).bind(s.refunded);
            }
            q.execute(&mut **tx).await?;
        }
        let shops: Vec<_> = self.shops.into_iter().collect();
        for chunk in shops.chunks(500) {
            let sql = format!(
                "INSERT INTO shop_rollups (shop_id, grain, bucket_ms, currency, orders, gross_minor, refunded_minor, refunds, refunds_minor) \
                 VALUES {} ON CONFLICT (shop_id, grain, bucket_ms, currency) DO UPDATE SET orders = shop_rollups.orders + excluded.orders, \
                 gross_minor = shop_rollups.gross_minor + excluded.gross_minor, refunded_minor = shop_rollups.refunded_minor + excluded.refunded_minor, \
                 refunds = shop_rollups.refunds + excluded.refunds, refunds_minor = shop_rollups.refunds_minor + excluded.refunds_minor",
                values(backend, chunk.len(), 9)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for ((shop, grain, bucket, currency), s) in chunk {
                q = q.bind(*shop).bind(*grain).bind(*bucket).bind(currency.as_str());
                for v in s {
                    q = q.bind(*v);
                }
            }
            q.execute(&mut **tx).await?;
        }
        let content: Vec<_> = self.content.into_iter().collect();
        for chunk in content.chunks(500) {
            let sql = format!(
                "INSERT INTO content_sales (subject_kind, subject_id, bucket_ms, currency, shop_id, creator_id, orders, units, gross_minor, refunded_minor) \
                 VALUES {} ON CONFLICT (subject_kind, subject_id, bucket_ms, currency, shop_id) DO UPDATE SET orders = content_sales.orders + excluded.orders, \
                 creator_id = CASE WHEN content_sales.creator_id = 0 THEN excluded.creator_id ELSE content_sales.creator_id END, \
                 units = content_sales.units + excluded.units, gross_minor = content_sales.gross_minor + excluded.gross_minor, \
                 refunded_minor = content_sales.refunded_minor + excluded.refunded_minor",
                values(backend, chunk.len(), 10)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for ((kind, id, bucket, currency, shop), s) in chunk {
                q = q.bind(*kind).bind(*id).bind(*bucket).bind(currency.as_str()).bind(*shop);
                for v in s {
                    q = q.bind(*v);
                }
            }
            q.execute(&mut **tx).await?;
        }
        let rooms: Vec<_> = self.rooms.into_iter().collect();
        for chunk in rooms.chunks(500) {
            let sql = format!(
                "INSERT INTO room_sales (room_id, minute_ms, currency, orders, gross_minor) VALUES {} \
                 ON CONFLICT (room_id, minute_ms, currency) DO UPDATE SET orders = room_sales.orders + excluded.orders, \
                 gross_minor = room_sales.gross_minor + excluded.gross_minor",
                values(backend, chunk.len(), 5)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for ((room, minute, currency), [orders, gross]) in chunk {
                q = q.bind(*room).bind(*minute).bind(currency.as_str()).bind(*orders).bind(*gross);
            }
            q.execute(&mut **tx).await?;
        }
        crate::live::mark_interacted(tx, self.room_buyers.iter().map(|(room, viewer)| (*room, viewer.as_str()))).await?;
        let buyers: Vec<_> = self.buyers.into_iter().collect();
        for chunk in buyers.chunks(500) {
            let sql = format!(
                "INSERT INTO shop_buyers (shop_id, bucket_ms, buyer_id) VALUES {} ON CONFLICT (shop_id, bucket_ms, buyer_id) DO NOTHING",
                values(backend, chunk.len(), 3)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (shop, bucket, buyer) in chunk {
                q = q.bind(*shop).bind(*bucket).bind(*buyer);
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    }
}

async fn lines_of(tx: &mut Transaction<'_, Any>, orders: &[i64]) -> Result<Vec<Line>> {
    let sql = format!(
        "SELECT l.id, l.order_id, l.product_id, COALESCE(p.category_id, 0) AS category_id, l.quantity, \
         l.unit_price_minor * l.quantity - l.discount_minor AS paid_minor, l.touch_kind, l.touch_id, l.creator_id \
         FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id IN ({}) ORDER BY l.order_id, l.id",
        crate::db::in_list(backend_of(tx), 1, orders.len())
    );
    let mut q = sqlx::query_as(AssertSqlSafe(sql));
    for id in orders {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&mut **tx).await?)
}

impl Db {
    /// Rolls up to `limit` paid orders not yet counted; how many.
    pub async fn roll_up_payments(&self, now: Timestamp, limit: i64) -> Result<usize> {
        let mut tx = self.write.begin().await?;
        let backend = backend_of(&mut tx);
        // SQLite may prefer walking the whole table in id order (counted rows
        // first) over the partial index of those to count: name the index.
        let indexed = match backend {
            Backend::Sqlite => "INDEXED BY orders_to_roll",
            Backend::Postgres => "",
        };
        let sql = format!("SELECT id FROM orders {indexed} WHERE rolled_at IS NULL AND paid_at IS NOT NULL ORDER BY id LIMIT $1");
        let due: Vec<(i64,)> = sqlx::query_as(AssertSqlSafe(sql)).bind(limit).fetch_all(&mut *tx).await?;
        if due.is_empty() {
            return Ok(0);
        }
        // Only what this transaction marks is counted here (another node may have taken the rest).
        let sql = format!(
            "UPDATE orders SET rolled_at = {} WHERE rolled_at IS NULL AND id IN ({}) RETURNING {ORDER_COLUMNS}",
            crate::db::in_list(backend, 1, 1),
            crate::db::in_list(backend, 2, due.len())
        );
        let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(now.millis());
        for (id,) in &due {
            q = q.bind(*id);
        }
        let orders: Vec<PaidOrder> = q.fetch_all(&mut *tx).await?;
        let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
        let lines = if ids.is_empty() { Vec::new() } else { lines_of(&mut tx, &ids).await? };
        let deal_rooms = deal_rooms(&mut tx, &orders).await?;
        let mut lines_of_order: BTreeMap<i64, Vec<&Line>> = BTreeMap::new();
        for l in &lines {
            lines_of_order.entry(l.order_id).or_default().push(l);
        }
        let mut batch = Batch::default();
        for o in &orders {
            let room = o.room_id.or_else(|| o.deal_id.and_then(|d| deal_rooms.get(&d).copied()));
            let mut credited = BTreeSet::new();
            for l in lines_of_order.get(&o.id).into_iter().flatten().copied() {
                batch.sale(o, l, SalesSums { units: l.quantity, gross: l.paid_minor, ..SalesSums::default() }, now);
                batch.content(o, l, room, Some(&mut credited), [l.quantity, l.paid_minor, 0]);
            }
            if let Some(room) = room {
                let sums = batch.rooms.entry((room, Grain::Minute.floor(o.paid_at), o.currency.clone())).or_default();
                sums[0] += 1;
                sums[1] += o.total_minor;
                batch.room_buyers.insert((room, format!("u{}", o.buyer_id)));
            }
            batch.shop(o.shop_id, &o.currency, o.paid_at, [1, o.total_minor, 0, 0, 0], now);
            batch.buyers.insert((o.shop_id, Grain::Hour.floor(o.paid_at), o.buyer_id));
        }
        batch.write(&mut tx).await?;
        tx.commit().await?;
        Ok(orders.len())
    }

    /// Rolls up the refunds of up to `limit` orders already counted; how
    /// many orders. A refund takes its share of each line's sale off the
    /// bucket of the order's payment, and counts as a refund when it happened.
    pub async fn roll_up_refunds(&self, now: Timestamp, limit: i64) -> Result<usize> {
        // As for the orders: SQLite is told to use the partial index of what is left to count.
        let indexed = match self.backend() {
            Backend::Sqlite => "INDEXED BY refunds_to_roll",
            Backend::Postgres => "",
        };
        let sql = format!(
            "SELECT DISTINCT r.order_id FROM refunds r {indexed} JOIN orders o ON o.id = r.order_id \
             WHERE r.rolled_at IS NULL AND o.rolled_at IS NOT NULL ORDER BY r.order_id LIMIT $1"
        );
        let due: Vec<(i64,)> = sqlx::query_as(AssertSqlSafe(sql)).bind(limit).fetch_all(&self.read).await?;
        let mut rolled = 0;
        // One transaction for the batch, the orders locked in id order.
        let mut tx = self.write.begin().await?;
        let mut batch = Batch::default();
        for (order,) in due {
            // The order's row first: its refunds are rolled up by one transaction at a time.
            sqlx::query("UPDATE orders SET rolled_at = rolled_at WHERE id = $1").bind(order).execute(&mut *tx).await?;
            let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
            let o: PaidOrder = sqlx::query_as(AssertSqlSafe(sql)).bind(order).fetch_one(&mut *tx).await?;
            let all: Vec<RefundRow> = sqlx::query_as(
                "SELECT r.id, r.amount_minor, r.order_line_id, r.created_at, CASE WHEN r.rolled_at IS NULL THEN 0 ELSE 1 END AS rolled, \
                 CASE WHEN p.status = 'refunded' THEN 1 ELSE 0 END AS duplicate FROM refunds r \
                 JOIN payments p ON p.id = r.payment_id WHERE r.order_id = $1 ORDER BY r.id",
            )
            .bind(order)
            .fetch_all(&mut *tx)
            .await?;
            // Only the refunds read here are marked: one made since is left for the next pass.
            let unread: Vec<i64> = all.iter().filter(|r| r.rolled == 0).map(|r| r.id).collect();
            if unread.is_empty() {
                continue;
            }
            let sql = format!("UPDATE refunds SET rolled_at = $1 WHERE id IN ({})", crate::db::params(2, unread.len()));
            let mut q = sqlx::query(AssertSqlSafe(sql)).bind(now.millis());
            for id in &unread {
                q = q.bind(*id);
            }
            q.execute(&mut *tx).await?;
            let refunds: Vec<&RefundRow> = all.iter().filter(|r| r.duplicate == 0).collect();
            let fresh: Vec<&RefundRow> = refunds.iter().copied().filter(|r| r.rolled == 0).collect();
            let lines = lines_of(&mut tx, &[order]).await?;
            let room = o.room_id.or(deal_rooms(&mut tx, std::slice::from_ref(&o)).await?.into_values().next());
            let before = allocate(&lines, o.shipping_minor, refunds.iter().copied().filter(|r| r.rolled == 1));
            let after = allocate(&lines, o.shipping_minor, refunds.iter().copied());
            for ((l, b), a) in lines.iter().zip(before).zip(after) {
                let delta = SalesSums {
                    units_back: units_back(l.quantity, l.paid_minor, a) - units_back(l.quantity, l.paid_minor, b),
                    refunded: a - b,
                    ..SalesSums::default()
                };
                if delta.refunded != 0 || delta.units_back != 0 {
                    batch.content(&o, l, room, None, [-delta.units_back, 0, delta.refunded]);
                    batch.sale(&o, l, delta, now);
                }
            }
            let amount: i64 = fresh.iter().map(|r| r.amount_minor).sum();
            batch.shop(o.shop_id, &o.currency, o.paid_at, [0, 0, amount, 0, 0], now);
            for r in &fresh {
                batch.shop(o.shop_id, &o.currency, r.created_at, [0, 0, 0, 1, r.amount_minor], now);
            }
            rolled += 1;
        }
        batch.write(&mut tx).await?;
        tx.commit().await?;
        Ok(rolled)
    }

    /// Forgets every rollup and counts the record again from the start.
    pub async fn rebuild_analytics(&self, now: Timestamp, batch: i64) -> Result<usize> {
        let mut tx = self.write.begin().await?;
        for table in ["sales_rollups", "shop_rollups", "shop_buyers", "content_sales", "room_sales", "window_totals"] {
            sqlx::query(AssertSqlSafe(format!("DELETE FROM {table}"))).execute(&mut *tx).await?;
        }
        sqlx::query("UPDATE window_edges SET since_ms = $1").bind(NEVER_COUNTED).execute(&mut *tx).await?;
        sqlx::query("UPDATE orders SET rolled_at = NULL WHERE rolled_at IS NOT NULL").execute(&mut *tx).await?;
        sqlx::query("UPDATE refunds SET rolled_at = NULL WHERE rolled_at IS NOT NULL").execute(&mut *tx).await?;
        tx.commit().await?;
        let mut orders = 0;
        loop {
            let n = self.roll_up_payments(now, batch).await?;
            orders += n;
            if n == 0 {
                break;
            }
        }
        while self.roll_up_refunds(now, batch).await? > 0 {}
        self.advance_windows(now).await?;
        Ok(orders)
    }

    /// Minute buckets older than they are kept for.
    pub async fn prune_minute_rollups(&self, now: Timestamp) -> Result<u64> {
        let before = Grain::Minute.floor(now.millis() - MINUTES_KEPT_MS);
        let mut pruned = 0;
        for table in ["sales_rollups", "shop_rollups"] {
            let sql = format!("DELETE FROM {table} WHERE grain = 'minute' AND bucket_ms < $1");
            pruned += sqlx::query(AssertSqlSafe(sql)).bind(before).execute(&self.write).await?.rows_affected();
        }
        Ok(pruned)
    }
}

/// The live rooms the orders' flash deals were dropped in.
async fn deal_rooms(tx: &mut Transaction<'_, Any>, orders: &[PaidOrder]) -> Result<BTreeMap<i64, i64>> {
    let deals: BTreeSet<i64> = orders.iter().filter_map(|o| o.deal_id).collect();
    if deals.is_empty() {
        return Ok(BTreeMap::new());
    }
    let sql = format!(
        "SELECT id, live_room_id FROM flash_deals WHERE live_room_id IS NOT NULL AND id IN ({})",
        crate::db::in_list(backend_of(tx), 1, deals.len())
    );
    let mut q = sqlx::query_as::<_, (i64, i64)>(AssertSqlSafe(sql));
    for id in &deals {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&mut **tx).await?.into_iter().collect())
}

/// What each line has had back of `refunds`, as the books split them.
fn allocate<'a>(lines: &[Line], shipping: i64, refunds: impl Iterator<Item = &'a RefundRow>) -> Vec<i64> {
    let mut own = vec![0; lines.len()];
    let mut untargeted = 0;
    for r in refunds {
        match r.order_line_id.and_then(|id| lines.iter().position(|l| l.id == id)) {
            Some(i) => own[i] += r.amount_minor,
            None => untargeted += r.amount_minor,
        }
    }
    let paid: Vec<(i64, i64)> = lines.iter().zip(&own).map(|(l, o)| (l.paid_minor, *o)).collect();
    line_refunds(&paid, shipping, untargeted)
}
