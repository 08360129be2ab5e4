//! After-sales cases: opening one on a line of a paid order, and each step
//! of it in one transaction with what it does (the refund through the one
//! refund path, the replacement's stock, the operator's audit entry), its
//! status guarded so that a step (or a deadline) takes effect once.

use crate::orders::order_in;
use crate::refunds::refund_in;
use crate::{Db, Result, StoreError};
use haul_domain::aftersales::{self, CaseKind, CaseRefusal, CaseStatus, Deadlines, Step};
use haul_domain::ids::{OrderId, ShopId, SkuId, UserId};
use haul_domain::inventory::Quantity;
use haul_domain::moderation::{OperatorAction, Subject};
use haul_domain::orders::OrderStatus;
use haul_domain::page::{Page, PageRequest};
use haul_domain::{ErrorCode, Timestamp};
use sqlx::{Any, AssertSqlSafe, Transaction};

record! {
    pub struct Case {
        pub id: i64,
        pub order_id: i64,
        pub order_line_id: i64,
        pub shop_id: i64,
        pub buyer_id: i64,
        #[schema(value_type = String)]
        pub kind: CaseKind,
        #[schema(value_type = String)]
        pub status: CaseStatus,
        pub quantity: i64,
        /// What a refund of the case returns (the units' share of what the
        /// line was paid).
        pub amount_minor: i64,
        pub currency: String,
        pub reason: String,
        pub image_keys: Vec<String>,
        /// The merchant's reason for a rejection, or the operator's for a decision.
        pub reply: Option<String>,
        pub return_carrier: Option<String>,
        pub return_tracking: Option<String>,
        pub replacement_carrier: Option<String>,
        pub replacement_tracking: Option<String>,
        /// When silence decides (see `domain::aftersales`); none while the
        /// operator decides or once it ended.
        pub deadline_at: Option<i64>,
        pub created_at: i64,
        pub updated_at: i64,
        /// The line's product, as ordered.
        pub product_id: i64,
        pub title: String,
        pub options: String,
        /// The leader whose pickup point takes a community order's return.
        pub leader_id: Option<i64>,
    }
}

record! {
    pub struct CaseEvent {
        pub id: i64,
        #[schema(value_type = Option<String>)]
        pub from_status: Option<CaseStatus>,
        #[schema(value_type = String)]
        pub to_status: CaseStatus,
        pub actor_id: Option<i64>,
        pub note: String,
        pub created_at: i64,
    }
}

const CASE_SELECT: &str = "SELECT a.id, a.order_id, a.order_line_id, a.shop_id, a.buyer_id, a.kind, a.status, a.quantity, a.amount_minor, \
     a.currency, a.reason, a.image_keys, a.reply, a.return_carrier, a.return_tracking, a.replacement_carrier, a.replacement_tracking, \
     a.deadline_at, a.created_at, a.updated_at, l.product_id, l.title, l.options, m.leader_id \
     FROM aftersales_cases a JOIN order_lines l ON l.id = a.order_line_id JOIN orders o ON o.id = a.order_id \
     LEFT JOIN campaigns c ON c.id = o.campaign_id LEFT JOIN communities m ON m.id = c.community_id";

/// The history's note for a step the deadline took (pages translate it).
pub const DEADLINE_NOTE: &str = "deadline passed";

/// A buyer's request, checked for shape by the caller.
pub struct NewCase<'a> {
    pub buyer: UserId,
    pub order: OrderId,
    pub line: i64,
    pub kind: CaseKind,
    pub quantity: i64,
    pub reason: &'a str,
    pub image_keys: &'a [String],
}

/// What a step carries besides itself.
#[derive(Default)]
pub struct StepInput<'a> {
    /// A rejection's or a decision's reason.
    pub reply: Option<&'a str>,
    /// The parcel: the buyer's return, or an exchange's replacement.
    pub carrier: Option<&'a str>,
    pub tracking_no: Option<&'a str>,
}

/// Who takes a step: a person (an operator's decision is audited), or the
/// deadline.
#[derive(Clone, Copy)]
pub enum Actor {
    Person(UserId),
    Operator(UserId),
    Deadline,
}

impl From<CaseRefusal> for StoreError {
    fn from(r: CaseRefusal) -> Self {
        StoreError::conflict(r.code(), r.message())
    }
}

impl Db {
    pub async fn open_case(&self, new: NewCase<'_>, d: &Deadlines, now: Timestamp) -> Result<Case> {
        let mut tx = self.write.begin().await?;
        let order = order_in(&mut tx, new.order).await?;
        if order.buyer_id != new.buyer.get() {
            return Err(StoreError::NotFound("order"));
        }
        aftersales::may_open(order.status, order.completed_at.map(Timestamp::from_millis), new.kind, now, d)?;
        let (quantity, _, _) = line_in(&mut tx, new.order, new.line).await?;
        let (claimed, units_refunded): (i64, i64) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT), CAST(COALESCE(SUM(CASE WHEN status = 'refunded' THEN quantity ELSE 0 END), 0) AS BIGINT) \
             FROM aftersales_cases WHERE order_line_id = $1 AND status <> 'closed'",
        )
        .bind(new.line)
        .fetch_one(&mut *tx)
        .await?;
        if new.quantity < 1 || new.quantity > quantity - claimed {
            return Err(CaseRefusal::NothingLeft.into());
        }
        let (paid, refunded) = line_money_in(&mut tx, new.order, new.line).await?;
        let amount = aftersales::case_amount(paid, quantity, units_refunded, refunded, new.quantity);
        if amount == 0 && new.kind != CaseKind::Exchange {
            return Err(CaseRefusal::NothingLeft.into());
        }
        let status = CaseStatus::Requested;
        let keys = serde_json::to_string(new.image_keys).unwrap_or_else(|_| "[]".into());
        let inserted: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO aftersales_cases (order_id, order_line_id, shop_id, buyer_id, kind, status, quantity, amount_minor, currency, reason, \
             image_keys, deadline_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        )
        .bind(order.id)
        .bind(new.line)
        .bind(order.shop_id)
        .bind(new.buyer.get())
        .bind(new.kind.as_str())
        .bind(status.as_str())
        .bind(new.quantity)
        .bind(amount)
        .bind(&order.currency)
        .bind(new.reason)
        .bind(keys)
        .bind(status.deadline(now, d).map(Timestamp::millis))
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await;
        let id = match inserted {
            Ok((id,)) => id,
            Err(e) if crate::error::is_unique_violation(&e) => {
                return Err(StoreError::conflict(ErrorCode::CaseOpen, "a request for this item is open already"));
            }
            Err(e) => return Err(e.into()),
        };
        event_in(&mut tx, id, None, status, Some(new.buyer), new.reason, now).await?;
        let case = case_in(&mut tx, id).await?;
        crate::webhooks::enqueue_for_shop(&mut tx, ShopId(order.shop_id), "aftersale.opened", &case, now).await?;
        tx.commit().await?;
        Ok(case)
    }

    pub async fn case(&self, id: i64) -> Result<Case> {
        let sql = format!("{CASE_SELECT} WHERE a.id = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("after-sales case"))
    }

    pub async fn case_events(&self, id: i64) -> Result<Vec<CaseEvent>> {
        Ok(sqlx::query_as(
            "SELECT id, from_status, to_status, actor_id, note, created_at FROM aftersales_events WHERE case_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?)
    }

    /// The cases of an order, oldest first.
    pub async fn cases_of_order(&self, order: OrderId) -> Result<Vec<Case>> {
        let sql = format!("{CASE_SELECT} WHERE a.order_id = $1 ORDER BY a.id");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(order.get()).fetch_all(&self.read).await?)
    }

    /// A buyer's cases, a shop's, or those waiting for the operator; newest
    /// first, open ones only if asked.
    pub async fn cases(&self, of: CasesOf, open_only: bool, page: &PageRequest) -> Result<Page<Case>> {
        let (filter, value) = match of {
            CasesOf::Buyer(u) => ("a.buyer_id = $1", u.get()),
            CasesOf::Shop(s) => ("a.shop_id = $1", s.get()),
            CasesOf::Escalated => ("a.status = 'escalated' AND $1 = 0", 0),
        };
        let open = if open_only { format!(" AND a.status IN ({})", crate::holds::open_case_statuses()) } else { String::new() };
        let sql = format!("{CASE_SELECT} WHERE {filter}{open} AND a.id < $2 ORDER BY a.id DESC LIMIT $3");
        let rows = sqlx::query_as(AssertSqlSafe(sql)).bind(value).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |c: &Case| c.id))
    }

    /// Takes `step` on a case in one transaction with what it does; the
    /// caller has checked who may take it.
    pub async fn step_case(&self, id: i64, step: Step, actor: Actor, input: StepInput<'_>, d: &Deadlines, now: Timestamp) -> Result<Case> {
        let mut tx = self.write.begin().await?;
        step_in(&mut tx, id, step, actor, &input, d, now).await?;
        let case = case_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(case)
    }

    /// Cases whose deadline has passed, soonest first.
    pub async fn overdue_cases(&self, now: Timestamp, limit: i64) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT id FROM aftersales_cases WHERE deadline_at <= $1 ORDER BY deadline_at, id LIMIT $2")
            .bind(now.millis())
            .bind(limit)
            .fetch_all(&self.read)
            .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}

/// Whose cases a list shows.
pub enum CasesOf {
    Buyer(UserId),
    Shop(ShopId),
    Escalated,
}

async fn case_in(tx: &mut Transaction<'_, Any>, id: i64) -> Result<Case> {
    let sql = format!("{CASE_SELECT} WHERE a.id = $1");
    sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound("after-sales case"))
}

/// `(quantity, sku, unit price)` of a line of the order.
async fn line_in(tx: &mut Transaction<'_, Any>, order: OrderId, line: i64) -> Result<(i64, i64, i64)> {
    sqlx::query_as("SELECT quantity, sku_id, unit_price_minor FROM order_lines WHERE id = $1 AND order_id = $2")
        .bind(line)
        .bind(order.get())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("order line"))
}

/// What a line was paid and what of it has been refunded: its own refunds
/// and its share of the order's.
pub(crate) async fn line_money_in(tx: &mut Transaction<'_, Any>, order: OrderId, line: i64) -> Result<(i64, i64)> {
    let lines = crate::affiliate::commission::lines_refunded_in(tx, order).await?;
    Ok(lines.into_iter().find(|(id, ..)| *id == line).map(|(_, paid, refunded)| (paid, refunded)).unwrap_or((0, 0)))
}

async fn step_in(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    step: Step,
    actor: Actor,
    input: &StepInput<'_>,
    d: &Deadlines,
    now: Timestamp,
) -> Result<()> {
    let case = case_in(tx, id).await?;
    let outcome = case.status.step(case.kind, step)?;
    let deadline = outcome.status.deadline(now, d).map(Timestamp::millis);
    // Each step's fields; one left out keeps what it was.
    let (return_parcel, replacement) = match step {
        Step::ShipReturn => ((input.carrier, input.tracking_no), (None, None)),
        Step::ConfirmReturn => ((None, None), (input.carrier, input.tracking_no)),
        _ => ((None, None), (None, None)),
    };
    let overdue_only = matches!(actor, Actor::Deadline);
    let updated = sqlx::query(
        "UPDATE aftersales_cases SET status = $1, deadline_at = $2, updated_at = $3, reply = COALESCE($4, reply), \
         return_carrier = COALESCE($5, return_carrier), return_tracking = COALESCE($6, return_tracking), \
         replacement_carrier = COALESCE($7, replacement_carrier), replacement_tracking = COALESCE($8, replacement_tracking) \
         WHERE id = $9 AND status = $10 AND ($11 = 0 OR deadline_at <= $3)",
    )
    .bind(outcome.status.as_str())
    .bind(deadline)
    .bind(now.millis())
    .bind(input.reply)
    .bind(return_parcel.0)
    .bind(return_parcel.1)
    .bind(replacement.0)
    .bind(replacement.1)
    .bind(id)
    .bind(case.status.as_str())
    .bind(i64::from(overdue_only))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(StoreError::conflict(ErrorCode::IllegalCaseStep, "the request changed meanwhile; reload and try again"));
    }
    let person = match actor {
        Actor::Person(u) | Actor::Operator(u) => Some(u),
        Actor::Deadline => None,
    };
    let note = input.reply.unwrap_or(if step == Step::Deadline { DEADLINE_NOTE } else { "" });
    event_in(tx, id, Some(case.status), outcome.status, person, note, now).await?;
    let order = OrderId(case.order_id);
    if outcome.refund {
        refund_case_in(tx, &case, person, now).await?;
    }
    if outcome.replace {
        let (_, sku, _) = line_in(tx, order, case.order_line_id).await?;
        crate::orders::take_stock(tx, SkuId(sku), Quantity::parse(case.quantity)?).await?;
    }
    if let (Actor::Operator(operator), Step::Decide(for_buyer)) = (actor, step) {
        let decision = crate::moderation::Decision {
            operator,
            action: OperatorAction::DecideAfterSale,
            subject: Subject::AfterSale,
            subject_id: id,
            reason: input.reply.unwrap_or_default(),
            now,
        };
        crate::moderation::audit_in(tx, &decision, &serde_json::json!({ "for_buyer": for_buyer, "status": outcome.status }).to_string())
            .await?;
    }
    if !outcome.status.is_open() {
        let case = case_in(tx, id).await?;
        crate::webhooks::enqueue_for_shop(tx, ShopId(case.shop_id), "aftersale.closed", &case, now).await?;
    }
    Ok(())
}

/// Refunds a case through the one refund path, for its line. Before the
/// order ships, the last refund of its goods returns the shipping too, and
/// the units go back to the SKU; nothing is refunded twice when the shop
/// refunded the order meanwhile.
async fn refund_case_in(tx: &mut Transaction<'_, Any>, case: &Case, actor: Option<UserId>, now: Timestamp) -> Result<()> {
    let order_id = OrderId(case.order_id);
    let order = order_in(tx, order_id).await?;
    let (paid, refunded) = line_money_in(tx, order_id, case.order_line_id).await?;
    let mut amount = case.amount_minor.min(paid - refunded).min(order.total_minor - order.refunded_minor).max(0);
    let unshipped = matches!(order.status, OrderStatus::Paid | OrderStatus::Fulfilling);
    if unshipped && order.total_minor - order.refunded_minor - amount <= order.shipping_minor {
        amount = order.total_minor - order.refunded_minor;
    }
    if amount == 0 || !order.status.is_paid() {
        return Ok(());
    }
    let reason = format!("after-sales #{}", case.id);
    let after = refund_in(tx, order_id, amount, &reason, actor, Some(case.order_line_id), now).await?;
    if unshipped && after.status != OrderStatus::Refunded && order.deal_id.is_none() {
        crate::orders::restock_line_in(tx, case.order_line_id, case.quantity).await?;
    }
    Ok(())
}

async fn event_in(
    tx: &mut Transaction<'_, Any>,
    case: i64,
    from: Option<CaseStatus>,
    to: CaseStatus,
    actor: Option<UserId>,
    note: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO aftersales_events (case_id, from_status, to_status, actor_id, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case)
    .bind(from.map(CaseStatus::as_str))
    .bind(to.as_str())
    .bind(actor.map(|a| a.get()))
    .bind(note)
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
