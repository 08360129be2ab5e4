//! Writes on one node make the other nodes' read caches stale, through
//! Redis pub/sub: a node that wrote publishes its id (a burst of writes
//! within 20 ms is one message), and every other node counts a change when
//! it hears one. A node that lost Redis for a while counts one too when it
//! is back, for what it may have missed; entries also age out (see
//! `services::reads`).

use futures_util::StreamExt;
use haul_store::Changes;
use redis::aio::ConnectionManager;
use std::sync::{Arc, Weak};
use std::time::Duration;

pub async fn share(url: &str, install: &str, changes: &Arc<Changes>) -> redis::RedisResult<()> {
    let client = redis::Client::open(url)?;
    let conn = ConnectionManager::new(client.clone()).await?;
    let channel = format!("haul:{install}:changes");
    let node = crate::auth::random_token();
    tokio::spawn(tell(conn, channel.clone(), node.clone(), Arc::downgrade(changes)));
    tokio::spawn(listen(client, channel, node, Arc::downgrade(changes)));
    Ok(())
}

/// Publishes this node's writes until the cache they count is dropped.
async fn tell(mut conn: ConnectionManager, channel: String, node: String, changes: Weak<Changes>) {
    loop {
        let Some(counted) = changes.upgrade() else { return };
        let wrote = tokio::time::timeout(Duration::from_secs(1), counted.written_here()).await.is_ok();
        drop(counted);
        if wrote {
            let sent: redis::RedisResult<i64> = redis::cmd("PUBLISH").arg(&channel).arg(&node).query_async(&mut conn).await;
            if let Err(e) = sent {
                tracing::warn!(error = %e, "a write not told to the other nodes");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn listen(client: redis::Client, channel: String, node: String, changes: Weak<Changes>) {
    while changes.strong_count() > 0 {
        if let Err(e) = listen_once(&client, &channel, &node, &changes).await {
            tracing::warn!(error = %e, "other nodes' writes unheard; reconnecting");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn listen_once(client: &redis::Client, channel: &str, node: &str, changes: &Weak<Changes>) -> redis::RedisResult<()> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    if let Some(c) = changes.upgrade() {
        c.changed_elsewhere();
    }
    let mut messages = pubsub.on_message();
    while let Some(msg) = messages.next().await {
        let Some(c) = changes.upgrade() else { return Ok(()) };
        let from: String = msg.get_payload()?;
        if from != node {
            c.changed_elsewhere();
        }
    }
    Ok(())
}
