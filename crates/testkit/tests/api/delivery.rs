//! Addresses, shipping fees, and a delivery from payment to receipt.

use haul_server::workers::confirm_receipt;
use haul_testkit::{Account, TestApp, assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn home(province: &str) -> Value {
    json!({"recipient": "王小明", "phone": "138 0013 8000", "province": province, "city": "深圳市", "district": "南山区", "street": "科技园路1号", "postcode": "518000"})
}

async fn add_address(app: &TestApp, who: &Account, body: &Value) -> Value {
    let r = app.post("/api/v1/addresses", Some(&who.token), body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

#[tokio::test]
async fn addresses_are_checked_and_kept_to_their_owner() {
    let app = spawn_app().await;
    let ann = app.sign_up("ann").await;
    let first = add_address(&app, &ann, &home("广东省")).await;
    assert_eq!(
        (first["province"].as_str(), first["phone"].as_str(), first["is_default"].as_i64()),
        (Some("GD"), Some("13800138000"), Some(1))
    );

    // Each bad field is named; nothing is saved.
    for (field, value) in [("phone", "12345"), ("province", "Atlantis"), ("postcode", "51800"), ("street", "")] {
        let mut bad = home("GD");
        bad[field] = json!(value);
        let r = app.post("/api/v1/addresses", Some(&ann.token), &bad).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "validation_failed");
        assert!(body["error"]["message"].as_str().unwrap().starts_with(field), "{body}");
    }

    // A second address made default takes over; deleting it hands back.
    let mut office = home("上海市");
    office["make_default"] = json!(true);
    let second = add_address(&app, &ann, &office).await;
    let list: Value = app.get("/api/v1/addresses", Some(&ann.token)).await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!((list[0]["id"].clone(), list[0]["is_default"].as_i64()), (second["id"].clone(), Some(1)));
    assert_eq!(list[1]["is_default"], 0);

    // Another shopper cannot see, change or delete them.
    let bob = app.sign_up("bob").await;
    let path = format!("/api/v1/addresses/{}", second["id"]);
    assert_error(app.get(&path, Some(&bob.token)).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(app.put(&path, Some(&bob.token), &home("GD")).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(app.delete(&path, Some(&bob.token)).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.get("/api/v1/addresses", Some(&bob.token)).await.json::<Value>().await.unwrap(), json!([]));

    assert_eq!(app.delete(&path, Some(&ann.token)).await.status(), StatusCode::NO_CONTENT);
    let left: Value = app.get("/api/v1/addresses", Some(&ann.token)).await.json().await.unwrap();
    assert_eq!((left[0]["id"].clone(), left[0]["is_default"].as_i64()), (first["id"].clone(), Some(1)));

    // The book has a bound.
    for _ in 1..20 {
        add_address(&app, &ann, &home("GD")).await;
    }
    assert_error(app.post("/api/v1/addresses", Some(&ann.token), &home("GD")).await, StatusCode::CONFLICT, "too_many_addresses").await;
}

#[tokio::test]
async fn shipping_fees_follow_the_shops_rules() {
    let app = spawn_app().await;
    let f = app.shop_with_product(500, 50).await;
    let path = format!("/api/v1/shops/{}/shipping", f.shop_id);
    let rates = json!({"flat_minor": 800, "free_above_minor": 1000, "regions": [{"province": "西藏自治区", "fee_minor": 2000}], "pickup_point": null});
    let stranger = app.sign_up("stranger").await;
    assert_error(app.put(&path, Some(&stranger.token), &rates).await, StatusCode::FORBIDDEN, "forbidden").await;
    for bad in [json!({"flat_minor": -1}), json!({"flat_minor": 0, "regions": [{"province": "Mars", "fee_minor": 1}]})] {
        assert_error(app.put(&path, Some(&f.merchant.token), &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let r = app.put(&path, Some(&f.merchant.token), &rates).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["regions"][0]["province"], "XZ");

    let buyer = app.sign_up("buyer").await;
    let near = add_address(&app, &buyer, &home("广东省")).await;
    let far = add_address(&app, &buyer, &home("XZ")).await;
    let order = |quantity: i64, extra: Value| {
        let mut body = json!({"items": [{"sku_id": f.sku_id, "quantity": quantity}]});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let app = &app;
        let buyer = &buyer;
        async move {
            let r = app.place(buyer, &body).await;
            let status = r.status();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    // The default address (the first), the flat fee.
    let (status, o) = order(1, json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (o["shipping_minor"].as_i64(), o["total_minor"].as_i64(), o["ship_to"]["province"].as_str()),
        (Some(800), Some(1300), Some("GD"))
    );
    assert_eq!((o["fulfilment"].as_str(), o["pickup_code"].as_str()), (Some("delivery"), Some("")));
    // A province with a fee of its own.
    let (_, o) = order(1, json!({"address_id": far["id"]})).await;
    assert_eq!((o["shipping_minor"].as_i64(), o["total_minor"].as_i64()), (Some(2000), Some(2500)));
    // Free from the threshold up, wherever it goes.
    let (_, o) = order(2, json!({"address_id": far["id"]})).await;
    assert_eq!((o["shipping_minor"].as_i64(), o["total_minor"].as_i64()), (Some(0), Some(1000)));
    let (_, o) = order(2, json!({"address_id": near["id"], "fulfilment": "delivery"})).await;
    assert_eq!(o["shipping_minor"], 0);
    // No collection here, and nobody else's address.
    let (status, body) = order(1, json!({"fulfilment": "pickup"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("pickup_not_offered")));
    let theirs = add_address(&app, &stranger, &home("GD")).await;
    let (status, _) = order(1, json!({"address_id": theirs["id"]})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_delivery_ships_with_its_tracking_number_and_its_buyer_confirms_receipt() {
    let app = spawn_app().await;
    let f = app.shop_with_product(990, 5).await;
    let buyer = app.sign_up("buyer").await;
    // No address yet: the order waits for one.
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    app.pay(&buyer, id).await;
    let ship = format!("/api/v1/orders/{id}/shipment");
    let tracking = json!({"carrier": "顺丰速运", "tracking_no": "SF1402000001"});
    assert_error(app.post(&ship, Some(&f.merchant.token), &tracking).await, StatusCode::CONFLICT, "address_required").await;

    let choose = format!("/api/v1/orders/{id}/address");
    let stranger = app.sign_up("stranger").await;
    let theirs = add_address(&app, &stranger, &home("GD")).await;
    assert_error(app.put(&choose, Some(&buyer.token), &json!({"address_id": theirs["id"]})).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    assert_error(app.put(&choose, Some(&stranger.token), &json!({"address_id": theirs["id"]})).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    let mine = add_address(&app, &buyer, &home("GD")).await;
    let r = app.put(&choose, Some(&buyer.token), &json!({"address_id": mine["id"]})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["ship_to"]["recipient"], "王小明");

    // A delivery ships through the form with a tracking number, not a bare step.
    let step = format!("/api/v1/orders/{id}/status");
    assert_error(
        app.post(&step, Some(&f.merchant.token), &json!({"status": "ready_for_pickup"})).await,
        StatusCode::CONFLICT,
        "illegal_transition",
    )
    .await;
    assert_error(
        app.post(&step, Some(&f.merchant.token), &json!({"status": "shipped"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_a_merchant_step",
    )
    .await;
    let bad = json!({"carrier": "SF", "tracking_no": "no spaces allowed"});
    assert_error(app.post(&ship, Some(&f.merchant.token), &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(app.post(&ship, Some(&buyer.token), &tracking).await, StatusCode::NOT_FOUND, "not_found").await;
    let r = app.post(&ship, Some(&f.merchant.token), &tracking).await;
    assert_eq!(r.status(), StatusCode::OK);
    let shipped: Value = r.json().await.unwrap();
    assert_eq!((shipped["status"].as_str(), shipped["tracking_no"].as_str()), (Some("shipped"), Some("SF1402000001")));

    // Too late to change where it goes; only its buyer confirms receipt.
    assert_error(app.put(&choose, Some(&buyer.token), &json!({"address_id": mine["id"]})).await, StatusCode::CONFLICT, "already_shipped")
        .await;
    let received = format!("/api/v1/orders/{id}/received");
    assert_error(app.post(&received, Some(&f.merchant.token), &json!({})).await, StatusCode::NOT_FOUND, "not_found").await;
    let r = app.post(&received, Some(&buyer.token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["status"], "completed");
    assert!(done["received_at"].is_i64());
    let view: Value = app.get(&format!("/api/v1/orders/{id}"), Some(&buyer.token)).await.json().await.unwrap();
    let trail: Vec<&str> = view["events"].as_array().unwrap().iter().map(|e| e["to_status"].as_str().unwrap()).collect();
    assert_eq!(trail, ["pending_payment", "paid", "fulfilling", "shipped", "completed"]);
    let notes: Vec<&str> = view["events"].as_array().unwrap().iter().map(|e| e["note"].as_str().unwrap()).collect();
    assert_eq!(notes[2..], ["by the shop", "shipped by the shop", "received by the buyer"]);
    // The address stays with the shop's view of the order, and nobody else's.
    let shop_view: Value = app.get(&format!("/api/v1/orders/{id}"), Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!(shop_view["ship_to"]["street"], "科技园路1号");
    assert_error(app.get(&format!("/api/v1/orders/{id}"), Some(&stranger.token)).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_delivery_nobody_confirms_completes_itself_ten_days_after_it_shipped() {
    let app = spawn_app().await;
    let f = app.shop_with_product(990, 5).await;
    let buyer = app.sign_up("buyer").await;
    add_address(&app, &buyer, &home("GD")).await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    app.pay(&buyer, id).await;
    let tracking = json!({"carrier": "中通快递", "tracking_no": "ZT778899001"});
    assert_eq!(app.post(&format!("/api/v1/orders/{id}/shipment"), Some(&f.merchant.token), &tracking).await.status(), StatusCode::OK);
    app.clock.advance_seconds(9 * 86_400);
    assert_eq!(confirm_receipt::run_once(&app.state).await.unwrap(), 0);
    assert_eq!(app.order_status(&buyer.token, id).await, "shipped");
    app.clock.advance_seconds(86_400);
    assert_eq!(confirm_receipt::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(confirm_receipt::run_once(&app.state).await.unwrap(), 0, "once");
    let view: Value = app.get(&format!("/api/v1/orders/{id}"), Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!(view["status"], "completed");
    assert_eq!(view["events"].as_array().unwrap().last().unwrap()["note"], "completed automatically after delivery");
}

#[tokio::test]
async fn changing_the_address_changes_the_fee_before_payment_and_not_after() {
    let app = spawn_app().await;
    let f = app.shop_with_product(500, 50).await;
    let rates = json!({"flat_minor": 800, "regions": [{"province": "XZ", "fee_minor": 2000}], "pickup_point": null});
    assert_eq!(app.put(&format!("/api/v1/shops/{}/shipping", f.shop_id), Some(&f.merchant.token), &rates).await.status(), StatusCode::OK);
    let buyer = app.sign_up("buyer").await;
    let near = add_address(&app, &buyer, &home("GD")).await;
    let far = add_address(&app, &buyer, &home("XZ")).await;
    let near_too = add_address(&app, &buyer, &home("SH")).await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    let choose = format!("/api/v1/orders/{id}/address");
    let o: Value = app.put(&choose, Some(&buyer.token), &json!({"address_id": far["id"]})).await.json().await.unwrap();
    assert_eq!((o["shipping_minor"].as_i64(), o["total_minor"].as_i64()), (Some(2000), Some(2500)));
    let o: Value = app.put(&choose, Some(&buyer.token), &json!({"address_id": near["id"]})).await.json().await.unwrap();
    assert_eq!((o["shipping_minor"].as_i64(), o["total_minor"].as_i64()), (Some(800), Some(1300)));
    app.pay(&buyer, id).await;
    // Paid: another address with the same fee is fine; a dearer one is not.
    assert_eq!(app.put(&choose, Some(&buyer.token), &json!({"address_id": near_too["id"]})).await.status(), StatusCode::OK);
    assert_error(
        app.put(&choose, Some(&buyer.token), &json!({"address_id": far["id"]})).await,
        StatusCode::CONFLICT,
        "address_changes_fee",
    )
    .await;
    let view: Value = app.get(&format!("/api/v1/orders/{id}"), Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!((view["total_minor"].as_i64(), view["ship_to"]["province"].as_str()), (Some(1300), Some("SH")));
}

#[tokio::test]
async fn flash_deal_orders_ship_free_to_the_default_address() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 20).await;
    let rates = json!({"flat_minor": 800, "pickup_point": null});
    assert_eq!(app.put(&format!("/api/v1/shops/{}/shipping", f.shop_id), Some(&f.merchant.token), &rates).await.status(), StatusCode::OK);
    let now = app.clock_now_seconds() * 1000;
    let deal = json!({"sku_id": f.sku_id, "price_minor": 990, "quantity": 5, "starts_at": now, "ends_at": now + 3_600_000});
    let deal: Value = app.post("/api/v1/deals", Some(&f.merchant.token), &deal).await.json().await.unwrap();
    let grab = |who: &Account| {
        app.request(reqwest::Method::POST, &format!("/api/v1/deals/{}/purchase", deal["id"]), Some(&who.token))
            .header("Idempotency-Key", "grab")
            .json(&json!({"quantity": 1}))
            .send()
    };
    let with_home = app.sign_up("home").await;
    add_address(&app, &with_home, &home("ZJ")).await;
    let without = app.sign_up("nohome").await;
    let o: Value = grab(&with_home).await.unwrap().json().await.unwrap();
    assert_eq!((o["fulfilment"].as_str(), o["shipping_minor"].as_i64(), o["total_minor"].as_i64()), (Some("delivery"), Some(0), Some(990)));
    assert_eq!(o["ship_to"]["province"], "ZJ");
    let o: Value = grab(&without).await.unwrap().json().await.unwrap();
    assert_eq!((o["ship_to"].is_null(), o["pickup_code"].as_str()), (true, Some("")));
}
