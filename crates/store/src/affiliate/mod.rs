//! Commission plans: what a shop pays creators, open to all or offered to
//! one, per product or shop-wide, with every rate it has had.

use crate::{Db, Result, StoreError};
use haul_domain::affiliate::{PlanStatus, RateBps};
use haul_domain::ids::{ProductId, ShopId, UserId};
use haul_domain::{ErrorCode, Timestamp};
use sqlx::{Any, AssertSqlSafe, Transaction};

pub(crate) mod commission;
mod payouts;
mod showcase;
mod statements;
pub(crate) mod touches;

pub use commission::Commission;
pub use payouts::{Balance, ContentEarnings, MAX_PAYOUT_ATTEMPTS, Party, Payout, PayoutAnswer, ShopCreator};
pub use showcase::{MAX_SHOWCASE, ShowcaseItem};
pub use statements::{MAX_STATEMENT_LINES, Statement, StatementLine, StatementTotals};
pub use touches::{Credit, ShareLink};

record! {
    pub struct Plan {
        pub id: i64,
        pub shop_id: i64,
        /// The product it covers; none for the whole shop.
        pub product_id: Option<i64>,
        /// The creator it is offered to; none for an open plan.
        pub creator_id: Option<i64>,
        #[schema(value_type = String)]
        pub status: PlanStatus,
        /// Paid once per video a targeted creator posts with the product.
        pub flat_fee_minor: i64,
        pub created_at: i64,
        /// The rate set last (a cut still in its notice pays the old rate).
        pub rate_bps: i64,
        pub rate_set_at: i64,
    }
}

record! {
    /// A product that pays commission to any creator, as the marketplace lists it.
    pub struct MarketItem {
        pub product_id: i64,
        pub title: String,
        pub shop_id: i64,
        pub shop_name: String,
        pub min_price_minor: i64,
        pub currency: String,
        /// The open rate: the product's own plan, else the shop's default.
        pub rate_bps: i64,
        pub category_id: Option<i64>,
        /// Units in paid orders (not refunded) over the last 30 days.
        pub units_30d: i64,
        /// Shoppers' notes that rate it: the average in hundredths (450 = 4.5 stars), and how many.
        pub rating_centi: Option<i64>,
        pub ratings: i64,
    }
}

/// How the marketplace is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MarketSort {
    /// Best rate first.
    #[default]
    Rate,
    /// Most units sold in the last 30 days first.
    Sold,
    /// Best rated first.
    Rating,
}

/// What the marketplace shows: a category (or all), in which order.
pub struct MarketQuery {
    pub category: Option<i64>,
    pub sort: MarketSort,
    pub limit: i64,
    pub now: Timestamp,
}

const PLAN_SELECT: &str = "SELECT p.id, p.shop_id, p.product_id, p.creator_id, p.status, p.flat_fee_minor, p.created_at, \
     r.rate_bps, r.set_at AS rate_set_at FROM commission_plans p JOIN commission_rates r ON r.plan_id = p.id \
     AND r.set_at = (SELECT MAX(r2.set_at) FROM commission_rates r2 WHERE r2.plan_id = p.id)";

/// A plan about to be offered.
pub struct NewPlan {
    pub shop: ShopId,
    pub product: Option<ProductId>,
    pub creator: Option<UserId>,
    pub rate: RateBps,
    pub flat_fee_minor: i64,
}

impl Db {
    /// Offers a plan: open plans are active at once (one per product and one
    /// shop-wide), a targeted one waits for its creator.
    pub async fn create_plan(&self, new: &NewPlan, now: Timestamp) -> Result<Plan> {
        let mut tx = self.write.begin().await?;
        if new.creator.is_none() {
            let (taken,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM commission_plans WHERE shop_id = $1 AND creator_id IS NULL AND COALESCE(product_id, 0) = $2",
            )
            .bind(new.shop.get())
            .bind(new.product.map_or(0, |p| p.get()))
            .fetch_one(&mut *tx)
            .await?;
            if taken > 0 {
                return Err(StoreError::conflict(ErrorCode::PlanExists, "an open plan covers this already; change its rate instead"));
            }
        }
        let status = if new.creator.is_some() { PlanStatus::Invited } else { PlanStatus::Active };
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO commission_plans (shop_id, product_id, creator_id, status, flat_fee_minor, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.shop.get())
        .bind(new.product.map(|p| p.get()))
        .bind(new.creator.map(|c| c.get()))
        .bind(status.as_str())
        .bind(new.flat_fee_minor)
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await?;
        add_rate(&mut tx, id, new.rate, now).await?;
        let plan = plan_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(plan)
    }

    pub async fn plan(&self, id: i64) -> Result<Plan> {
        let mut tx = self.read.begin().await?;
        let plan = plan_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(plan)
    }

    /// A new rate from now on; the old one stays on record (and, if this is
    /// a cut, in force for the notice).
    pub async fn set_plan_rate(&self, id: i64, rate: RateBps, now: Timestamp) -> Result<Plan> {
        let mut tx = self.write.begin().await?;
        plan_in(&mut tx, id).await?;
        add_rate(&mut tx, id, rate, now).await?;
        let plan = plan_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(plan)
    }

    /// Every rate the plan has had, oldest first.
    pub async fn plan_rates(&self, id: i64) -> Result<Vec<(Timestamp, RateBps)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT set_at, rate_bps FROM commission_rates WHERE plan_id = $1 ORDER BY set_at")
            .bind(id)
            .fetch_all(&self.read)
            .await?;
        rows.into_iter().map(|(at, bps)| Ok((Timestamp::from_millis(at), crate::record::stored(RateBps::parse(bps))?))).collect()
    }

    pub async fn plans_of_shop(&self, shop: ShopId) -> Result<Vec<Plan>> {
        let sql = format!("{PLAN_SELECT} WHERE p.shop_id = $1 ORDER BY p.id DESC LIMIT 200");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(shop.get()).fetch_all(&self.read).await?)
    }

    /// The plans offered to a creator (invitations, and those they took).
    pub async fn plans_of_creator(&self, creator: UserId) -> Result<Vec<Plan>> {
        let sql = format!("{PLAN_SELECT} WHERE p.creator_id = $1 ORDER BY p.id DESC LIMIT 200");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(creator.get()).fetch_all(&self.read).await?)
    }

    /// The invited creator accepts or declines, once.
    pub async fn answer_invitation(&self, id: i64, creator: UserId, accept: bool) -> Result<Plan> {
        let mut tx = self.write.begin().await?;
        let to = if accept { PlanStatus::Active } else { PlanStatus::Declined };
        let answered = sqlx::query("UPDATE commission_plans SET status = $1 WHERE id = $2 AND creator_id = $3 AND status = 'invited'")
            .bind(to.as_str())
            .bind(id)
            .bind(creator.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let plan = plan_in(&mut tx, id).await?;
        if plan.creator_id != Some(creator.get()) {
            return Err(StoreError::NotFound("plan"));
        }
        if answered == 0 {
            return Err(StoreError::conflict(ErrorCode::InvitationAnswered, "this invitation was answered already"));
        }
        tx.commit().await?;
        Ok(plan)
    }

    /// Products that pay commission to any creator: each product's own
    /// open plan, else its shop's default; shops that sell only.
    pub async fn marketplace(&self, q: &MarketQuery) -> Result<Vec<MarketItem>> {
        let rate = "(SELECT r.rate_bps FROM commission_plans cp JOIN commission_rates r ON r.plan_id = cp.id \
             WHERE cp.shop_id = p.shop_id AND cp.creator_id IS NULL AND cp.status = 'active' AND (cp.product_id = p.id OR cp.product_id IS NULL) \
             ORDER BY cp.product_id IS NULL, r.set_at DESC LIMIT 1)";
        let sold = "CAST(COALESCE((SELECT SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE l.product_id = p.id AND o.paid_at >= $2 AND o.status <> 'refunded'), 0) AS BIGINT)";
        let rating = "(SELECT CAST(AVG(n.rating) * 100 AS BIGINT) FROM notes n WHERE n.rated_product_id = p.id AND n.status = 'published')";
        let ratings = "(SELECT COUNT(*) FROM notes n WHERE n.rated_product_id = p.id AND n.status = 'published' AND n.rating IS NOT NULL)";
        let order = match q.sort {
            MarketSort::Rate => "m.rate_bps DESC, m.units_30d DESC",
            MarketSort::Sold => "m.units_30d DESC, m.rate_bps DESC",
            MarketSort::Rating => "COALESCE(m.rating_centi, 0) DESC, m.ratings DESC",
        };
        let sql = format!(
            "SELECT * FROM (SELECT p.id AS product_id, p.title, p.shop_id, s.name AS shop_name, \
             CAST(COALESCE((SELECT MIN(k.price_minor) FROM skus k WHERE k.product_id = p.id), 0) AS BIGINT) AS min_price_minor, s.currency, \
             {rate} AS rate_bps, p.category_id, {sold} AS units_30d, {rating} AS rating_centi, {ratings} AS ratings \
             FROM products p JOIN shops s ON s.id = p.shop_id \
             WHERE p.status = 'active' AND s.status = 'active' AND p.kind = 'native' AND ($3 = 0 OR p.category_id = $3)) m \
             WHERE m.rate_bps IS NOT NULL ORDER BY {order}, m.product_id DESC LIMIT $1"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql))
            .bind(q.limit)
            .bind(q.now.millis().saturating_sub(30 * 86_400_000))
            .bind(q.category.unwrap_or(0))
            .fetch_all(&self.read)
            .await?)
    }
}

async fn add_rate(tx: &mut Transaction<'_, Any>, plan: i64, rate: RateBps, now: Timestamp) -> Result<()> {
    // Two changes in the same millisecond: the later one stands.
    sqlx::query(
        "INSERT INTO commission_rates (plan_id, rate_bps, set_at) VALUES ($1, $2, $3) ON CONFLICT (plan_id, set_at) DO UPDATE SET rate_bps = excluded.rate_bps",
    )
    .bind(plan)
    .bind(rate.get())
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn plan_in(tx: &mut Transaction<'_, Any>, id: i64) -> Result<Plan> {
    let sql = format!("{PLAN_SELECT} WHERE p.id = $1");
    sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound("plan"))
}

/// A suspended shop's plans pause; a reinstated shop's resume.
pub(crate) async fn pause_plans(tx: &mut Transaction<'_, Any>, shop: i64, pause: bool) -> Result<u64> {
    let (to, from) = if pause { ("paused", "active") } else { ("active", "paused") };
    Ok(sqlx::query("UPDATE commission_plans SET status = $1 WHERE shop_id = $2 AND status = $3")
        .bind(to)
        .bind(shop)
        .bind(from)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}
