//! Touches and share links: a shopper's tap on a creator's content on the
//! way to a product, kept so that the order path can credit the sale; and
//! the attribution of lines about to be written, read once per batch.

use crate::{Db, Result, StoreError};
use haul_domain::Timestamp;
use haul_domain::affiliate::{self, AffiliateTerms, PlanRates, RateBps, Sale, Touch, TouchKind};
use haul_domain::ids::{ProductId, RoomId, UserId};
use sqlx::{Any, AssertSqlSafe, Transaction};
use std::collections::HashMap;

record! {
    /// A creator's link to a product.
    pub struct ShareLink {
        pub id: i64,
        pub code: String,
        pub creator_id: i64,
        pub product_id: i64,
        pub clicks: i64,
        pub created_at: i64,
    }
}

const LINK_COLUMNS: &str = "id, code, creator_id, product_id, clicks, created_at";

impl Db {
    /// Records that `buyer` tapped `subject` (of `kind`) on the way to
    /// `product`, if that content carries the product; whether it counted.
    /// Only the latest tap on each thing is kept.
    pub async fn record_touch(&self, buyer: UserId, product: ProductId, kind: TouchKind, subject: i64, now: Timestamp) -> Result<bool> {
        let creator = match kind {
            TouchKind::Video => {
                "SELECT v.creator_id FROM videos v JOIN video_anchors a ON a.video_id = v.id WHERE v.id = $1 AND a.product_id = $2 AND v.status = 'published'"
            }
            TouchKind::Note => {
                "SELECT n.author_id FROM notes n JOIN note_products t ON t.note_id = n.id WHERE n.id = $1 AND t.product_id = $2 AND n.status = 'published'"
            }
            TouchKind::Showcase => "SELECT creator_id FROM showcase_items WHERE creator_id = $1 AND product_id = $2",
            TouchKind::ShareLink => "SELECT creator_id FROM share_links WHERE id = $1 AND product_id = $2",
            TouchKind::LiveRoom | TouchKind::Community => return Ok(false),
        };
        let mut tx = self.write.begin().await?;
        let creator: Option<(i64,)> =
            sqlx::query_as(AssertSqlSafe(creator)).bind(subject).bind(product.get()).fetch_optional(&mut *tx).await?;
        let Some((creator,)) = creator else {
            return Ok(false);
        };
        touch_in(&mut tx, buyer, product, kind, subject, UserId(creator), now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The creator's link to a product, made the first time it is asked for.
    pub async fn share_link(&self, creator: UserId, product: ProductId, candidate_code: &str, now: Timestamp) -> Result<ShareLink> {
        sqlx::query(
            "INSERT INTO share_links (code, creator_id, product_id, created_at) SELECT $1, $2, p.id, $4 FROM products p WHERE p.id = $3 \
             ON CONFLICT (creator_id, product_id) DO NOTHING",
        )
        .bind(candidate_code)
        .bind(creator.get())
        .bind(product.get())
        .bind(now.millis())
        .execute(&self.write)
        .await?;
        let sql = format!("SELECT {LINK_COLUMNS} FROM share_links WHERE creator_id = $1 AND product_id = $2");
        sqlx::query_as(AssertSqlSafe(sql))
            .bind(creator.get())
            .bind(product.get())
            .fetch_optional(&self.write)
            .await?
            .ok_or(StoreError::NotFound("product"))
    }

    pub async fn share_links_of(&self, creator: UserId) -> Result<Vec<ShareLink>> {
        let sql = format!("SELECT {LINK_COLUMNS} FROM share_links WHERE creator_id = $1 ORDER BY id DESC LIMIT 200");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(creator.get()).fetch_all(&self.read).await?)
    }

    pub async fn share_link_by_code(&self, code: &str) -> Result<ShareLink> {
        let sql = format!("SELECT {LINK_COLUMNS} FROM share_links WHERE code = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(code).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("share link"))
    }

    /// A visit through a share link: a touch for a signed-in visitor, and
    /// one more click unless `seen` (the visitor's browser had it) or the
    /// same visitor followed it within the last day.
    pub async fn follow_share_link(&self, link: &ShareLink, visitor: Option<UserId>, seen: bool, now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let mut counted = !seen;
        if let Some(buyer) = visitor {
            let product = ProductId(link.product_id);
            let before: Option<(i64,)> = sqlx::query_as(
                "SELECT at FROM touches WHERE buyer_id = $1 AND product_id = $2 AND kind = 'share_link' AND subject_id = $3",
            )
            .bind(buyer.get())
            .bind(product.get())
            .bind(link.id)
            .fetch_optional(&mut *tx)
            .await?;
            counted &= before.is_none_or(|(at,)| now.millis() - at >= 86_400_000);
            touch_in(&mut tx, buyer, product, TouchKind::ShareLink, link.id, UserId(link.creator_id), now).await?;
        }
        if counted {
            sqlx::query("UPDATE share_links SET clicks = clicks + 1 WHERE id = $1").bind(link.id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets touches too old to win any sale; how many went.
    pub async fn forget_touches(&self, older_than: Timestamp) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM touches WHERE at < $1").bind(older_than.millis()).execute(&self.write).await?.rows_affected())
    }
}

async fn touch_in(
    tx: &mut Transaction<'_, Any>,
    buyer: UserId,
    product: ProductId,
    kind: TouchKind,
    subject: i64,
    creator: UserId,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO touches (buyer_id, product_id, kind, subject_id, creator_id, at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (buyer_id, product_id, kind, subject_id) DO UPDATE SET at = excluded.at",
    )
    .bind(buyer.get())
    .bind(product.get())
    .bind(kind.as_str())
    .bind(subject)
    .bind(creator.get())
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What sold a line: the touch credited and the rate it earns (none when
/// no plan pays that creator for the product).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credit {
    pub touch: Touch,
    pub rate: Option<RateBps>,
}

/// A line about to be written, as attribution sees it.
pub(crate) struct SaleLine {
    pub buyer: i64,
    pub shop: i64,
    pub product: i64,
    pub at: Timestamp,
    /// `(room, host)` when bought inside a live room.
    pub live_room: Option<(i64, i64)>,
    /// A credit the purchase itself makes: a campaign order is its leader's,
    /// at the campaign's rate.
    pub direct: Option<(Touch, Option<RateBps>)>,
}

/// Credits each line: a handful of queries for the whole batch (touches of
/// its buyers, then the plans and staff of the shops that a line could credit).
pub(crate) async fn attribute(tx: &mut Transaction<'_, Any>, lines: &[SaleLine], terms: &AffiliateTerms) -> Result<Vec<Option<Credit>>> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let since = lines.iter().map(|l| l.at.millis()).min().unwrap_or_default().saturating_sub(terms.window_ms);
    let buyers: Vec<i64> = distinct(lines.iter().map(|l| l.buyer));
    let sql = format!(
        "SELECT buyer_id, product_id, kind, subject_id, creator_id, at FROM touches WHERE at >= $1 AND buyer_id IN ({})",
        crate::db::params(2, buyers.len())
    );
    let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(since);
    for b in &buyers {
        q = q.bind(*b);
    }
    let rows: Vec<(i64, i64, String, i64, i64, i64)> = q.fetch_all(&mut **tx).await?;
    let mut touches: HashMap<(i64, i64), Vec<Touch>> = HashMap::new();
    for (buyer, product, kind, subject, creator, at) in rows {
        let kind = crate::record::stored(TouchKind::parse(&kind))?;
        touches.entry((buyer, product)).or_default().push(Touch {
            kind,
            id: subject,
            creator: UserId(creator),
            at: Timestamp::from_millis(at),
        });
    }
    // The staff of every shop a line could credit, so that the domain's
    // rule (staff earn nothing on their own shop) decides with them.
    let candidate = |l: &SaleLine| l.live_room.is_some() || l.direct.is_some() || touches.contains_key(&(l.buyer, l.product));
    let shops: Vec<i64> = distinct(lines.iter().filter(|l| candidate(l)).map(|l| l.shop));
    if shops.is_empty() {
        return Ok(vec![None; lines.len()]);
    }
    let mut staff: HashMap<i64, Vec<UserId>> = HashMap::new();
    for (shop, user) in staff_of(tx, &shops).await? {
        staff.entry(shop).or_default().push(UserId(user));
    }
    let plans = plans_of(tx, &shops).await?;
    Ok(lines
        .iter()
        .map(|l| {
            let mut own = touches.get(&(l.buyer, l.product)).cloned().unwrap_or_default();
            own.extend(l.direct.map(|(touch, _)| touch));
            let shop_staff = staff.get(&l.shop).map(Vec::as_slice).unwrap_or_default();
            let live_room = l.live_room.map(|(r, h)| (RoomId(r), UserId(h)));
            let sale = Sale { buyer: UserId(l.buyer), at: l.at, live_room, shop_staff };
            let touch = affiliate::credit(&own, &sale, terms.window_ms)?;
            let rate = match l.direct {
                Some((direct, rate)) if direct == touch => rate,
                _ => {
                    let shop_plans = plans.get(&l.shop).map(Vec::as_slice).unwrap_or_default();
                    let rates: Vec<PlanRates<'_>> = shop_plans
                        .iter()
                        .map(|(product, creator, history)| PlanRates { product: *product, creator: *creator, history })
                        .collect();
                    affiliate::best_rate(&rates, ProductId(l.product), touch.creator, touch.at, terms.notice_ms)
                }
            };
            Some(Credit { touch, rate })
        })
        .collect())
}

fn distinct(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

async fn staff_of(tx: &mut Transaction<'_, Any>, shops: &[i64]) -> Result<Vec<(i64, i64)>> {
    let sql = format!("SELECT shop_id, user_id FROM shop_members WHERE shop_id IN ({})", crate::db::params(1, shops.len()));
    let mut q = sqlx::query_as(AssertSqlSafe(sql));
    for s in shops {
        q = q.bind(*s);
    }
    Ok(q.fetch_all(&mut **tx).await?)
}

record! {
    /// One rate of an active plan.
    struct PlanRate {
        pub id: i64,
        pub shop_id: i64,
        pub product_id: Option<i64>,
        pub creator_id: Option<i64>,
        pub set_at: i64,
        pub rate_bps: i64,
    }
}

type ShopPlans = HashMap<i64, Vec<(Option<ProductId>, Option<UserId>, Vec<(Timestamp, RateBps)>)>>;

/// The active plans of `shops` with their rate histories.
async fn plans_of(tx: &mut Transaction<'_, Any>, shops: &[i64]) -> Result<ShopPlans> {
    let sql = format!(
        "SELECT p.id, p.shop_id, p.product_id, p.creator_id, r.set_at, r.rate_bps FROM commission_plans p \
         JOIN commission_rates r ON r.plan_id = p.id WHERE p.status = 'active' AND p.shop_id IN ({}) ORDER BY p.id, r.set_at",
        crate::db::params(1, shops.len())
    );
    let mut q = sqlx::query_as(AssertSqlSafe(sql));
    for s in shops {
        q = q.bind(*s);
    }
    let rows: Vec<PlanRate> = q.fetch_all(&mut **tx).await?;
    let mut plans: ShopPlans = HashMap::new();
    let mut last_plan = None;
    for PlanRate { id: plan, shop_id: shop, product_id: product, creator_id: creator, set_at, rate_bps: bps } in rows {
        let of_shop = plans.entry(shop).or_default();
        if last_plan != Some(plan) {
            of_shop.push((product.map(ProductId), creator.map(UserId), Vec::new()));
            last_plan = Some(plan);
        }
        if let Some((_, _, history)) = of_shop.last_mut() {
            history.push((Timestamp::from_millis(set_at), crate::record::stored(RateBps::parse(bps))?));
        }
    }
    Ok(plans)
}
