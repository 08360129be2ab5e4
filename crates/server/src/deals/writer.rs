//! The group-commit writer: takes every winner waiting in the queue (up to
//! `MAX_BATCH`), records them in one transaction, and answers each only after
//! the commit. Under load the batch grows, so the cost of a durable commit is
//! shared by many orders; when quiet, a batch is one order and waits for
//! nothing.

use haul_store::Db;
use haul_store::deals::{DealOrder, DealWrite};
use tokio::sync::{mpsc, oneshot};

pub const QUEUE: usize = 8192;
pub const MAX_BATCH: usize = 512;

pub struct Job {
    pub order: DealOrder,
    pub reply: oneshot::Sender<Result<DealWrite, String>>,
}

pub async fn run(db: Db, mut rx: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let batch: Vec<DealOrder> = jobs.iter().map(|j| j.order.clone()).collect();
        let started = std::time::Instant::now();
        let written = db.write_deal_orders(&batch).await;
        metrics::histogram!("haul_deal_batch_seconds").record(started.elapsed().as_secs_f64());
        match written {
            Ok(results) => {
                for (job, result) in jobs.drain(..).zip(results) {
                    let _ = job.reply.send(Ok(result));
                }
            }
            Err(e) => {
                let message = e.to_string();
                for job in jobs.drain(..) {
                    let _ = job.reply.send(Err(message.clone()));
                }
            }
        }
        metrics::histogram!("haul_deal_batch_size").record(batch.len() as f64);
    }
}
