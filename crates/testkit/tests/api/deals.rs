use haul_domain::ids::DealId;
use haul_server::deals::DealEngine;
use haul_server::workers::{close_deals, expire_unpaid};
use haul_testkit::{Account, Fixture, TestApp, assert_error, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A live deal of `quantity` units at ¥9.90, capped at `cap` per shopper.
async fn live_deal(app: &TestApp, stock: i64, quantity: i64, cap: i64) -> (Fixture, i64) {
    let f = app.shop_with_product(1990, stock).await;
    let now = app.clock_now_seconds() * 1000;
    let r = app
        .post(
            "/api/v1/deals",
            Some(&f.merchant.token),
            &json!({"sku_id": f.sku_id, "price_minor": 990, "quantity": quantity, "per_shopper_cap": cap, "starts_at": now, "ends_at": now + 3_600_000}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let deal: Value = r.json().await.unwrap();
    assert_eq!(deal["remaining"], quantity);
    assert_eq!(deal["state"], "live");
    (f, deal["id"].as_i64().unwrap())
}

async fn grab(app: &TestApp, buyer: &Account, deal: i64, key: &str) -> reqwest::Response {
    app.request(Method::POST, &format!("/api/v1/deals/{deal}/purchase"), Some(&buyer.token))
        .header("Idempotency-Key", key)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
}

async fn remaining(app: &TestApp, deal: i64) -> i64 {
    app.get(&format!("/api/v1/deals/{deal}"), None).await.json::<Value>().await.unwrap()["remaining"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deal_sells_exactly_its_quantity_to_a_crowd() {
    let app = spawn_app().await;
    let (f, deal) = live_deal(&app, 100, 10, 1).await;
    // The deal's units left the SKU when it was created.
    assert_eq!(app.stock(f.product_id).await, 90);
    let mut crowd = tokio::task::JoinSet::new();
    for i in 0..30 {
        let buyer = app.sign_up(&format!("fan{i}")).await;
        let request = app
            .request(Method::POST, &format!("/api/v1/deals/{deal}/purchase"), Some(&buyer.token))
            .header("Idempotency-Key", "tap")
            .json(&json!({}));
        crowd.spawn(async move {
            let r = request.send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        });
    }
    let answers = crowd.join_all().await;
    let won: Vec<_> = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).collect();
    assert_eq!(won.len(), 10);
    assert!(won.iter().all(|(_, b)| b["total_minor"] == 990 && b["status"] == "pending_payment" && b["deal_id"] == deal));
    assert!(
        answers
            .iter()
            .filter(|(s, _)| *s != StatusCode::CREATED)
            .all(|(s, b)| *s == StatusCode::CONFLICT && b["error"]["code"] == "deal_sold_out")
    );
    assert_eq!(remaining(&app, deal).await, 0);
    assert_eq!(app.state.db.deal_holdings(DealId(deal)).await.unwrap().iter().map(|(_, n)| n).sum::<i64>(), 10);
}

#[tokio::test]
async fn the_cap_holds_and_a_retry_gets_the_first_answer() {
    let app = spawn_app().await;
    let (_, deal) = live_deal(&app, 10, 5, 1).await;
    let buyer = app.sign_up("fan").await;
    let first = grab(&app, &buyer, deal, "k1").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let retry = grab(&app, &buyer, deal, "k1").await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(retry.json::<Value>().await.unwrap(), first);
    assert_error(grab(&app, &buyer, deal, "k2").await, StatusCode::CONFLICT, "deal_cap_reached").await;
    assert_eq!(remaining(&app, deal).await, 4);
    // Even after the order moved on, a retry gets the first answer, unchanged.
    app.pay(&buyer, first["id"].as_i64().unwrap()).await;
    let later = grab(&app, &buyer, deal, "k1").await;
    assert_eq!(later.json::<Value>().await.unwrap(), first);
}

#[tokio::test]
async fn a_retry_under_the_cap_reaches_the_writer_and_gets_the_first_answer() {
    // Under the cap the gate lets a retry through: the writer finds its key
    // taken, answers with the first order and gives the unit back.
    let app = spawn_app().await;
    let (_, deal) = live_deal(&app, 10, 5, 3).await;
    let buyer = app.sign_up("fan").await;
    let first: Value = grab(&app, &buyer, deal, "k1").await.json().await.unwrap();
    let retries = futures_util::future::join_all((0..3).map(|_| grab(&app, &buyer, deal, "k1"))).await;
    for retry in retries {
        assert_eq!(retry.status(), StatusCode::CREATED);
        assert_eq!(retry.json::<Value>().await.unwrap(), first);
    }
    assert_eq!(remaining(&app, deal).await, 4);
    assert_eq!(grab(&app, &buyer, deal, "k2").await.status(), StatusCode::CREATED);
    assert_eq!(remaining(&app, deal).await, 3);
}

#[tokio::test]
async fn the_window_is_enforced_to_the_millisecond() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let now = app.clock_now_seconds() * 1000;
    let r = app
        .post(
            "/api/v1/deals",
            Some(&f.merchant.token),
            &json!({"sku_id": f.sku_id, "price_minor": 990, "quantity": 3, "starts_at": now + 60_000, "ends_at": now + 120_000}),
        )
        .await;
    let deal = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let buyer = app.sign_up("early").await;
    assert_error(grab(&app, &buyer, deal, "a").await, StatusCode::CONFLICT, "deal_not_started").await;
    app.clock.advance_seconds(60);
    assert_eq!(grab(&app, &buyer, deal, "b").await.status(), StatusCode::CREATED);
    app.clock.advance_seconds(60);
    let late = app.sign_up("late").await;
    assert_error(grab(&app, &late, deal, "c").await, StatusCode::CONFLICT, "deal_ended").await;
}

#[tokio::test]
async fn an_unpaid_reservation_expires_and_its_unit_goes_back_to_the_deal() {
    let app = spawn_app().await;
    let (_, deal) = live_deal(&app, 10, 1, 1).await;
    let slow = app.sign_up("slow").await;
    let order = grab(&app, &slow, deal, "s").await.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let next = app.sign_up("next").await;
    assert_error(grab(&app, &next, deal, "n1").await, StatusCode::CONFLICT, "deal_sold_out").await;
    app.clock.advance_seconds(app.state.config.deal_payment_timeout_seconds + 1);
    assert_eq!(expire_unpaid::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(app.order_status(&slow.token, order).await, "cancelled");
    assert_eq!(remaining(&app, deal).await, 1);
    let won = grab(&app, &next, deal, "n2").await;
    assert_eq!(won.status(), StatusCode::CREATED);
    // Paying follows the normal order flow.
    let id = won.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(app.pay(&next, id).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.order_status(&next.token, id).await, "paid");
}

#[tokio::test]
async fn a_restarted_engine_rebuilds_remaining_from_the_record() {
    let app = spawn_app().await;
    let (_, deal) = live_deal(&app, 10, 5, 2).await;
    for i in 0..2 {
        let b = app.sign_up(&format!("b{i}")).await;
        assert_eq!(grab(&app, &b, deal, "x").await.status(), StatusCode::CREATED);
    }
    let fresh = DealEngine::start(app.state.db.clone(), None);
    let record = app.state.db.deal(DealId(deal)).await.unwrap();
    assert_eq!(fresh.remaining(&record).await.unwrap(), 3);
}

#[tokio::test]
async fn cancelling_or_closing_a_deal_returns_unsold_units_to_the_sku() {
    let app = spawn_app().await;
    let (f, deal) = live_deal(&app, 10, 4, 1).await;
    let buyer = app.sign_up("b").await;
    assert_eq!(grab(&app, &buyer, deal, "x").await.status(), StatusCode::CREATED);
    let stranger = app.sign_up("stranger").await;
    assert_error(
        app.post(&format!("/api/v1/deals/{deal}/cancel"), Some(&stranger.token), &json!({})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let r = app.post(&format!("/api/v1/deals/{deal}/cancel"), Some(&f.merchant.token), &json!({})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "cancelled");
    assert_eq!(app.stock(f.product_id).await, 6 + 3);
    assert_error(grab(&app, &stranger, deal, "y").await, StatusCode::CONFLICT, "deal_ended").await;

    let (g, second) = live_deal(&app, 10, 4, 1).await;
    app.clock.advance_seconds(3601);
    assert_eq!(close_deals::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(close_deals::run_once(&app.state).await.unwrap(), 0);
    assert_eq!(app.stock(g.product_id).await, 10);
    let v: Value = app.get(&format!("/api/v1/deals/{second}"), None).await.json().await.unwrap();
    assert_eq!(v["state"], "ended");
}

#[tokio::test]
async fn bad_deals_are_refused() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 5).await;
    let now = app.clock_now_seconds() * 1000;
    let t = Some(f.merchant.token.as_str());
    let deal =
        |q: i64, start: i64, end: i64| json!({"sku_id": f.sku_id, "price_minor": 990, "quantity": q, "starts_at": start, "ends_at": end});
    assert_error(app.post("/api/v1/deals", t, &deal(6, now, now + 1000)).await, StatusCode::CONFLICT, "out_of_stock").await;
    assert_error(app.post("/api/v1/deals", t, &deal(0, now, now + 1000)).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    assert_error(app.post("/api/v1/deals", t, &deal(1, now, now)).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(
        app.post("/api/v1/deals", t, &deal(1, now - 2000, now - 1000)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let other = app.sign_up("other").await;
    assert_error(app.post("/api/v1/deals", Some(&other.token), &deal(1, now, now + 1000)).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.stock(f.product_id).await, 5);
    let buyer = app.sign_up("b").await;
    assert_error(grab(&app, &buyer, 424242, "z").await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn the_product_page_shows_the_deal_and_grab_it_reserves_a_unit() {
    let app = spawn_app().await;
    let (f, deal) = live_deal(&app, 10, 3, 1).await;
    let html = app.get(&format!("/products/{}", f.product_id), None).await.text().await.unwrap();
    assert!(html.contains("Flash deal") && html.contains("¥9.90") && html.contains(">3</span> of 3 left"), "{html}");
    let shopper = app.sign_up("grab").await;
    let browser = app.browser(&shopper).await;
    let r = app.submit(&browser, &format!("/deals/{deal}/buy"), &[("key", "abc123")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/orders/"));
    assert_eq!(remaining(&app, deal).await, 2);
}

#[tokio::test]
async fn a_merchant_starts_a_deal_from_the_product_page() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 50).await;
    let browser = app.browser(&f.merchant).await;
    let sku = f.sku_id.to_string();
    let path = format!("/merchant/products/{}/deals", f.product_id);
    let fields = [("sku_id", sku.as_str()), ("price", "9.90"), ("quantity", "20"), ("cap", "2"), ("starts_in", "0"), ("minutes", "30")];
    let r = app.submit(&browser, &path, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let deals: Value = app.get(&format!("/api/v1/deals?shop_id={}", f.shop_id), None).await.json().await.unwrap();
    assert_eq!(deals["items"][0]["price_minor"], 990);
    assert_eq!(deals["items"][0]["remaining"], 20);
    assert_eq!(deals["items"][0]["state"], "live");
    assert_eq!(app.stock(f.product_id).await, 30);
    // More units than in stock: the page says why, nothing is created.
    let too_many = [("sku_id", sku.as_str()), ("price", "9.90"), ("quantity", "31"), ("cap", "1"), ("starts_in", "0"), ("minutes", "30")];
    let page = app.submit(&browser, &path, &too_many).await.text().await.unwrap();
    assert!(page.contains("not enough stock"), "{page}");
    let deals: Value = app.get(&format!("/api/v1/deals?shop_id={}", f.shop_id), None).await.json().await.unwrap();
    assert_eq!(deals["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_deal_unit_goes_back_to_the_deal_through_every_way_an_order_leaves() {
    let app = spawn_app().await;
    let (f, deal) = live_deal(&app, 10, 1, 1).await;
    let buyer = app.sign_up("buyer").await;
    let won = |key: &'static str| {
        let (app, buyer) = (&app, &buyer);
        async move {
            let r = grab(app, buyer, deal, key).await;
            assert_eq!(r.status(), StatusCode::CREATED, "{key}");
            r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
        }
    };
    // The buyer cancels (API).
    let order = won("a").await;
    assert_eq!(remaining(&app, deal).await, 0);
    assert_eq!(app.post(&format!("/api/v1/orders/{order}/cancel"), Some(&buyer.token), &json!({})).await.status(), StatusCode::OK);
    assert_eq!(remaining(&app, deal).await, 1);
    // The buyer cancels on the order page.
    let order = won("b").await;
    let browser = app.browser_of(&buyer).await;
    assert_eq!(app.submit(&browser, &format!("/orders/{order}/cancel"), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(remaining(&app, deal).await, 1);
    // Not paid in time.
    let order = won("c").await;
    app.clock.advance_seconds(app.state.config.deal_payment_timeout_seconds + 1);
    assert_eq!(expire_unpaid::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(app.order_status(&buyer.token, order).await, "cancelled");
    assert_eq!(remaining(&app, deal).await, 1);
    // Paid, then refunded in full before shipping.
    let order = won("d").await;
    app.pay(&buyer, order).await;
    let r = app.post(&format!("/api/v1/orders/{order}/refunds"), Some(&f.merchant.token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(remaining(&app, deal).await, 1);
    // And the unit sells again.
    won("e").await;
    assert_eq!(remaining(&app, deal).await, 0);
}

/// Cards show what a shopper pays now: the running deal's price, the list
/// price struck through and the deal's end, on the catalog, the home page
/// and a video's product card; once the deal is sold out, the list price.
#[tokio::test]
async fn cards_show_the_running_deal_price_until_it_sells_out() {
    let app = spawn_app().await;
    let (f, deal) = live_deal(&app, 10, 1, 1).await;
    let creator = app.sign_up("creator").await;
    let video = app.upload_video(&creator, "Oranges #fruit", json!([{"product_id": f.product_id, "sku_id": f.sku_id}])).await;
    let pages = ["/products".to_owned(), "/".to_owned(), format!("/videos/{}", video["id"])];
    for page in &pages {
        let html = app.get(page, None).await.text().await.unwrap();
        assert!(html.contains("¥9.90") && html.contains("data-ends="), "{page} shows the deal price and its countdown");
    }
    let catalog = app.get("/products", None).await.text().await.unwrap();
    assert!(catalog.contains(r#"<s class="was">¥19.90</s>"#), "{catalog}");
    // Cards drawn by a script (a live room's bag) ask the API.
    let prices: Value = app.get(&format!("/api/v1/prices?product_ids={},424242", f.product_id), None).await.json().await.unwrap();
    assert_eq!(prices.as_array().unwrap().len(), 1, "unknown products are left out");
    assert_eq!((prices[0]["price_minor"].as_i64(), prices[0]["was_minor"].as_i64()), (Some(990), Some(1990)));
    assert!(prices[0]["deal_ends_at"].is_i64());
    assert_error(app.get("/api/v1/prices?product_ids=1,x", None).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let buyer = app.sign_up("buyer").await;
    assert_eq!(grab(&app, &buyer, deal, "k1").await.status(), StatusCode::CREATED);
    let catalog = app.get("/products", None).await.text().await.unwrap();
    assert!(!catalog.contains("data-ends=") && catalog.contains("¥19.90"), "sold out: the list price again");
}
