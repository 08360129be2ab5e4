//! The hot-stock engine for flash deals. The question "is a unit left for
//! this shopper?" is answered in memory by a [`Gate`] per deal, without
//! touching the database; winners go to a group-commit writer that records
//! many orders per transaction and answers each only after the commit is on
//! disk. On start, each gate is rebuilt from the record: remaining =
//! quantity − units that orders hold.

mod writer;

use crate::error::{ApiError, ApiResult};
use axum::http::StatusCode;
use haul_domain::Timestamp;
use haul_domain::deals::{Gate, Refusal, Terms};
use haul_domain::ids::{OrderId, UserId};
use haul_store::Db;
use haul_store::deals::{Deal, DealOrder, DealWrite};
use haul_store::orders::Order;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

struct Slot {
    deal: Deal,
    terms: Terms,
    gate: Mutex<Gate>,
    /// `(buyer, key)` of purchases that won: only these can be retries that
    /// deserve their first answer; every other refusal costs no read.
    winners: Mutex<HashSet<(i64, String)>>,
}

pub struct DealEngine {
    db: Db,
    slots: Mutex<HashMap<i64, Arc<Slot>>>,
    /// Serialises first loads, so two requests never build two gates.
    loading: tokio::sync::Mutex<()>,
    writer: mpsc::Sender<writer::Job>,
}

/// A purchase request that passed validation.
pub struct Purchase {
    pub deal: i64,
    pub buyer: UserId,
    pub quantity: i64,
    pub idem_key: String,
    pub request_hash: String,
    pub pickup_code: String,
    pub pay_by: Timestamp,
    pub now: Timestamp,
}

/// The answer to send: status and JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
}

fn refused(r: Refusal) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, r.code(), r.message())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl DealEngine {
    /// Starts the engine and its writer task.
    pub fn start(db: Db) -> Arc<DealEngine> {
        let (tx, rx) = mpsc::channel(writer::QUEUE);
        tokio::spawn(writer::run(db.clone(), rx));
        Arc::new(DealEngine { db, slots: Mutex::new(HashMap::new()), loading: tokio::sync::Mutex::new(()), writer: tx })
    }

    async fn slot(&self, deal: i64) -> ApiResult<Arc<Slot>> {
        if let Some(s) = lock(&self.slots).get(&deal) {
            return Ok(s.clone());
        }
        let _one_at_a_time = self.loading.lock().await;
        if let Some(s) = lock(&self.slots).get(&deal) {
            return Ok(s.clone());
        }
        let d = self.db.deal(deal).await?;
        let terms = Terms {
            quantity: d.quantity,
            per_shopper_cap: d.per_shopper_cap,
            starts_at: Timestamp::from_millis(d.starts_at),
            ends_at: Timestamp::from_millis(d.ends_at),
        };
        let held = self.db.deal_holdings(deal).await?;
        let winners = self.db.deal_winning_keys(deal).await?.into_iter().collect();
        let slot = Arc::new(Slot {
            gate: Mutex::new(Gate::new(d.quantity, d.per_shopper_cap, held)),
            winners: Mutex::new(winners),
            terms,
            deal: d,
        });
        lock(&self.slots).insert(deal, slot.clone());
        Ok(slot)
    }

    /// Units still available, as the gate sees them (0 once finished).
    pub async fn remaining(&self, deal: &Deal) -> ApiResult<i64> {
        if deal.status != "active" {
            return Ok(0);
        }
        Ok(lock(&self.slot(deal.id).await?.gate).remaining())
    }

    pub async fn purchase(&self, p: Purchase) -> ApiResult<Answer> {
        let slot = self.slot(p.deal).await?;
        if slot.deal.status != "active" {
            return Err(refused(Refusal::Ended));
        }
        slot.terms.window(p.now).map_err(refused)?;
        let taken = lock(&slot.gate).take(p.buyer.get(), p.quantity);
        if let Err(refusal) = taken {
            // A retry of a purchase that already won meets its own cap or an
            // empty gate: answer it with the first answer. Everyone else is
            // refused from memory.
            if !lock(&slot.winners).contains(&(p.buyer.get(), p.idem_key.clone())) {
                return Err(refused(refusal));
            }
            return match self.db.idempotent_answer(p.buyer, &p.idem_key, &p.request_hash).await? {
                Some((status, body)) => Ok(Answer { status: StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK), body }),
                None => Err(refused(refusal)),
            };
        }
        let key = p.idem_key.clone();
        let order = DealOrder {
            deal: slot.deal.clone(),
            buyer: p.buyer.get(),
            quantity: p.quantity,
            idem_key: p.idem_key.clone(),
            request_hash: p.request_hash,
            pickup_code: p.pickup_code,
            pay_by: p.pay_by,
            now: p.now,
        };
        let (reply, answer) = oneshot::channel();
        let written = match self.writer.send(writer::Job { order, reply }).await {
            Ok(()) => answer.await.unwrap_or_else(|_| Err("the writer stopped".into())),
            Err(_) => Err("the writer stopped".into()),
        };
        let give_back = || lock(&slot.gate).release(p.buyer.get(), p.quantity);
        match written {
            Ok(DealWrite::New { body, .. }) => {
                lock(&slot.winners).insert((p.buyer.get(), key));
                Ok(Answer { status: StatusCode::CREATED, body })
            }
            Ok(DealWrite::Replay { status, body }) => {
                give_back();
                Ok(Answer { status: StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK), body })
            }
            Ok(DealWrite::KeyReused) => {
                give_back();
                Err(ApiError::new(StatusCode::CONFLICT, "idempotency_key_reused", "this Idempotency-Key was used for a different request"))
            }
            Err(e) => {
                give_back();
                tracing::error!(error = %e, "deal orders were not recorded");
                Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "try_again",
                    "the order could not be recorded; nothing was charged, try again",
                ))
            }
        }
    }

    /// An order from a deal stopped holding its units (cancelled, or
    /// refunded before shipping): the units go back to the gate.
    pub async fn released(&self, order: &Order) -> ApiResult<()> {
        let Some(deal) = order.deal_id else { return Ok(()) };
        let slot = lock(&self.slots).get(&deal).cloned();
        if let Some(slot) = slot {
            let units = self.db.order_units(OrderId(order.id)).await?;
            lock(&slot.gate).release(order.buyer_id, units);
        }
        Ok(())
    }

    /// The deal ended or was cancelled: drop its gate.
    pub fn forget(&self, deal: i64) {
        lock(&self.slots).remove(&deal);
    }
}
