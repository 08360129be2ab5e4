use haul_domain::signing;
use haul_server::workers::deliver_webhooks;
use haul_testkit::{FakeDns, Sink, TestApp, assert_error, spawn_app, spawn_app_resolving, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;

/// Test receivers listen on loopback, which only an operator's setting allows.
async fn loopback_app() -> TestApp {
    spawn_app_with(|c| c.outbound_allow_private = true).await
}

/// A paid order of a shop whose webhook endpoint is `url`; the delivery log.
async fn deliver_to(app: &TestApp, url: &str) -> Value {
    let f = app.shop_with_product(100, 5).await;
    let r = app.post(&format!("/api/v1/shops/{}/webhooks", f.shop_id), Some(&f.merchant.token), &json!({"url": url})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    app.pay(&buyer, id).await;
    assert_eq!(deliver_webhooks::run_once(&app.state).await.unwrap(), 1);
    app.get(&format!("/api/v1/shops/{}/webhook-deliveries", f.shop_id), Some(&f.merchant.token)).await.json().await.unwrap()
}

#[tokio::test]
async fn a_paid_order_is_delivered_signed_to_the_shops_endpoint() {
    let app = loopback_app().await;
    let (sink, url) = Sink::start(vec![]).await;
    let f = app.shop_with_product(100, 5).await;
    let r = app
        .post(&format!("/api/v1/shops/{}/webhooks", f.shop_id), Some(&f.merchant.token), &json!({"url": url, "events": ["order.paid"]}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let secret = r.json::<Value>().await.unwrap()["secret"].as_str().unwrap().to_owned();
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    app.pay(&buyer, id).await;
    assert_eq!(deliver_webhooks::run_once(&app.state).await.unwrap(), 1);
    let (headers, body) = sink.received.lock().unwrap()[0].clone();
    assert_eq!(headers["haul-event"], "order.paid");
    let signature = headers["haul-signature"].to_str().unwrap();
    signing::verify(secret.as_bytes(), signature, body.as_bytes(), app.clock_now_seconds()).expect("valid signature");
    let payload: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(payload["data"]["id"], id);
    assert_eq!(payload["data"]["status"], "paid");
    // Delivered once only.
    assert_eq!(deliver_webhooks::run_once(&app.state).await.unwrap(), 0);
    let log: Value =
        app.get(&format!("/api/v1/shops/{}/webhook-deliveries", f.shop_id), Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!(log["items"][0]["status"], "delivered");
    // The log shows what was sent, never the key it was signed with.
    assert!(!log.to_string().contains(&secret), "the delivery log holds the signing secret");
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_backoff() {
    let app = loopback_app().await;
    let (sink, url) = Sink::start(vec![500, 503]).await;
    let f = app.shop_with_product(100, 5).await;
    app.post(&format!("/api/v1/shops/{}/webhooks", f.shop_id), Some(&f.merchant.token), &json!({"url": url})).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    app.pay(&buyer, id).await;
    assert_eq!(deliver_webhooks::run_once(&app.state).await.unwrap(), 1);
    // Not due again until the backoff has passed.
    assert_eq!(deliver_webhooks::run_once(&app.state).await.unwrap(), 0);
    app.clock.advance_seconds(deliver_webhooks::backoff_seconds(1));
    assert_eq!(deliver_webhooks::run_once(&app.state).await.unwrap(), 1);
    app.clock.advance_seconds(deliver_webhooks::backoff_seconds(2));
    assert_eq!(deliver_webhooks::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(sink.count(), 3);
    let log: Value =
        app.get(&format!("/api/v1/shops/{}/webhook-deliveries", f.shop_id), Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!(log["items"][0]["status"], "delivered");
    assert_eq!(log["items"][0]["attempts"], 3);
}

#[tokio::test]
async fn unknown_events_and_bad_urls_are_refused() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let path = format!("/api/v1/shops/{}/webhooks", f.shop_id);
    assert_error(
        app.post(&path, Some(&f.merchant.token), &json!({"url": "https://hooks.example.com/x", "events": ["order.eaten"]})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_error(
        app.post(&path, Some(&f.merchant.token), &json!({"url": "javascript:alert(1)"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let stranger = app.sign_up("stranger").await;
    assert_error(
        app.post(&path, Some(&stranger.token), &json!({"url": "https://hooks.example.com/x"})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn partner_items_are_forwarded_and_the_partner_reports_shipment() {
    let app = loopback_app().await;
    let (sink, url) = Sink::start(vec![]).await;
    let f = app.shop_with_product(100, 5).await;
    let r = app
        .post(
            &format!("/api/v1/shops/{}/partners", f.shop_id),
            Some(&f.merchant.token),
            &json!({"name": "Cold Chain Co", "endpoint_url": url}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let partner: Value = r.json().await.unwrap();
    let secret = partner["secret"].as_str().unwrap().to_owned();
    let r = app
        .post("/api/v1/products", Some(&f.merchant.token), &json!({"shop_id": f.shop_id, "title": "Hairy crabs", "kind": "partner", "partner_id": partner["id"], "skus": [{"code": "8", "price_minor": 29900, "stock": 10}]}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let product = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let detail: Value = app.get(&format!("/api/v1/products/{product}"), None).await.json().await.unwrap();
    let buyer = app.sign_up("buyer").await;
    let home = json!({"recipient": "Ann", "phone": "13800138000", "province": "ZJ", "city": "杭州市", "street": "龙井路1号"});
    assert_eq!(app.post("/api/v1/addresses", Some(&buyer.token), &home).await.status(), StatusCode::CREATED);
    let id = app.order_ok(&buyer, detail["skus"][0]["id"].as_i64().unwrap(), 1).await;
    app.pay(&buyer, id).await;
    deliver_webhooks::run_once(&app.state).await.unwrap();
    let (headers, body) = sink.received.lock().unwrap()[0].clone();
    assert_eq!(headers["haul-event"], "order.forward");
    signing::verify(secret.as_bytes(), headers["haul-signature"].to_str().unwrap(), body.as_bytes(), app.clock_now_seconds()).unwrap();
    let forwarded: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(forwarded["data"]["order_id"], id);
    assert_eq!(forwarded["data"]["lines"][0]["title"], "Hairy crabs");
    // The partner gets the address it ships to.
    assert_eq!(
        (forwarded["data"]["ship_to"]["city"].as_str(), forwarded["data"]["ship_to"]["phone"].as_str()),
        (Some("杭州市"), Some("13800138000"))
    );

    // A forged signature changes nothing; the partner's own ships the order.
    let partner_id = partner["id"].as_i64().unwrap();
    let r = report_shipment(&app, id, partner_id, b"guess").await;
    assert_error(r, StatusCode::UNAUTHORIZED, "bad_signature").await;
    assert_eq!(app.order_status(&buyer.token, id).await, "paid");
    let r = report_shipment(&app, id, partner_id, secret.as_bytes()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let shipped: Value = r.json().await.unwrap();
    assert_eq!((shipped["carrier"].as_str(), shipped["tracking_no"].as_str()), (Some("Cold Chain Co"), Some("SF123")));
    assert_eq!(app.order_status(&buyer.token, id).await, "shipped");

    // The shop's own (native) order was never forwarded: the partner cannot ship it.
    let native = app.order_ok(&buyer, f.sku_id, 1).await;
    app.pay(&buyer, native).await;
    assert_error(report_shipment(&app, native, partner_id, secret.as_bytes()).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.order_status(&buyer.token, native).await, "paid");

    // An order with the partner's crabs and the shop's own product: the shop ships it.
    let crab_sku = detail["skus"][0]["id"].as_i64().unwrap();
    let items = json!({"items": [{"sku_id": crab_sku, "quantity": 1}, {"sku_id": f.sku_id, "quantity": 1}]});
    let r = app
        .request(reqwest::Method::POST, "/api/v1/orders", Some(&buyer.token))
        .header("Idempotency-Key", "mixed")
        .json(&items)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let mixed = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.pay(&buyer, mixed).await;
    let r = report_shipment(&app, mixed, partner_id, secret.as_bytes()).await;
    assert_error(r, StatusCode::CONFLICT, "shipped_in_part_by_the_shop").await;
    assert_eq!(app.order_status(&buyer.token, mixed).await, "paid");
}

/// The partner's shipment callback for `order`, signed with `secret`.
async fn report_shipment(app: &TestApp, order: i64, partner: i64, secret: &[u8]) -> reqwest::Response {
    let report = serde_json::to_vec(&json!({"partner_id": partner, "tracking": "SF123"})).unwrap();
    app.client
        .post(app.url(&format!("/api/v1/partner/orders/{order}/shipment")))
        .header("content-type", "application/json")
        .header("haul-signature", signing::sign(secret, app.clock_now_seconds(), &report))
        .body(report)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn https_endpoints_are_reached_over_tls() {
    let app = loopback_app().await;
    // A plain-HTTP listener behind an https:// URL: the client must try TLS
    // (and fail the handshake), not refuse the scheme.
    let (_sink, url) = Sink::start(vec![]).await;
    let url = url.replace("http://", "https://");
    let f = app.shop_with_product(100, 5).await;
    app.post(&format!("/api/v1/shops/{}/webhooks", f.shop_id), Some(&f.merchant.token), &json!({"url": url})).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    app.pay(&buyer, id).await;
    deliver_webhooks::run_once(&app.state).await.unwrap();
    let log: Value =
        app.get(&format!("/api/v1/shops/{}/webhook-deliveries", f.shop_id), Some(&f.merchant.token)).await.json().await.unwrap();
    // Why the handshake failed stays in the server's log.
    assert_eq!(log["items"][0]["status"], "pending");
    assert_eq!(log["items"][0]["last_error"], "unreachable");
}

#[tokio::test]
async fn endpoints_on_this_host_or_private_networks_are_refused_at_once() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let targets = [
        "http://127.0.0.1:8080/hook",
        "http://localhost:8080/hook",
        "http://api.localhost/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://[::1]:8080/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fd00::1]/hook",
        "http://0.0.0.0:8080/hook",
        "http://2130706433/hook",
        "http://0x7f.1/hook",
    ];
    for url in targets {
        let r = app.post(&format!("/api/v1/shops/{}/webhooks", f.shop_id), Some(&f.merchant.token), &json!({"url": url})).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        let r = app
            .post(&format!("/api/v1/shops/{}/partners", f.shop_id), Some(&f.merchant.token), &json!({"name": "P", "endpoint_url": url}))
            .await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let ok = app
        .post(&format!("/api/v1/shops/{}/webhooks", f.shop_id), Some(&f.merchant.token), &json!({"url": "https://hooks.example.com/x"}))
        .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_name_that_points_at_a_private_address_when_delivering_is_refused() {
    let dns = Arc::new(FakeDns::default());
    let app = spawn_app_resolving(|_| {}, dns.clone()).await;
    let (sink, url) = Sink::start(vec![]).await;
    // Registered under a name; by delivery time the name points at loopback.
    let port = url.rsplit(':').next().unwrap();
    dns.point("hooks.shop.test", "127.0.0.1");
    let log = deliver_to(&app, &format!("http://hooks.shop.test:{port}")).await;
    assert_eq!(sink.count(), 0);
    assert_eq!(log["items"][0]["status"], "pending");
    assert_eq!(log["items"][0]["last_error"], "refused by policy");
    assert_eq!(log["items"][0]["last_status_code"], Value::Null);
}

#[tokio::test]
async fn the_operator_can_allow_private_networks_for_names_too() {
    let dns = Arc::new(FakeDns::default());
    let app = spawn_app_resolving(|c| c.outbound_allow_private = true, dns.clone()).await;
    let (sink, url) = Sink::start(vec![]).await;
    let port = url.rsplit(':').next().unwrap();
    dns.point("hooks.shop.test", "127.0.0.1");
    let log = deliver_to(&app, &format!("http://hooks.shop.test:{port}/hook")).await;
    assert_eq!(sink.count(), 1);
    assert_eq!(log["items"][0]["status"], "delivered");
}

#[tokio::test]
async fn redirects_are_recorded_not_followed() {
    let app = loopback_app().await;
    let (sink, url) = Sink::start(vec![307, 307]).await;
    let log = deliver_to(&app, &url).await;
    assert_eq!(sink.count(), 1, "the redirect was followed");
    assert_eq!(log["items"][0]["status"], "pending");
    assert_eq!(log["items"][0]["last_error"], "HTTP 307");
}

#[tokio::test]
async fn connection_errors_are_not_echoed_to_the_shop() {
    let app = loopback_app().await;
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let log = deliver_to(&app, &format!("http://{closed}/hook")).await;
    assert_eq!(log["items"][0]["last_error"], "unreachable");
}
