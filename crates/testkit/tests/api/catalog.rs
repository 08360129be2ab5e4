use haul_testkit::{assert_error, spawn_app, spawn_app_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn a_merchants_product_is_listed_for_shoppers() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let list: Value = app.get("/api/v1/products", None).await.json().await.unwrap();
    assert_eq!(list["items"][0]["id"], f.product_id);
    assert_eq!(list["items"][0]["min_price_minor"], 1990);
    assert_eq!(list["items"][0]["currency"], "CNY");
    let found: Value = app.get("/api/v1/products?q=ORANGE", None).await.json().await.unwrap();
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let none: Value = app.get("/api/v1/products?q=tractor", None).await.json().await.unwrap();
    assert!(none["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn lists_are_paginated_with_a_cursor() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 1).await;
    for i in 0..4 {
        let r = app
            .post(
                "/api/v1/products",
                Some(&f.merchant.token),
                &json!({"shop_id": f.shop_id, "title": format!("Tea {i}"), "skus": [{"code": "A", "price_minor": 100, "stock": 1}]}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page: Value = app.get(&format!("/api/v1/products?limit=2&cursor={cursor}"), None).await.json().await.unwrap();
        seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first, no repeats: {seen:?}");
}

#[tokio::test]
async fn a_merchant_cannot_touch_another_shops_products() {
    let app = spawn_app().await;
    let mine = app.shop_with_product(100, 1).await;
    let theirs = app.shop_with_product(100, 1).await;
    let r = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/products/{}", theirs.product_id),
            Some(&mine.merchant.token),
            &json!({"title": "mine now"}),
        )
        .await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let r =
        app.send_json(Method::PATCH, &format!("/api/v1/skus/{}", theirs.sku_id), Some(&mine.merchant.token), &json!({"stock": 0})).await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let r = app
        .post(
            "/api/v1/products",
            Some(&mine.merchant.token),
            &json!({"shop_id": theirs.shop_id, "title": "x", "skus": [{"code": "A", "price_minor": 1, "stock": 1}]}),
        )
        .await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.stock(theirs.product_id).await, 1);
}

#[tokio::test]
async fn staff_change_prices_and_stock() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 5).await;
    let r = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/skus/{}", f.sku_id),
            Some(&f.merchant.token),
            &json!({"price_minor": 1790, "stock": 50}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let detail: Value = app.get(&format!("/api/v1/products/{}", f.product_id), None).await.json().await.unwrap();
    assert_eq!(detail["skus"][0]["price_minor"], 1790);
    assert_eq!(detail["skus"][0]["stock"], 50);
}

#[tokio::test]
async fn drafts_are_hidden_from_shoppers() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 1).await;
    let r = app
        .send_json(Method::PATCH, &format!("/api/v1/products/{}", f.product_id), Some(&f.merchant.token), &json!({"active": false}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_error(app.get(&format!("/api/v1/products/{}", f.product_id), None).await, StatusCode::NOT_FOUND, "not_found").await;
    let list: Value = app.get("/api/v1/products", None).await.json().await.unwrap();
    assert!(list["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn external_listings_redirect_and_count_clicks() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 1).await;
    let r = app
        .post(
            "/api/v1/products",
            Some(&f.merchant.token),
            &json!({"shop_id": f.shop_id, "title": "Used tractor", "kind": "external", "external_url": "https://example.com/tractor"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app.get(&format!("/products/{id}/out"), None).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "https://example.com/tractor");
    assert_eq!(app.state.db.external_clicks(haul_domain::ids::ProductId(id)).await.unwrap(), 1);
    // Nothing to buy here.
    let buyer = app.sign_up("buyer").await;
    let sku: Value = app.get(&format!("/api/v1/products/{id}"), None).await.json().await.unwrap();
    assert!(sku["skus"].as_array().unwrap().is_empty());
    // A native product has no link-out.
    assert_eq!(app.get(&format!("/products/{}/out", f.product_id), Some(&buyer.token)).await.status(), StatusCode::NOT_FOUND);
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

async fn upload(app: &haul_testkit::TestApp, token: &str, product: i64, bytes: Vec<u8>, name: &str) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    app.request(Method::POST, &format!("/api/v1/products/{product}/images"), Some(token)).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn images_are_checked_by_their_bytes_and_size() {
    let app = spawn_app_with(|c| c.max_upload_bytes = 1024).await;
    let f = app.shop_with_product(100, 1).await;
    let r = upload(&app, &f.merchant.token, f.product_id, PNG.to_vec(), "a.png").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let url = r.json::<Value>().await.unwrap()["url"].as_str().unwrap().to_owned();
    let served = app.get(&url, None).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    assert_error(
        upload(&app, &f.merchant.token, f.product_id, b"<svg onload=alert(1)>".to_vec(), "x.png").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_image",
    )
    .await;
    let mut big = PNG.to_vec();
    big.resize(4096, 0);
    assert_error(upload(&app, &f.merchant.token, f.product_id, big, "big.png").await, StatusCode::PAYLOAD_TOO_LARGE, "file_too_large")
        .await;
}

/// Media lives where the configuration says: with an object store (as
/// `scripts/test` runs this suite on PostgreSQL), nothing on the node's
/// disk, another node with the same store serves the same bytes, a byte
/// range as players ask for it; without one, in the data folder.
#[tokio::test]
async fn media_lives_in_the_configured_store_and_any_node_serves_it() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 1).await;
    let r = upload(&app, &f.merchant.token, f.product_id, PNG.to_vec(), "a.png").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let url = r.json::<Value>().await.unwrap()["url"].as_str().unwrap().to_owned();
    let key = url.trim_start_matches("/media/");
    let on_disk = app.state.config.media_dir().join(key).exists();
    let Some(media_url) = app.state.config.media_url.clone() else {
        assert!(on_disk, "without an object store the picture is in the data folder");
        return;
    };
    assert!(!on_disk, "with an object store nothing is kept on the node's disk");
    let other = spawn_app_with(|c| c.media_url = Some(media_url)).await;
    let served = other.get(&url, None).await;
    assert_eq!((served.status(), served.headers()["content-type"].to_str().unwrap().to_owned()), (StatusCode::OK, "image/png".to_owned()));
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    let part = other.request(Method::GET, &url, None).header("range", "bytes=1-3").send().await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"], format!("bytes 1-3/{}", PNG.len()).as_str());
    assert_eq!(part.bytes().await.unwrap().as_ref(), &PNG[1..4]);
    assert_eq!(other.get("/media/products/none.png", None).await.status(), StatusCode::NOT_FOUND);
}

/// Lists, products and prices are served from a cache; every write shows
/// on the very next read: a buyer's order and its cancellation (stock), a
/// merchant's price, a deal's start and end on the clock.
#[tokio::test]
async fn what_shoppers_browse_shows_every_write_at_once() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let listed = |v: Value| (v["items"][0]["stock"].as_i64().unwrap(), v["items"][0]["min_price_minor"].as_i64().unwrap());
    let list = || async { app.get("/api/v1/products?limit=20", None).await.json::<Value>().await.unwrap() };
    let price = || async {
        let v: Value = app.get(&format!("/api/v1/prices?product_ids={}", f.product_id), None).await.json().await.unwrap();
        v[0]["price_minor"].as_i64().unwrap()
    };
    assert_eq!(listed(list().await), (10, 1990));
    assert_eq!(app.stock(f.product_id).await, 10);
    assert_eq!(price().await, 1990);

    let buyer = app.sign_up("reader").await;
    let order = app.order_ok(&buyer, f.sku_id, 3).await;
    assert_eq!(listed(list().await), (7, 1990));
    assert_eq!(app.stock(f.product_id).await, 7);
    let r = app.post(&format!("/api/v1/orders/{order}/cancel"), Some(&buyer.token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(listed(list().await), (10, 1990));
    assert_eq!(app.stock(f.product_id).await, 10);

    let r =
        app.send_json(Method::PATCH, &format!("/api/v1/skus/{}", f.sku_id), Some(&f.merchant.token), &json!({"price_minor": 1790})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(listed(list().await), (10, 1790));
    assert_eq!(price().await, 1790);

    let now = app.clock_now_seconds() * 1000;
    let r = app
        .post(
            "/api/v1/deals",
            Some(&f.merchant.token),
            &json!({"sku_id": f.sku_id, "price_minor": 990, "quantity": 4, "starts_at": now + 60_000, "ends_at": now + 120_000}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(price().await, 1790, "not started");
    assert_eq!(app.stock(f.product_id).await, 6, "the deal's units are set aside");
    app.clock.advance_seconds(60);
    assert_eq!(price().await, 990, "started on the clock, no write in between");
    app.clock.advance_seconds(60);
    assert_eq!(price().await, 1790, "ended");
}
