//! Helpers for the tests that run the real `haul` binary.

use serde_json::Value;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A new, empty PostgreSQL database on the server `HAUL_TEST_DATABASE_URL`
/// names, or `None` to use SQLite.
pub async fn fresh_postgres(prefix: &str) -> Option<String> {
    let server = std::env::var("HAUL_TEST_DATABASE_URL").ok()?;
    let name = format!("{prefix}_{}_{}", std::process::id(), free_port());
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&server).await.unwrap();
    sqlx::Executor::execute(&mut conn, sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.unwrap();
    Some(format!("{}/{name}", server.rsplit_once('/').unwrap().0))
}

/// An HTTP client for talking to the server under test.
pub fn client() -> reqwest::Client {
    haul_server::app::install_tls();
    reqwest::Client::new()
}

/// The object store settings of `scripts/start-garage`, as `haul serve`
/// reads them, with media under `prefix`; none where no store was started.
pub fn object_store_env(prefix: &str) -> Vec<(&'static str, String)> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(endpoint), Some(bucket), Some(id), Some(secret)) = (
        var("HAUL_TEST_S3_ENDPOINT"),
        var("HAUL_TEST_S3_BUCKET"),
        var("HAUL_TEST_S3_ACCESS_KEY_ID"),
        var("HAUL_TEST_S3_SECRET_ACCESS_KEY"),
    ) else {
        return Vec::new();
    };
    vec![
        ("HAUL_MEDIA_URL", format!("s3://{bucket}/{prefix}")),
        ("HAUL_S3_ENDPOINT", endpoint),
        ("HAUL_S3_REGION", "garage".into()),
        ("HAUL_S3_ACCESS_KEY_ID", id),
        ("HAUL_S3_SECRET_ACCESS_KEY", secret),
    ]
}

/// Starts `haul serve` on `port` and waits until it answers. Nodes started
/// in one folder share their media in the object store, when there is one.
pub async fn serve(port: u16, dir: &Path, extra: &[&str]) -> (Child, String) {
    let cluster = dir.parent().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let child = Command::new(env!("CARGO_BIN_EXE_haul"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir)
        .args(extra)
        .envs(object_store_env(&cluster))
        .env("RUST_LOG", "warn")
        // These tests are about deals and nodes, not shop approval.
        .env("HAUL_SHOPS_OPEN_BEFORE_REVIEW", "true")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let probe = client();
    for _ in 0..300 {
        if probe.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return (child, base);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("haul did not start");
}

/// POSTs JSON, expects success, returns the JSON answer.
pub async fn post(client: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut r = client.post(url).json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap()
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

/// A merchant, a shop, a product with `stock` units and a live flash deal of
/// `quantity` capped at `cap` per shopper. The first node creates the
/// account, shop and deal; the second the product (so two nodes both take
/// part when given). Returns the deal's id.
pub async fn live_deal(client: &reqwest::Client, nodes: [&str; 2], slug: &str, stock: i64, quantity: i64, cap: i64) -> i64 {
    let [first, second] = nodes;
    let login = format!("{slug}@example.com");
    let merchant = post(
        client,
        format!("{first}/api/v1/accounts"),
        None,
        serde_json::json!({"login": login, "password": "long enough", "display_name": "M"}),
    )
    .await;
    let token = merchant["token"].as_str().unwrap().to_owned();
    let shop = post(client, format!("{first}/api/v1/shops"), Some(&token), serde_json::json!({"slug": slug, "name": "Shop"})).await;
    let product = post(
        client,
        format!("{second}/api/v1/products"),
        Some(&token),
        serde_json::json!({"shop_id": shop["id"], "title": "Oranges", "skus": [{"code": "A", "price_minor": 1990, "stock": stock}]}),
    )
    .await;
    let detail: Value = client.get(format!("{first}/api/v1/products/{}", product["id"])).send().await.unwrap().json().await.unwrap();
    let now = now_ms();
    let deal = post(
        client,
        format!("{first}/api/v1/deals"),
        Some(&token),
        serde_json::json!({"sku_id": detail["skus"][0]["id"], "price_minor": 990, "quantity": quantity, "per_shopper_cap": cap, "starts_at": now - 1000, "ends_at": now + 3_600_000}),
    )
    .await;
    deal["id"].as_i64().unwrap()
}
