//! Background jobs. Each is one idempotent `run_once` over a bounded batch,
//! so tests can drain them by hand and several nodes can run them at once.

pub mod aftersales;
pub mod analytics;
pub mod close_campaigns;
pub mod close_deals;
pub mod close_teams;
pub mod confirm_receipt;
pub mod deliver_messages;
pub mod deliver_webhooks;
pub mod expire_unpaid;
pub mod expire_vouchers;
pub mod settle_commission;

use crate::AppState;
use std::time::Duration;

/// Runs every job on a timer until the process ends.
pub fn spawn(state: AppState) {
    let feed = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(feed.config.feed_refresh_seconds.max(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = feed.feed.refresh(&feed.db, feed.clock.now()).await {
                tracing::warn!(error = %e, "feed refresh failed");
            }
        }
    });
    // The live hub's second: viewer counts, likes, stock, counters.
    let live = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last = tokio::time::Instant::now();
        loop {
            tick.tick().await;
            let elapsed = last.elapsed().as_millis() as i64;
            last = tokio::time::Instant::now();
            live.live.tick(&live.deals, elapsed).await;
        }
    });
    // Impressions are written once a second, in one transaction.
    let flush = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            if let Err(e) = flush.feed.flush(&flush.db, flush.clock.now()).await {
                tracing::warn!(error = %e, "writing feed impressions failed");
            }
        }
    });
    // Mail and SMS leave as soon as they are written (the outbox's bell),
    // or on the next second for retries and other nodes' messages.
    // Once an hour, what was sent long ago is forgotten.
    let outbox = state.clone();
    tokio::spawn(async move {
        let mut last_tidy = tokio::time::Instant::now();
        loop {
            let _ = tokio::time::timeout(Duration::from_secs(1), outbox.outbox_bell.notified()).await;
            if let Err(e) = deliver_messages::run_once(&outbox).await {
                tracing::warn!(error = %e.message, "deliver_messages failed");
            }
            if last_tidy.elapsed() >= Duration::from_secs(3600) {
                last_tidy = tokio::time::Instant::now();
                if let Err(e) = deliver_messages::tidy(&outbox).await {
                    tracing::warn!(error = %e.message, "tidying the outbox failed");
                }
            }
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(state.config.worker_interval_seconds.max(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = expire_unpaid::run_once(&state).await {
                tracing::warn!(error = %e.message, "expire_unpaid failed");
            }
            if let Err(e) = close_deals::run_once(&state).await {
                tracing::warn!(error = %e.message, "close_deals failed");
            }
            if let Err(e) = close_teams::run_once(&state).await {
                tracing::warn!(error = %e.message, "close_teams failed");
            }
            if let Err(e) = close_campaigns::run_once(&state).await {
                tracing::warn!(error = %e.message, "close_campaigns failed");
            }
            if let Err(e) = confirm_receipt::run_once(&state).await {
                tracing::warn!(error = %e.message, "confirm_receipt failed");
            }
            if let Err(e) = aftersales::run_once(&state).await {
                tracing::warn!(error = %e.message, "aftersales failed");
            }
            if let Err(e) = expire_vouchers::run_once(&state).await {
                tracing::warn!(error = %e.message, "expire_vouchers failed");
            }
            if let Err(e) = settle_commission::run_once(&state).await {
                tracing::warn!(error = %e.message, "settle_commission failed");
            }
            if let Err(e) = deliver_webhooks::run_once(&state).await {
                tracing::warn!(error = %e.message, "deliver_webhooks failed");
            }

            // What this node counted in memory is written here whichever node keeps the rollups.
            let pass = if state.config.analytics_worker { analytics::run_once(&state).await } else { analytics::flush_tally(&state).await };
            if let Err(e) = pass {
                tracing::warn!(error = %e.message, "analytics failed");
            }
        }
    });
}
