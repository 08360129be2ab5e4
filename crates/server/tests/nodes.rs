//! Two Haul nodes, one PostgreSQL, one Redis, one object store: both sell
//! the same flash deal at once (no unit is sold twice and no acknowledged
//! order is lost), a live room's chat sent on one node reaches viewers on
//! the other, a picture uploaded to one is served by the other, and a price
//! changed on one shows on the other although both cache what they read.
//! Needs `HAUL_TEST_DATABASE_URL` (PostgreSQL), `HAUL_TEST_REDIS_URL` and
//! the object store's `HAUL_TEST_S3_*`; `scripts/test` provides them.

#![allow(clippy::unwrap_used)]

mod common;

use common::{free_port, post};
use haul_domain::ids::DealId;
use reqwest::StatusCode;
use serde_json::{Value, json};

const QUANTITY: i64 = 40;
const SHOPPERS: usize = 100;

/// Both URLs, or `None` (with a note) where they are not set; CI must set them.
fn cluster() -> Option<String> {
    let (Ok(_), Ok(redis)) = (std::env::var("HAUL_TEST_DATABASE_URL"), std::env::var("HAUL_TEST_REDIS_URL")) else {
        assert!(std::env::var("CI").is_err(), "CI must run the multi-node tests: set HAUL_TEST_DATABASE_URL and HAUL_TEST_REDIS_URL");
        eprintln!(
            "multi-node test not run here: it needs HAUL_TEST_DATABASE_URL (PostgreSQL) and HAUL_TEST_REDIS_URL; scripts/test sets both"
        );
        return None;
    };
    Some(redis)
}

type Node = (tokio::process::Child, String);

/// Two nodes on one Redis and a fresh database named `name`.
struct Pair {
    db: String,
    /// Their folders' parent.
    dir: std::path::PathBuf,
    a: Node,
    b: Node,
}

/// The first node migrates; the second waits for it on the advisory lock.
async fn two_nodes(name: &str, redis: &str) -> Pair {
    let db = common::fresh_postgres(name).await.unwrap();
    let dir = std::env::temp_dir().join(format!("{}-{}", name.replace('_', "-"), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let args = ["--database-url", &db, "--redis-url", redis];
    let a = common::serve(free_port(), &dir.join("a"), &args).await;
    let b = common::serve(free_port(), &dir.join("b"), &args).await;
    Pair { db, dir, a, b }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_sell_one_deal_without_overselling() {
    let Some(redis) = cluster() else { return };
    let Pair { db: db_url, dir, a: (mut a, base_a), b: (mut b, base_b) } = two_nodes("haul_nodes", &redis).await;
    let client = common::client();
    let deal_id = common::live_deal(&client, [&base_a, &base_b], "two-nodes", 100, QUANTITY, 1).await;

    let mut shoppers = Vec::new();
    for i in 0..SHOPPERS {
        let base = if i % 2 == 0 { &base_a } else { &base_b };
        let s = post(
            &client,
            format!("{base}/api/v1/accounts"),
            None,
            json!({"login": format!("s{i}@example.com"), "password": "long enough", "display_name": "S"}),
        )
        .await;
        shoppers.push(s["token"].as_str().unwrap().to_owned());
    }
    let mut crowd = tokio::task::JoinSet::new();
    for (i, token) in shoppers.iter().enumerate() {
        let base = if i % 2 == 0 { base_a.clone() } else { base_b.clone() };
        // Each shopper taps twice, on both nodes: the cap must hold across them.
        for (tap, node) in [(0, base.clone()), (1, if i % 2 == 0 { base_b.clone() } else { base_a.clone() })] {
            let request = client
                .post(format!("{node}/api/v1/deals/{deal_id}/purchase"))
                .bearer_auth(token)
                .header("Idempotency-Key", format!("tap-{tap}"))
                .json(&json!({}));
            crowd.spawn(async move {
                let r = request.send().await.unwrap();
                (r.status(), r.json::<Value>().await.unwrap())
            });
        }
    }
    let answers = crowd.join_all().await;
    let won: Vec<i64> = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).map(|(_, b)| b["id"].as_i64().unwrap()).collect();
    assert_eq!(won.len() as i64, QUANTITY, "{answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_eq!(*status, StatusCode::CONFLICT);
        assert!(["deal_sold_out", "deal_cap_reached"].contains(&body["error"]["code"].as_str().unwrap()), "{body}");
    }
    let db = haul_store::Db::connect(&db_url).await.unwrap();
    for id in &won {
        db.order(haul_domain::ids::OrderId(*id)).await.unwrap();
    }
    let holdings = db.deal_holdings(DealId(deal_id)).await.unwrap();
    assert_eq!(holdings.iter().map(|(_, n)| n).sum::<i64>(), QUANTITY);
    assert!(holdings.iter().all(|(_, n)| *n == 1), "a shopper got two units across nodes");
    for base in [&base_a, &base_b] {
        let shown: Value = client.get(format!("{base}/api/v1/deals/{deal_id}")).send().await.unwrap().json().await.unwrap();
        assert_eq!(shown["remaining"], 0);
    }
    db.close().await;
    a.kill().await.unwrap();
    b.kill().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The next frame of one of `types` from a live socket, within ten seconds.
async fn frame_of(socket: &mut Socket, types: &[&str]) -> Value {
    use futures_util::StreamExt;
    let wait = async {
        loop {
            if let tokio_tungstenite::tungstenite::Message::Text(t) = socket.next().await.unwrap().unwrap() {
                let frame: Value = serde_json::from_str(t.as_str()).unwrap();
                if types.contains(&frame["type"].as_str().unwrap()) {
                    return frame;
                }
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), wait).await.unwrap_or_else(|_| panic!("no {types:?} frame"))
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn watch(base: &str, room: i64, token: Option<&str>) -> Socket {
    let query = token.map(|t| format!("token={t}")).unwrap_or_default();
    let url = format!("{}/api/v1/live/rooms/{room}/ws?{query}", base.replacen("http", "ws", 1));
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_a_live_room() {
    use futures_util::SinkExt;
    let Some(redis) = cluster() else { return };
    let Pair { dir, a: (mut a, base_a), b: (mut b, base_b), .. } = two_nodes("haul_live_nodes", &redis).await;
    let client = common::client();
    let account = |base: &str, name: &str| {
        post(
            &client,
            format!("{base}/api/v1/accounts"),
            None,
            json!({"login": format!("{name}@example.com"), "password": "long enough", "display_name": name}),
        )
    };
    let host = account(&base_a, "host").await;
    let ann = account(&base_a, "ann").await;
    let host_token = host["token"].as_str().unwrap();
    let room = post(&client, format!("{base_a}/api/v1/live/rooms"), Some(host_token), json!({"title": "Two nodes"})).await;
    let room = room["id"].as_i64().unwrap();

    let mut on_b = watch(&base_b, room, None).await;
    let mut on_a = watch(&base_a, room, Some(ann["token"].as_str().unwrap())).await;
    frame_of(&mut on_b, &["snapshot"]).await;
    frame_of(&mut on_a, &["snapshot"]).await;
    on_a.send(tokio_tungstenite::tungstenite::Message::text(json!({"type": "chat", "text": "hello from node a"}).to_string()))
        .await
        .unwrap();
    let seen_b = frame_of(&mut on_b, &["chat"]).await;
    let seen_a = frame_of(&mut on_a, &["chat"]).await;
    assert_eq!(seen_b["text"], "hello from node a");
    assert_eq!(seen_a["id"], seen_b["id"], "both nodes number the event alike");
    // Each node reports its viewers; both see the room's total.
    loop {
        if frame_of(&mut on_b, &["viewers"]).await["count"] == 2 {
            break;
        }
    }
    // A pin made through node a reaches node b's viewer.
    let r = client
        .put(format!("{base_a}/api/v1/live/rooms/{room}/pin"))
        .bearer_auth(host_token)
        .json(&json!({"product_id": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(frame_of(&mut on_b, &["pinned"]).await["product_id"].is_null());
    a.kill().await.unwrap();
    b.kill().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_serve_the_same_media() {
    let Some(redis) = cluster() else { return };
    assert!(
        !common::object_store_env("probe").is_empty() || std::env::var("CI").is_err(),
        "CI must run the media test against the object store: scripts/start-garage sets HAUL_TEST_S3_*"
    );
    if common::object_store_env("probe").is_empty() {
        eprintln!("media test not run here: it needs an object store (scripts/start-garage)");
        return;
    }
    let Pair { dir, a: (mut a, base_a), b: (mut b, base_b), .. } = two_nodes("haul_media_nodes", &redis).await;
    let client = common::client();
    let (token, product) = seller_with_tea(&client, &base_a, "pictures", 100).await;
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(png.to_vec()).file_name("p.png"));
    let r =
        client.post(format!("{base_a}/api/v1/products/{}/images", product["id"])).bearer_auth(&token).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let url = r.json::<Value>().await.unwrap()["url"].as_str().unwrap().to_owned();
    let served = client.get(format!("{base_b}{url}")).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.bytes().await.unwrap().as_ref(), png, "the other node serves the picture from the object store");
    assert!(!dir.join("a/media").join(url.trim_start_matches("/media/")).exists(), "nothing on the first node's disk");
    let _ = (a.kill().await, b.kill().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_show_a_price_changed_on_either() {
    let Some(redis) = cluster() else { return };
    let Pair { dir, a: (mut a, base_a), b: (mut b, base_b), .. } = two_nodes("haul_reads_nodes", &redis).await;
    let client = common::client();
    let (token, product) = seller_with_tea(&client, &base_a, "prices", 1990).await;
    let price_on_b = || async {
        let list: Value = client.get(format!("{base_b}/api/v1/products?limit=5")).send().await.unwrap().json().await.unwrap();
        list["items"][0]["min_price_minor"].as_i64().unwrap()
    };
    assert_eq!(price_on_b().await, 1990);
    assert_eq!(price_on_b().await, 1990, "now cached on B");
    let detail: Value = client.get(format!("{base_a}/api/v1/products/{}", product["id"])).send().await.unwrap().json().await.unwrap();
    let sku = detail["skus"][0]["id"].as_i64().unwrap();
    let r =
        client.patch(format!("{base_a}/api/v1/skus/{sku}")).bearer_auth(&token).json(&json!({"price_minor": 1490})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Told through Redis within milliseconds; entries age out after 5 s
    // should a message be lost, so 2 s tells the two apart.
    let told = tokio::time::Instant::now();
    while price_on_b().await != 1490 {
        assert!(told.elapsed() < std::time::Duration::from_secs(2), "node B still shows the old price");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let _ = (a.kill().await, b.kill().await);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A new seller's token and a product of theirs, made on the node at `base`.
async fn seller_with_tea(client: &reqwest::Client, base: &str, slug: &str, price_minor: i64) -> (String, Value) {
    let account = json!({"login": format!("{slug}@example.com"), "password": "long enough", "display_name": "S"});
    let token = post(client, format!("{base}/api/v1/accounts"), None, account).await["token"].as_str().unwrap().to_owned();
    let shop = post(client, format!("{base}/api/v1/shops"), Some(&token), json!({"slug": slug, "name": "Tea shop"})).await;
    let product = json!({"shop_id": shop["id"], "title": "Tea", "skus": [{"code": "A", "price_minor": price_minor, "stock": 5}]});
    let product = post(client, format!("{base}/api/v1/products"), Some(&token), product).await;
    (token, product)
}
