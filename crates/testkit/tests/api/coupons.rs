//! Coupons: who creates which, who may claim, and a crowd that never gets
//! more than there are.

use haul_testkit::{Account, Fixture, LiveClient, TestApp, assert_error, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn coupon(app: &TestApp, kind: &str, total: i64) -> Value {
    let now = app.clock_now_seconds() * 1000;
    json!({"kind": kind, "title": "满50减10", "amount_off_minor": 1_000, "min_spend_minor": 5_000, "ends_at": now + 3_600_000, "total": total})
}

async fn create(app: &TestApp, who: &Account, shop: i64, body: &Value) -> reqwest::Response {
    app.post(&format!("/api/v1/shops/{shop}/coupons"), Some(&who.token), body).await
}

async fn claim(app: &TestApp, who: &Account, coupon: i64) -> reqwest::Response {
    app.post(&format!("/api/v1/coupons/{coupon}/claims"), Some(&who.token), &json!({})).await
}

/// The shop's live room, on air when `live`.
async fn room(app: &TestApp, f: &Fixture, live: bool) -> i64 {
    let body = json!({"title": "果园直播", "product_ids": [f.product_id], "shop_id": f.shop_id});
    let r = app.post("/api/v1/live/rooms", Some(&f.merchant.token), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let room: Value = r.json().await.unwrap();
    let id = room["id"].as_i64().unwrap();
    if live {
        let key = room["publish"]["stream_key"].as_str().unwrap().split_once("?key=").unwrap().1.to_owned();
        let form = [("call", "publish"), ("app", "live"), ("name", &id.to_string()), ("key", &key)];
        assert!(app.client.post(app.url("/live/hooks/publish")).form(&form).send().await.unwrap().status().is_success());
    }
    id
}

#[tokio::test]
async fn two_hundred_shoppers_racing_for_fifty_live_coupons_get_exactly_fifty() {
    let app = spawn_app().await;
    let f = app.shop_with_product(6_000, 10).await;
    let off_air = room(&app, &f, false).await;
    let mut body = coupon(&app, "live", 50);
    body["room_id"] = json!(off_air);
    let early: Value = create(&app, &f.merchant, f.shop_id, &body).await.json().await.unwrap();
    let fan = app.sign_up("fan").await;
    assert_error(claim(&app, &fan, early["id"].as_i64().unwrap()).await, StatusCode::CONFLICT, "coupon_not_live").await;

    let on_air = room(&app, &f, true).await;
    body["room_id"] = json!(on_air);
    let r = create(&app, &f.merchant, f.shop_id, &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut crowd = tokio::task::JoinSet::new();
    for i in 0..200 {
        let shopper = app.sign_up(&format!("s{i}")).await;
        let request = app.request(Method::POST, &format!("/api/v1/coupons/{id}/claims"), Some(&shopper.token)).json(&json!({}));
        crowd.spawn(async move { request.send().await.unwrap().status() });
    }
    let answers = crowd.join_all().await;
    assert_eq!(answers.iter().filter(|s| **s == StatusCode::CREATED).count(), 50);
    assert!(answers.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{answers:?}");
    let shown: Value = app.get(&format!("/api/v1/coupons/{id}"), None).await.json().await.unwrap();
    assert_eq!((shown["claimed"].as_i64(), shown["total"].as_i64()), (Some(50), Some(50)));
}

#[tokio::test]
async fn claims_keep_to_who_may_claim_and_how_many() {
    let app = spawn_app().await;
    let f = app.shop_with_product(6_000, 10).await;
    let ann = app.sign_up("ann").await;
    // Only the shop's staff create its coupons, with checked terms.
    assert_eq!(create(&app, &ann, f.shop_id, &coupon(&app, "shop", 5)).await.status(), StatusCode::FORBIDDEN);
    let mut both = coupon(&app, "shop", 5);
    both["percent_off_bps"] = json!(1_000);
    assert_error(create(&app, &f.merchant, f.shop_id, &both).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(
        create(&app, &f.merchant, f.shop_id, &coupon(&app, "platform", 5)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // One per person, twice at once included.
    let shop: Value = create(&app, &f.merchant, f.shop_id, &coupon(&app, "shop", 5)).await.json().await.unwrap();
    let id = shop["id"].as_i64().unwrap();
    let (a, b) = tokio::join!(claim(&app, &ann, id), claim(&app, &ann, id));
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    assert_error(claim(&app, &ann, id).await, StatusCode::CONFLICT, "coupon_limit_reached").await;
    let held: Value = app.get("/api/v1/me/coupons", Some(&ann.token)).await.json().await.unwrap();
    assert_eq!((held.as_array().map(Vec::len), held[0]["title"].as_str()), (Some(1), Some("满50减10")));

    // A follower coupon: the shop owner's followers only.
    let followers: Value = create(&app, &f.merchant, f.shop_id, &coupon(&app, "follower", 5)).await.json().await.unwrap();
    let fid = followers["id"].as_i64().unwrap();
    assert_error(claim(&app, &ann, fid).await, StatusCode::CONFLICT, "coupon_followers_only").await;
    let follow = app.post(&format!("/api/v1/creators/{}/follow", f.merchant.id), Some(&ann.token), &json!({})).await;
    assert!(follow.status().is_success(), "{}", follow.status());
    assert_eq!(claim(&app, &ann, fid).await.status(), StatusCode::CREATED);

    // The platform's, by an operator only; over when it ends.
    assert_eq!(
        app.post("/api/v1/platform/coupons", Some(&f.merchant.token), &coupon(&app, "platform", 5)).await.status(),
        StatusCode::FORBIDDEN
    );
    let operator = app.sign_up("operator").await;
    app.make_operator(&operator).await;
    let r = app.post("/api/v1/platform/coupons", Some(&operator.token), &coupon(&app, "platform", 5)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let platform = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.clock.advance_seconds(3_600);
    assert_error(claim(&app, &ann, platform).await, StatusCode::CONFLICT, "coupon_ended").await;
    assert_eq!(
        app.get("/api/v1/me/coupons", Some(&ann.token)).await.json::<Value>().await.unwrap(),
        json!([]),
        "ended coupons are not held"
    );
}

/// A shop paying a creator 20%, the creator's link opened by `buyer`.
async fn linked(app: &TestApp, f: &Fixture, buyer: &Account) -> Account {
    let plans = format!("/api/v1/shops/{}/commission-plans", f.shop_id);
    assert_eq!(app.post(&plans, Some(&f.merchant.token), &json!({"rate_bps": 2000})).await.status(), StatusCode::CREATED);
    let creator = app.sign_up("creator").await;
    let link: Value =
        app.post("/api/v1/me/share-links", Some(&creator.token), &json!({"product_id": f.product_id})).await.json().await.unwrap();
    let touch = json!({"product_id": f.product_id, "kind": "share_link", "subject_id": link["id"]});
    assert_eq!(app.post("/api/v1/touches", Some(&buyer.token), &touch).await.status(), StatusCode::OK);
    creator
}

async fn place(app: &TestApp, buyer: &Account, sku: i64, quantity: i64, claims: &[i64]) -> reqwest::Response {
    let body = json!({"items": [{"sku_id": sku, "quantity": quantity}], "coupon_claim_ids": claims});
    static KEYS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let key = format!("k{}", KEYS.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
    app.request(Method::POST, "/api/v1/orders", Some(&buyer.token)).header("Idempotency-Key", key).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn a_coupon_takes_its_discount_off_the_goods_and_everything_after_counts_what_was_paid() {
    let app = spawn_app().await;
    let f = app.shop_with_product(3_000, 10).await;
    let ann = app.sign_up("ann").await;
    let creator = linked(&app, &f, &ann).await;
    let c: Value = create(&app, &f.merchant, f.shop_id, &coupon(&app, "shop", 5)).await.json().await.unwrap();
    let held: Value = claim(&app, &ann, c["id"].as_i64().unwrap()).await.json().await.unwrap();
    let claim_id = held["claim_id"].as_i64().unwrap();

    // Below the minimum spend it does not apply, and stays held.
    assert_error(place(&app, &ann, f.sku_id, 1, &[claim_id]).await, StatusCode::CONFLICT, "coupon_does_not_apply").await;
    let stranger = app.sign_up("stranger").await;
    assert_error(place(&app, &stranger, f.sku_id, 2, &[claim_id]).await, StatusCode::CONFLICT, "coupon_not_held").await;

    assert_error(place(&app, &ann, f.sku_id, 2, &[claim_id, claim_id]).await, StatusCode::CONFLICT, "coupon_does_not_stack").await;
    let many = vec![claim_id; 3];
    assert_error(place(&app, &ann, f.sku_id, 2, &many).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // ¥60.00 of goods, ¥10.00 off: ¥50.00 to pay; the coupon is used.
    let r = place(&app, &ann, f.sku_id, 2, &[claim_id]).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let order: Value = r.json().await.unwrap();
    let id = order["id"].as_i64().unwrap();
    assert_eq!((order["total_minor"].as_i64(), order["discount_minor"].as_i64()), (Some(5_000), Some(1_000)));
    assert_eq!(order["lines"][0]["discount_minor"], 1_000);
    assert_eq!(app.get("/api/v1/me/coupons", Some(&ann.token)).await.json::<Value>().await.unwrap(), json!([]));

    // Cancelled before payment: the coupon comes back.
    assert_eq!(app.post(&format!("/api/v1/orders/{id}/cancel"), Some(&ann.token), &json!({})).await.status(), StatusCode::OK);
    let back: Value = app.get("/api/v1/me/coupons", Some(&ann.token)).await.json().await.unwrap();
    assert_eq!(back[0]["claim_id"], claim_id);

    // Paid: commission is on what the shopper paid (20% of ¥50.00, less the
    // platform's 10%); a returned unit refunds its share of what was paid.
    let r = place(&app, &ann, f.sku_id, 2, &[claim_id]).await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.pay(&ann, id).await;
    let earnings: Value = app.get("/api/v1/me/earnings", Some(&creator.token)).await.json().await.unwrap();
    assert_eq!(earnings["balances"][0]["pending_minor"], 900);
    let o: Value = app.get(&format!("/api/v1/orders/{id}"), Some(&ann.token)).await.json().await.unwrap();
    let form = reqwest::multipart::Form::new()
        .text("line_id", o["lines"][0]["id"].to_string())
        .text("kind", "refund_only")
        .text("reason", "多买了一份");
    let r = app.request(Method::POST, &format!("/api/v1/orders/{id}/aftersales"), Some(&ann.token)).multipart(form).send().await.unwrap();
    let case: Value = r.json().await.unwrap();
    assert_eq!(case["amount_minor"], 2_500, "half of what the line was paid");
    let accepted =
        app.post(&format!("/api/v1/aftersales/{}/actions", case["id"]), Some(&f.merchant.token), &json!({"action": "accept"})).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let earnings: Value = app.get("/api/v1/me/earnings", Some(&creator.token)).await.json().await.unwrap();
    assert_eq!(earnings["balances"][0]["pending_minor"], 450, "half the commission came back");
    // A refund does not give the coupon back.
    assert_eq!(app.get("/api/v1/me/coupons", Some(&ann.token)).await.json::<Value>().await.unwrap(), json!([]));
}

#[tokio::test]
async fn a_live_rooms_coupon_is_shown_and_claimed_in_the_room_while_it_is_live() {
    let app = spawn_app().await;
    let f = app.shop_with_product(6_000, 10).await;
    let on_air = room(&app, &f, true).await;
    let mut viewer = LiveClient::connect(&app, on_air, "").await.unwrap();
    viewer.next_of(&["snapshot"]).await;
    let mut body = coupon(&app, "live", 3);
    body["room_id"] = json!(on_air);
    let id = create(&app, &f.merchant, f.shop_id, &body).await.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // It drops in the room, with how many are left.
    let dropped = viewer.next_of(&["coupon"]).await;
    assert_eq!((dropped["coupon"]["id"].as_i64(), dropped["coupon"]["left"].as_i64()), (Some(id), Some(3)));
    let fan = app.sign_up("fan").await;
    let browser = app.browser_of(&fan).await;
    let page = app.request(Method::GET, &format!("/live/{on_air}"), None).header("cookie", &browser.cookie).send().await.unwrap();
    assert!(page.text().await.unwrap().contains(&format!("/coupons/{id}/claim")), "the room offers its coupon");
    let r = app.submit(&browser, &format!("/coupons/{id}/claim"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let left = viewer.next_of(&["coupon_left"]).await;
    assert_eq!((left["coupon_id"].as_i64(), left["left"].as_i64()), (Some(id), Some(2)));
    let held: Value = app.get("/api/v1/me/coupons", Some(&fan.token)).await.json().await.unwrap();
    assert_eq!(held[0]["id"], id);
    // The product page does not offer a room's coupon.
    let product = app.get(&format!("/products/{}", f.product_id), None).await.text().await.unwrap();
    assert!(!product.contains(&format!("/coupons/{id}/claim")));
}

async fn refund(app: &TestApp, f: &Fixture, order: i64, minor: i64) -> StatusCode {
    let body = json!({"amount_minor": minor, "reason": "缺货"});
    app.post(&format!("/api/v1/orders/{order}/refunds"), Some(&f.merchant.token), &body).await.status()
}

/// What `account` holds in the books.
async fn balance(app: &TestApp, account: &str) -> i64 {
    app.state.db.balances().await.unwrap().iter().filter(|b| b.account == account).map(|b| b.balance_minor).sum()
}

#[tokio::test]
async fn the_platform_pays_the_shop_what_its_coupon_took_off_and_takes_back_the_share_refunded() {
    let app = spawn_app().await;
    let f = app.shop_with_product(3_000, 10).await;
    let operator = app.sign_up("operator").await;
    app.make_operator(&operator).await;
    let mut body = coupon(&app, "platform", 100);
    body["amount_off_minor"] = json!(600);
    body["min_spend_minor"] = json!(4_500);
    assert_error(create(&app, &f.merchant, f.shop_id, &body).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app.post("/api/v1/platform/coupons", Some(&f.merchant.token), &body).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "a shop cannot spend the platform's money");
    let platform: Value = app.post("/api/v1/platform/coupons", Some(&operator.token), &body).await.json().await.unwrap();
    let shop: Value = create(&app, &f.merchant, f.shop_id, &coupon(&app, "shop", 5)).await.json().await.unwrap();
    let ann = app.sign_up("ann").await;
    let mut claims = Vec::new();
    for c in [&shop, &platform, &platform] {
        let held = claim(&app, &ann, c["id"].as_i64().unwrap()).await;
        if held.status() == StatusCode::CREATED {
            claims.push(held.json::<Value>().await.unwrap()["claim_id"].as_i64().unwrap());
        } else {
            assert_error(held, StatusCode::CONFLICT, "coupon_limit_reached").await;
        }
    }
    assert_eq!(claims.len(), 2);

    // ¥60.00 of goods: the shop's ¥10.00 first, then the platform's ¥6.00,
    // whose ¥45.00 minimum counts the ¥50.00 left.
    let r = place(&app, &ann, f.sku_id, 2, &claims).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let order: Value = r.json().await.unwrap();
    assert_eq!(
        (order["total_minor"].as_i64(), order["discount_minor"].as_i64(), order["platform_discount_minor"].as_i64()),
        (Some(4_400), Some(1_600), Some(600))
    );
    let id = order["id"].as_i64().unwrap();
    let payable = format!("shop:{}:payable", f.shop_id);
    app.pay(&ann, id).await;
    assert_eq!(balance(&app, "platform:coupons").await, 600);
    assert_eq!(balance(&app, &payable).await, -5_000, "the shopper's ¥44.00 and the platform's ¥6.00");

    // A refund of a quarter of what was paid takes back a quarter of the subsidy.
    assert_eq!(refund(&app, &f, id, 1_100).await, StatusCode::CREATED);
    assert_eq!(balance(&app, "platform:coupons").await, 450);
    assert_eq!(refund(&app, &f, id, 3_300).await, StatusCode::CREATED);
    assert_eq!((balance(&app, "platform:coupons").await, balance(&app, &payable).await), (0, 0), "a full refund returns all of it");
    assert!(app.state.db.unbalanced_transactions().await.unwrap().is_empty());

    // A refund does not give the coupons back, and two of the platform's do not stack.
    assert_eq!(app.get("/api/v1/me/coupons", Some(&ann.token)).await.json::<Value>().await.unwrap(), json!([]));
    let mut two = Vec::new();
    for _ in 0..2 {
        let c: Value = app.post("/api/v1/platform/coupons", Some(&operator.token), &body).await.json().await.unwrap();
        two.push(claim(&app, &ann, c["id"].as_i64().unwrap()).await.json::<Value>().await.unwrap()["claim_id"].as_i64().unwrap());
    }
    assert_error(place(&app, &ann, f.sku_id, 2, &two).await, StatusCode::CONFLICT, "coupon_does_not_stack").await;
}

#[tokio::test]
async fn a_coupon_worth_more_than_the_goods_leaves_a_cent_to_pay_and_a_refund_gives_the_platform_its_share_back() {
    let app = spawn_app().await;
    let f = app.shop_with_product(500, 10).await;
    let operator = app.sign_up("operator").await;
    app.make_operator(&operator).await;
    let mut body = coupon(&app, "platform", 10);
    body["min_spend_minor"] = json!(0);
    let platform: Value = app.post("/api/v1/platform/coupons", Some(&operator.token), &body).await.json().await.unwrap();
    let ann = app.sign_up("ann").await;
    let held: Value = claim(&app, &ann, platform["id"].as_i64().unwrap()).await.json().await.unwrap();
    // ¥5.00 of goods and a ¥10.00 coupon: ¥4.99 off, ¥0.01 to pay.
    let r = place(&app, &ann, f.sku_id, 1, &[held["claim_id"].as_i64().unwrap()]).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let order: Value = r.json().await.unwrap();
    let id = order["id"].as_i64().unwrap();
    assert_eq!(order["total_minor"].as_i64().unwrap() - order["shipping_minor"].as_i64().unwrap(), 1);
    assert_eq!(order["platform_discount_minor"], 499);
    app.pay(&ann, id).await;
    assert_eq!(balance(&app, "platform:coupons").await, 499);
    assert_eq!(refund(&app, &f, id, order["total_minor"].as_i64().unwrap()).await, StatusCode::CREATED);
    assert_eq!(balance(&app, "platform:coupons").await, 0, "the refund gives the platform its ¥4.99 back");
}
