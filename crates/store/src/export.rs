//! A person's own rows, as JSON objects, for the download of their data:
//! each set is one query over one table, filtered by the person, whose
//! columns are turned into JSON by their stored type (so a column added
//! later is exported without changing this).

use crate::{Db, Result};
use haul_domain::ids::UserId;
use serde_json::{Map, Value};
use sqlx::{Column, Row};

/// The sets of a person's data: a name, and a query of their rows (`$1` is
/// their id). Only what is theirs: no password hash or two-factor secret,
/// none of other people's rows or words (who follows them, shops' replies
/// and messages, the staff who took a voucher).
pub const SETS: &[(&str, &str)] = &[
    (
        "profile",
        "SELECT id, email, phone, display_name, role, lang, created_at, email_verified_at, phone_verified_at, totp_enabled_at, mail_opt_out \
         FROM users WHERE id = $1",
    ),
    ("addresses", "SELECT * FROM addresses WHERE user_id = $1 ORDER BY id"),
    (
        "orders",
        "SELECT id, shop_id, status, total_minor, shipping_minor, discount_minor, platform_discount_minor, refunded_minor, currency, \
         fulfilment, ship_to, carrier, tracking_no, pickup_code, created_at, paid_at, shipped_at, received_at, completed_at \
         FROM orders WHERE buyer_id = $1 ORDER BY id",
    ),
    (
        "order_lines",
        "SELECT l.order_id, l.product_id, l.title, l.options, l.unit_price_minor, l.quantity, l.discount_minor \
         FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.buyer_id = $1 ORDER BY l.id",
    ),
    (
        "reviews",
        "SELECT id, order_id, product_id, shop_id, rating, body, pictures, follow_up, follow_up_at, created_at FROM reviews WHERE author_id = $1 ORDER BY id",
    ),
    (
        "aftersales",
        "SELECT id, order_id, shop_id, kind, status, quantity, amount_minor, currency, reason, return_carrier, return_tracking, \
         replacement_carrier, replacement_tracking, created_at, updated_at FROM aftersales_cases WHERE buyer_id = $1 ORDER BY id",
    ),
    (
        "vouchers",
        "SELECT id, code, order_id, product_id, shop_id, paid_minor, currency, status, valid_from, valid_until, issued_at, redeemed_at \
         FROM vouchers WHERE buyer_id = $1 ORDER BY id",
    ),
    ("notes", "SELECT * FROM notes WHERE author_id = $1 ORDER BY id"),
    (
        "videos",
        "SELECT id, caption, hashtags, category_id, content_type, size_bytes, duration_ms, status, created_at FROM videos WHERE creator_id = $1 ORDER BY id",
    ),
    ("video_comments", "SELECT id, video_id, body, created_at FROM video_comments WHERE user_id = $1 ORDER BY id"),
    ("note_comments", "SELECT id, note_id, body, created_at FROM note_comments WHERE user_id = $1 ORDER BY id"),
    ("following", "SELECT creator_id, created_at FROM follows WHERE follower_id = $1 ORDER BY created_at"),
    ("quote_requests", "SELECT * FROM leads WHERE buyer_id = $1 ORDER BY id"),
    ("commissions", "SELECT * FROM commissions WHERE creator_id = $1 ORDER BY id"),
    ("payouts", "SELECT * FROM payouts WHERE creator_id = $1 AND shop_id IS NULL ORDER BY id"),
];

impl Db {
    /// The rows of one of `SETS` for `user`.
    pub async fn export_set(&self, sql: &'static str, user: UserId) -> Result<Vec<Map<String, Value>>> {
        let rows = sqlx::query(sql).bind(user.get()).fetch_all(&self.read).await?;
        Ok(rows.iter().map(to_json).collect())
    }
}

fn to_json(row: &sqlx::any::AnyRow) -> Map<String, Value> {
    row.columns()
        .iter()
        .map(|c| {
            let i = c.ordinal();
            let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                v.map(Value::from)
            } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
                v.map(Value::from)
            } else if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
                v.map(Value::from)
            } else {
                row.try_get::<Option<String>, _>(i).ok().flatten().map(Value::from)
            };
            (c.name().to_owned(), value.unwrap_or(Value::Null))
        })
        .collect()
}
