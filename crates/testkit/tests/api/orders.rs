use haul_testkit::{assert_error, spawn_app, spawn_app_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn checkout_takes_stock_and_a_retry_returns_the_first_answer() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let buyer = app.sign_up("buyer").await;
    let first = app.order(&buyer, f.sku_id, 3, "key-1").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["status"], "pending_payment");
    assert_eq!(first["total_minor"], 5970);
    let retry = app.order(&buyer, f.sku_id, 3, "key-1").await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(retry.json::<Value>().await.unwrap(), first);
    assert_eq!(app.stock(f.product_id).await, 7);
    let mine: Value = app.get("/api/v1/orders", Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_key_reused_for_another_request_is_refused() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 10).await;
    let buyer = app.sign_up("buyer").await;
    assert_eq!(app.order(&buyer, f.sku_id, 1, "k").await.status(), StatusCode::CREATED);
    assert_error(app.order(&buyer, f.sku_id, 2, "k").await, StatusCode::CONFLICT, "idempotency_key_reused").await;
    assert_eq!(app.stock(f.product_id).await, 9);
}

#[tokio::test]
async fn checkout_needs_an_idempotency_key() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 10).await;
    let buyer = app.sign_up("buyer").await;
    let r = app.post("/api/v1/orders", Some(&buyer.token), &json!({"items": [{"sku_id": f.sku_id, "quantity": 1}]})).await;
    assert_error(r, StatusCode::BAD_REQUEST, "idempotency_key_required").await;
}

#[tokio::test]
async fn checkout_returns_409_when_stock_is_exhausted() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 2).await;
    let buyer = app.sign_up("buyer").await;
    assert_error(app.order(&buyer, f.sku_id, 3, "a").await, StatusCode::CONFLICT, "out_of_stock").await;
    assert_eq!(app.stock(f.product_id).await, 2);
    assert_eq!(app.order(&buyer, f.sku_id, 2, "b").await.status(), StatusCode::CREATED);
    assert_error(app.order(&buyer, f.sku_id, 1, "c").await, StatusCode::CONFLICT, "out_of_stock").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_buyers_racing_for_few_units_never_oversell() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let mut race = tokio::task::JoinSet::new();
    for i in 0..20 {
        let buyer = app.sign_up(&format!("b{i}")).await;
        let request = app
            .request(Method::POST, "/api/v1/orders", Some(&buyer.token))
            .header("Idempotency-Key", format!("race-{i}"))
            .json(&json!({"items": [{"sku_id": f.sku_id, "quantity": 1}]}));
        race.spawn(async move { request.send().await.unwrap().status() });
    }
    let statuses = race.join_all().await;
    let won = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    let lost = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((won, lost), (5, 15), "{statuses:?}");
    assert_eq!(app.stock(f.product_id).await, 0);
}

#[tokio::test]
async fn a_shopper_cannot_see_another_shoppers_order() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let alice = app.sign_up("alice").await;
    let bob = app.sign_up("bob").await;
    let id = app.order_ok(&alice, f.sku_id, 1).await;
    assert_error(app.get(&format!("/api/v1/orders/{id}"), Some(&bob.token)).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(app.post(&format!("/api/v1/orders/{id}/cancel"), Some(&bob.token), &json!({})).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    // The shop's staff may read it.
    assert_eq!(app.get(&format!("/api/v1/orders/{id}"), Some(&f.merchant.token)).await.status(), StatusCode::OK);
    // Another shop's staff may not, nor list its orders.
    let other = app.shop_with_product(100, 1).await;
    assert_eq!(app.get(&format!("/api/v1/orders/{id}"), Some(&other.merchant.token)).await.status(), StatusCode::NOT_FOUND);
    assert_error(
        app.get(&format!("/api/v1/shops/{}/orders", f.shop_id), Some(&other.merchant.token)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn unpaid_orders_are_cancelled_after_the_timeout_and_stock_returns() {
    let app = spawn_app_with(|c| c.payment_timeout_seconds = 600).await;
    let f = app.shop_with_product(100, 5).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 2).await;
    assert_eq!(haul_server::workers::expire_unpaid::run_once(&app.state).await.unwrap(), 0);
    assert_eq!(app.stock(f.product_id).await, 3);
    app.clock.advance_seconds(601);
    assert_eq!(haul_server::workers::expire_unpaid::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(app.order_status(&buyer.token, id).await, "cancelled");
    assert_eq!(app.stock(f.product_id).await, 5);
    // Running it again changes nothing.
    assert_eq!(haul_server::workers::expire_unpaid::run_once(&app.state).await.unwrap(), 0);
    assert_eq!(app.stock(f.product_id).await, 5);
}

#[tokio::test]
async fn the_buyer_cancels_an_unpaid_order_and_stock_returns() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 2).await;
    assert_eq!(app.post(&format!("/api/v1/orders/{id}/cancel"), Some(&buyer.token), &json!({})).await.status(), StatusCode::OK);
    assert_eq!(app.stock(f.product_id).await, 5);
    assert_error(
        app.post(&format!("/api/v1/orders/{id}/cancel"), Some(&buyer.token), &json!({})).await,
        StatusCode::CONFLICT,
        "illegal_transition",
    )
    .await;
}

#[tokio::test]
async fn the_merchant_hands_over_a_collected_order() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let shipping = json!({"flat_minor": 0, "free_above_minor": null, "pickup_point": "Counter 3"});
    assert_eq!(
        app.put(&format!("/api/v1/shops/{}/shipping", f.shop_id), Some(&f.merchant.token), &shipping).await.status(),
        StatusCode::OK
    );
    let buyer = app.sign_up("buyer").await;
    let r = app.place(&buyer, &json!({"items": [{"sku_id": f.sku_id, "quantity": 1}], "fulfilment": "pickup"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let placed: Value = r.json().await.unwrap();
    assert_eq!((placed["fulfilment"].as_str(), placed["pickup_code"].as_str().map(str::len)), (Some("pickup"), Some(6)));
    let id = placed["id"].as_i64().unwrap();
    let path = format!("/api/v1/orders/{id}/status");
    // Not before it is paid.
    assert_error(
        app.post(&path, Some(&f.merchant.token), &json!({"status": "fulfilling"})).await,
        StatusCode::CONFLICT,
        "illegal_transition",
    )
    .await;
    assert_eq!(app.pay(&buyer, id).await.status(), StatusCode::SEE_OTHER);
    for step in ["fulfilling", "ready_for_pickup", "completed"] {
        let r = app.post(&path, Some(&f.merchant.token), &json!({"status": step})).await;
        assert_eq!(r.status(), StatusCode::OK, "{step}");
    }
    assert_error(app.post(&path, Some(&f.merchant.token), &json!({"status": "shipped"})).await, StatusCode::CONFLICT, "illegal_transition")
        .await;
    assert_error(
        app.post(&path, Some(&f.merchant.token), &json!({"status": "paid"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_a_merchant_step",
    )
    .await;
    assert_error(app.post(&path, Some(&buyer.token), &json!({"status": "completed"})).await, StatusCode::NOT_FOUND, "not_found").await;
    let view: Value = app.get(&format!("/api/v1/orders/{id}"), Some(&buyer.token)).await.json().await.unwrap();
    let trail: Vec<&str> = view["events"].as_array().unwrap().iter().map(|e| e["to_status"].as_str().unwrap()).collect();
    assert_eq!(trail, ["pending_payment", "paid", "fulfilling", "ready_for_pickup", "completed"]);
}

#[tokio::test]
async fn the_cart_checks_out_one_shop_at_a_time() {
    let app = spawn_app().await;
    let fruit = app.shop_with_product(1990, 5).await;
    let tea = app.shop_with_product(5800, 5).await;
    let buyer = app.sign_up("buyer").await;
    for sku in [fruit.sku_id, tea.sku_id] {
        let r = app.send_json(Method::PUT, &format!("/api/v1/cart/items/{sku}"), Some(&buyer.token), &json!({"quantity": 2})).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    let r = app
        .request(Method::POST, "/api/v1/orders", Some(&buyer.token))
        .header("Idempotency-Key", "cart-1")
        .json(&json!({"from_cart_shop_id": fruit.shop_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["total_minor"], 3980);
    let cart: Value = app.get("/api/v1/cart", Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!(cart.as_array().unwrap().len(), 1);
    assert_eq!(cart[0]["sku_id"], tea.sku_id);
    // Items of two shops in one order are refused.
    let r = app
        .request(Method::POST, "/api/v1/orders", Some(&buyer.token))
        .header("Idempotency-Key", "mixed")
        .json(&json!({"items": [{"sku_id": fruit.sku_id, "quantity": 1}, {"sku_id": tea.sku_id, "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::CONFLICT, "mixed_shops").await;
    assert_eq!(app.stock(fruit.product_id).await, 3);
    assert_eq!(app.stock(tea.product_id).await, 5);
}
