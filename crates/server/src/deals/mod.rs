//! The hot-stock engine for flash deals. The question "is a unit left for
//! this shopper?" is answered without touching the database: by a [`Gate`]
//! in memory on one node, or by an atomic script in Redis when several nodes
//! sell the same deal. Winners go to a group-commit writer that records many
//! orders per transaction and answers each only after the commit; the record
//! itself refuses to hold more than the deal's quantity. A gate is rebuilt
//! from the record when first used: remaining = quantity − held.

mod redis_gate;
mod writer;

pub use redis_gate::RedisGate;

use crate::error::{AppError, AppResult};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::deals::{DealStatus, Gate, Refusal, Terms};
use haul_domain::ids::{DealId, OrderId, UserId};
use haul_store::Db;
use haul_store::deals::{Deal, DealOrder, DealWrite};
use haul_store::orders::Order;
use haul_store::orders::Placed;
use redis_gate::Taken;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

struct Slot {
    deal: Arc<Deal>,
    terms: Terms,
    /// The in-memory gate; unused when Redis holds the gate.
    gate: Mutex<Gate>,
    /// `(buyer, key)` of purchases that won on this node: only these can be
    /// retries that deserve their first answer, so other refusals cost no read.
    winners: Mutex<HashSet<(i64, String)>>,
}

pub struct DealEngine {
    db: Db,
    redis: Option<RedisGate>,
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
    pub pay_by: Timestamp,
    pub now: Timestamp,
}

fn refused(r: Refusal) -> AppError {
    AppError::new(r.code(), r.message())
}

fn gate_down(e: redis::RedisError) -> AppError {
    tracing::error!(error = %e, "redis gate unavailable");
    AppError::new(ErrorCode::TryAgain, "deals are busy; nothing was reserved, try again")
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl DealEngine {
    /// Starts the engine and its writer task; `redis` moves the gate there.
    pub fn start(db: Db, redis: Option<RedisGate>) -> Arc<DealEngine> {
        let (tx, rx) = mpsc::channel(writer::QUEUE);
        tokio::spawn(writer::run(db.clone(), rx));
        Arc::new(DealEngine { db, redis, slots: Mutex::new(HashMap::new()), loading: tokio::sync::Mutex::new(()), writer: tx })
    }

    async fn slot(&self, deal: i64) -> AppResult<Arc<Slot>> {
        if let Some(s) = lock(&self.slots).get(&deal) {
            return Ok(s.clone());
        }
        let _one_at_a_time = self.loading.lock().await;
        if let Some(s) = lock(&self.slots).get(&deal) {
            return Ok(s.clone());
        }
        let d = self.db.deal(DealId(deal)).await?;
        let terms = Terms {
            quantity: d.quantity,
            per_shopper_cap: d.per_shopper_cap,
            starts_at: Timestamp::from_millis(d.starts_at),
            ends_at: Timestamp::from_millis(d.ends_at),
        };
        let held = self.db.deal_holdings(DealId(deal)).await?;
        let remaining = d.quantity - d.held;
        if let Some(redis) = &self.redis {
            redis.init(deal, remaining, &held).await.map_err(gate_down)?;
        }
        let winners = self.db.deal_winning_keys(DealId(deal)).await?.into_iter().collect();
        let gate = Mutex::new(Gate::new(remaining, d.per_shopper_cap, held));
        let slot = Arc::new(Slot { gate, winners: Mutex::new(winners), terms, deal: Arc::new(d) });
        lock(&self.slots).insert(deal, slot.clone());
        Ok(slot)
    }

    /// Units still available (0 once finished).
    pub async fn remaining(&self, deal: &Deal) -> AppResult<i64> {
        if deal.status != DealStatus::Active {
            return Ok(0);
        }
        let slot = self.slot(deal.id).await?;
        match &self.redis {
            Some(redis) => Ok(redis.remaining(deal.id).await.map_err(gate_down)?.unwrap_or(deal.quantity - deal.held)),
            None => Ok(lock(&slot.gate).remaining()),
        }
    }

    /// Takes the units or says why not, and whether the shopper already
    /// holds some (only then can this be a retry of a winner).
    async fn take(&self, slot: &Slot, buyer: i64, n: i64, key: &str) -> AppResult<Result<(), (Refusal, bool)>> {
        let Some(redis) = &self.redis else {
            let taken = lock(&slot.gate).take(buyer, n);
            return Ok(taken.map_err(|r| (r, lock(&slot.winners).contains(&(buyer, key.to_owned())))));
        };
        let deal = slot.deal.id;
        for _ in 0..2 {
            match redis.take(deal, buyer, n, slot.deal.per_shopper_cap).await.map_err(gate_down)? {
                Taken::Yes => return Ok(Ok(())),
                Taken::No { refusal, held } => return Ok(Err((refusal, held > 0))),
                Taken::Unknown => {
                    // Redis lost the deal (restart, eviction): reload it from the record.
                    let d = self.db.deal(DealId(deal)).await?;
                    let held = self.db.deal_holdings(DealId(deal)).await?;
                    redis.init(deal, d.quantity - d.held, &held).await.map_err(gate_down)?;
                }
            }
        }
        Err(AppError::new(ErrorCode::TryAgain, "deals are busy; nothing was reserved, try again"))
    }

    async fn give_back(&self, slot: &Slot, buyer: i64, n: i64) {
        match &self.redis {
            Some(redis) => {
                if let Err(e) = redis.release(slot.deal.id, buyer, n).await {
                    tracing::error!(error = %e, deal = slot.deal.id, "could not return units to the redis gate");
                }
            }
            None => lock(&slot.gate).release(buyer, n),
        }
    }

    pub async fn purchase(&self, p: Purchase) -> AppResult<Placed> {
        let slot = self.slot(p.deal).await?;
        if slot.deal.status != DealStatus::Active {
            return Err(refused(Refusal::Ended));
        }
        slot.terms.window(p.now).map_err(refused)?;
        if let Err((refusal, maybe_retry)) = self.take(&slot, p.buyer.get(), p.quantity, &p.idem_key).await? {
            // A retry of a purchase that already won meets its own cap or an
            // empty gate: answer it with the first answer. Everyone else is
            // refused without a read.
            if !maybe_retry {
                return Err(refused(refusal));
            }
            return match self.db.idempotent_answer(p.buyer, &p.idem_key, &p.request_hash).await? {
                Some(order) => Ok(Placed::Replay(Box::new(order))),
                None => Err(refused(refusal)),
            };
        }
        let key = p.idem_key.clone();
        let order = DealOrder {
            deal: slot.deal.clone(),
            buyer: p.buyer.get(),
            quantity: p.quantity,
            idem_key: p.idem_key,
            request_hash: p.request_hash,
            pay_by: p.pay_by,
            now: p.now,
        };
        let (reply, answer) = oneshot::channel();
        let written = match self.writer.send(writer::Job { order, reply }).await {
            Ok(()) => answer.await.unwrap_or_else(|_| Err("the writer stopped".into())),
            Err(_) => Err("the writer stopped".into()),
        };
        let buyer = p.buyer.get();
        match written {
            Ok(DealWrite::New(detail)) => {
                lock(&slot.winners).insert((buyer, key));
                Ok(Placed::New(detail))
            }
            Ok(DealWrite::Replay(order)) => {
                self.give_back(&slot, buyer, p.quantity).await;
                Ok(Placed::Replay(order))
            }
            Ok(DealWrite::KeyReused) => {
                self.give_back(&slot, buyer, p.quantity).await;
                Err(AppError::new(ErrorCode::IdempotencyKeyReused, "this Idempotency-Key was used for a different request"))
            }
            Ok(DealWrite::SoldOut) => {
                // The record disagrees with the gate: rebuild the gate from it.
                tracing::warn!(deal = p.deal, "the record refused units the gate granted; reloading the gate");
                self.reload(p.deal).await;
                Err(refused(Refusal::SoldOut))
            }
            Err(e) => {
                self.give_back(&slot, buyer, p.quantity).await;
                tracing::error!(error = %e, "deal orders were not recorded");
                Err(AppError::new(ErrorCode::TryAgain, "the order could not be recorded; nothing was charged, try again"))
            }
        }
    }

    /// An order from a deal stopped holding its units (cancelled, or
    /// refunded before shipping): the units go back to the gate.
    pub async fn released(&self, order: &Order) -> AppResult<()> {
        let Some(deal) = order.deal_id else { return Ok(()) };
        let units = self.db.order_units(OrderId(order.id)).await?;
        match &self.redis {
            Some(redis) => redis.release(deal, order.buyer_id, units).await.map_err(gate_down)?,
            None => {
                if let Some(slot) = lock(&self.slots).get(&deal).cloned() {
                    lock(&slot.gate).release(order.buyer_id, units);
                }
            }
        }
        Ok(())
    }

    async fn reload(&self, deal: i64) {
        lock(&self.slots).remove(&deal);
        if let Some(redis) = &self.redis
            && let Err(e) = redis.forget(deal).await
        {
            tracing::error!(error = %e, deal, "could not drop the redis gate");
        }
    }

    /// The deal ended or was cancelled: drop its gate.
    pub async fn forget(&self, deal: i64) {
        self.reload(deal).await;
    }
}
