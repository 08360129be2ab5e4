//! Whatever a client sends, the answer is a 4xx with a stable code and the
//! database is unchanged.

use haul_testkit::{assert_error, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn malformed_and_mistyped_bodies_get_4xx_codes() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let buyer = app.sign_up("buyer").await;
    let raw = |body: &'static str, content_type: &'static str| {
        app.request(Method::POST, "/api/v1/orders", Some(&buyer.token))
            .header("Idempotency-Key", "k")
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    assert_error(raw("{not json", "application/json").await.unwrap(), StatusCode::BAD_REQUEST, "invalid_json").await;
    assert_error(raw(r#"{"items": "many"}"#, "application/json").await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    assert_error(
        raw(r#"{"items": [{"sku_id": "x", "quantity": 1}]}"#, "application/json").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    assert_error(raw("{}", "text/plain").await.unwrap(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    for quantity in [0i64, -1, 1000, i64::MAX] {
        assert_error(
            app.order(&buyer, f.sku_id, quantity, &format!("q{quantity}")).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
    let huge = json!({"items": [{"sku_id": f.sku_id, "quantity": 1e30}]});
    let r =
        app.request(Method::POST, "/api/v1/orders", Some(&buyer.token)).header("Idempotency-Key", "huge").json(&huge).send().await.unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    assert_error(app.order(&buyer, 999_999, 1, "unknown").await, StatusCode::NOT_FOUND, "not_found").await;
    // Nothing was written.
    let mine: Value = app.get("/api/v1/orders", Some(&buyer.token)).await.json().await.unwrap();
    assert!(mine["items"].as_array().unwrap().is_empty());
    assert_eq!(app.stock(f.product_id).await, 5);
}

#[tokio::test]
async fn bad_prices_currencies_and_ids_are_refused() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let t = Some(f.merchant.token.as_str());
    let product =
        |price: i64, stock: i64| json!({"shop_id": f.shop_id, "title": "X", "skus": [{"code": "A", "price_minor": price, "stock": stock}]});
    assert_error(app.post("/api/v1/products", t, &product(-1, 1)).await, StatusCode::UNPROCESSABLE_ENTITY, "amount_out_of_range").await;
    assert_error(app.post("/api/v1/products", t, &product(i64::MAX, 1)).await, StatusCode::UNPROCESSABLE_ENTITY, "amount_out_of_range")
        .await;
    assert_error(app.post("/api/v1/products", t, &product(100, -5)).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(
        app.post("/api/v1/products", t, &json!({"shop_id": f.shop_id, "title": "  ", "skus": []})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_error(
        app.post("/api/v1/products", t, &json!({"shop_id": f.shop_id, "title": "X", "kind": "barter", "skus": []})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let shop = json!({"slug": "dollar-shop", "name": "Dollars", "currency": "dollars"});
    assert_error(app.post("/api/v1/shops", t, &shop).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(app.get("/api/v1/products/abc", None).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(app.get("/api/v1/products/99999999999999999999", None).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(app.get("/api/v1/products?limit=0", None).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(app.get("/api/v1/products?limit=abc", None).await, StatusCode::BAD_REQUEST, "invalid_query").await;
    assert_error(app.get("/api/v1/products?cursor=zzz", None).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let list: Value = app.get(&format!("/api/v1/products?shop_id={}", f.shop_id), None).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn odd_text_is_stored_as_text_not_run() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let title = "'); DROP TABLE products; -- <script>alert(1)</script> 苹果";
    let r = app
        .post(
            "/api/v1/products",
            Some(&f.merchant.token),
            &json!({"shop_id": f.shop_id, "title": title, "skus": [{"code": "A", "price_minor": 1, "stock": 1}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let page = app.get(&format!("/products/{id}"), None).await.text().await.unwrap();
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(page.contains("苹果"));
    let list: Value = app.get("/api/v1/products", None).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn nul_bytes_anywhere_get_a_4xx_not_a_database_error() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let t = Some(f.merchant.token.as_str());
    let r = app
        .post(
            "/api/v1/products",
            t,
            &json!({"shop_id": f.shop_id, "title": "ok", "description": "a\u{0}b", "skus": [{"code": "A", "price_minor": 1, "stock": 1}]}),
        )
        .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app.send_json(Method::PATCH, &format!("/api/v1/products/{}", f.product_id), t, &json!({"description": "\u{0}"})).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app.send_json(Method::PATCH, &format!("/api/v1/skus/{}", f.sku_id), t, &json!({"options": "\u{0}"})).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(app.get("/api/v1/products?q=%00orange", None).await.status(), StatusCode::OK);
    assert_eq!(app.get("/products?q=%00", None).await.status(), StatusCode::OK);
    assert_eq!(app.get("/?q=%00", None).await.status(), StatusCode::SEE_OTHER, "a search from home goes to the catalog");
    assert_eq!(app.get("/shops/%00", None).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/sandbox/pay/%00", None).await.status(), StatusCode::SEE_OTHER, "strangers sign in first");
    let r = app.post("/api/v1/sessions", None, &json!({"login": "a\u{0}@example.com", "password": "whatever1"})).await;
    assert_error(r, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

#[tokio::test]
async fn only_upload_routes_take_large_bodies() {
    let app = spawn_app().await;
    let buyer = app.sign_up("buyer").await;
    // 3 MiB of JSON: larger than any non-upload request needs.
    let big = format!(r#"{{"kind": "view", "watch_ms": 1, "pad": "{}"}}"#, "x".repeat(3 << 20));
    let send = |path: &str, token: Option<&str>| {
        let r = app.request(Method::POST, path, token).header("content-type", "application/json").body(big.clone());
        r.send()
    };
    for (path, token) in [
        ("/api/v1/videos/1/events", None),
        ("/api/v1/videos/1/comments", Some(buyer.token.as_str())),
        ("/api/v1/notes/1/comments", Some(buyer.token.as_str())),
        ("/api/v1/products", Some(buyer.token.as_str())),
    ] {
        let r = send(path, token).await.unwrap();
        assert_error(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    }
}

#[tokio::test]
async fn a_product_filed_under_a_missing_category_is_404_not_500() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let path = format!("/api/v1/products/{}", f.product_id);
    let r = app.send_json(Method::PATCH, &path, Some(&f.merchant.token), &json!({"category_id": 10952})).await;
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
}
