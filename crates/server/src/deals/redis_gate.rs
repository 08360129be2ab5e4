//! The gate in Redis, for many Haul nodes selling one deal. Each decision is
//! one Lua script, so checking the per-shopper cap and the stock and taking
//! the unit happen atomically in Redis. Keys are hash-tagged per deal (one
//! cluster slot) and prefixed with the installation's id, so nodes on one
//! database share them and different databases never collide.

use haul_domain::deals::Refusal;
use redis::Script;
use redis::aio::ConnectionManager;

/// `{status, held}`: 1 taken; -1 sold out; -2 cap reached; -3 unknown deal.
const TAKE: &str = r"
local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local n = tonumber(ARGV[2])
local left = redis.call('GET', KEYS[1])
if not left then return {-3, mine} end
if mine + n > tonumber(ARGV[3]) then return {-2, mine} end
if tonumber(left) < n then return {-1, mine} end
redis.call('DECRBY', KEYS[1], n)
redis.call('HINCRBY', KEYS[2], ARGV[1], n)
return {1, mine + n}
";

const RELEASE: &str = r"
local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local back = math.min(mine, tonumber(ARGV[2]))
if back <= 0 or not redis.call('GET', KEYS[1]) then return 0 end
if mine - back == 0 then redis.call('HDEL', KEYS[2], ARGV[1]) else redis.call('HINCRBY', KEYS[2], ARGV[1], -back) end
redis.call('INCRBY', KEYS[1], back)
return back
";

/// Loads a deal's state from the record unless another node already did.
const INIT: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2])
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[1], ARGV[1])
return 1
";

pub enum Taken {
    Yes,
    No {
        refusal: Refusal,
        held: i64,
    },
    /// Redis does not know the deal (first use, or Redis lost its data).
    Unknown,
}

#[derive(Clone)]
pub struct RedisGate {
    conn: ConnectionManager,
    prefix: String,
    take: Script,
    release: Script,
    init: Script,
}

impl RedisGate {
    pub async fn connect(url: &str, install_id: &str) -> redis::RedisResult<RedisGate> {
        let client = redis::Client::open(url)?;
        let conn = ConnectionManager::new(client).await?;
        Ok(RedisGate {
            conn,
            prefix: format!("haul:{install_id}"),
            take: Script::new(TAKE),
            release: Script::new(RELEASE),
            init: Script::new(INIT),
        })
    }

    fn keys(&self, deal: i64) -> (String, String) {
        (format!("{}:deal:{{{deal}}}:left", self.prefix), format!("{}:deal:{{{deal}}}:held", self.prefix))
    }

    pub async fn init(&self, deal: i64, remaining: i64, held: &[(i64, i64)]) -> redis::RedisResult<()> {
        let (left, holders) = self.keys(deal);
        let mut call = self.init.key(left);
        call.key(holders).arg(remaining);
        for (buyer, units) in held {
            call.arg(buyer).arg(units);
        }
        let _: i64 = call.invoke_async(&mut self.conn.clone()).await?;
        Ok(())
    }

    pub async fn take(&self, deal: i64, buyer: i64, n: i64, cap: i64) -> redis::RedisResult<Taken> {
        let (left, holders) = self.keys(deal);
        let (status, held): (i64, i64) =
            self.take.key(left).key(holders).arg(buyer).arg(n).arg(cap).invoke_async(&mut self.conn.clone()).await?;
        Ok(match status {
            1 => Taken::Yes,
            -1 => Taken::No { refusal: Refusal::SoldOut, held },
            -2 => Taken::No { refusal: Refusal::CapReached, held },
            _ => Taken::Unknown,
        })
    }

    pub async fn release(&self, deal: i64, buyer: i64, n: i64) -> redis::RedisResult<()> {
        let (left, holders) = self.keys(deal);
        let _: i64 = self.release.key(left).key(holders).arg(buyer).arg(n).invoke_async(&mut self.conn.clone()).await?;
        Ok(())
    }

    pub async fn remaining(&self, deal: i64) -> redis::RedisResult<Option<i64>> {
        let (left, _) = self.keys(deal);
        redis::cmd("GET").arg(left).query_async(&mut self.conn.clone()).await
    }

    /// Drops the deal's state; the next use reloads it from the record.
    pub async fn forget(&self, deal: i64) -> redis::RedisResult<()> {
        let (left, holders) = self.keys(deal);
        redis::cmd("DEL").arg(left).arg(holders).query_async(&mut self.conn.clone()).await
    }
}
