//! Community group purchase in the record: a leader's community and pickup
//! point (an application an operator decides), residents who join it, and
//! the stores whose delivery radius reaches it. Campaigns, their orders and
//! their close, and what stores offer leaders, are in the submodules.

use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::accounts::Role;
use haul_domain::community::CommunityStatus;
use haul_domain::community::GeoPoint;
use haul_domain::ids::{CommunityId, ShopId, UserId};
use haul_domain::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;

mod campaigns;
mod close;
mod offers;

pub use campaigns::{Campaign, CampaignDetail, CampaignItem, CampaignOrder, NewCampaign};
pub use close::{CampaignOutcome, PickupEntry, SupplyLine, SupplyOrder};
pub use offers::LeaderOffer;

record! {
    pub struct Community {
        pub id: i64,
        pub leader_id: i64,
        pub name: String,
        pub area: String,
        pub pickup_address: String,
        pub pickup_hours: String,
        pub lat_micro: i64,
        pub lng_micro: i64,
        /// The leader's local time, for cut-offs such as 23:00.
        pub utc_offset_minutes: i64,
        /// applied, approved, rejected
        #[schema(value_type = String)]
        pub status: CommunityStatus,
        pub applied_at: i64,
        pub decided_at: Option<i64>,
        pub members: i64,
    }
}

impl Community {
    pub fn pickup_point(&self) -> Result<GeoPoint> {
        Ok(GeoPoint::from_micro(self.lat_micro, self.lng_micro)?)
    }
}

record! {
    /// A store that reaches a pickup point, and how far it is.
    pub struct ServingShop {
        pub shop_id: i64,
        pub name: String,
        pub slug: String,
        pub distance_m: i64,
    }
}

/// A leader's application: the community and its pickup point.
pub struct NewCommunity<'a> {
    pub name: &'a str,
    pub area: &'a str,
    pub pickup_address: &'a str,
    pub pickup_hours: &'a str,
    pub point: GeoPoint,
    pub utc_offset_minutes: i64,
}

const COMMUNITY_SELECT: &str = "SELECT c.id, c.leader_id, c.name, c.area, c.pickup_address, c.pickup_hours, c.lat_micro, c.lng_micro, \
     c.utc_offset_minutes, c.status, c.applied_at, c.decided_at, (SELECT COUNT(*) FROM community_members m WHERE m.community_id = c.id) AS members \
     FROM communities c";

impl Db {
    /// Applies to lead a community. A rejected applicant may apply again.
    pub async fn apply_to_lead(&self, leader: UserId, new: &NewCommunity<'_>, now: Timestamp) -> Result<Community> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO communities (leader_id, name, area, pickup_address, pickup_hours, lat_micro, lng_micro, utc_offset_minutes, status, applied_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'applied', $9) \
             ON CONFLICT (leader_id) DO UPDATE SET name = excluded.name, area = excluded.area, pickup_address = excluded.pickup_address, \
             pickup_hours = excluded.pickup_hours, lat_micro = excluded.lat_micro, lng_micro = excluded.lng_micro, \
             utc_offset_minutes = excluded.utc_offset_minutes, status = 'applied', applied_at = excluded.applied_at, decided_at = NULL \
             WHERE communities.status = 'rejected' RETURNING id",
        )
        .bind(leader.get())
        .bind(new.name)
        .bind(new.area)
        .bind(new.pickup_address)
        .bind(new.pickup_hours)
        .bind(new.point.lat_micro())
        .bind(new.point.lng_micro())
        .bind(new.utc_offset_minutes)
        .bind(now.millis())
        .fetch_optional(&self.write)
        .await?
        .ok_or_else(|| StoreError::conflict(ErrorCode::AlreadyApplied, "you already lead a community or have applied to"))?;
        self.community(CommunityId(id)).await
    }

    pub async fn community(&self, id: CommunityId) -> Result<Community> {
        let sql = format!("{COMMUNITY_SELECT} WHERE c.id = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("community"))
    }

    pub async fn community_of_leader(&self, leader: UserId) -> Result<Option<Community>> {
        let sql = format!("{COMMUNITY_SELECT} WHERE c.leader_id = $1");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(leader.get()).fetch_optional(&self.read).await?)
    }

    /// Communities in one status (`applied` for the operator's queue), newest first.
    pub async fn communities(&self, status: CommunityStatus, page: &PageRequest) -> Result<Page<Community>> {
        let sql = format!("{COMMUNITY_SELECT} WHERE c.status = $1 AND c.id < $2 ORDER BY c.id DESC LIMIT $3");
        let rows = sqlx::query_as(AssertSqlSafe(sql))
            .bind(status.as_str())
            .bind(page.before_id())
            .bind(page.fetch())
            .fetch_all(&self.read)
            .await?;
        Ok(Page::from_batch(rows, page, |c: &Community| c.id))
    }

    pub async fn communities_of_member(&self, user: UserId) -> Result<Vec<Community>> {
        let sql = format!(
            "{COMMUNITY_SELECT} WHERE c.id IN (SELECT community_id FROM community_members WHERE user_id = $1) ORDER BY c.id LIMIT 100"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(user.get()).fetch_all(&self.read).await?)
    }

    /// An operator approves (the applicant becomes a group leader) or rejects.
    pub async fn decide_community(&self, id: CommunityId, approve: bool, operator: UserId, now: Timestamp) -> Result<Community> {
        let mut tx = self.write.begin().await?;
        let status = if approve { CommunityStatus::Approved } else { CommunityStatus::Rejected }.as_str();
        let (leader,): (i64,) = sqlx::query_as(
            "UPDATE communities SET status = $1, decided_at = $2, decided_by = $3 WHERE id = $4 AND status = 'applied' RETURNING leader_id",
        )
        .bind(status)
        .bind(now.millis())
        .bind(operator.get())
        .bind(id.get())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::conflict(ErrorCode::NotPending, "no pending application with this id"))?;
        if approve {
            sqlx::query("UPDATE users SET role = $1 WHERE id = $2 AND role IN ('shopper', 'creator')")
                .bind(Role::GroupLeader.as_str())
                .bind(leader)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.community(id).await
    }

    pub async fn join_community(&self, id: CommunityId, user: UserId, now: Timestamp) -> Result<()> {
        let c = self.community(id).await?;
        if c.status != CommunityStatus::Approved {
            return Err(StoreError::NotFound("community"));
        }
        sqlx::query("INSERT INTO community_members (community_id, user_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(id.get())
            .bind(user.get())
            .bind(now.millis())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn is_member(&self, id: CommunityId, user: UserId) -> Result<bool> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM community_members WHERE community_id = $1 AND user_id = $2")
            .bind(id.get())
            .bind(user.get())
            .fetch_optional(&self.read)
            .await?;
        Ok(row.is_some())
    }

    /// Where the store is (its point and street address) and how far it delivers to pickup points.
    pub async fn set_shop_location(&self, shop: ShopId, point: GeoPoint, address: &str, radius_m: i64) -> Result<()> {
        sqlx::query("UPDATE shops SET lat_micro = $1, lng_micro = $2, address = $3, delivery_radius_m = $4 WHERE id = $5")
            .bind(point.lat_micro())
            .bind(point.lng_micro())
            .bind(address)
            .bind(radius_m)
            .bind(shop.get())
            .execute(&self.write)
            .await?;
        self.wrote();
        Ok(())
    }

    /// Stores whose radius reaches the community's pickup point, nearest first.
    pub async fn serving_shops(&self, community: &Community) -> Result<Vec<ServingShop>> {
        let pickup = community.pickup_point()?;
        let rows: Vec<(i64, String, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT id, name, slug, lat_micro, lng_micro, delivery_radius_m FROM shops WHERE status = 'active' AND lat_micro IS NOT NULL AND lng_micro IS NOT NULL",
        )
        .fetch_all(&self.read)
        .await?;
        let mut shops: Vec<ServingShop> = rows
            .into_iter()
            .filter_map(|(shop_id, name, slug, lat, lng, radius)| {
                let at = GeoPoint::from_micro(lat, lng).ok()?;
                at.reaches(&pickup, radius).then(|| ServingShop { shop_id, name, slug, distance_m: at.distance_m(&pickup).round() as i64 })
            })
            .collect();
        shops.sort_by_key(|s| s.distance_m);
        Ok(shops)
    }
}
