//! Attribution, commission and payouts: a sale through a creator's link or
//! video earns them commission, held until the order is complete and the
//! hold has passed, taken back by refunds, and paid out through the payout
//! provider (which can fail, and is retried).

use haul_server::workers::settle_commission;
use haul_testkit::{Account, Fixture, TestApp, assert_error, spawn_app_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

const DAY_S: i64 = 86_400;

async fn earnings(app: &TestApp, who: &Account) -> Value {
    app.get("/api/v1/me/earnings", Some(&who.token)).await.json().await.unwrap()
}

fn balance(e: &Value, field: &str) -> i64 {
    e["balances"][0][field].as_i64().unwrap_or(0)
}

/// A shop paying 20% on everything, and a creator's link to its product
/// that `buyer` opened.
async fn linked_sale(app: &TestApp, buyer: &Account) -> (Fixture, Account, Value) {
    let f = app.shop_with_product(1990, 50).await;
    let plans = format!("/api/v1/shops/{}/commission-plans", f.shop_id);
    assert_eq!(app.post(&plans, Some(&f.merchant.token), &json!({"rate_bps": 2000})).await.status(), StatusCode::CREATED);
    let creator = app.sign_up("creator").await;
    let r = app.post("/api/v1/me/share-links", Some(&creator.token), &json!({"product_id": f.product_id})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let link: Value = r.json().await.unwrap();
    assert!(link["url"].as_str().unwrap().ends_with(&format!("/r/{}", link["code"].as_str().unwrap())));
    let touch = json!({"product_id": f.product_id, "kind": "share_link", "subject_id": link["id"]});
    let r: Value = app.post("/api/v1/touches", Some(&buyer.token), &touch).await.json().await.unwrap();
    assert_eq!(r["counted"], true);
    (f, creator, link)
}

/// Waits (bounded) until the creator's latest payout reaches `status`.
async fn payout_becomes(app: &TestApp, who: &Account, status: &str) -> Value {
    for _ in 0..200 {
        let list: Value = app.get("/api/v1/me/payouts", Some(&who.token)).await.json().await.unwrap();
        if list["items"][0]["status"] == status {
            return list["items"][0].clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the payout never became {status}");
}

#[tokio::test]
async fn a_linked_sale_is_held_halved_by_a_refund_released_and_paid_out_after_one_failure() {
    let app = spawn_app_with(|c| c.payout_minimum_minor = 100).await;
    let buyer = app.sign_up("buyer").await;
    let (f, creator, link) = linked_sale(&app, &buyer).await;
    // A link to a thing that does not carry the product counts nothing.
    let wrong = json!({"product_id": f.product_id, "kind": "video", "subject_id": 999_999});
    assert_eq!(app.post("/api/v1/touches", Some(&buyer.token), &wrong).await.json::<Value>().await.unwrap()["counted"], false);

    let id = app.order_ok(&buyer, f.sku_id, 2).await;
    let staff_view: Value = app.get(&format!("/api/v1/orders/{id}"), Some(&f.merchant.token)).await.json().await.unwrap();
    let line = &staff_view["lines"][0];
    assert_eq!(
        (line["touch_kind"].as_str(), line["touch_id"].as_i64(), line["creator_id"].as_i64(), line["commission_bps"].as_i64()),
        (Some("share_link"), link["id"].as_i64(), Some(creator.id), Some(2000))
    );
    let buyer_view: Value = app.get(&format!("/api/v1/orders/{id}"), Some(&buyer.token)).await.json().await.unwrap();
    assert!(buyer_view["lines"][0]["creator_id"].is_null(), "the buyer does not see who earns");
    assert_eq!(earnings(&app, &creator).await["balances"], json!([]), "nothing before payment");

    // Paid ¥39.80: 20% is ¥7.96, of which the platform takes 10% (¥0.79).
    app.pay(&buyer, id).await;
    let e = earnings(&app, &creator).await;
    assert_eq!((balance(&e, "pending_minor"), balance(&e, "available_minor")), (717, 0));
    let l = &e["lines"]["items"][0];
    assert_eq!(
        (l["order_id"].as_i64(), l["amount_minor"].as_i64(), l["fee_minor"].as_i64(), l["status"].as_str()),
        (Some(id), Some(796), Some(79), Some("pending"))
    );
    assert_eq!((e["by_content"][0]["touch_kind"].as_str(), e["by_content"][0]["net_minor"].as_i64()), (Some("share_link"), Some(717)));

    // Half refunded: the commission halves (¥3.98, less its fee ¥0.39).
    let r = app
        .post(&format!("/api/v1/orders/{id}/refunds"), Some(&f.merchant.token), &json!({"amount_minor": 1990, "reason": "one box bruised"}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(balance(&earnings(&app, &creator).await, "pending_minor"), 398 - 39);

    // Shipped and received: the hold runs from receipt, to the second.
    let mine = add_address(&app, &buyer).await;
    app.put(&format!("/api/v1/orders/{id}/address"), Some(&buyer.token), &json!({"address_id": mine["id"]})).await;
    deliver(&app, &f, &buyer, id).await;
    app.clock.advance_seconds(15 * DAY_S - 1);
    assert_eq!(settle_commission::run_once(&app.state).await.unwrap(), (0, 0));
    app.clock.advance_seconds(1);
    assert_eq!(settle_commission::run_once(&app.state).await.unwrap(), (1, 0));
    assert_eq!(settle_commission::run_once(&app.state).await.unwrap(), (0, 0), "released once");
    let token = creator.token.clone();
    let e = earnings(&app, &creator).await;
    assert_eq!((balance(&e, "pending_minor"), balance(&e, "available_minor")), (0, 359));

    // Paying out: not less than the minimum, not more than is available.
    let pay = |minor: i64| json!({"amount_minor": minor, "currency": "CNY"});
    assert_error(app.post("/api/v1/me/payouts", Some(&token), &pay(99)).await, StatusCode::CONFLICT, "payout_too_small").await;
    assert_error(app.post("/api/v1/me/payouts", Some(&token), &pay(360)).await, StatusCode::CONFLICT, "payout_too_large").await;
    let r = app.post("/api/v1/me/payouts", Some(&token), &pay(359)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "requested");
    assert_error(app.post("/api/v1/me/payouts", Some(&token), &pay(100)).await, StatusCode::CONFLICT, "payout_too_large").await;

    // The provider refuses the first transfer; it is sent again later and paid.
    app.state.payouts.fail_next(1);
    assert_eq!(settle_commission::run_once(&app.state).await.unwrap(), (0, 1));
    let failed = payout_becomes(&app, &creator, "requested").await;
    assert_eq!((failed["attempts"].as_i64(), failed["failure"].is_string()), (Some(1), true));
    assert_eq!(settle_commission::run_once(&app.state).await.unwrap(), (0, 0), "not before its retry is due");
    app.clock.advance_seconds(5 * 60);
    assert_eq!(settle_commission::run_once(&app.state).await.unwrap(), (0, 1));
    payout_becomes(&app, &creator, "paid").await;
    let e = app.get("/api/v1/me/earnings", Some(&token)).await.json::<Value>().await.unwrap();
    assert_eq!((balance(&e, "available_minor"), balance(&e, "paid_minor"), balance(&e, "in_flight_minor")), (0, 359, 0));

    // The month's statement ends where the balances are, and downloads as CSV.
    let month = haul_domain::affiliate::Month::of(app.state.clock.now()).to_string();
    let st: Value = app.get(&format!("/api/v1/me/statements/{month}"), Some(&token)).await.json().await.unwrap();
    assert_eq!((st["closing"][0]["pending_minor"].as_i64(), st["closing"][0]["available_minor"].as_i64()), (Some(0), Some(0)));
    let kinds: Vec<&str> = st["lines"].as_array().unwrap().iter().filter_map(|l| l["kind"].as_str()).collect();
    assert!(kinds.contains(&"commission_released") && kinds.contains(&"payout_requested"), "{kinds:?}");
    assert_error(app.get("/api/v1/me/statements/2026-13", Some(&token)).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let browser = app.browser_of(&creator).await;
    let csv =
        app.client.get(app.url(&format!("/studio/statement.csv?month={month}"))).header("cookie", &browser.cookie).send().await.unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("date_utc,kind,order,balance,amount,currency\n") && csv.contains(",commission_released,"), "{csv}");

    // The shop was settled by the same run: what stayed paid less commission.
    let shop_money = format!("/api/v1/shops/{}/balance", f.shop_id);
    let b: Value = app.get(&shop_money, Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!((b[0]["pending_minor"].as_i64(), b[0]["available_minor"].as_i64()), (Some(0), Some(3980 - 1990 - 398)));
    let stranger = app.sign_up("stranger").await;
    assert_error(app.get(&shop_money, Some(&stranger.token)).await, StatusCode::FORBIDDEN, "forbidden").await;
    let shop_payout = format!("/api/v1/shops/{}/payouts", f.shop_id);
    assert_error(app.post(&shop_payout, Some(&stranger.token), &pay(100)).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.post(&shop_payout, Some(&f.merchant.token), &pay(1592)).await.status(), StatusCode::CREATED);
    assert_eq!(settle_commission::run_once(&app.state).await.unwrap(), (0, 1));
    for _ in 0..200 {
        let b: Value = app.get(&shop_money, Some(&f.merchant.token)).await.json().await.unwrap();
        if b[0]["paid_minor"] == 1592 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The books: every transaction balances, and the money went where it should.
    assert!(app.state.db.unbalanced_transactions().await.unwrap().is_empty());
    let books: Vec<(String, i64)> = app.state.db.balances().await.unwrap().into_iter().map(|b| (b.account, b.balance_minor)).collect();
    let of = |account: &str| books.iter().find(|(a, _)| a == account).map_or(0, |(_, m)| *m);
    for account in
        [format!("shop:{}:payable", f.shop_id), format!("shop:{}:available", f.shop_id), format!("creator:{}:available", creator.id)]
    {
        assert_eq!(of(&account), 0, "{account} was paid out whole");
    }
    assert_eq!(of("platform:fees"), -(79 - 40), "the fee on what stayed paid, its reversal rounded up");
    // What stays with the provider is the platform's fee: buyer paid 39.80,
    // got 19.90 back; the creator was paid 3.59, the shop 15.92.
    assert_eq!(of("provider:sandbox"), 3980 - 1990 - 359 - 1592);
    assert_eq!(of("provider:sandbox"), 79 - 40);
}

async fn add_address(app: &TestApp, who: &Account) -> Value {
    let address = json!({"recipient": "王小明", "phone": "13800138000", "province": "GD", "city": "深圳市", "district": "南山区", "street": "科技园路1号", "postcode": "518000"});
    let r = app.post("/api/v1/addresses", Some(&who.token), &address).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

/// The shop ships a paid order and its buyer confirms receipt.
async fn deliver(app: &TestApp, f: &Fixture, buyer: &Account, id: i64) {
    let tracking = json!({"carrier": "顺丰速运", "tracking_no": "SF1402000001"});
    assert_eq!(app.post(&format!("/api/v1/orders/{id}/shipment"), Some(&f.merchant.token), &tracking).await.status(), StatusCode::OK);
    assert_eq!(app.post(&format!("/api/v1/orders/{id}/received"), Some(&buyer.token), &json!({})).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn deal_and_team_orders_are_credited_through_a_share_link_and_nobody_earns_on_themselves() {
    let app = spawn_app_with(|_| {}).await;
    let buyer = app.sign_up("buyer").await;
    let (f, creator, link) = linked_sale(&app, &buyer).await;
    let now = app.clock_now_seconds() * 1000;
    let deal: Value = app
        .post(
            "/api/v1/deals",
            Some(&f.merchant.token),
            &json!({"sku_id": f.sku_id, "price_minor": 990, "quantity": 5, "per_shopper_cap": 1, "starts_at": now, "ends_at": now + 3_600_000}),
        )
        .await
        .json()
        .await
        .unwrap();
    let grab = |who: &Account| {
        app.request(Method::POST, &format!("/api/v1/deals/{}/purchase", deal["id"]), Some(&who.token))
            .header("Idempotency-Key", format!("grab-{}", who.id))
            .json(&json!({}))
            .send()
    };
    let r = grab(&buyer).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
    let order: Value = r.json().await.unwrap();
    let view: Value = app.get(&format!("/api/v1/orders/{}", order["id"]), Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!((view["lines"][0]["touch_kind"].as_str(), view["lines"][0]["creator_id"].as_i64()), (Some("share_link"), Some(creator.id)));
    app.pay(&buyer, order["id"].as_i64().unwrap()).await;
    // 20% of the ¥9.90 deal price, less the fee.
    assert_eq!(balance(&earnings(&app, &creator).await, "pending_minor"), 198 - 19);

    // The marketplace sorts by what sold in 30 days, and refuses an unknown order.
    let other_shop = app.shop_with_product(990, 5).await;
    let plans = format!("/api/v1/shops/{}/commission-plans", other_shop.shop_id);
    app.post(&plans, Some(&other_shop.merchant.token), &json!({"rate_bps": 5000})).await;
    let by_rate: Value = app.get("/api/v1/affiliate/marketplace", None).await.json().await.unwrap();
    assert_eq!(by_rate[0]["product_id"].as_i64(), Some(other_shop.product_id), "50% first");
    let by_sales: Value = app.get("/api/v1/affiliate/marketplace?sort=sold", None).await.json().await.unwrap();
    assert_eq!((by_sales[0]["product_id"].as_i64(), by_sales[0]["units_30d"].as_i64()), (Some(f.product_id), Some(1)));
    assert_error(app.get("/api/v1/affiliate/marketplace?sort=cheapest", None).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    // The page's filter form sends an empty category for "all".
    let browser = app.browser_of(&creator).await;
    let page = app.client.get(app.url("/studio/marketplace?category=&sort=sold")).header("cookie", &browser.cookie).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("1 sold in 30 days"));

    // A team seat through the same link.
    let offer: Value = app
        .post(
            "/api/v1/team-offers",
            Some(&f.merchant.token),
            &json!({"sku_id": f.sku_id, "team_size": 2, "time_limit_seconds": 3600, "team_price_minor": 1290}),
        )
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .request(Method::POST, &format!("/api/v1/team-offers/{}/teams", offer["id"]), Some(&buyer.token))
        .header("Idempotency-Key", "open")
        .send()
        .await
        .unwrap();
    let seat: Value = r.json().await.unwrap();
    let view: Value = app.get(&format!("/api/v1/orders/{}", seat["id"]), Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!((view["lines"][0]["touch_kind"].as_str(), view["lines"][0]["touch_id"].as_i64()), (Some("share_link"), link["id"].as_i64()));

    // The creator buying through their own link, and the shop's staff, earn nothing.
    let own = json!({"product_id": f.product_id, "kind": "share_link", "subject_id": link["id"]});
    app.post("/api/v1/touches", Some(&creator.token), &own).await;
    let mine = app.order_ok(&creator, f.sku_id, 1).await;
    let view: Value = app.get(&format!("/api/v1/orders/{mine}"), Some(&f.merchant.token)).await.json().await.unwrap();
    assert!(view["lines"][0]["creator_id"].is_null());
    let staff_link: Value =
        app.post("/api/v1/me/share-links", Some(&f.merchant.token), &json!({"product_id": f.product_id})).await.json().await.unwrap();
    let other = app.sign_up("other").await;
    let via_staff = json!({"product_id": f.product_id, "kind": "share_link", "subject_id": staff_link["id"]});
    app.post("/api/v1/touches", Some(&other.token), &via_staff).await;
    let theirs = app.order_ok(&other, f.sku_id, 1).await;
    let view: Value = app.get(&format!("/api/v1/orders/{theirs}"), Some(&f.merchant.token)).await.json().await.unwrap();
    assert!(view["lines"][0]["creator_id"].is_null(), "staff earn nothing on their own shop");

    // After the window, the link no longer credits a sale.
    app.clock.advance_seconds(7 * DAY_S + 1);
    let late = app.order_ok(&buyer, f.sku_id, 1).await;
    let view: Value = app.get(&format!("/api/v1/orders/{late}"), Some(&f.merchant.token)).await.json().await.unwrap();
    assert!(view["lines"][0]["touch_kind"].is_null());
}

#[tokio::test]
async fn a_settlement_run_stopped_halfway_releases_the_rest_and_nothing_twice() {
    let app = spawn_app_with(|c| {
        c.commission_hold_days = 1;
        c.payout_minimum_minor = 100;
    })
    .await;
    let buyer = app.sign_up("buyer").await;
    let (f, creator, _) = linked_sale(&app, &buyer).await;
    add_address(&app, &buyer).await;
    for _ in 0..3 {
        let id = app.order_ok(&buyer, f.sku_id, 1).await;
        app.pay(&buyer, id).await;
        deliver(&app, &f, &buyer, id).await;
    }
    app.clock.advance_seconds(DAY_S);
    // A run that stops after one (a restart), then the next run.
    assert_eq!(app.state.db.release_due_commission(app.state.clock.now(), 1).await.unwrap(), 1);
    assert_eq!(settle_commission::run_once(&app.state).await.unwrap().0, 2);
    assert_eq!(settle_commission::run_once(&app.state).await.unwrap().0, 0);
    let e = earnings(&app, &creator).await;
    assert_eq!((balance(&e, "pending_minor"), balance(&e, "available_minor")), (0, 3 * (398 - 39)));

    // A payout taken by a node that stopped before handing it over is
    // handed over again an hour later, and paid once.
    let r = app.post("/api/v1/me/payouts", Some(&creator.token), &json!({"amount_minor": 900, "currency": "CNY"})).await;
    let reference = r.json::<Value>().await.unwrap()["provider_ref"].as_str().unwrap().to_owned();
    let requested = app.state.db.payout_by_ref("sandbox", &reference).await.unwrap();
    assert!(app.state.db.take_payout(&requested, app.state.clock.now()).await.unwrap());
    assert_eq!(settle_commission::run_once(&app.state).await.unwrap().1, 0, "not while the provider may still answer");
    app.clock.advance_seconds(3600);
    assert_eq!(settle_commission::run_once(&app.state).await.unwrap().1, 1);
    let paid = payout_becomes(&app, &creator, "paid").await;
    assert_eq!(paid["attempts"], 1);
    assert_eq!(balance(&earnings(&app, &creator).await, "paid_minor"), 900);

    // A provider's answer is applied once: a replayed failure does not
    // count against the next attempt.
    let r = app.post("/api/v1/me/payouts", Some(&creator.token), &json!({"amount_minor": 100, "currency": "CNY"})).await;
    let reference = r.json::<Value>().await.unwrap()["provider_ref"].as_str().unwrap().to_owned();
    let now = app.state.clock.now();
    let failed = haul_store::affiliate::PayoutAnswer { event_id: "evt_1", paid: false, failure: "closed account", retry_at: now };
    let p = app.state.db.payout_by_ref("sandbox", &reference).await.unwrap();
    assert!(app.state.db.take_payout(&p, now).await.unwrap());
    assert_eq!(app.state.db.payout_answered("sandbox", &reference, &failed, now).await.unwrap().status.as_str(), "requested");
    let p = app.state.db.payout_by_ref("sandbox", &reference).await.unwrap();
    assert!(app.state.db.take_payout(&p, now).await.unwrap());
    let again = app.state.db.payout_answered("sandbox", &reference, &failed, now).await.unwrap();
    assert_eq!((again.status.as_str(), again.attempts), ("sent", 2), "the replay changed nothing");
    assert!(app.state.db.unbalanced_transactions().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_invited_creator_is_paid_the_flat_fee_for_each_video_while_the_shop_can_pay_it() {
    let app = spawn_app_with(|_| {}).await;
    let f = app.shop_with_product(1990, 50).await;
    let creator = app.sign_up("creator").await;
    let plans = format!("/api/v1/shops/{}/commission-plans", f.shop_id);
    let invite = json!({"creator_id": creator.id, "product_id": f.product_id, "rate_bps": 3000, "flat_fee_minor": 1500});
    let plan: Value = app.post(&plans, Some(&f.merchant.token), &invite).await.json().await.unwrap();
    app.post(&format!("/api/v1/commission-plans/{}/accept", plan["id"]), Some(&creator.token), &json!({})).await;
    let anchors = json!([{"product_id": f.product_id}]);
    // The shop has nothing it may be paid yet: no fee.
    app.upload_video(&creator, "Before any sale #oranges", anchors.clone()).await;
    assert_eq!(earnings(&app, &creator).await["balances"], json!([]));
    // A ¥39.80 sale, received and past its hold, is the shop's to spend.
    let buyer = app.sign_up("buyer").await;
    add_address(&app, &buyer).await;
    let id = app.order_ok(&buyer, f.sku_id, 2).await;
    app.pay(&buyer, id).await;
    deliver(&app, &f, &buyer, id).await;
    app.clock.advance_seconds(15 * DAY_S);
    settle_commission::run_once(&app.state).await.unwrap();
    let video = app.upload_video(&creator, "Peeling one in a single piece #oranges", anchors.clone()).await;
    app.upload_video(&creator, "Second clip #oranges", anchors.clone()).await;
    app.upload_video(&creator, "Third clip: the shop has ¥9.80 left #oranges", anchors).await;
    let e = earnings(&app, &creator).await;
    assert_eq!(balance(&e, "available_minor"), 3000, "two fees of ¥15; the third is more than the shop has");
    let by_video = e["by_content"].as_array().unwrap().iter().find(|c| c["touch_id"] == video["id"]).cloned().unwrap();
    assert_eq!((by_video["touch_kind"].as_str(), by_video["net_minor"].as_i64()), (Some("video"), Some(1500)));
    let shop: Value = app.get(&format!("/api/v1/shops/{}/balance", f.shop_id), Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!(shop[0]["available_minor"], 3980 - 3000);
    // Another creator's video with the product earns no fee.
    let other = app.sign_up("other").await;
    app.upload_video(&other, "Mine too #oranges", json!([{"product_id": f.product_id}])).await;
    assert_eq!(earnings(&app, &other).await["balances"], json!([]));
    assert!(app.state.db.unbalanced_transactions().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_refund_after_the_shop_was_settled_and_paid_comes_out_of_its_balance() {
    let app = spawn_app_with(|c| c.payout_minimum_minor = 100).await;
    let buyer = app.sign_up("buyer").await;
    let (f, creator, _) = linked_sale(&app, &buyer).await;
    add_address(&app, &buyer).await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    app.pay(&buyer, id).await;
    deliver(&app, &f, &buyer, id).await;
    app.clock.advance_seconds(15 * DAY_S);
    settle_commission::run_once(&app.state).await.unwrap();
    let shop_money = format!("/api/v1/shops/{}/balance", f.shop_id);
    let b: Value = app.get(&shop_money, Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!((b[0]["pending_minor"].as_i64(), b[0]["available_minor"].as_i64()), (Some(0), Some(1990 - 398)));
    let pay = json!({"amount_minor": 1990 - 398, "currency": "CNY"});
    assert_eq!(
        app.post(&format!("/api/v1/shops/{}/payouts", f.shop_id), Some(&f.merchant.token), &pay).await.status(),
        StatusCode::CREATED
    );
    // Refunded in full afterwards: the shop owes what it was paid, less
    // the commission taken back from the creator; nothing more leaves.
    let r = app.post(&format!("/api/v1/orders/{id}/refunds"), Some(&f.merchant.token), &json!({"reason": "lost in the post"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let b: Value = app.get(&shop_money, Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!((b[0]["pending_minor"].as_i64(), b[0]["available_minor"].as_i64()), (Some(0), Some(-(1990 - 398))));
    assert_error(
        app.post(
            &format!("/api/v1/shops/{}/payouts", f.shop_id),
            Some(&f.merchant.token),
            &json!({"amount_minor": 100, "currency": "CNY"}),
        )
        .await,
        StatusCode::CONFLICT,
        "payout_too_large",
    )
    .await;
    let e = earnings(&app, &creator).await;
    assert_eq!(balance(&e, "available_minor"), 0, "the creator's released commission was taken back");
    assert!(app.state.db.unbalanced_transactions().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_link_opened_before_signing_in_credits_the_sale_after_it() {
    let app = spawn_app_with(|_| {}).await;
    let f = app.shop_with_product(1990, 50).await;
    let plans = format!("/api/v1/shops/{}/commission-plans", f.shop_id);
    app.post(&plans, Some(&f.merchant.token), &json!({"rate_bps": 2000})).await;
    let creator = app.sign_up("creator").await;
    let link: Value =
        app.post("/api/v1/me/share-links", Some(&creator.token), &json!({"product_id": f.product_id})).await.json().await.unwrap();
    // A stranger's browser opens the link: one click, the tap kept in a cookie.
    let r = app.get(&format!("/r/{}", link["code"].as_str().unwrap()), None).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], format!("/products/{}", f.product_id));
    let touches = haul_testkit::set_cookie(&r, "haul_touches").expect("the tap is remembered");
    assert_eq!(app.get("/r/nope", None).await.status(), StatusCode::NOT_FOUND);
    // The same browser again, and a link preview's HEAD, count no click.
    let path = app.url(&format!("/r/{}", link["code"].as_str().unwrap()));
    let again = app.client.get(&path).header("cookie", format!("haul_touches={touches}")).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.client.head(&path).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    // They sign in later in the same browser; the cookie is spent.
    let buyer = app.sign_up("buyer").await;
    let (r, _) = app.sign_in_form(&buyer.login, "correct horse", &format!("haul_touches={touches}")).await;
    assert_eq!(haul_testkit::set_cookie(&r, "haul_touches").as_deref(), Some(""));
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    let view: Value = app.get(&format!("/api/v1/orders/{id}"), Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!((view["lines"][0]["touch_kind"].as_str(), view["lines"][0]["creator_id"].as_i64()), (Some("share_link"), Some(creator.id)));
    let links: Value = app.get("/api/v1/me/share-links", Some(&creator.token)).await.json().await.unwrap();
    assert_eq!(links[0]["clicks"], 1);
    // A forged cookie naming content that does not carry the product counts nothing.
    let other = app.sign_up("other").await;
    let forged = format!("haul_touches=video:999:{}:{}", f.product_id, app.clock_now_seconds() * 1000);
    app.sign_in_form(&other.login, "correct horse", &forged).await;
    let theirs = app.order_ok(&other, f.sku_id, 1).await;
    let view: Value = app.get(&format!("/api/v1/orders/{theirs}"), Some(&f.merchant.token)).await.json().await.unwrap();
    assert!(view["lines"][0]["touch_kind"].is_null());
}
