//! Verified reviews: who may write one and when, once with one follow-up,
//! the shop's one reply, pictures first, the operator's take-down, rated
//! notes that count, and a shop's score.

use haul_testkit::{Account, Fixture, TestApp, assert_error, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000";

async fn write(app: &TestApp, who: &Account, line: i64, rating: i64, pictures: usize) -> reqwest::Response {
    let mut form =
        reqwest::multipart::Form::new().text("line_id", line.to_string()).text("rating", rating.to_string()).text("body", "甜，个头均匀");
    for i in 0..pictures {
        form = form.part("images", reqwest::multipart::Part::bytes(PNG.to_vec()).file_name(format!("{i}.png")));
    }
    app.request(Method::POST, "/api/v1/reviews", Some(&who.token)).multipart(form).send().await.unwrap()
}

/// A received order of one unit; its line.
async fn received(app: &TestApp, f: &Fixture, buyer: &Account) -> i64 {
    let id = bought(app, f, buyer).await;
    let tracking = json!({"carrier": "顺丰速运", "tracking_no": "SF1402000001"});
    assert_eq!(app.post(&format!("/api/v1/orders/{id}/shipment"), Some(&f.merchant.token), &tracking).await.status(), StatusCode::OK);
    assert_eq!(app.post(&format!("/api/v1/orders/{id}/received"), Some(&buyer.token), &json!({})).await.status(), StatusCode::OK);
    line(app, buyer, id).await
}

async fn bought(app: &TestApp, f: &Fixture, buyer: &Account) -> i64 {
    let address = json!({"recipient": "王小明", "phone": "13800138000", "province": "GD", "city": "深圳市", "district": "南山区", "street": "科技园路1号", "postcode": "518000"});
    assert_eq!(app.post("/api/v1/addresses", Some(&buyer.token), &address).await.status(), StatusCode::CREATED);
    let id = app.order_ok(buyer, f.sku_id, 1).await;
    app.pay(buyer, id).await;
    id
}

async fn line(app: &TestApp, buyer: &Account, order: i64) -> i64 {
    let o: Value = app.get(&format!("/api/v1/orders/{order}"), Some(&buyer.token)).await.json().await.unwrap();
    o["lines"][0]["id"].as_i64().unwrap()
}

async fn reviews(app: &TestApp, product: i64, query: &str) -> Value {
    app.get(&format!("/api/v1/products/{product}/reviews{query}"), None).await.json().await.unwrap()
}

#[tokio::test]
async fn only_the_buyer_of_a_received_line_reviews_it_once_and_the_shop_replies_once() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let ann = app.sign_up("ann").await;
    let paid = bought(&app, &f, &ann).await;
    let paid_line = line(&app, &ann, paid).await;
    assert_error(write(&app, &ann, paid_line, 5, 0).await, StatusCode::CONFLICT, "not_completed_yet").await;
    let ann_line = received(&app, &f, &ann).await;
    let stranger = app.sign_up("stranger").await;
    assert_error(write(&app, &stranger, ann_line, 1, 0).await, StatusCode::CONFLICT, "not_a_buyer").await;
    assert_error(write(&app, &stranger, i64::MAX, 1, 0).await, StatusCode::CONFLICT, "not_a_buyer").await;
    // Pictures of a refused review are not kept.
    assert_error(write(&app, &stranger, ann_line, 1, 3).await, StatusCode::CONFLICT, "not_a_buyer").await;
    let kept = std::fs::read_dir(app.state.media.root().join("reviews")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(kept, 0, "no picture left behind");
    assert_error(write(&app, &ann, ann_line, 6, 0).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(write(&app, &ann, ann_line, 5, 10).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(reviews(&app, f.product_id, "").await["total"], 0, "nothing refused was kept");

    // Ann's review has pictures; Bob's, newer, has none: Ann's comes first.
    let r = write(&app, &ann, ann_line, 5, 2).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let review: Value = r.json().await.unwrap();
    assert_eq!((review["verified_purchase"].as_bool(), review["image_urls"].as_array().map(Vec::len)), (Some(true), Some(2)));
    let id = review["id"].as_i64().unwrap();
    assert_error(write(&app, &ann, ann_line, 4, 0).await, StatusCode::CONFLICT, "already_reviewed").await;
    let bob = app.sign_up("bob").await;
    let bob_line = received(&app, &f, &bob).await;
    assert_eq!(write(&app, &bob, bob_line, 2, 0).await.status(), StatusCode::CREATED);
    let all = reviews(&app, f.product_id, "").await;
    assert_eq!((all["total"].as_i64(), all["average"].as_f64(), all["counts"].clone()), (Some(2), Some(3.5), json!([0, 1, 0, 0, 1])));
    assert_eq!(all["items"][0]["id"], id, "pictures first");
    let first = reviews(&app, f.product_id, "?limit=1").await;
    assert_eq!(first["items"][0]["id"], id);
    let rest = reviews(&app, f.product_id, &format!("?limit=1&cursor={}", first["next_cursor"].as_str().unwrap())).await;
    assert_eq!((rest["items"][0]["author"].as_str(), rest["next_cursor"].clone()), (Some("bob"), Value::Null));

    // One follow-up by its author, one reply by the shop; never changed.
    let follow = format!("/api/v1/reviews/{id}/follow-up");
    assert_eq!(app.post(&follow, Some(&bob.token), &json!({"text": "not mine"})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.post(&follow, Some(&ann.token), &json!({"text": "一周后还是很新鲜"})).await.status(), StatusCode::OK);
    assert_error(app.post(&follow, Some(&ann.token), &json!({"text": "again"})).await, StatusCode::CONFLICT, "already_added").await;
    let reply = format!("/api/v1/reviews/{id}/reply");
    assert_eq!(app.post(&reply, Some(&ann.token), &json!({"text": "thanks me"})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.post(&reply, Some(&f.merchant.token), &json!({"text": "谢谢支持！"})).await.status(), StatusCode::OK);
    assert_error(app.post(&reply, Some(&f.merchant.token), &json!({"text": "edit"})).await, StatusCode::CONFLICT, "already_added").await;
    let shown = reviews(&app, f.product_id, "").await;
    assert_eq!(
        (shown["items"][0]["follow_up"].as_str(), shown["items"][0]["reply"].as_str()),
        (Some("一周后还是很新鲜"), Some("谢谢支持！"))
    );

    // An operator hides a review that breaks the rules; it no longer counts.
    let operator = app.sign_up("operator").await;
    app.make_operator(&operator).await;
    let decision = json!({"action": "take_down", "subject": "review", "subject_id": id, "reason": "广告"});
    assert_eq!(app.post("/api/v1/operator/decisions", Some(&operator.token), &decision).await.status(), StatusCode::OK);
    let left = reviews(&app, f.product_id, "").await;
    assert_eq!((left["total"].as_i64(), left["items"].as_array().map(Vec::len)), (Some(1), Some(1)));
}

#[tokio::test]
async fn a_rated_note_counts_when_its_author_bought_and_was_not_paid() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let note = |who: &Account, commission: bool| {
        let form = reqwest::multipart::Form::new()
            .text("title", "Honest oranges")
            .text("body", "Sweet.")
            .text("tags", json!([{"product_id": f.product_id, "commission": commission}]).to_string())
            .text("rating", "4")
            .text("rated_product_id", f.product_id.to_string());
        app.request(Method::POST, "/api/v1/notes", Some(&who.token)).multipart(form).send()
    };
    let honest = app.sign_up("honest").await;
    bought(&app, &f, &honest).await;
    assert_eq!(note(&honest, false).await.unwrap().status(), StatusCode::CREATED);
    let linked = app.sign_up("linked").await;
    bought(&app, &f, &linked).await;
    assert_eq!(note(&linked, true).await.unwrap().status(), StatusCode::CREATED);
    let shown = reviews(&app, f.product_id, "").await;
    assert_eq!((shown["total"].as_i64(), shown["counts"][3].as_i64()), (Some(1), Some(1)), "{shown}");
    assert_eq!((shown["notes"].as_array().map(Vec::len), shown["notes"][0]["author"].as_str()), (Some(1), Some("honest")));
}

#[tokio::test]
async fn a_shop_is_scored_on_its_reviews_and_its_after_sales() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let path = format!("/api/v1/shops/{}/score", f.shop_id);
    let score = || async { app.get(&path, None).await.json::<Value>().await.unwrap() };
    let empty = score().await;
    assert_eq!(
        (empty["average"].clone(), empty["reviews"].as_i64(), empty["answered_on_time"].clone()),
        (Value::Null, Some(0), Value::Null)
    );
    let ann = app.sign_up("ann").await;
    let ann_line = received(&app, &f, &ann).await;
    assert_eq!(write(&app, &ann, ann_line, 4, 0).await.status(), StatusCode::CREATED);
    let order: Value = app.get("/api/v1/orders?limit=1", Some(&ann.token)).await.json().await.unwrap();
    let order_id = order["items"][0]["id"].as_i64().unwrap();
    let form = reqwest::multipart::Form::new().text("line_id", ann_line.to_string()).text("kind", "return_refund").text("reason", "太酸");
    let r =
        app.request(Method::POST, &format!("/api/v1/orders/{order_id}/aftersales"), Some(&ann.token)).multipart(form).send().await.unwrap();
    let case: Value = r.json().await.unwrap();
    let accept = json!({"action": "accept"});
    let r = app.post(&format!("/api/v1/aftersales/{}/actions", case["id"]), Some(&f.merchant.token), &accept).await;
    assert_eq!(r.status(), StatusCode::OK);
    let s = score().await;
    assert_eq!(
        (s["average"].as_f64(), s["reviews"].as_i64(), s["answered_on_time"].as_i64(), s["refund_rate"].as_f64()),
        (Some(4.0), Some(1), Some(100), Some(0.0))
    );
}

#[tokio::test]
async fn a_line_refunded_in_full_is_not_reviewed_while_the_rest_of_the_order_is() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let body =
        json!({"shop_id": f.shop_id, "title": "Eggs 30", "skus": [{"code": "E30", "options": "30 eggs", "price_minor": 2500, "stock": 5}]});
    let product: Value = app.post("/api/v1/products", Some(&f.merchant.token), &body).await.json().await.unwrap();
    let detail: Value = app.get(&format!("/api/v1/products/{}", product["id"]), None).await.json().await.unwrap();
    let ann = app.sign_up("ann").await;
    let address = json!({"recipient": "王小明", "phone": "13800138000", "province": "GD", "city": "深圳市", "district": "南山区", "street": "科技园路1号", "postcode": "518000"});
    assert_eq!(app.post("/api/v1/addresses", Some(&ann.token), &address).await.status(), StatusCode::CREATED);
    let items = json!({"items": [{"sku_id": f.sku_id, "quantity": 1}, {"sku_id": detail["skus"][0]["id"], "quantity": 1}]});
    let order: Value = app.place(&ann, &items).await.json().await.unwrap();
    let id = order["id"].as_i64().unwrap();
    app.pay(&ann, id).await;
    let tracking = json!({"carrier": "顺丰速运", "tracking_no": "SF1402000001"});
    assert_eq!(app.post(&format!("/api/v1/orders/{id}/shipment"), Some(&f.merchant.token), &tracking).await.status(), StatusCode::OK);
    assert_eq!(app.post(&format!("/api/v1/orders/{id}/received"), Some(&ann.token), &json!({})).await.status(), StatusCode::OK);
    let lines: Vec<i64> = order["lines"].as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()).collect();
    let form =
        reqwest::multipart::Form::new().text("line_id", lines[0].to_string()).text("kind", "refund_only").text("reason", "没收到这一件");
    let case: Value = app
        .request(Method::POST, &format!("/api/v1/orders/{id}/aftersales"), Some(&ann.token))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions = format!("/api/v1/aftersales/{}/actions", case["id"]);
    let accepted: Value = app.post(&actions, Some(&f.merchant.token), &json!({"action": "accept"})).await.json().await.unwrap();
    assert_eq!(accepted["status"], "refunded");
    assert_error(write(&app, &ann, lines[0], 5, 0).await, StatusCode::CONFLICT, "item_refunded").await;
    assert_eq!(write(&app, &ann, lines[1], 4, 0).await.status(), StatusCode::CREATED);
}
