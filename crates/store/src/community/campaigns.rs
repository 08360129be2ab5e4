//! Campaigns: a leader publishes products of one store that reaches the
//! pickup point, at the store's or the leader's price, until a cut-off;
//! residents who joined the community order before it.

use super::Community;
use crate::orders::{NewOrder, OrderDetail, Origin, Placed, PlannedDelivery, claim_key, insert_order, link_key, sku_for_sale, take_stock};
use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::community::{CampaignItemStatus, CampaignStatus, CommunityStatus, accepts_orders};
use haul_domain::ids::{CampaignId, CommunityId, ShopId, SkuId, UserId};
use haul_domain::inventory::Quantity;
use haul_domain::orders::pickup_code;
use haul_domain::page::{Page, PageRequest};
use haul_domain::{DomainError, Timestamp};
use sqlx::AssertSqlSafe;

pub const MAX_ITEMS: usize = 50;

record! {
    pub struct Campaign {
        pub id: i64,
        pub community_id: i64,
        pub shop_id: i64,
        pub title: String,
        pub cutoff_at: i64,
        pub delivery_date: String,
        /// Units the whole campaign needs; 0 for none.
        pub threshold_units: i64,
        pub commission_bps: i64,
        /// open, succeeded, failed
        #[schema(value_type = String)]
        pub status: CampaignStatus,
        pub closed_at: Option<i64>,
        pub arrived_at: Option<i64>,
        pub created_at: i64,
    }
}

record! {
    pub struct CampaignItem {
        pub id: i64,
        pub campaign_id: i64,
        pub sku_id: i64,
        pub product_id: i64,
        pub price_minor: i64,
        pub store_price_minor: i64,
        pub currency: String,
        pub threshold_units: i64,
        /// open, kept (in the supply order), dropped (below its threshold: refunded)
        #[schema(value_type = String)]
        pub status: CampaignItemStatus,
        pub title: String,
        pub options: String,
        /// Units in paid orders (awaiting payment does not count).
        pub ordered_units: i64,
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CampaignDetail {
    #[serde(flatten)]
    pub campaign: Campaign,
    pub items: Vec<CampaignItem>,
    /// Units in paid orders across the campaign.
    pub ordered_units: i64,
}

pub struct NewCampaign<'a> {
    pub shop: ShopId,
    pub title: &'a str,
    pub cutoff_at: Timestamp,
    pub delivery_date: String,
    pub threshold_units: i64,
    pub commission_bps: i64,
    /// `(sku, leader price or None for the store's, units the product needs)`
    pub items: Vec<(SkuId, Option<i64>, i64)>,
}

/// A resident's order: campaign items and quantities.
pub struct CampaignOrder<'a> {
    pub buyer: UserId,
    pub lines: &'a [(i64, Quantity)],
    pub idempotency: (&'a str, &'a str),
    pub random: u32,
    pub pay_by: Timestamp,
    pub now: Timestamp,
}

const CAMPAIGN_COLUMNS: &str = "id, community_id, shop_id, title, cutoff_at, delivery_date, threshold_units, commission_bps, status, closed_at, arrived_at, created_at";
const ITEM_SELECT: &str = "SELECT i.id, i.campaign_id, i.sku_id, i.product_id, i.price_minor, k.price_minor AS store_price_minor, k.currency, \
     i.threshold_units, i.status, p.title, k.options, \
     (SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l JOIN orders o ON o.id = l.order_id \
      WHERE o.campaign_id = i.campaign_id AND l.sku_id = i.sku_id AND o.paid_at IS NOT NULL AND o.status <> 'refunded') AS ordered_units \
     FROM campaign_items i JOIN skus k ON k.id = i.sku_id JOIN products p ON p.id = i.product_id";

impl Db {
    /// Publishes a campaign. The store must reach the pickup point and sell
    /// every product here; the cut-off must be ahead.
    pub async fn create_campaign(&self, community: &Community, new: &NewCampaign<'_>, now: Timestamp) -> Result<CampaignDetail> {
        if community.status != CommunityStatus::Approved {
            return Err(StoreError::conflict(ErrorCode::CommunityNotApproved, "an operator has not approved this community yet"));
        }
        if !accepts_orders(now, new.cutoff_at) {
            return Err(DomainError::invalid("cutoff", "the cut-off must be in the future").into());
        }
        if new.items.is_empty() || new.items.len() > MAX_ITEMS {
            return Err(DomainError::invalid("items", format!("between 1 and {MAX_ITEMS} products")).into());
        }
        if !self.serving_shops(community).await?.iter().any(|s| s.shop_id == new.shop.get()) {
            return Err(StoreError::conflict(ErrorCode::StoreOutOfRange, "this store does not deliver to the pickup point"));
        }
        let mut tx = self.write.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO campaigns (community_id, shop_id, title, cutoff_at, delivery_date, threshold_units, commission_bps, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id",
        )
            .bind(community.id)
            .bind(new.shop.get())
            .bind(new.title)
            .bind(new.cutoff_at.millis())
            .bind(&new.delivery_date)
            .bind(new.threshold_units)
            .bind(new.commission_bps)
            .bind(now.millis())
            .fetch_one(&mut *tx)
            .await?;
        for (sku, price, threshold) in &new.items {
            let s = sku_for_sale(&mut tx, *sku).await?;
            if s.shop_id != new.shop.get() {
                return Err(StoreError::conflict(ErrorCode::MixedShops, "every product of a campaign comes from its store"));
            }
            let minimum = super::offers::minimum_for_leaders(&mut tx, *sku).await?;
            let price = price.unwrap_or(s.price_minor.max(minimum));
            if price < minimum {
                return Err(StoreError::conflict(
                    ErrorCode::BelowStoreMinimum,
                    format!("{} sells from {} (minor units) through leaders; set at least that", s.title, minimum),
                ));
            }
            sqlx::query(
                "INSERT INTO campaign_items (campaign_id, sku_id, product_id, price_minor, threshold_units, status) VALUES ($1, $2, $3, $4, $5, 'open') \
                 ON CONFLICT (campaign_id, sku_id) DO NOTHING",
            )
            .bind(id)
            .bind(sku.get())
            .bind(s.product_id)
            .bind(price)
            .bind(*threshold)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.campaign(CampaignId(id)).await
    }

    pub async fn campaign(&self, id: CampaignId) -> Result<CampaignDetail> {
        let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE id = $1");
        let campaign: Campaign =
            sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("campaign"))?;
        let sql = format!("{ITEM_SELECT} WHERE i.campaign_id = $1 ORDER BY i.id");
        let items: Vec<CampaignItem> = sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_all(&self.read).await?;
        let ordered_units = items.iter().map(|i| i.ordered_units).sum();
        Ok(CampaignDetail { campaign, items, ordered_units })
    }

    pub async fn campaigns_of_community(&self, community: CommunityId, page: &PageRequest) -> Result<Page<Campaign>> {
        self.campaigns_where("community_id", community.get(), page).await
    }

    pub async fn campaigns_of_shop(&self, shop: ShopId, page: &PageRequest) -> Result<Page<Campaign>> {
        self.campaigns_where("shop_id", shop.get(), page).await
    }

    async fn campaigns_where(&self, column: &'static str, value: i64, page: &PageRequest) -> Result<Page<Campaign>> {
        let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE {column} = $1 AND id < $2 ORDER BY id DESC LIMIT $3");
        let rows = sqlx::query_as(AssertSqlSafe(sql)).bind(value).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |c: &Campaign| c.id))
    }

    /// A resident orders from an open campaign before its cut-off. The order
    /// must be paid before the cut-off too: an unpaid one is cancelled there.
    pub async fn order_from_campaign(&self, id: CampaignId, o: CampaignOrder<'_>) -> Result<Placed> {
        if o.lines.is_empty() || o.lines.len() > MAX_ITEMS {
            return Err(DomainError::invalid("items", format!("between 1 and {MAX_ITEMS} items")).into());
        }
        let mut tx = self.write.begin().await?;
        if !claim_key(&mut tx, o.buyer, o.idempotency.0, o.idempotency.1, o.now.millis()).await? {
            drop(tx);
            return self.replay(o.buyer, o.idempotency.0, o.idempotency.1).await;
        }
        let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE id = $1");
        let c: Campaign =
            sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound("campaign"))?;
        if c.status != CampaignStatus::Open || !accepts_orders(o.now, haul_domain::Timestamp::from_millis(c.cutoff_at)) {
            return Err(StoreError::conflict(ErrorCode::CampaignClosed, "the cut-off has passed; this campaign takes no more orders"));
        }
        let member: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM community_members WHERE community_id = $1 AND user_id = $2")
            .bind(c.community_id)
            .bind(o.buyer.get())
            .fetch_optional(&mut *tx)
            .await?;
        if member.is_none() {
            return Err(StoreError::conflict(ErrorCode::NotAMember, "join the community to order from its campaigns"));
        }
        let mut lines = Vec::with_capacity(o.lines.len());
        for (item, quantity) in o.lines {
            let row: Option<(i64, i64)> =
                sqlx::query_as("SELECT sku_id, price_minor FROM campaign_items WHERE id = $1 AND campaign_id = $2")
                    .bind(*item)
                    .bind(id.get())
                    .fetch_optional(&mut *tx)
                    .await?;
            let (sku, price) = row.ok_or(StoreError::NotFound("campaign item"))?;
            let s = sku_for_sale(&mut tx, SkuId(sku)).await?;
            take_stock(&mut tx, SkuId(sku), *quantity).await?;
            lines.push((s, *quantity, price));
        }
        // Codes are unique within a campaign, so the leader's lookup finds one order.
        let mut code = pickup_code(o.random);
        for step in 1..=1000u32 {
            let taken: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM orders WHERE campaign_id = $1 AND pickup_code = $2")
                .bind(id.get())
                .bind(&code)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_none() {
                break;
            }
            code = pickup_code(o.random.wrapping_add(step));
        }
        let pay_by = o.pay_by.min(haul_domain::Timestamp::from_millis(c.cutoff_at));
        let (leader,): (i64,) =
            sqlx::query_as("SELECT leader_id FROM communities WHERE id = $1").bind(c.community_id).fetch_one(&mut *tx).await?;
        let new = NewOrder {
            buyer: o.buyer,
            lines,
            coupons: Default::default(),
            delivery: PlannedDelivery::Collect { code },
            pay_by,
            now: o.now,
            origin: Origin { campaign: Some(id.get()), leader: Some((leader, c.commission_bps)), ..Origin::default() },
        };
        let order: OrderDetail = insert_order(&mut tx, new, &self.affiliate).await?;
        link_key(&mut tx, o.buyer, o.idempotency.0, order.order.id).await?;
        tx.commit().await?;
        Ok(Placed::New(Box::new(order)))
    }
}
