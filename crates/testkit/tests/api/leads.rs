//! Requests for a quote: one open per buyer and product, a few an hour; the
//! contact is the buyer's and the shop staff's alone; the video that
//! produced one is credited; the shop's webhook hears of it; it never
//! counts as a sale.

use haul_server::workers::{analytics, deliver_webhooks};
use haul_testkit::{Account, Fixture, Sink, TestApp, assert_error, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A product sold by quote in the fixture's shop.
async fn quote_product(app: &TestApp, f: &Fixture) -> i64 {
    let body = json!({"shop_id": f.shop_id, "title": "Used tractor, 50 hp", "kind": "quote",
        "skus": [{"code": "REF", "options": "reference price", "price_minor": 4_800_000, "stock": 1}]});
    let r = app.post("/api/v1/products", Some(&f.merchant.token), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

fn ask(province: &str) -> Value {
    json!({"quantity": 1, "province": province, "city": "Weifang", "budget_min_minor": 3_500_000, "budget_max_minor": 5_000_000,
        "contact": "+86 139-0531-0000", "contact_time": "evening", "message": "Loader included?"})
}

async fn ask_ok(app: &TestApp, who: &Account, product: i64, body: &Value) -> Value {
    let r = app.post(&format!("/api/v1/products/{product}/leads"), Some(&who.token), body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_lead_from_a_video_reaches_the_shop_and_its_webhook_and_no_one_else() {
    let app = spawn_app_with(|c| c.outbound_allow_private = true).await;
    let (sink, url) = Sink::start(vec![]).await;
    let f = app.shop_with_product(1_000, 10).await;
    let r = app
        .post(&format!("/api/v1/shops/{}/webhooks", f.shop_id), Some(&f.merchant.token), &json!({"url": url, "events": ["lead.created"]}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let tractor = quote_product(&app, &f).await;
    let dealer_friend = app.sign_up("filmmaker").await;
    let video = app.upload_video(&dealer_friend, "Ploughing #tractor", json!([{"product_id": tractor}])).await["id"].as_i64().unwrap();
    let buyer = app.sign_up("farmer").await;

    // Bought like a parcel: refused, it is sold by quote.
    let sku: Value = app.get(&format!("/api/v1/products/{tractor}"), None).await.json().await.unwrap();
    let sku = sku["skus"][0]["id"].as_i64().unwrap();
    let r = app.put(&format!("/api/v1/cart/items/{sku}"), Some(&buyer.token), &json!({"quantity": 1})).await;
    assert_error(r, StatusCode::CONFLICT, "product_unavailable").await;

    let mut body = ask("SD");
    body["video_id"] = json!(video);
    let lead = ask_ok(&app, &buyer, tractor, &body).await;
    assert_eq!((lead["status"].as_str(), lead["contact"].as_str()), (Some("new"), Some("+8613905310000")));
    assert_eq!(lead["touch_kind"], Value::Null, "what produced it is the shop's business");
    let id = lead["id"].as_i64().unwrap();

    // A second ask while it is open is refused, whatever it says.
    let r = app.post(&format!("/api/v1/products/{tractor}/leads"), Some(&buyer.token), &ask("HA")).await;
    assert_error(r, StatusCode::CONFLICT, "lead_open").await;

    // The shop's staff see it with its contact; a stranger does not see it at all.
    let inbox: Value = app.get(&format!("/api/v1/shops/{}/leads", f.shop_id), Some(&f.merchant.token)).await.json().await.unwrap();
    let seen = &inbox["items"][0];
    assert_eq!(seen["contact"], "+8613905310000");
    assert_eq!((seen["touch_kind"].as_str(), seen["touch_id"].as_i64()), (Some("video"), Some(video)), "the video's card produced it");
    assert_eq!(seen["creator_id"], dealer_friend.id);
    let stranger = app.sign_up("stranger").await;
    assert_eq!(app.get(&format!("/api/v1/shops/{}/leads", f.shop_id), Some(&stranger.token)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/v1/leads/{id}"), Some(&stranger.token)).await.status(), StatusCode::NOT_FOUND);
    let r = app.post(&format!("/api/v1/leads/{id}/status"), Some(&buyer.token), &json!({"status": "won"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "the buyer does not move the shop's lead");

    // A note stays with the staff; a reply reaches the buyer.
    for (kind, text) in [("note", "call after 7"), ("reply", "46,000 delivered")] {
        let r = app.post(&format!("/api/v1/leads/{id}/messages"), Some(&f.merchant.token), &json!({"kind": kind, "text": text})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let seen: Value = app.get(&format!("/api/v1/leads/{id}"), Some(&buyer.token)).await.json().await.unwrap();
    let said: Vec<&str> = seen["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(said, ["46,000 delivered"]);
    let told: Value = app.get("/api/v1/notifications", Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!(told["items"][0]["kind"], "lead");

    // Moved on once from what the staff saw; closed stays closed.
    for (to, status) in [("quoted", StatusCode::OK), ("won", StatusCode::OK), ("lost", StatusCode::CONFLICT)] {
        let r = app.post(&format!("/api/v1/leads/{id}/status"), Some(&f.merchant.token), &json!({"status": to})).await;
        assert_eq!(r.status(), status, "{to}");
    }
    // Won, it is no longer open: the buyer may ask again.
    ask_ok(&app, &buyer, tractor, &ask("SD")).await;

    // Figures by province and by video; never a sale.
    let figures: Value =
        app.get(&format!("/api/v1/shops/{}/leads/figures", f.shop_id), Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!((figures["by_region"][0]["key"].as_str(), figures["by_region"][0]["leads"].as_i64()), (Some("SD"), Some(2)), "{figures}");
    let by_video = figures["by_content"].as_array().unwrap().iter().find(|c| c["key"] == "video").unwrap();
    // (The second ask came within the video's attribution window: it is the video's too.)
    assert_eq!((by_video["key_id"].as_i64(), by_video["leads"].as_i64(), by_video["won"].as_i64()), (Some(video), Some(2), Some(1)));
    analytics::run_once(&app.state).await.unwrap();
    let best: Value = app.get("/api/v1/best-sellers?window=24h", None).await.json().await.unwrap();
    assert_eq!(best["items"], json!([]), "a lead is not a sale");

    // The shop's CRM heard of each lead.
    assert_eq!(deliver_webhooks::run_once(&app.state).await.unwrap(), 2);
    let (_, body) = sink.received.lock().unwrap()[0].clone();
    let event: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((event["type"].as_str(), event["data"]["id"].as_i64()), (Some("lead.created"), Some(id)), "{event}");
}

#[tokio::test]
async fn asking_is_checked_field_by_field_and_limited_per_hour() {
    let app = spawn_app_with(|c| c.leads_per_hour = 3).await;
    let f = app.shop_with_product(1_000, 10).await;
    let buyer = app.sign_up("buyer").await;
    let tractor = quote_product(&app, &f).await;
    for (field, bad) in
        [("quantity", json!(0)), ("contact", json!("call me")), ("province", json!(" ")), ("contact_time", json!("midnight"))]
    {
        let mut body = ask("SD");
        body[field] = bad;
        let r = app.post(&format!("/api/v1/products/{tractor}/leads"), Some(&buyer.token), &body).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let e: Value = r.json().await.unwrap();
        assert!(e["error"]["message"].as_str().unwrap().starts_with(field), "{field}: {e}");
    }
    let r = app.post(&format!("/api/v1/products/{}/leads", f.product_id), Some(&buyer.token), &ask("SD")).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // Three asks an hour (one product each), then no more until the hour has passed.
    let mut products = Vec::new();
    for _ in 0..4 {
        products.push(quote_product(&app, &f).await);
    }
    for p in &products[..3] {
        ask_ok(&app, &buyer, *p, &ask("SD")).await;
    }
    // An ask refused for what it is is told so, and spends nothing.
    let r = app.post(&format!("/api/v1/products/{}/leads", products[0]), Some(&buyer.token), &ask("SD")).await;
    assert_error(r, StatusCode::CONFLICT, "lead_open").await;
    let r = app.post(&format!("/api/v1/products/{}/leads", products[3]), Some(&buyer.token), &ask("SD")).await;
    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    app.clock.advance_seconds(3_600);
    ask_ok(&app, &buyer, products[3], &ask("SD")).await;
    let mine: Value = app.get("/api/v1/leads", Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 4);
}
