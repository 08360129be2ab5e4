//! After-sales: a buyer's request about a line of a paid order, who may
//! take which step of it, and the deadlines that decide for the side that
//! stays silent (run by `workers::aftersales`). The rules are
//! `domain::aftersales`; the record's transaction is `store::aftersales`.

use crate::AppState;
use crate::auth::can_manage_shop;
use crate::error::{AppError, AppResult};
use haul_domain::DomainError;
use haul_domain::accounts::Role;
use haul_domain::aftersales::{self, CaseKind, CaseStatus, Step};
use haul_domain::content::NotificationKind;
use haul_domain::delivery::Fulfilment;
use haul_domain::ids::{OrderId, ShopId, UserId};
use haul_domain::orders::OrderStatus;
use haul_store::StoreError;
use haul_store::accounts::User;
use haul_store::aftersales::{Actor, Case, CaseEvent, NewCase, StepInput};
use haul_store::notifications::NewNotification;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Opens a case from its form: `line_id`, `kind`, `quantity` (1 if left
/// out), `reason` and up to six `images`.
pub async fn open(state: &AppState, user: &User, order: OrderId, parts: Vec<(String, Vec<u8>)>) -> AppResult<Case> {
    let field = |name: &str| crate::media::text_field(&parts, name);
    let line: i64 = field("line_id").parse().map_err(|_| DomainError::invalid("line_id", "the order line this is about"))?;
    let kind = CaseKind::parse(&field("kind")).map_err(|_| DomainError::invalid("kind", "refund_only, return_refund or exchange"))?;
    let quantity = match field("quantity").as_str() {
        "" => 1,
        q => q.parse().map_err(|_| DomainError::invalid("quantity", "a whole number of units"))?,
    };
    let reason = aftersales::reason("reason", &field("reason"))?;
    let detail = state.db.order(order).await?;
    if detail.order.buyer_id != user.id {
        return Err(AppError::not_found("order"));
    }
    if detail.order.fulfilment == Fulfilment::Voucher {
        return Err(AppError::refused(haul_domain::ErrorCode::VoucherRefundsItself));
    }
    let keys = state.media.put_pictures("aftersales", &parts, "images", aftersales::MAX_PICTURES).await?;
    let new = NewCase { buyer: user.user_id(), order, line, kind, quantity, reason: &reason, image_keys: &keys };
    let case = match state.db.open_case(new, &state.config.aftersale_deadlines(), state.clock.now()).await {
        Ok(case) => case,
        Err(e) => {
            state.media.remove(&keys).await;
            return Err(e.into());
        }
    };
    tell(state, &case, &merchant_side(state, &case).await?).await;
    Ok(case)
}

/// Who answers a case for the shop: its owner, and a community order's
/// leader, who takes the item back at the pickup point.
async fn merchant_side(state: &AppState, case: &Case) -> AppResult<Vec<i64>> {
    let owner = state.db.shop(ShopId(case.shop_id)).await?.owner_id;
    Ok(std::iter::once(owner).chain(case.leader_id).collect())
}

/// Tells each of `people` that the case moved (the notice links to it).
async fn tell(state: &AppState, case: &Case, people: &[i64]) {
    let link = format!("/aftersales/{}", case.id);
    for person in people {
        let new = NewNotification { user: UserId(*person), kind: NotificationKind::Order, actor: None, link: &link, excerpt: &case.title };
        if let Err(e) = state.db.notify(new, state.clock.now()).await {
            tracing::warn!(error = %e, case = case.id, "after-sales notification not written");
        }
    }
}

/// A case as its pages and the API show it: its pictures' addresses and
/// its history.
#[derive(Serialize, ToSchema)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: Case,
    pub image_urls: Vec<String>,
    pub events: Vec<CaseEvent>,
}

pub async fn view(state: &AppState, case: Case) -> AppResult<CaseView> {
    let image_urls = case.image_keys.iter().map(|k| crate::media::MediaStore::url(k)).collect();
    let events = state.db.case_events(case.id).await?;
    Ok(CaseView { case, image_urls, events })
}

/// Who someone is to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sides {
    pub buyer: bool,
    /// Staff of the shop (an operator counts as staff everywhere).
    pub staff: bool,
    /// The leader whose pickup point takes a community order back.
    pub leader: bool,
    pub operator: bool,
}

/// A case, if `user` is its buyer, staff of its shop, the leader of its
/// campaign or an operator; anyone else is told it does not exist.
pub async fn readable(state: &AppState, user: &User, id: i64) -> AppResult<(Case, Sides)> {
    let case = state.db.case(id).await?;
    let sides = Sides {
        buyer: case.buyer_id == user.id,
        staff: can_manage_shop(state, user, ShopId(case.shop_id)).await?,
        leader: case.leader_id == Some(user.id),
        operator: user.role() == Role::Operator,
    };
    if sides.buyer || sides.staff || sides.leader { Ok((case, sides)) } else { Err(AppError::not_found("after-sales case")) }
}

/// A step someone takes on a case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// The merchant agrees (a refund only is refunded at once).
    Accept,
    Reject {
        reason: String,
    },
    /// The merchant wants the item back before refunding.
    AskForReturn,
    /// The buyer sent the item back.
    ShipReturn {
        carrier: String,
        tracking_no: String,
    },
    /// The merchant (or a community order's leader) has the item back; an
    /// exchange of a delivery names the replacement's parcel.
    ConfirmReturn {
        carrier: Option<String>,
        tracking_no: Option<String>,
    },
    /// The buyer takes a rejection to the operator.
    Escalate,
    /// The operator decides, for the buyer or for the merchant.
    Decide {
        for_buyer: bool,
        reason: String,
    },
    Withdraw,
}

pub async fn act(state: &AppState, user: &User, id: i64, action: &Action) -> AppResult<Case> {
    let (case, sides) = readable(state, user, id).await?;
    let mut input = StepInput::default();
    let reason;
    let parcel;
    let (step, allowed) = match action {
        Action::Accept => (Step::Accept, sides.staff),
        Action::Reject { reason: r } => {
            reason = aftersales::reason("reason", r)?;
            input.reply = Some(&reason);
            (Step::Reject, sides.staff)
        }
        Action::AskForReturn => (Step::AskForReturn, sides.staff),
        Action::ShipReturn { carrier, tracking_no } => {
            parcel = super::delivery::parcel(carrier, tracking_no)?;
            (input.carrier, input.tracking_no) = (Some(parcel.0.as_str()), Some(parcel.1.as_str()));
            (Step::ShipReturn, sides.buyer)
        }
        Action::ConfirmReturn { carrier, tracking_no } => {
            let delivered = state.db.order(OrderId(case.order_id)).await?.order.fulfilment == Fulfilment::Delivery;
            if case.kind == CaseKind::Exchange && delivered {
                parcel = super::delivery::parcel(carrier.as_deref().unwrap_or_default(), tracking_no.as_deref().unwrap_or_default())?;
                (input.carrier, input.tracking_no) = (Some(parcel.0.as_str()), Some(parcel.1.as_str()));
            }
            (Step::ConfirmReturn, sides.staff || sides.leader)
        }
        Action::Escalate => (Step::Escalate, sides.buyer),
        Action::Decide { for_buyer, reason: r } => {
            reason = haul_domain::moderation::operator_reason(r)?;
            input.reply = Some(&reason);
            (Step::Decide(*for_buyer), sides.operator)
        }
        Action::Withdraw => (Step::Withdraw, sides.buyer),
    };
    if !allowed {
        return Err(AppError::forbidden());
    }
    let actor = if matches!(step, Step::Decide(_)) { Actor::Operator(user.user_id()) } else { Actor::Person(user.user_id()) };
    let stepped = state.db.step_case(id, step, actor, input, &state.config.aftersale_deadlines(), state.clock.now()).await?;
    after_step(state, &case, &stepped, Some(user)).await?;
    Ok(stepped)
}

/// Takes the deadline's step on cases whose time ran out, `batch` at most;
/// how many. Safe on several nodes and after a restart: the step is taken
/// only from the status whose deadline passed, once.
pub async fn run_deadlines(state: &AppState, batch: i64) -> AppResult<usize> {
    let now = state.clock.now();
    let d = state.config.aftersale_deadlines();
    let mut decided = 0;
    for id in state.db.overdue_cases(now, batch).await? {
        let before = state.db.case(id).await?;
        match state.db.step_case(id, Step::Deadline, Actor::Deadline, StepInput::default(), &d, now).await {
            Ok(after) => {
                after_step(state, &before, &after, None).await?;
                decided += 1;
            }
            // Another node or a person took the step meanwhile.
            Err(StoreError::Domain(_) | StoreError::Conflict { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(decided)
}

/// What follows a step outside the record: a flash deal's unit back to its
/// gate when the order is now refunded in full before it shipped, and the
/// other side told that the case moved (both, when a deadline moved it).
async fn after_step(state: &AppState, before: &Case, after: &Case, by: Option<&User>) -> AppResult<()> {
    if after.status == CaseStatus::Refunded {
        let order = state.db.order(OrderId(after.order_id)).await?.order;
        if order.status == OrderStatus::Refunded && order.shipped_at.is_none() && order.ready_at.is_none() {
            super::orders::left_running(state, &order).await?;
        }
    }
    if before.status == after.status {
        return Ok(());
    }
    let mut people = Vec::new();
    if by.is_none_or(|u| u.id != after.buyer_id) {
        people.push(after.buyer_id);
    }
    if by.is_none_or(|u| u.id == after.buyer_id) {
        people.extend(merchant_side(state, after).await?);
    }
    tell(state, after, &people).await;
    Ok(())
}
