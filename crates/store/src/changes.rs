//! A count of the writes this node has seen, so that caches of what
//! shoppers browse know when a read may be stale.
//!
//! Every write goes through the `write` pool, and a write connection that
//! comes back to the pool has ended its transaction: that return raises the
//! count, whatever the write was (an order taking stock, a refund putting it
//! back, a merchant's edit). The writes a person expects to see on their
//! very next page (their own edits) also raise it before they return, since
//! the pool takes the connection back a moment later. Another node's writes
//! arrive through `changed_elsewhere`.

use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Changes {
    count: AtomicU64,
    /// Woken by this node's writes, for whoever tells the other nodes.
    local: Notify,
}

impl Changes {
    /// The count now: a read that starts after this call and is cached under
    /// it is stale once the count moves on.
    pub fn seen(&self) -> u64 {
        self.count.load(Ordering::Acquire)
    }

    /// This node wrote to the record.
    pub fn wrote(&self) {
        self.count.fetch_add(1, Ordering::AcqRel);
        self.local.notify_one();
    }

    /// Another node wrote to the record.
    pub fn changed_elsewhere(&self) {
        self.count.fetch_add(1, Ordering::AcqRel);
    }

    /// Returns once this node has written since the last call.
    pub async fn written_here(&self) {
        self.local.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_write_moves_the_count_and_wakes_the_teller_once() {
        let c = Changes::default();
        let before = c.seen();
        c.wrote();
        c.wrote();
        assert_eq!(c.seen(), before + 2);
        // Two writes before anyone listened leave one wake-up, not two.
        c.written_here().await;
        let again = tokio::time::timeout(std::time::Duration::from_millis(20), c.written_here()).await;
        assert!(again.is_err());
        c.changed_elsewhere();
        assert_eq!(c.seen(), before + 3);
    }
}
