//! Live rooms in the record: the room and its bag, the media server's
//! status changes (compare-and-set, so a repeated callback changes nothing),
//! moderators and sanctions, the hub's counters (added once a second in one
//! statement) and the figures after a stream.

use crate::catalog::{SKU_COLUMNS, SUMMARY_SELECT, Sku};
use crate::db::values;
use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::analytics::Grain;
use haul_domain::ids::{DealId, ProductId, RoomId, ShopId, UserId};
use haul_domain::live::{BAG_LIMIT, Counts, RoomStatus};
use haul_domain::page::{Page, PageRequest};
use sqlx::{Any, AssertSqlSafe, Transaction};

record! {
    pub struct Room {
        pub id: i64,
        pub host_id: i64,
        pub host_name: String,
        pub shop_id: Option<i64>,
        pub title: String,
        pub cover_key: Option<String>,
        pub starts_at: i64,
        /// scheduled, live or ended
        #[schema(value_type = String)]
        pub status: RoomStatus,
        pub went_live_at: Option<i64>,
        pub ended_at: Option<i64>,
        pub pinned_product_id: Option<i64>,
        pub has_replay: i64,
        pub likes: i64,
        pub created_at: i64,
    }
}

record! {
    /// A product in the bag, with the SKUs a viewer can buy.
    pub struct BagItem {
        pub product_id: i64,
        pub title: String,
        pub image_key: Option<String>,
        pub min_price_minor: Option<i64>,
        pub currency: String,
        pub stock: i64,
        pub position: i64,
        /// How the product is sold: `quote` asks for a quote instead of buying.
        pub kind: String,
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BagEntry {
    #[serde(flatten)]
    pub item: BagItem,
    pub skus: Vec<Sku>,
}

record! {
    pub struct Sanction {
        pub user_id: i64,
        /// mute or ban
        pub kind: String,
        /// Unix ms when a mute ends; absent for a ban.
        pub until_ms: Option<i64>,
    }
}

/// A new room as its host asks for it.
pub struct NewRoom<'a> {
    pub host: UserId,
    pub shop: Option<ShopId>,
    pub title: &'a str,
    pub cover_key: Option<&'a str>,
    pub starts_at: Timestamp,
    pub stream_key: &'a str,
    pub products: &'a [ProductId],
    pub now: Timestamp,
}

/// What the hub counted since its last flush, for one room.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoomDelta {
    pub comments: i64,
    pub likes: i64,
    pub shares: i64,
    pub viewer_ms: i64,
    /// The concurrent viewers seen now; the peak is raised to it.
    pub viewers_now: i64,
}

record! {
    /// A room that went live: one session of the shop's.
    pub struct Session {
        pub id: i64,
        pub title: String,
        pub went_live_at: i64,
        pub ended_at: Option<i64>,
        pub peak_viewers: i64,
    }
}

/// Viewers a hub saw since its last flush, as `(room, viewer)`: first-time
/// ones, and ones who liked, chatted or shared.
#[derive(Debug, Clone, Copy)]
pub struct RoomSeen<'a> {
    pub viewers: &'a [(i64, String)],
    pub interacting: &'a [(i64, String)],
}

impl RoomDelta {
    pub fn is_empty(&self) -> bool {
        *self == RoomDelta::default()
    }
}

const ROOM_SELECT: &str = "SELECT r.id, r.host_id, u.display_name AS host_name, r.shop_id, r.title, r.cover_key, r.starts_at, r.status, \
     r.went_live_at, r.ended_at, r.pinned_product_id, r.has_replay, r.likes, r.created_at FROM live_rooms r JOIN users u ON u.id = r.host_id";

impl Db {
    pub async fn create_room(&self, new: NewRoom<'_>) -> Result<Room> {
        let mut tx = self.write.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO live_rooms (host_id, shop_id, title, cover_key, starts_at, stream_key, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7) RETURNING id",
        )
        .bind(new.host.get())
        .bind(new.shop.map(|s| s.get()))
        .bind(new.title)
        .bind(new.cover_key)
        .bind(new.starts_at.millis())
        .bind(new.stream_key)
        .bind(new.now.millis())
        .fetch_one(&mut *tx)
        .await?;
        write_bag(&mut tx, id, new.products).await?;
        tx.commit().await?;
        self.wrote();
        self.room(RoomId(id)).await
    }

    pub async fn room(&self, id: RoomId) -> Result<Room> {
        sqlx::query_as(AssertSqlSafe(format!("{ROOM_SELECT} WHERE r.id = $1")))
            .bind(id.get())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("room"))
    }

    /// The secret the encoder must present; only the host ever sees it.
    pub async fn room_stream_key(&self, id: RoomId) -> Result<String> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT stream_key FROM live_rooms WHERE id = $1").bind(id.get()).fetch_optional(&self.read).await?;
        row.map(|(k,)| k).ok_or(StoreError::NotFound("room"))
    }

    /// Rooms with `status`: live ones newest first, scheduled ones soonest
    /// first, ended ones (replays) latest first.
    pub async fn rooms(&self, status: RoomStatus, page: &PageRequest) -> Result<Page<Room>> {
        // Paged by id so the cursor is stable; the order within a page of
        // upcoming rooms is by start time.
        let sql = format!("{ROOM_SELECT} WHERE r.status = $1 AND r.id < $2 ORDER BY r.id DESC LIMIT $3");
        let rows: Vec<Room> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(status.as_str())
            .bind(page.before_id())
            .bind(page.fetch())
            .fetch_all(&self.read)
            .await?;
        let mut page = Page::from_batch(rows, page, |r: &Room| r.id);
        if status == RoomStatus::Scheduled {
            page.items.sort_by_key(|r| (r.starts_at, r.id));
        }
        Ok(page)
    }

    pub async fn rooms_of_host(&self, host: UserId) -> Result<Vec<Room>> {
        let sql = format!("{ROOM_SELECT} WHERE r.host_id = $1 ORDER BY r.id DESC LIMIT 100");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(host.get()).fetch_all(&self.read).await?)
    }

    /// The bag in the host's order, each product with its SKUs.
    pub async fn bag(&self, room: RoomId) -> Result<Vec<BagEntry>> {
        let sql = format!(
            "SELECT * FROM ({SUMMARY_SELECT}) p JOIN (SELECT product_id, position FROM live_room_products WHERE room_id = $1) b \
             ON b.product_id = p.id ORDER BY b.position"
        );
        let rows: Vec<sqlx::any::AnyRow> = sqlx::query(AssertSqlSafe(sql)).bind(room.get()).fetch_all(&self.read).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            use sqlx::Row;
            items.push(BagItem {
                product_id: row.try_get("id")?,
                title: row.try_get("title")?,
                image_key: row.try_get("image_key")?,
                min_price_minor: row.try_get("min_price_minor")?,
                currency: row.try_get("currency")?,
                stock: row.try_get("stock")?,
                position: row.try_get("position")?,
                kind: row.try_get("kind")?,
            });
        }
        let sql = format!(
            "SELECT {SKU_COLUMNS} FROM skus WHERE product_id IN (SELECT product_id FROM live_room_products WHERE room_id = $1) ORDER BY id"
        );
        let skus: Vec<Sku> = sqlx::query_as(AssertSqlSafe(sql)).bind(room.get()).fetch_all(&self.read).await?;
        Ok(items
            .into_iter()
            .map(|item| {
                let skus = skus.iter().filter(|s| s.product_id == item.product_id).cloned().collect();
                BagEntry { item, skus }
            })
            .collect())
    }

    /// Replaces the bag. The pinned product is unpinned if it left the bag.
    pub async fn set_bag(&self, room: RoomId, products: &[ProductId]) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM live_room_products WHERE room_id = $1").bind(room.get()).execute(&mut *tx).await?;
        write_bag(&mut tx, room.get(), products).await?;
        sqlx::query(
            "UPDATE live_rooms SET pinned_product_id = NULL WHERE id = $1 AND pinned_product_id NOT IN \
             (SELECT product_id FROM live_room_products WHERE room_id = $1)",
        )
        .bind(room.get())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Pins a product of the bag, or unpins with `None`.
    pub async fn pin(&self, room: RoomId, product: Option<ProductId>) -> Result<()> {
        let done = sqlx::query(
            "UPDATE live_rooms SET pinned_product_id = $2 WHERE id = $1 AND ($2 IS NULL OR EXISTS \
             (SELECT 1 FROM live_room_products WHERE room_id = $1 AND product_id = $2))",
        )
        .bind(room.get())
        .bind(product.map(|p| p.get()))
        .execute(&self.write)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::conflict(ErrorCode::NotInBag, "pin a product from the room's bag"));
        }
        Ok(())
    }

    pub async fn in_bag(&self, room: RoomId, product: i64) -> Result<bool> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM live_room_products WHERE room_id = $1 AND product_id = $2")
            .bind(room.get())
            .bind(product)
            .fetch_optional(&self.read)
            .await?;
        Ok(row.is_some())
    }

    /// The stream started: scheduled (or already live, for an encoder that
    /// reconnects) becomes live. `false` when the room has ended.
    pub async fn go_live(&self, room: RoomId, now: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE live_rooms SET status = 'live', went_live_at = COALESCE(went_live_at, $2) WHERE id = $1 AND status <> 'ended'",
        )
        .bind(room.get())
        .bind(now.millis())
        .execute(&self.write)
        .await?;
        self.wrote();
        Ok(done.rows_affected() == 1)
    }

    /// Ends the room once; `false` when it had already ended.
    pub async fn end_room(&self, room: RoomId, now: Timestamp) -> Result<bool> {
        let done = sqlx::query("UPDATE live_rooms SET status = 'ended', ended_at = $2 WHERE id = $1 AND status <> 'ended'")
            .bind(room.get())
            .bind(now.millis())
            .execute(&self.write)
            .await?;
        self.wrote();
        Ok(done.rows_affected() == 1)
    }

    pub async fn set_room_cover(&self, room: RoomId, key: &str) -> Result<()> {
        sqlx::query("UPDATE live_rooms SET cover_key = $1 WHERE id = $2").bind(key).bind(room.get()).execute(&self.write).await?;
        Ok(())
    }

    pub async fn set_replay(&self, room: RoomId) -> Result<()> {
        sqlx::query("UPDATE live_rooms SET has_replay = 1 WHERE id = $1").bind(room.get()).execute(&self.write).await?;
        Ok(())
    }

    pub async fn add_moderator(&self, room: RoomId, user: UserId) -> Result<()> {
        sqlx::query("INSERT INTO live_moderators (room_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(room.get())
            .bind(user.get())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn moderators(&self, room: RoomId) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT user_id FROM live_moderators WHERE room_id = $1").bind(room.get()).fetch_all(&self.read).await?;
        Ok(rows.into_iter().map(|(u,)| u).collect())
    }

    /// Mutes (until a time) or bans (`until` absent); a later sanction of
    /// the same kind replaces the earlier one.
    pub async fn sanction(
        &self,
        room: RoomId,
        user: UserId,
        kind: &str,
        until: Option<Timestamp>,
        by: UserId,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO live_sanctions (room_id, user_id, kind, until_ms, by_user_id, at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (room_id, user_id, kind) DO UPDATE SET until_ms = excluded.until_ms, by_user_id = excluded.by_user_id, at = excluded.at",
        )
        .bind(room.get())
        .bind(user.get())
        .bind(kind)
        .bind(until.map(|t| t.millis()))
        .bind(by.get())
        .bind(now.millis())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn sanctions(&self, room: RoomId) -> Result<Vec<Sanction>> {
        Ok(sqlx::query_as("SELECT user_id, kind, until_ms FROM live_sanctions WHERE room_id = $1")
            .bind(room.get())
            .fetch_all(&self.read)
            .await?)
    }

    /// Adds what the hub counted for each room (its viewers now, to the
    /// minute's most), and records first-time and interacting viewers.
    pub async fn add_room_counts(&self, deltas: &[(i64, RoomDelta)], seen: RoomSeen<'_>, now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let minute = Grain::Minute.floor(now.millis());
        for (room, d) in deltas.iter().filter(|(_, d)| d.viewers_now > 0) {
            sqlx::query(
                "INSERT INTO room_minutes (room_id, minute_ms, viewers) VALUES ($1, $2, $3) ON CONFLICT (room_id, minute_ms) \
                 DO UPDATE SET viewers = CASE WHEN room_minutes.viewers < excluded.viewers THEN excluded.viewers ELSE room_minutes.viewers END",
            )
            .bind(room)
            .bind(minute)
            .bind(d.viewers_now)
            .execute(&mut *tx)
            .await?;
        }
        for (room, d) in deltas.iter().filter(|(_, d)| !d.is_empty()) {
            sqlx::query(
                "UPDATE live_rooms SET comments = comments + $2, likes = likes + $3, shares = shares + $4, viewer_ms = viewer_ms + $5, \
                 peak_viewers = CASE WHEN peak_viewers < $6 THEN $6 ELSE peak_viewers END WHERE id = $1",
            )
            .bind(room)
            .bind(d.comments)
            .bind(d.likes)
            .bind(d.shares)
            .bind(d.viewer_ms)
            .bind(d.viewers_now)
            .execute(&mut *tx)
            .await?;
        }
        for chunk in seen.viewers.chunks(300) {
            let sql = format!(
                "INSERT INTO live_viewers (room_id, viewer, first_seen) VALUES {} ON CONFLICT DO NOTHING",
                values(self.backend(), chunk.len(), 3)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (room, viewer) in chunk {
                q = q.bind(*room).bind(viewer.as_str()).bind(now.millis());
            }
            q.execute(&mut *tx).await?;
        }
        mark_interacted(&mut tx, seen.interacting.iter().map(|(room, viewer)| (*room, viewer.as_str()))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The counts behind a stream's figures. Orders count when paid and not
    /// fully refunded: placed from the room, or of a deal dropped in it.
    pub async fn room_counts(&self, room: RoomId, now: Timestamp) -> Result<Counts> {
        let (peak, viewer_ms, went_live_at, ended_at, comments, likes, shares): (i64, i64, Option<i64>, Option<i64>, i64, i64, i64) =
            sqlx::query_as("SELECT peak_viewers, viewer_ms, went_live_at, ended_at, comments, likes, shares FROM live_rooms WHERE id = $1")
                .bind(room.get())
                .fetch_optional(&self.read)
                .await?
                .ok_or(StoreError::NotFound("room"))?;
        let (unique, interacting): (i64, i64) =
            sqlx::query_as("SELECT COUNT(*), CAST(COALESCE(SUM(interacted), 0) AS BIGINT) FROM live_viewers WHERE room_id = $1")
                .bind(room.get())
                .fetch_one(&self.read)
                .await?;
        let (orders, buyers, gmv): (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT buyer_id), CAST(COALESCE(SUM(total_minor - refunded_minor), 0) AS BIGINT) FROM orders \
             WHERE paid_at IS NOT NULL AND refunded_minor < total_minor AND (room_id = $1 OR deal_id IN (SELECT id FROM flash_deals WHERE live_room_id = $1))",
        )
        .bind(room.get())
        .fetch_one(&self.read)
        .await?;
        let live_ms = went_live_at.map(|start| ended_at.unwrap_or(now.millis()) - start).unwrap_or(0).max(0);
        Ok(Counts {
            peak_viewers: peak,
            viewer_ms,
            live_ms,
            unique_viewers: unique,
            interacting,
            comments,
            likes,
            shares,
            orders,
            buyers,
            gmv_minor: gmv,
        })
    }

    /// A shop's rooms that went live in `[from, to)`, the latest first.
    pub async fn shop_sessions(&self, shop: ShopId, from: i64, to: i64) -> Result<Vec<Session>> {
        Ok(sqlx::query_as(
            "SELECT id, title, went_live_at, ended_at, peak_viewers FROM live_rooms \
             WHERE shop_id = $1 AND went_live_at >= $2 AND went_live_at < $3 ORDER BY went_live_at DESC LIMIT 50",
        )
        .bind(shop.get())
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }

    /// The live room a deal was dropped in, if that room is still open.
    pub async fn open_room_of_deal(&self, deal: DealId) -> Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT r.id FROM flash_deals d JOIN live_rooms r ON r.id = d.live_room_id WHERE d.id = $1 AND r.status <> 'ended'",
        )
        .bind(deal.get())
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(|(r,)| r))
    }
}

/// Writes the bag in the given order; every product must exist and be on sale.
async fn write_bag(tx: &mut Transaction<'_, Any>, room: i64, products: &[ProductId]) -> Result<()> {
    if products.len() > BAG_LIMIT {
        return Err(haul_domain::DomainError::invalid("product_ids", format!("at most {BAG_LIMIT} products")).into());
    }
    for (position, product) in products.iter().enumerate() {
        let on_sale: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM products WHERE id = $1 AND status = 'active'")
            .bind(product.get())
            .fetch_optional(&mut **tx)
            .await?;
        if on_sale.is_none() {
            return Err(StoreError::NotFound("product"));
        }
        let inserted =
            sqlx::query("INSERT INTO live_room_products (room_id, product_id, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(room)
                .bind(product.get())
                .bind(position as i64)
                .execute(&mut **tx)
                .await?;
        if inserted.rows_affected() == 0 {
            return Err(haul_domain::DomainError::invalid("product_ids", "each product once").into());
        }
    }
    Ok(())
}

/// Viewers of a room who liked, chatted, shared or bought (docs/ANALYTICS.md: interaction rate).
pub(crate) async fn mark_interacted<'a>(tx: &mut Transaction<'_, Any>, viewers: impl Iterator<Item = (i64, &'a str)>) -> Result<()> {
    for (room, viewer) in viewers {
        sqlx::query("UPDATE live_viewers SET interacted = 1 WHERE room_id = $1 AND viewer = $2 AND interacted = 0")
            .bind(room)
            .bind(viewer)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
