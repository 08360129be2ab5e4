//! Coupons and their claims. A claim is one transaction that takes the
//! claimer's row first (so one person's concurrent claims queue), checks
//! who may claim (a live room on air, a follower), counts what they hold
//! and raises the coupon's `claimed` only while it is below `total`: a
//! crowd never gets more than there are.

use crate::{Db, Result, StoreError};
use haul_domain::Timestamp;
use haul_domain::coupons::{self, CouponKind, CouponRefusal, Terms};
use haul_domain::ids::{ShopId, UserId};
use sqlx::AssertSqlSafe;

record! {
    pub struct Coupon {
        pub id: i64,
        /// None: the platform's.
        pub shop_id: Option<i64>,
        #[schema(value_type = String)]
        pub kind: CouponKind,
        pub title: String,
        pub amount_off_minor: Option<i64>,
        pub percent_off_bps: Option<i64>,
        pub min_spend_minor: i64,
        pub currency: String,
        /// The one product it applies to; none: everything the shop sells.
        pub product_id: Option<i64>,
        pub room_id: Option<i64>,
        /// A follower coupon: whose followers claim it.
        pub creator_id: Option<i64>,
        pub starts_at: i64,
        pub ends_at: i64,
        pub total: i64,
        pub claimed: i64,
        pub per_person: i64,
        pub created_at: i64,
    }
}

impl Coupon {
    pub fn terms(&self) -> Result<Terms> {
        let window = (Timestamp::from_millis(self.starts_at), Timestamp::from_millis(self.ends_at));
        Ok(Terms::parse(self.amount_off_minor, self.percent_off_bps, self.min_spend_minor, window, self.total, self.per_person)?)
    }
}

const COUPON_COLUMNS: &str = "id, shop_id, kind, title, amount_off_minor, percent_off_bps, min_spend_minor, currency, product_id, room_id, \
     creator_id, starts_at, ends_at, total, claimed, per_person, created_at";

/// A coupon as its creator sets it, its terms checked.
pub struct NewCoupon<'a> {
    pub shop: Option<ShopId>,
    pub kind: CouponKind,
    pub title: &'a str,
    pub terms: Terms,
    pub currency: &'a str,
    pub product: Option<i64>,
    pub room: Option<i64>,
    pub creator: Option<UserId>,
    pub created_by: UserId,
}

/// A coupon someone holds, unused.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Held {
    pub claim_id: i64,
    pub claimed_at: i64,
    #[serde(flatten)]
    pub coupon: Coupon,
}

impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for Held {
    fn from_row(row: &'r sqlx::any::AnyRow) -> std::result::Result<Self, sqlx::Error> {
        use sqlx::Row;
        Ok(Held { claim_id: row.try_get("claim_id")?, claimed_at: row.try_get("claimed_at")?, coupon: Coupon::from_row(row)? })
    }
}

impl From<CouponRefusal> for StoreError {
    fn from(r: CouponRefusal) -> Self {
        StoreError::conflict(r.code(), r.message())
    }
}

impl Db {
    pub async fn create_coupon(&self, new: &NewCoupon<'_>, now: Timestamp) -> Result<Coupon> {
        let (amount, percent) = match new.terms.discount {
            coupons::Discount::AmountOff(a) => (Some(a), None),
            coupons::Discount::PercentOff(p) => (None, Some(p)),
        };
        let sql = format!(
            "INSERT INTO coupons (shop_id, kind, title, amount_off_minor, percent_off_bps, min_spend_minor, currency, product_id, room_id, \
             creator_id, starts_at, ends_at, total, per_person, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING {COUPON_COLUMNS}"
        );
        let coupon = sqlx::query_as(AssertSqlSafe(sql))
            .bind(new.shop.map(|s| s.get()))
            .bind(new.kind.as_str())
            .bind(new.title)
            .bind(amount)
            .bind(percent)
            .bind(new.terms.min_spend_minor)
            .bind(new.currency)
            .bind(new.product)
            .bind(new.room)
            .bind(new.creator.map(|c| c.get()))
            .bind(new.terms.starts_at.millis())
            .bind(new.terms.ends_at.millis())
            .bind(new.terms.total)
            .bind(new.terms.per_person)
            .bind(new.created_by.get())
            .bind(now.millis())
            .fetch_one(&self.write)
            .await?;
        self.wrote();
        Ok(coupon)
    }

    pub async fn coupon(&self, id: i64) -> Result<Coupon> {
        let sql = format!("SELECT {COUPON_COLUMNS} FROM coupons WHERE id = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("coupon"))
    }

    /// A shop's coupons still running (or about to), soonest ending first;
    /// with `platform`, the platform's too.
    pub async fn running_coupons(&self, shop: Option<ShopId>, now: Timestamp) -> Result<Vec<Coupon>> {
        let sql = format!(
            "SELECT {COUPON_COLUMNS} FROM coupons WHERE (shop_id = $1 OR ($1 = 0 AND shop_id IS NULL)) AND ends_at > $2 \
             ORDER BY ends_at, id LIMIT 100"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(shop.map(|s| s.get()).unwrap_or(0)).bind(now.millis()).fetch_all(&self.read).await?)
    }

    /// The coupons `user` holds and has not used, soonest ending first.
    pub async fn held_coupons(&self, user: UserId, now: Timestamp) -> Result<Vec<Held>> {
        let columns = COUPON_COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT h.id AS claim_id, h.claimed_at, {columns} FROM coupon_claims h JOIN coupons c ON c.id = h.coupon_id \
             WHERE h.user_id = $1 AND h.order_id IS NULL AND c.ends_at > $2 ORDER BY c.ends_at, h.id LIMIT 200"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(user.get()).bind(now.millis()).fetch_all(&self.read).await?)
    }

    /// `user` claims one of the coupon.
    pub async fn claim_coupon(&self, id: i64, user: UserId, now: Timestamp) -> Result<Held> {
        let mut tx = self.write.begin().await?;
        // One person's claims queue behind each other (PostgreSQL would
        // otherwise let two of them both count one held).
        sqlx::query("UPDATE users SET id = id WHERE id = $1").bind(user.get()).execute(&mut *tx).await?;
        let sql = format!("SELECT {COUPON_COLUMNS} FROM coupons WHERE id = $1");
        let coupon: Coupon =
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound("coupon"))?;
        coupons::claimable_at(&coupon.terms()?, now)?;
        match coupon.kind {
            CouponKind::Live => {
                let live: Option<(String,)> =
                    sqlx::query_as("SELECT status FROM live_rooms WHERE id = $1").bind(coupon.room_id).fetch_optional(&mut *tx).await?;
                if live.is_none_or(|(s,)| s != "live") {
                    return Err(CouponRefusal::NotLive.into());
                }
            }
            CouponKind::Follower => {
                let follows: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM follows WHERE follower_id = $1 AND creator_id = $2")
                    .bind(user.get())
                    .bind(coupon.creator_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if follows.is_none() {
                    return Err(CouponRefusal::NotAFollower.into());
                }
            }
            CouponKind::Shop | CouponKind::Platform => {}
        }
        let (held,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM coupon_claims WHERE coupon_id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.get())
            .fetch_one(&mut *tx)
            .await?;
        if held >= coupon.per_person {
            return Err(CouponRefusal::LimitReached.into());
        }
        let taken = sqlx::query("UPDATE coupons SET claimed = claimed + 1 WHERE id = $1 AND claimed < total")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if taken == 0 {
            return Err(CouponRefusal::AllClaimed.into());
        }
        let (claim,): (i64,) =
            sqlx::query_as("INSERT INTO coupon_claims (coupon_id, user_id, claimed_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(id)
                .bind(user.get())
                .bind(now.millis())
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        let coupon = Coupon { claimed: coupon.claimed + 1, ..coupon };
        Ok(Held { claim_id: claim, claimed_at: now.millis(), coupon })
    }
}

/// What the coupons an order uses take off: each line's share, and how
/// much of it the platform pays.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    pub lines: Vec<i64>,
    pub platform_minor: i64,
}

/// Each line's share of the coupons `buyer` uses on an order from `shop`
/// in `currency` (`lines`: each line's product and what it is worth): the
/// claims must be theirs, unused and running; one coupon paid by this shop
/// and one of the platform's. The shop's comes off first, the platform's
/// off what is left (its minimum spend counts the goods after the shop's);
/// each is split over the lines it covers so that it sums exactly.
pub(crate) async fn apply_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    buyer: UserId,
    (shop, currency): (ShopId, &str),
    lines: &[(i64, i64)],
    claims: &[i64],
    now: Timestamp,
) -> Result<Applied> {
    let mut applied = Applied { lines: vec![0; lines.len()], platform_minor: 0 };
    if claims.is_empty() {
        return Ok(applied);
    }
    let columns = COUPON_COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {columns} FROM coupon_claims h JOIN coupons c ON c.id = h.coupon_id WHERE h.id = $1 AND h.user_id = $2 AND h.order_id IS NULL"
    );
    let mut used = Vec::with_capacity(claims.len());
    for claim in claims {
        let coupon: Coupon = sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(*claim)
            .bind(buyer.get())
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(CouponRefusal::NotHeld)?;
        used.push(coupon);
    }
    coupons::stack(&used.iter().map(|c| c.kind).collect::<Vec<_>>())?;
    used.sort_by_key(|c| c.kind.platform_funded());
    for coupon in &used {
        let terms = coupon.terms()?;
        coupons::claimable_at(&terms, now)?;
        let whose = if coupon.kind.platform_funded() { None } else { Some(shop.get()) };
        if coupon.shop_id != whose || coupon.currency != currency {
            return Err(CouponRefusal::DoesNotApply.into());
        }
        let covered: Vec<i64> = lines
            .iter()
            .zip(&applied.lines)
            .map(|((product, worth), off)| if coupon.product_id.is_none_or(|p| p == *product) { worth - off } else { 0 })
            .collect();
        let off = terms.off(covered.iter().sum());
        if off == 0 {
            return Err(CouponRefusal::DoesNotApply.into());
        }
        for (d, part) in applied.lines.iter_mut().zip(coupons::split(off, &covered)) {
            *d += part;
        }
        if coupon.kind.platform_funded() {
            applied.platform_minor += off;
        }
    }
    Ok(applied)
}

/// The claims are used by `order`, each once.
pub(crate) async fn use_in(tx: &mut sqlx::Transaction<'_, sqlx::Any>, claims: &[i64], order: i64) -> Result<()> {
    for claim in claims {
        let used = sqlx::query("UPDATE coupon_claims SET order_id = $1 WHERE id = $2 AND order_id IS NULL")
            .bind(order)
            .bind(*claim)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if used == 0 {
            return Err(CouponRefusal::NotHeld.into());
        }
    }
    Ok(())
}

/// An order cancelled before payment gives its coupons back (a refund does
/// not).
pub(crate) async fn release_in(tx: &mut sqlx::Transaction<'_, sqlx::Any>, order: i64) -> Result<()> {
    sqlx::query("UPDATE coupon_claims SET order_id = NULL WHERE order_id = $1").bind(order).execute(&mut **tx).await?;
    Ok(())
}
