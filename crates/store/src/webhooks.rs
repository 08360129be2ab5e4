//! Outbound webhooks as an outbox: deliveries are written in the same
//! transaction as the event they report, and a worker sends them later with
//! retries. Partner-fulfilled orders travel the same way to the partner.

use crate::{Db, Result, StoreError};
use haul_domain::Timestamp;
use haul_domain::ids::{EndpointId, OrderId, ShopId};
use haul_domain::outbound::DeliveryStatus;
use haul_domain::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;
use sqlx::{Any, Transaction};

record! {
    pub struct Endpoint {
        pub id: i64,
        pub shop_id: i64,
        pub url: String,
        pub secret: String,
        pub events: String,
        pub created_at: i64,
    }
}

impl Endpoint {
    pub fn wants(&self, event: &str) -> bool {
        self.events == "*" || self.events.split(',').any(|e| e.trim() == event)
    }
}

record! {
    pub struct Delivery {
        pub id: i64,
        pub endpoint_id: Option<i64>,
        pub shop_id: i64,
        pub target_url: String,
        /// Signs the delivery; never part of an answer (the log is shown to
        /// every member of the shop's staff).
        #[serde(skip)]
        pub secret: String,
        pub event_type: String,
        pub payload: String,
        #[schema(value_type = String)]
        pub status: DeliveryStatus,
        pub attempts: i64,
        pub next_attempt_at: i64,
        pub last_status_code: Option<i64>,
        pub last_error: Option<String>,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

const DELIVERY_COLUMNS: &str = "id, endpoint_id, shop_id, target_url, secret, event_type, payload, status, attempts, next_attempt_at, last_status_code, last_error, created_at, updated_at";

impl Db {
    pub async fn create_endpoint(&self, shop: ShopId, url: &str, secret: &str, events: &str, now: Timestamp) -> Result<Endpoint> {
        Ok(sqlx::query_as(
            "INSERT INTO webhook_endpoints (shop_id, url, secret, events, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, shop_id, url, secret, events, created_at",
        )
        .bind(shop.get())
        .bind(url)
        .bind(secret)
        .bind(events)
        .bind(now.millis())
        .fetch_one(&self.write)
        .await?)
    }

    pub async fn endpoints(&self, shop: ShopId) -> Result<Vec<Endpoint>> {
        Ok(sqlx::query_as("SELECT id, shop_id, url, secret, events, created_at FROM webhook_endpoints WHERE shop_id = $1 ORDER BY id")
            .bind(shop.get())
            .fetch_all(&self.read)
            .await?)
    }

    pub async fn delete_endpoint(&self, shop: ShopId, id: EndpointId) -> Result<()> {
        let r = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1 AND shop_id = $2")
            .bind(id.get())
            .bind(shop.get())
            .execute(&self.write)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound("webhook endpoint"));
        }
        Ok(())
    }

    pub async fn deliveries(&self, shop: ShopId, page: &PageRequest) -> Result<Page<Delivery>> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE shop_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3");
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(shop.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |d: &Delivery| d.id))
    }

    /// Pending deliveries whose time has come, claimed for `lease_ms` so that
    /// another worker (on this node or another) does not send them too.
    pub async fn claim_due_deliveries(&self, now: Timestamp, lease_ms: i64, limit: i64) -> Result<Vec<Delivery>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2"
        );
        let due: Vec<Delivery> = sqlx::query_as(AssertSqlSafe(sql)).bind(now.millis()).bind(limit).fetch_all(&self.read).await?;
        let mut claimed = Vec::with_capacity(due.len());
        for d in due {
            let won = sqlx::query(
                "UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE id = $2 AND next_attempt_at = $3 AND status = 'pending'",
            )
            .bind(now.millis() + lease_ms)
            .bind(d.id)
            .bind(d.next_attempt_at)
            .execute(&self.write)
            .await?
            .rows_affected();
            if won == 1 {
                claimed.push(d);
            }
        }
        Ok(claimed)
    }

    /// Records one attempt. `retry_at` is `None` when no retry follows.
    pub async fn record_delivery_attempt(
        &self,
        id: i64,
        delivered: bool,
        status_code: Option<i64>,
        error: Option<&str>,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<()> {
        let status = match (delivered, retry_at) {
            (true, _) => DeliveryStatus::Delivered,
            (false, Some(_)) => DeliveryStatus::Pending,
            (false, None) => DeliveryStatus::Failed,
        };
        sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, last_status_code = $2, last_error = $3, \
             next_attempt_at = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(status.as_str())
        .bind(status_code)
        .bind(error)
        .bind(retry_at.map(|t| t.millis()).unwrap_or(now.millis()))
        .bind(now.millis())
        .bind(id)
        .execute(&self.write)
        .await?;
        Ok(())
    }
}

/// Where a delivery goes and the secret that signs it.
struct Target<'a> {
    endpoint: Option<i64>,
    shop: i64,
    url: &'a str,
    secret: &'a str,
}

async fn insert_delivery(
    tx: &mut Transaction<'_, Any>,
    to: Target<'_>,
    event: &str,
    payload: &serde_json::Value,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (endpoint_id, shop_id, target_url, secret, event_type, payload, status, attempts, next_attempt_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $7)",
    )
    .bind(to.endpoint)
    .bind(to.shop)
    .bind(to.url)
    .bind(to.secret)
    .bind(event)
    .bind(payload.to_string())
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn envelope(event: &str, now: Timestamp, data: serde_json::Value) -> serde_json::Value {
    serde_json::json!({ "type": event, "created_at": now.millis(), "data": data })
}

/// Queues `event` about `subject` (an order, a team, a campaign) for every
/// endpoint of the shop that wants it.
pub(crate) async fn enqueue_for_shop(
    tx: &mut Transaction<'_, Any>,
    shop: ShopId,
    event: &str,
    subject: &impl serde::Serialize,
    now: Timestamp,
) -> Result<()> {
    let endpoints: Vec<Endpoint> =
        sqlx::query_as("SELECT id, shop_id, url, secret, events, created_at FROM webhook_endpoints WHERE shop_id = $1")
            .bind(shop.get())
            .fetch_all(&mut **tx)
            .await?;
    let payload = envelope(event, now, serde_json::to_value(subject).unwrap_or_default());
    for e in endpoints.iter().filter(|e| e.wants(event)) {
        let to = Target { endpoint: Some(e.id), shop: shop.get(), url: &e.url, secret: &e.secret };
        insert_delivery(tx, to, event, &payload, now).await?;
    }
    Ok(())
}

/// Forwards the lines of a paid order that partners fulfil, one delivery per
/// partner, carrying only that partner's lines and where they go (the
/// address is shown to no other outsider).
pub(crate) async fn enqueue_partner_forwards(tx: &mut Transaction<'_, Any>, order: OrderId, shop: ShopId, now: Timestamp) -> Result<()> {
    let rows: Vec<(i64, String, String, i64, String, String, i64)> = sqlx::query_as(
        "SELECT pa.id, pa.endpoint_url, pa.secret, l.sku_id, l.title, l.options, l.quantity FROM order_lines l \
         JOIN products p ON p.id = l.product_id JOIN partners pa ON pa.id = p.partner_id \
         WHERE l.order_id = $1 AND p.kind = 'partner' ORDER BY pa.id, l.id",
    )
    .bind(order.get())
    .fetch_all(&mut **tx)
    .await?;
    let (ship_to,): (Option<String>,) =
        sqlx::query_as("SELECT ship_to FROM orders WHERE id = $1").bind(order.get()).fetch_one(&mut **tx).await?;
    let ship_to: Option<serde_json::Value> = ship_to.and_then(|json| serde_json::from_str(&json).ok());
    let mut i = 0;
    while i < rows.len() {
        let partner = rows[i].0;
        let group: Vec<_> = rows[i..].iter().take_while(|r| r.0 == partner).collect();
        i += group.len();
        let lines: Vec<_> =
            group.iter().map(|r| serde_json::json!({"sku_id": r.3, "title": r.4, "options": r.5, "quantity": r.6})).collect();
        let data = serde_json::json!({ "order_id": order.get(), "partner_id": partner, "lines": lines, "ship_to": ship_to });
        let first = group[0];
        let to = Target { endpoint: None, shop: shop.get(), url: &first.1, secret: &first.2 };
        insert_delivery(tx, to, "order.forward", &envelope("order.forward", now, data), now).await?;
    }
    Ok(())
}
