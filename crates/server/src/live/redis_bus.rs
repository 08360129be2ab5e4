//! Rooms across nodes through Redis pub/sub. One script numbers an event
//! (`INCR` on the room's counter) and publishes it, atomically, so every
//! node receives the same ids in the same order. Signals (presence, likes)
//! are published without a number. Each node listens on one pattern.

use super::{LiveHub, Signal};
use crate::error::{AppError, AppResult};
use futures_util::StreamExt;
use haul_domain::ErrorCode;
use redis::Script;
use redis::aio::ConnectionManager;
use std::sync::Weak;
use std::time::Duration;

const PUBLISH: &str = r"
local id = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', KEYS[2], id .. '|' .. ARGV[1])
return id
";

#[derive(Clone)]
pub struct RedisBus {
    client: redis::Client,
    conn: ConnectionManager,
    prefix: String,
    publish: Script,
}

fn bus_down(e: redis::RedisError) -> AppError {
    tracing::error!(error = %e, "redis bus unavailable");
    AppError::new(ErrorCode::TryAgain, "the live service is busy; try again")
}

impl RedisBus {
    pub async fn connect(url: &str, install_id: &str) -> redis::RedisResult<RedisBus> {
        let client = redis::Client::open(url)?;
        let conn = ConnectionManager::new(client.clone()).await?;
        Ok(RedisBus { client, conn, prefix: format!("haul:{install_id}:live"), publish: Script::new(PUBLISH) })
    }

    fn channel(&self, room: i64) -> String {
        format!("{}:{room}", self.prefix)
    }

    pub async fn publish_event(&self, room: i64, body: &str) -> AppResult<()> {
        let seq = format!("{}:seq:{room}", self.prefix);
        let _: u64 =
            self.publish.key(seq).key(self.channel(room)).arg(body).invoke_async(&mut self.conn.clone()).await.map_err(bus_down)?;
        Ok(())
    }

    pub async fn publish_signal(&self, room: i64, signal: &Signal) {
        let payload = format!("s|{}", serde_json::to_string(signal).unwrap_or_default());
        let sent: redis::RedisResult<i64> =
            redis::cmd("PUBLISH").arg(self.channel(room)).arg(payload).query_async(&mut self.conn.clone()).await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "live signal not sent");
        }
    }

    /// Listens for every room's messages until the hub is dropped,
    /// reconnecting after a second when Redis goes away.
    pub fn listen(&self, hub: Weak<LiveHub>) {
        let bus = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = bus.listen_once(&hub).await {
                    tracing::warn!(error = %e, "live bus lost; reconnecting");
                }
                if hub.strong_count() == 0 {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }

    async fn listen_once(&self, hub: &Weak<LiveHub>) -> redis::RedisResult<()> {
        let mut pubsub = self.client.get_async_pubsub().await?;
        pubsub.psubscribe(format!("{}:*", self.prefix)).await?;
        let mut messages = pubsub.on_message();
        let room_of = |channel: &str| channel.strip_prefix(&self.prefix)?.strip_prefix(':')?.parse::<i64>().ok();
        while let Some(msg) = messages.next().await {
            let Some(hub) = hub.upgrade() else { return Ok(()) };
            let Some(room) = room_of(msg.get_channel_name()) else { continue };
            let payload: String = msg.get_payload()?;
            match payload.split_once('|') {
                Some(("s", json)) => match serde_json::from_str::<Signal>(json) {
                    Ok(signal) => hub.receive_signal(room, signal),
                    Err(e) => tracing::warn!(error = %e, "unreadable live signal"),
                },
                Some((id, body)) => match id.parse::<u64>() {
                    Ok(id) => hub.receive_event(room, id, body),
                    Err(_) => tracing::warn!("unreadable live event id"),
                },
                None => {}
            }
        }
        Ok(())
    }
}
