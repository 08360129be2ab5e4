//! Team buys in the record. An offer is a merchant's team price on one SKU;
//! a team is opened by a paying shopper and filled by others paying. Seats
//! (orders awaiting payment or paid) are taken with a conditional UPDATE so
//! concurrent joins never overfill a team; only paid seats are members.
//! Closing is in `close.rs`.

use crate::orders::{NewOrder, OrderDetail, Origin, Placed, PlannedDelivery, claim_key, insert_order, link_key, sku_for_sale, take_stock};
use crate::record::stored;
use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::group_buy::TeamOfferStatus;
use haul_domain::group_buy::TeamStatus;
use haul_domain::group_buy::{TeamTerms, parse_tiers};
use haul_domain::ids::{ProductId, ShopId, SkuId, TeamId, TeamOfferId, UserId};
use haul_domain::inventory::Quantity;
use haul_domain::page::{Page, PageRequest};
use sqlx::{Any, AssertSqlSafe, Transaction};

mod close;

record! {
    pub struct TeamOffer {
        pub id: i64,
        pub shop_id: i64,
        pub product_id: i64,
        pub sku_id: i64,
        pub min_size: i64,
        pub max_size: i64,
        pub time_limit_seconds: i64,
        pub start_price_minor: i64,
        pub currency: String,
        /// `members:price` pairs, price falling as more join.
        pub tiers: String,
        #[schema(value_type = String)]
        pub status: TeamOfferStatus,
        pub created_at: i64,
        pub title: String,
        pub options: String,
    }
}

impl TeamOffer {
    pub fn terms(&self) -> Result<TeamTerms> {
        Ok(TeamTerms::parse(self.min_size, self.max_size, self.time_limit_seconds, self.start_price_minor, parse_tiers(&self.tiers)?)?)
    }
}

record! {
    pub struct Team {
        pub id: i64,
        pub offer_id: i64,
        pub opener_id: i64,
        pub max_size: i64,
        /// Orders holding a seat: paid, or awaiting payment.
        pub seats: i64,
        /// Paid seats: the only ones that count.
        pub members: i64,
        /// opening (the opener has not paid yet), forming, complete, failed, abandoned
        #[schema(value_type = String)]
        pub status: TeamStatus,
        pub opened_at: Option<i64>,
        pub expires_at: Option<i64>,
        pub final_price_minor: Option<i64>,
        pub closed_at: Option<i64>,
        pub created_at: i64,
    }
}

record! {
    /// A paid member as others see them: a first name, not a login.
    pub struct TeamMember {
        pub display_name: String,
        pub is_opener: i64,
        pub paid_at: i64,
    }
}

const OFFER_SELECT: &str = "SELECT o.id, o.shop_id, o.product_id, o.sku_id, o.min_size, o.max_size, o.time_limit_seconds, o.start_price_minor, \
     o.currency, o.tiers, o.status, o.created_at, p.title, k.options FROM team_offers o JOIN products p ON p.id = o.product_id JOIN skus k ON k.id = o.sku_id";
const TEAM_COLUMNS: &str =
    "id, offer_id, opener_id, max_size, seats, members, status, opened_at, expires_at, final_price_minor, closed_at, created_at";

/// Who asks for a seat, and how a retry is recognised.
pub struct SeatRequest<'a> {
    pub buyer: UserId,
    pub idempotency: (&'a str, &'a str),
    /// The buyer's default address, if any: team buys ship free.
    pub ship_to: Option<haul_domain::delivery::Address>,
    pub pay_by: Timestamp,
    pub now: Timestamp,
}

impl Db {
    pub async fn create_team_offer(&self, shop: ShopId, sku: SkuId, terms: &TeamTerms, now: Timestamp) -> Result<TeamOffer> {
        let (product, owner, currency): (i64, i64, String) =
            sqlx::query_as("SELECT k.product_id, p.shop_id, k.currency FROM skus k JOIN products p ON p.id = k.product_id WHERE k.id = $1")
                .bind(sku.get())
                .fetch_optional(&self.read)
                .await?
                .ok_or(StoreError::NotFound("sku"))?;
        if owner != shop.get() {
            return Err(StoreError::NotFound("sku"));
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO team_offers (shop_id, product_id, sku_id, min_size, max_size, time_limit_seconds, start_price_minor, currency, tiers, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10) RETURNING id",
        )
        .bind(shop.get())
        .bind(product)
        .bind(sku.get())
        .bind(terms.min_size)
        .bind(terms.max_size)
        .bind(terms.time_limit_seconds)
        .bind(terms.start_price_minor)
        .bind(currency)
        .bind(terms.tiers_text())
        .bind(now.millis())
        .fetch_one(&self.write)
        .await?;
        self.wrote();
        self.team_offer(TeamOfferId(id)).await
    }

    pub async fn team_offer(&self, id: TeamOfferId) -> Result<TeamOffer> {
        let sql = format!("{OFFER_SELECT} WHERE o.id = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("team offer"))
    }

    pub async fn team_offers_of_product(&self, product: ProductId) -> Result<Vec<TeamOffer>> {
        let sql = format!("{OFFER_SELECT} WHERE o.product_id = $1 AND o.status = 'active' ORDER BY o.id");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(product.get()).fetch_all(&self.read).await?)
    }

    /// The lowest team price of each of `products` that has an active offer:
    /// `(product, price)`.
    pub async fn team_prices(&self, products: &[i64]) -> Result<Vec<(i64, i64)>> {
        if products.is_empty() {
            return Ok(Vec::new());
        }
        let list = products.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT product_id, MIN(start_price_minor) FROM team_offers WHERE product_id IN ({list}) AND status = 'active' GROUP BY product_id"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql)).fetch_all(&self.read).await?)
    }

    pub async fn team_offers_of_shop(&self, shop: ShopId, page: &PageRequest) -> Result<Page<TeamOffer>> {
        let sql = format!("{OFFER_SELECT} WHERE o.shop_id = $1 AND o.id < $2 ORDER BY o.id DESC LIMIT $3");
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(shop.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |o: &TeamOffer| o.id))
    }

    /// No new teams; teams already running finish as promised.
    pub async fn withdraw_team_offer(&self, id: TeamOfferId) -> Result<TeamOffer> {
        sqlx::query("UPDATE team_offers SET status = 'withdrawn' WHERE id = $1").bind(id.get()).execute(&self.write).await?;
        self.wrote();
        self.team_offer(id).await
    }

    pub async fn team(&self, id: TeamId) -> Result<Team> {
        let sql = format!("SELECT {TEAM_COLUMNS} FROM teams WHERE id = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("team"))
    }

    /// Teams of an offer that others can join now, fullest first.
    pub async fn joinable_teams(&self, offer: TeamOfferId, limit: i64) -> Result<Vec<Team>> {
        let sql = format!(
            "SELECT {TEAM_COLUMNS} FROM teams WHERE offer_id = $1 AND status = 'forming' AND seats < max_size ORDER BY members DESC, id LIMIT $2"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(offer.get()).bind(limit).fetch_all(&self.read).await?)
    }

    /// The buyer's live order (not cancelled or refunded) in a team.
    pub async fn team_order_of(&self, team: TeamId, buyer: UserId) -> Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM orders WHERE team_id = $1 AND buyer_id = $2 AND status NOT IN ('cancelled', 'refunded') ORDER BY id LIMIT 1",
        )
        .bind(team.get())
        .bind(buyer.get())
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(|(id,)| id))
    }

    pub async fn team_members(&self, id: TeamId) -> Result<Vec<TeamMember>> {
        Ok(sqlx::query_as(
            "SELECT u.display_name, CASE WHEN u.id = t.opener_id THEN 1 ELSE 0 END AS is_opener, o.paid_at \
             FROM orders o JOIN users u ON u.id = o.buyer_id JOIN teams t ON t.id = o.team_id \
             WHERE o.team_id = $1 AND o.paid_at IS NOT NULL ORDER BY o.paid_at, o.id",
        )
        .bind(id.get())
        .fetch_all(&self.read)
        .await?)
    }

    /// Opens a team: a new team with one seat, and the opener's order. The
    /// team starts its clock when that order is paid.
    pub async fn open_team(&self, offer: TeamOfferId, req: SeatRequest<'_>) -> Result<Placed> {
        let mut tx = self.write.begin().await?;
        if !claim_key(&mut tx, req.buyer, req.idempotency.0, req.idempotency.1, req.now.millis()).await? {
            drop(tx);
            return self.replay(req.buyer, req.idempotency.0, req.idempotency.1).await;
        }
        let sql = format!("{OFFER_SELECT} WHERE o.id = $1");
        let o: TeamOffer = sqlx::query_as(AssertSqlSafe(sql))
            .bind(offer.get())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("team offer"))?;
        if o.status != TeamOfferStatus::Active {
            return Err(StoreError::conflict(ErrorCode::TeamOfferWithdrawn, "this team price is no longer offered"));
        }
        let (team,): (i64,) = sqlx::query_as(
            "INSERT INTO teams (offer_id, opener_id, max_size, seats, members, status, created_at) VALUES ($1, $2, $3, 1, 0, 'opening', $4) RETURNING id",
        )
        .bind(o.id)
        .bind(req.buyer.get())
        .bind(o.max_size)
        .bind(req.now.millis())
        .fetch_one(&mut *tx)
        .await?;
        let order = seat_order(&mut tx, &o, team, &req, &self.affiliate).await?;
        tx.commit().await?;
        Ok(Placed::New(Box::new(order)))
    }

    /// Joins a forming team, if a seat is free and the buyer is not in it.
    pub async fn join_team(&self, team: TeamId, req: SeatRequest<'_>) -> Result<Placed> {
        let mut tx = self.write.begin().await?;
        if !claim_key(&mut tx, req.buyer, req.idempotency.0, req.idempotency.1, req.now.millis()).await? {
            drop(tx);
            return self.replay(req.buyer, req.idempotency.0, req.idempotency.1).await;
        }
        let sql = format!("SELECT {TEAM_COLUMNS} FROM teams WHERE id = $1");
        let t: Team =
            sqlx::query_as(AssertSqlSafe(sql)).bind(team.get()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound("team"))?;
        if t.status != TeamStatus::Forming || t.expires_at.is_some_and(|e| req.now.millis() >= e) {
            return Err(StoreError::conflict(ErrorCode::TeamClosed, "this team is no longer taking members"));
        }
        let (already,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM orders WHERE team_id = $1 AND buyer_id = $2 AND status NOT IN ('cancelled', 'refunded')")
                .bind(team.get())
                .bind(req.buyer.get())
                .fetch_one(&mut *tx)
                .await?;
        if already > 0 {
            return Err(StoreError::conflict(ErrorCode::AlreadyInTeam, "you already hold a seat in this team"));
        }
        let taken = sqlx::query("UPDATE teams SET seats = seats + 1 WHERE id = $1 AND status = 'forming' AND seats < max_size")
            .bind(team.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if taken == 0 {
            return Err(StoreError::conflict(ErrorCode::TeamFull, "every seat is taken; open a new team"));
        }
        let sql = format!("{OFFER_SELECT} WHERE o.id = $1");
        let o: TeamOffer = sqlx::query_as(AssertSqlSafe(sql)).bind(t.offer_id).fetch_one(&mut *tx).await?;
        let order = seat_order(&mut tx, &o, t.id, &req, &self.affiliate).await.map_err(|e| match e {
            StoreError::Db(ref d) if crate::error::is_unique_violation(d) => {
                StoreError::conflict(ErrorCode::AlreadyInTeam, "you already hold a seat in this team")
            }
            e => e,
        })?;
        tx.commit().await?;
        Ok(Placed::New(Box::new(order)))
    }
}

/// The seat's order: one unit at the starting price, stock taken now.
async fn seat_order(
    tx: &mut Transaction<'_, Any>,
    o: &TeamOffer,
    team: i64,
    req: &SeatRequest<'_>,
    terms: &haul_domain::affiliate::AffiliateTerms,
) -> Result<OrderDetail> {
    let sku = sku_for_sale(tx, SkuId(o.sku_id)).await?;
    let one = Quantity::parse(1)?;
    take_stock(tx, SkuId(o.sku_id), one).await?;
    let new = NewOrder {
        buyer: req.buyer,
        lines: vec![(sku, one, o.start_price_minor)],
        coupons: Default::default(),
        delivery: PlannedDelivery::Ship { to: req.ship_to.clone(), fee_minor: 0 },
        pay_by: req.pay_by,
        now: req.now,
        origin: Origin { team: Some(team), ..Origin::default() },
    };
    let order = insert_order(tx, new, terms).await?;
    link_key(tx, req.buyer, req.idempotency.0, order.order.id).await?;
    Ok(order)
}

/// A seat was paid for. The opener's payment starts the team's clock; the
/// last seat's payment closes it at once.
pub(crate) async fn member_paid(tx: &mut Transaction<'_, Any>, team: i64, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE teams SET members = members + 1 WHERE id = $1").bind(team).execute(&mut **tx).await?;
    let (offer, status, members, max_size): (i64, String, i64, i64) =
        sqlx::query_as("SELECT offer_id, status, members, max_size FROM teams WHERE id = $1").bind(team).fetch_one(&mut **tx).await?;
    if stored(TeamStatus::parse(&status))? == TeamStatus::Opening {
        let (limit,): (i64,) =
            sqlx::query_as("SELECT time_limit_seconds FROM team_offers WHERE id = $1").bind(offer).fetch_one(&mut **tx).await?;
        sqlx::query("UPDATE teams SET status = 'forming', opened_at = $1, expires_at = $2 WHERE id = $3")
            .bind(now.millis())
            .bind(now.plus_seconds(limit).millis())
            .bind(team)
            .execute(&mut **tx)
            .await?;
    }
    if members >= max_size {
        close::close_in(tx, team, now).await?;
    }
    Ok(())
}
