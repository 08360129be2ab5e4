//! Sales leads: a buyer asks a shop for a quote on goods sold by quote; the
//! lead records the content that produced it (attribution's own rules),
//! queues `lead.created` for the shop's webhooks, and moves through the
//! merchant's statuses with notes and replies. Never counted as a sale.

use crate::affiliate::touches::{SaleLine, attribute};
use crate::error::is_unique_violation;
use crate::webhooks::enqueue_for_shop;
use crate::{Db, Result, StoreError};
use haul_domain::catalog::{ListingKind, ProductStatus};
use haul_domain::ids::{ProductId, ShopId, UserId};
use haul_domain::leads::{LeadRequest, LeadStatus, MAX_LEAD_MESSAGES};
use haul_domain::page::{Page, PageRequest};
use haul_domain::{ErrorCode, Timestamp};
use sqlx::AssertSqlSafe;

record! {
    pub struct Lead {
        pub id: i64,
        pub product_id: i64,
        pub shop_id: i64,
        pub buyer_id: i64,
        pub quantity: i64,
        pub province: String,
        pub city: String,
        pub budget_min_minor: Option<i64>,
        pub budget_max_minor: Option<i64>,
        pub currency: String,
        /// The buyer's phone number or e-mail address: the shop's staff and the buyer see it.
        pub contact: String,
        pub contact_time: String,
        pub message: String,
        #[schema(value_type = String)]
        pub status: LeadStatus,
        /// What produced it: a video, a note, a live room, a share link, a showcase.
        pub touch_kind: Option<String>,
        pub touch_id: Option<i64>,
        pub creator_id: Option<i64>,
        pub created_at: i64,
        pub updated_at: i64,
        /// The product's title, and the buyer's name.
        pub title: String,
        pub buyer_name: String,
    }
}

record! {
    /// A staff note (the shop's eyes only) or a reply (the buyer's too).
    pub struct LeadMessage {
        pub id: i64,
        pub author_id: i64,
        pub author_name: String,
        pub kind: String,
        pub body: String,
        pub created_at: i64,
    }
}

record! {
    /// Leads of a shop in a span, counted by a region or by a piece of content.
    pub struct LeadCount {
        pub key: String,
        pub key_id: Option<i64>,
        pub leads: i64,
        pub won: i64,
    }
}

impl Lead {
    /// What produced the lead (and who is credited) is the shop's business.
    pub fn hide_attribution(&mut self) {
        (self.touch_kind, self.touch_id, self.creator_id) = (None, None, None);
    }
}

const LEAD_SELECT: &str = "SELECT l.id, l.product_id, l.shop_id, l.buyer_id, l.quantity, l.province, l.city, l.budget_min_minor, \
     l.budget_max_minor, l.currency, l.contact, l.contact_time, l.message, l.status, l.touch_kind, l.touch_id, l.creator_id, \
     l.created_at, l.updated_at, p.title, u.display_name AS buyer_name FROM leads l JOIN products p ON p.id = l.product_id \
     JOIN users u ON u.id = l.buyer_id";

/// Where the ask was made: inside a live room (`(room, host)`) it is the room's.
pub struct Asked {
    pub buyer: UserId,
    pub product: ProductId,
    pub live_room: Option<(i64, i64)>,
}

impl Db {
    /// Records a buyer's ask; one open lead per buyer and product.
    pub async fn create_lead(&self, asked: Asked, request: &LeadRequest, now: Timestamp) -> Result<Lead> {
        let mut tx = self.write.begin().await?;
        let product: Option<(i64, String, String, String)> = sqlx::query_as(
            "SELECT p.shop_id, p.kind, p.status, s.currency FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id = $1",
        )
        .bind(asked.product.get())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((shop, kind, status, currency)) = product else { return Err(StoreError::NotFound("product")) };
        if status != ProductStatus::Active.as_str() {
            return Err(StoreError::NotFound("product"));
        }
        if ListingKind::parse(&kind)? != ListingKind::Quote {
            return Err(haul_domain::DomainError::invalid(
                "product_id",
                "a product sold by quote (this one is bought: add it to the cart)",
            )
            .into());
        }
        let line =
            SaleLine { buyer: asked.buyer.get(), shop, product: asked.product.get(), at: now, live_room: asked.live_room, direct: None };
        let credit = attribute(&mut tx, std::slice::from_ref(&line), &self.affiliate_terms()).await?.into_iter().next().flatten();
        let touch = credit.map(|c| c.touch);
        let inserted = sqlx::query_as::<_, (i64,)>(
            "INSERT INTO leads (product_id, shop_id, buyer_id, quantity, province, city, budget_min_minor, budget_max_minor, currency, \
             contact, contact_time, message, status, touch_kind, touch_id, creator_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'new', $13, $14, $15, $16, $16) RETURNING id",
        )
        .bind(asked.product.get())
        .bind(shop)
        .bind(asked.buyer.get())
        .bind(request.quantity)
        .bind(&request.province)
        .bind(&request.city)
        .bind(request.budget_min_minor)
        .bind(request.budget_max_minor)
        .bind(&currency)
        .bind(&request.contact)
        .bind(request.contact_time.as_str())
        .bind(&request.message)
        .bind(touch.map(|t| t.kind.as_str()))
        .bind(touch.map(|t| t.id))
        .bind(touch.map(|t| t.creator.get()))
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await;
        let (id,) = match inserted {
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::conflict(ErrorCode::LeadOpen, "you have an open request for a quote on this product"));
            }
            other => other?,
        };
        let lead = lead_in(&mut tx, id).await?;
        enqueue_for_shop(&mut tx, ShopId(shop), "lead.created", &lead, now).await?;
        tx.commit().await?;
        Ok(lead)
    }

    /// Whether the buyer has an open lead on the product.
    pub async fn has_open_lead(&self, buyer: UserId, product: ProductId) -> Result<bool> {
        let open: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM leads WHERE buyer_id = $1 AND product_id = $2 AND status IN ('new', 'contacted', 'quoted')")
                .bind(buyer.get())
                .bind(product.get())
                .fetch_optional(&self.read)
                .await?;
        Ok(open.is_some())
    }

    pub async fn lead(&self, id: i64) -> Result<Lead> {
        let sql = format!("{LEAD_SELECT} WHERE l.id = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("lead"))
    }

    /// A shop's leads, the newest first; `status` narrows them.
    pub async fn shop_leads(&self, shop: ShopId, status: Option<LeadStatus>, page: &PageRequest) -> Result<Page<Lead>> {
        let sql = format!("{LEAD_SELECT} WHERE l.shop_id = $1 AND l.id < $2 AND ($3 = '' OR l.status = $3) ORDER BY l.id DESC LIMIT $4");
        let rows = sqlx::query_as(AssertSqlSafe(sql))
            .bind(shop.get())
            .bind(page.before_id())
            .bind(status.map_or("", |s| s.as_str()))
            .bind(page.fetch())
            .fetch_all(&self.read)
            .await?;
        Ok(Page::from_batch(rows, page, |l: &Lead| l.id))
    }

    /// A buyer's own leads, the newest first.
    pub async fn buyer_leads(&self, buyer: UserId, page: &PageRequest) -> Result<Page<Lead>> {
        let sql = format!("{LEAD_SELECT} WHERE l.buyer_id = $1 AND l.id < $2 ORDER BY l.id DESC LIMIT $3");
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(buyer.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |l: &Lead| l.id))
    }

    /// Moves a lead on, if its status is still `from` (two staff at once: one wins).
    pub async fn set_lead_status(&self, id: i64, from: LeadStatus, to: LeadStatus, now: Timestamp) -> Result<Lead> {
        if !from.may_become(to) {
            return Err(StoreError::conflict(ErrorCode::IllegalTransition, format!("a {from} lead cannot become {to}")));
        }
        let moved = sqlx::query("UPDATE leads SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .bind(to.as_str())
            .bind(now.millis())
            .bind(id)
            .bind(from.as_str())
            .execute(&self.write)
            .await?
            .rows_affected();
        if moved == 0 {
            return Err(StoreError::conflict(ErrorCode::IllegalTransition, "the lead changed meanwhile: look again"));
        }
        self.lead(id).await
    }

    /// A note or a reply on a lead, up to `MAX_LEAD_MESSAGES` of them.
    pub async fn add_lead_message(&self, lead: i64, author: UserId, reply: bool, body: &str, now: Timestamp) -> Result<LeadMessage> {
        let mut tx = self.write.begin().await?;
        // The lead's row first: messages are counted one writer at a time.
        sqlx::query("UPDATE leads SET updated_at = $1 WHERE id = $2").bind(now.millis()).bind(lead).execute(&mut *tx).await?;
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM lead_messages WHERE lead_id = $1").bind(lead).fetch_one(&mut *tx).await?;
        if count >= MAX_LEAD_MESSAGES {
            return Err(StoreError::conflict(ErrorCode::LeadFull, "this conversation is full: call or write to each other directly"));
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO lead_messages (lead_id, author_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(lead)
        .bind(author.get())
        .bind(if reply { "reply" } else { "note" })
        .bind(body)
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await?;
        let message = message_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(message)
    }

    /// A lead's messages, oldest first; the buyer sees replies only.
    pub async fn lead_messages(&self, lead: i64, replies_only: bool) -> Result<Vec<LeadMessage>> {
        Ok(sqlx::query_as(
            "SELECT m.id, m.author_id, u.display_name AS author_name, m.kind, m.body, m.created_at FROM lead_messages m \
             JOIN users u ON u.id = m.author_id WHERE m.lead_id = $1 AND ($2 = 0 OR m.kind = 'reply') ORDER BY m.id",
        )
        .bind(lead)
        .bind(i64::from(replies_only))
        .fetch_all(&self.read)
        .await?)
    }

    /// A shop's leads made in `[from, to)`, by province, and by the content that produced them.
    pub async fn lead_counts(&self, shop: ShopId, from: i64, to: i64) -> Result<(Vec<LeadCount>, Vec<LeadCount>)> {
        let count = |group: &str, id: &str| {
            format!(
                "SELECT {group} AS key, {id} AS key_id, COUNT(*) AS leads, CAST(SUM(CASE WHEN status = 'won' THEN 1 ELSE 0 END) AS BIGINT) AS won \
                 FROM leads WHERE shop_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY {group}, {id} ORDER BY COUNT(*) DESC, {group} LIMIT 50"
            )
        };
        let by_region = sqlx::query_as(AssertSqlSafe(count("province", "CAST(NULL AS BIGINT)")))
            .bind(shop.get())
            .bind(from)
            .bind(to)
            .fetch_all(&self.read)
            .await?;
        let by_content = sqlx::query_as(AssertSqlSafe(count("COALESCE(touch_kind, '')", "touch_id")))
            .bind(shop.get())
            .bind(from)
            .bind(to)
            .fetch_all(&self.read)
            .await?;
        Ok((by_region, by_content))
    }
}

async fn lead_in(tx: &mut sqlx::Transaction<'_, sqlx::Any>, id: i64) -> Result<Lead> {
    let sql = format!("{LEAD_SELECT} WHERE l.id = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_one(&mut **tx).await?)
}

async fn message_in(tx: &mut sqlx::Transaction<'_, sqlx::Any>, id: i64) -> Result<LeadMessage> {
    Ok(sqlx::query_as(
        "SELECT m.id, m.author_id, u.display_name AS author_name, m.kind, m.body, m.created_at FROM lead_messages m \
         JOIN users u ON u.id = m.author_id WHERE m.id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?)
}
