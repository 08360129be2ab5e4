//! Sponsorship of a note as an agreement between its author and a shop:
//! either side may agree first; the "sponsored" label appears only when both
//! have, and once it has it stays. A note that rates a product cannot be
//! sponsored (a bought review is not a review).

use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::ids::{NoteId, ShopId};

record! {
    pub struct Sponsorship {
        pub note_id: i64,
        pub shop_id: i64,
        pub author_agreed: i64,
        pub shop_agreed: i64,
        pub created_at: i64,
    }
}

/// Who agrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Author,
    Shop,
}

impl Db {
    /// Records `side`'s agreement that `shop` sponsors note `id`; when both
    /// sides have agreed, the note is labelled in the same transaction.
    pub async fn agree_sponsorship(&self, id: NoteId, shop: ShopId, side: Side, now: Timestamp) -> Result<Sponsorship> {
        let mut tx = self.write.begin().await?;
        let (rating, sponsor): (Option<i64>, Option<i64>) =
            sqlx::query_as("SELECT rating, sponsored_by_shop_id FROM notes WHERE id = $1 AND status = 'published'")
                .bind(id.get())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound("note"))?;
        if rating.is_some() {
            return Err(StoreError::conflict(ErrorCode::NotSponsorable, "a note that rates a product cannot be paid for"));
        }
        if sponsor.is_some_and(|s| s != shop.get()) {
            return Err(StoreError::conflict(ErrorCode::NotSponsorable, "the note is already sponsored by another shop"));
        }
        let column = match side {
            Side::Author => "author_agreed",
            Side::Shop => "shop_agreed",
        };
        let sql = format!(
            "INSERT INTO note_sponsorships (note_id, shop_id, {column}, created_at) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (note_id, shop_id) DO UPDATE SET {column} = 1"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.get()).bind(shop.get()).bind(now.millis()).execute(&mut *tx).await?;
        let agreement: Sponsorship = sqlx::query_as(
            "SELECT note_id, shop_id, author_agreed, shop_agreed, created_at FROM note_sponsorships WHERE note_id = $1 AND shop_id = $2",
        )
        .bind(id.get())
        .bind(shop.get())
        .fetch_one(&mut *tx)
        .await?;
        if agreement.author_agreed == 1 && agreement.shop_agreed == 1 {
            sqlx::query("UPDATE notes SET sponsored_by_shop_id = $1 WHERE id = $2 AND sponsored_by_shop_id IS NULL")
                .bind(shop.get())
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(agreement)
    }

    /// Agreements about note `id` that are not complete yet, newest first.
    pub async fn open_sponsorships(&self, id: NoteId) -> Result<Vec<Sponsorship>> {
        Ok(sqlx::query_as(
            "SELECT note_id, shop_id, author_agreed, shop_agreed, created_at FROM note_sponsorships \
             WHERE note_id = $1 AND (author_agreed = 0 OR shop_agreed = 0) ORDER BY created_at DESC, shop_id LIMIT 20",
        )
        .bind(id.get())
        .fetch_all(&self.read)
        .await?)
    }
}
