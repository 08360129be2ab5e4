//! Crash safety of flash-deal purchases: the real `haul` binary is killed
//! with SIGKILL in the middle of a burst, restarted, and the record checked.
//! Every 201 must be there; held units never exceed the deal; remaining is
//! exactly quantity − held. Runs on SQLite, or on PostgreSQL when
//! `HAUL_TEST_DATABASE_URL` names a server.

#![allow(clippy::unwrap_used)]

mod common;

use common::{free_port, post};
use haul_domain::ids::DealId;
use haul_store::Db;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use tokio::process::Child;

async fn start(dir: &Path, db: &str, port: u16) -> Child {
    common::serve(port, dir, &["--database-url", db]).await.0
}

const QUANTITY: i64 = 150;
const SHOPPERS: usize = 20;
const TAPS_PER_SHOPPER: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_deal_orders_survive_sigkill() {
    let dir = std::env::temp_dir().join(format!("haul-crash-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let db_url = common::fresh_postgres("haul_crash").await.unwrap_or_else(|| format!("sqlite://{}", dir.join("haul.db").display()));
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = common::client();
    let mut server = start(&dir, &db_url, port).await;

    let deal_id = common::live_deal(&client, [&base, &base], "crash-shop", 1000, QUANTITY, 99).await;
    let mut tokens = Vec::new();
    for i in 0..SHOPPERS {
        let s = post(
            &client,
            format!("{base}/api/v1/accounts"),
            None,
            json!({"login": format!("s{i}@example.com"), "password": "long enough", "display_name": "S"}),
        )
        .await;
        tokens.push(s["token"].as_str().unwrap().to_owned());
    }

    let mut acknowledged: Vec<i64> = Vec::new();
    // The kill is timed from the round's first acknowledgement rather than
    // from the start of the burst: a slower machine then still kills in the
    // middle of the burst instead of before anything was written.
    for (round, kill_after_ms) in [0u64, 2, 10, 30, 100].into_iter().enumerate() {
        let first_ack = std::sync::Arc::new(tokio::sync::Notify::new());
        let mut burst = tokio::task::JoinSet::new();
        for (s, token) in tokens.iter().enumerate() {
            for t in 0..TAPS_PER_SHOPPER {
                let request = client
                    .post(format!("{base}/api/v1/deals/{deal_id}/purchase"))
                    .bearer_auth(token)
                    .header("Idempotency-Key", format!("r{round}-s{s}-t{t}"))
                    .json(&json!({}));
                let first_ack = first_ack.clone();
                burst.spawn(async move {
                    match request.send().await {
                        Ok(r) if r.status() == StatusCode::CREATED => {
                            first_ack.notify_one();
                            r.json::<Value>().await.ok().and_then(|b| b["id"].as_i64())
                        }
                        _ => None,
                    }
                });
            }
        }
        let _ = tokio::time::timeout(Duration::from_secs(20), first_ack.notified()).await;
        tokio::time::sleep(Duration::from_millis(kill_after_ms)).await;
        server.kill().await.unwrap();
        acknowledged.extend(burst.join_all().await.into_iter().flatten());

        server = start(&dir, &db_url, port).await;
        let db = Db::connect(&db_url).await.unwrap();
        for id in &acknowledged {
            db.order(haul_domain::ids::OrderId(*id)).await.unwrap_or_else(|e| panic!("acknowledged order {id} lost: {e}"));
        }
        let held: i64 = db.deal_holdings(DealId(deal_id)).await.unwrap().iter().map(|(_, n)| n).sum();
        assert!(held <= QUANTITY, "round {round}: {held} units held of {QUANTITY}");
        let shown: Value = client.get(format!("{base}/api/v1/deals/{deal_id}")).send().await.unwrap().json().await.unwrap();
        assert_eq!(shown["remaining"].as_i64().unwrap(), QUANTITY - held, "round {round}");
        db.close().await;
        println!(
            "round {round}: killed {kill_after_ms} ms after the first acknowledgement; {} orders acknowledged so far, {held} units held",
            acknowledged.len()
        );
    }
    assert!(!acknowledged.is_empty(), "no purchase was acknowledged before the kills");
    server.kill().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
