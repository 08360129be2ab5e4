//! Vouchers for local shops: sold under terms to a shop with a location,
//! one code per unit paid for, redeemed once at the shop (also when two
//! tills try at the same moment), refunded once at expiry (also across a
//! restart), the creator's commission made at redemption; and the shops
//! near a shopper.

use haul_domain::community::local_date;
use haul_server::clock::Clock;
use haul_server::workers::expire_vouchers;
use haul_testkit::{Account, Fixture, TestApp, assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

const DAY_S: i64 = 86_400;

/// The shop's barbershop, in Shanghai, with a voucher valid from today for
/// `days` days, all day, two per person, refunded if unused.
async fn barber_voucher(app: &TestApp, f: &Fixture, days: i64) -> (i64, i64) {
    let at = json!({"city": "shanghai", "address": "88 Nanjing Road West"});
    assert_eq!(
        app.put(&format!("/api/v1/shops/{}/location", f.shop_id), Some(&f.merchant.token), &at).await.status(),
        StatusCode::NO_CONTENT
    );
    let today = local_date(app.clock.now(), 480);
    let last = local_date(app.clock.now().plus_seconds((days - 1) * DAY_S), 480);
    let body = json!({"shop_id": f.shop_id, "title": "Cut and wash", "kind": "voucher",
        "skus": [{"code": "CUT", "price_minor": 6_800, "stock": 100}],
        "voucher": {"covers": "A haircut and wash", "valid_from": today, "valid_until": last, "opens": "00:00", "closes": "00:00", "per_person": 2}});
    let r = app.post("/api/v1/products", Some(&f.merchant.token), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
    let product = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let detail: Value = app.get(&format!("/api/v1/products/{product}"), None).await.json().await.unwrap();
    (product, detail["skus"][0]["id"].as_i64().unwrap())
}

async fn bought(app: &TestApp, buyer: &Account, sku: i64, quantity: i64) -> i64 {
    let order = app.order_ok(buyer, sku, quantity).await;
    assert!(app.pay(buyer, order).await.status().is_redirection());
    order
}

async fn vouchers_of(app: &TestApp, who: &Account, order: i64) -> Vec<Value> {
    app.get(&format!("/api/v1/orders/{order}/vouchers"), Some(&who.token)).await.json().await.unwrap()
}

async fn redeem(app: &TestApp, f: &Fixture, code: &str) -> reqwest::Response {
    app.post(&format!("/api/v1/shops/{}/vouchers/redeem", f.shop_id), Some(&f.merchant.token), &json!({"code": code})).await
}

async fn earned_lines(app: &TestApp, who: &Account) -> Vec<Value> {
    let e: Value = app.get("/api/v1/me/earnings", Some(&who.token)).await.json().await.unwrap();
    e["lines"]["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_paid_voucher_is_redeemed_once_and_its_order_completes() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    // No vouchers before the shop says where it is.
    let early = json!({"shop_id": f.shop_id, "title": "Tea", "kind": "voucher", "skus": [{"code": "T", "price_minor": 100, "stock": 1}],
        "voucher": {"covers": "tea", "valid_from": "2026-12-01", "valid_until": "2026-12-31", "opens": "10:00", "closes": "22:00"}});
    assert_error(app.post("/api/v1/products", Some(&f.merchant.token), &early).await, StatusCode::CONFLICT, "voucher_needs_location").await;
    let (product, sku) = barber_voucher(&app, &f, 30).await;
    let terms: Value = app.get(&format!("/api/v1/products/{product}/voucher"), None).await.json().await.unwrap();
    assert_eq!((terms["covers"].as_str(), terms["per_person"].as_i64()), (Some("A haircut and wash"), Some(2)));

    let buyer = app.sign_up("customer").await;
    // A voucher is bought on its own, and at most two per person.
    let r = app.place(&buyer, &json!({"items": [{"sku_id": sku, "quantity": 1}, {"sku_id": f.sku_id, "quantity": 1}]})).await;
    assert_error(r, StatusCode::CONFLICT, "voucher_mixed").await;
    assert_error(app.order(&buyer, sku, 3, "three").await, StatusCode::CONFLICT, "voucher_limit").await;
    let order = bought(&app, &buyer, sku, 2).await;
    assert_error(app.order(&buyer, sku, 1, "third").await, StatusCode::CONFLICT, "voucher_limit").await;
    let placed: Value = app.get(&format!("/api/v1/orders/{order}"), Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!(
        (placed["fulfilment"].as_str(), placed["shipping_minor"].as_i64(), placed["status"].as_str()),
        (Some("voucher"), Some(0), Some("paid"))
    );

    // Two vouchers, each its own code; the shop does not see unused codes.
    let mine = vouchers_of(&app, &buyer, order).await;
    assert_eq!(mine.len(), 2);
    let codes: Vec<String> = mine.iter().map(|v| v["code"].as_str().unwrap().to_owned()).collect();
    assert_ne!(codes[0], codes[1]);
    assert_eq!(mine.iter().map(|v| v["paid_minor"].as_i64().unwrap()).sum::<i64>(), 13_600);
    assert!(vouchers_of(&app, &f.merchant, order).await.iter().all(|v| v["code"] == ""));
    let listed: Value = app.get("/api/v1/me/vouchers", Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(2));
    // The merchant cannot move a voucher order by hand.
    let r = app.post(&format!("/api/v1/orders/{order}/status"), Some(&f.merchant.token), &json!({"status": "completed"})).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "not_a_merchant_step").await;

    // Typed as staff would, lower case with spaces: redeemed, by whom and when.
    let typed = format!("{} {}", &codes[0][..6].to_lowercase(), &codes[0][6..]);
    let r = redeem(&app, &f, &typed).await;
    assert_eq!(r.status(), StatusCode::OK);
    let used: Value = r.json().await.unwrap();
    assert_eq!((used["status"].as_str(), used["redeemed_by"].as_i64()), (Some("redeemed"), Some(f.merchant.id)));
    assert_error(redeem(&app, &f, &codes[0]).await, StatusCode::CONFLICT, "voucher_used").await;
    assert_error(redeem(&app, &f, "not a code").await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // Another shop's staff cannot redeem it, nor learn that it exists.
    let other = app.shop_with_product(500, 5).await;
    assert_error(redeem(&app, &other, &codes[1]).await, StatusCode::NOT_FOUND, "not_found").await;
    let stranger = app.sign_up("stranger").await;
    let r = app.post(&format!("/api/v1/shops/{}/vouchers/redeem", f.shop_id), Some(&stranger.token), &json!({"code": codes[1]})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.order_status(&buyer.token, order).await, "paid", "one voucher is still to use");

    assert_eq!(redeem(&app, &f, &codes[1]).await.status(), StatusCode::OK);
    assert_eq!(app.order_status(&buyer.token, order).await, "completed");
    let shop: Value = app.get(&format!("/api/v1/shops/{}/vouchers", f.shop_id), Some(&f.merchant.token)).await.json().await.unwrap();
    let figures = &shop["figures"];
    assert_eq!(
        (figures["issued"].as_i64(), figures["redeemed"].as_i64(), figures["redeemed_minor"].as_i64()),
        (Some(2), Some(2), Some(13_600))
    );
    assert_eq!(shop["redemptions"]["items"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn two_tills_redeeming_one_code_at_once_succeed_once() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let (_, sku) = barber_voucher(&app, &f, 30).await;
    let buyer = app.sign_up("customer").await;
    let order = bought(&app, &buyer, sku, 1).await;
    let code = vouchers_of(&app, &buyer, order).await[0]["code"].as_str().unwrap().to_owned();
    let tries = (0..8).map(|_| redeem(&app, &f, &code));
    let answers: Vec<StatusCode> = futures_util::future::join_all(tries).await.iter().map(reqwest::Response::status).collect();
    assert_eq!(answers.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{answers:?}");
    assert!(answers.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT), "{answers:?}");
}

#[tokio::test]
async fn an_unused_voucher_is_refunded_once_at_expiry_across_a_restart() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let (_, sku) = barber_voucher(&app, &f, 2).await;
    let buyer = app.sign_up("customer").await;
    let order = bought(&app, &buyer, sku, 2).await;
    let codes: Vec<String> = vouchers_of(&app, &buyer, order).await.iter().map(|v| v["code"].as_str().unwrap().to_owned()).collect();
    assert_eq!(redeem(&app, &f, &codes[0]).await.status(), StatusCode::OK);
    assert_eq!(expire_vouchers::run_once(&app.state).await.unwrap(), 0, "still valid");

    app.clock.advance_seconds(3 * DAY_S);
    assert_error(redeem(&app, &f, &codes[1]).await, StatusCode::CONFLICT, "voucher_expired").await;
    let (a, b) = tokio::join!(expire_vouchers::run_once(&app.state), expire_vouchers::run_once(&app.state));
    assert_eq!(a.unwrap() + b.unwrap(), 1, "settled once");
    let restarted = haul_server::AppState::new(app.state.config.clone(), app.clock.clone(), "127.0.0.1:9".parse().unwrap()).await.unwrap();
    assert_eq!(expire_vouchers::run_once(&restarted).await.unwrap(), 0);

    let o: Value = app.get(&format!("/api/v1/orders/{order}"), Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!((o["status"].as_str(), o["refunded_minor"].as_i64()), (Some("completed"), Some(6_800)), "one of two refunded");
    let statuses: Vec<String> = vouchers_of(&app, &buyer, order).await.iter().map(|v| v["status"].as_str().unwrap().to_owned()).collect();
    assert_eq!(statuses, ["redeemed", "refunded"]);
    let figures: Value = app.get(&format!("/api/v1/shops/{}/vouchers", f.shop_id), Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!(figures["figures"]["refunded"], 1);
}

#[tokio::test]
async fn a_vouchers_commission_is_made_when_it_is_used() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let (product, sku) = barber_voucher(&app, &f, 30).await;
    let plans = format!("/api/v1/shops/{}/commission-plans", f.shop_id);
    assert_eq!(app.post(&plans, Some(&f.merchant.token), &json!({"rate_bps": 1000})).await.status(), StatusCode::CREATED);
    let creator = app.sign_up("explorer").await;
    let video = app.upload_video(&creator, "A haircut on Nanjing Road", json!([{"product_id": product}])).await["id"].as_i64().unwrap();
    let buyer = app.sign_up("customer").await;
    let r = app.place(&buyer, &json!({"items": [{"sku_id": sku, "quantity": 1}], "video_id": video})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let order = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert!(app.pay(&buyer, order).await.status().is_redirection());
    assert!(earned_lines(&app, &creator).await.is_empty(), "nothing earned before the voucher is used");
    let code = vouchers_of(&app, &buyer, order).await[0]["code"].as_str().unwrap().to_owned();
    assert_eq!(redeem(&app, &f, &code).await.status(), StatusCode::OK);
    let lines = earned_lines(&app, &creator).await;
    let line = &lines[0];
    assert_eq!(
        (line["status"].as_str(), line["amount_minor"].as_i64(), line["touch_id"].as_i64()),
        (Some("pending"), Some(680), Some(video))
    );
    assert!(line["completed_at"].as_i64().is_some(), "the hold runs from the redemption");
}

#[tokio::test]
async fn shops_near_a_shopper_come_nearest_first() {
    let app = spawn_app().await;
    let near = app.shop_with_product(1_000, 10).await;
    let far = app.shop_with_product(1_000, 10).await;
    let unplaced = app.shop_with_product(1_000, 10).await;
    for (f, at) in [(&near, json!({"lat": 31.2400, "lng": 121.4900, "address": "The Bund"})), (&far, json!({"city": "hangzhou"}))] {
        assert_eq!(
            app.put(&format!("/api/v1/shops/{}/location", f.shop_id), Some(&f.merchant.token), &at).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    let list: Vec<Value> = app.get("/api/v1/shops/near?city=shanghai", None).await.json().await.unwrap();
    let ids: Vec<i64> = list.iter().map(|s| s["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [near.shop_id, far.shop_id]);
    assert!(!ids.contains(&unplaced.shop_id));
    assert!(list[0]["distance_m"].as_i64().unwrap() < 3_000 && list[1]["distance_m"].as_i64().unwrap() > 100_000);
    let from_hangzhou: Vec<Value> = app.get("/api/v1/shops/near?lat=30.27&lng=120.15", None).await.json().await.unwrap();
    assert_eq!(from_hangzhou[0]["id"].as_i64(), Some(far.shop_id));
    assert_error(app.get("/api/v1/shops/near", None).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(app.get("/api/v1/shops/near?city=atlantis", None).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let cities: Vec<Value> = app.get("/api/v1/places/cities", None).await.json().await.unwrap();
    assert!(cities.iter().any(|c| c["slug"] == "shanghai" && c["name_zh"] == "上海"));
}

#[tokio::test]
async fn the_buyer_refunds_an_unused_voucher_and_nothing_else_sells_one() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let (product, sku) = barber_voucher(&app, &f, 30).await;
    let buyer = app.sign_up("customer").await;
    let order = bought(&app, &buyer, sku, 2).await;
    let ids: Vec<i64> = vouchers_of(&app, &buyer, order).await.iter().map(|v| v["id"].as_i64().unwrap()).collect();
    // Only its buyer refunds it, once; the order goes on with the other.
    let stranger = app.sign_up("stranger").await;
    let path = format!("/api/v1/vouchers/{}/refund", ids[0]);
    assert_error(app.post(&path, Some(&stranger.token), &json!({})).await, StatusCode::NOT_FOUND, "not_found").await;
    let r = app.post(&path, Some(&buyer.token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "refunded");
    assert_error(app.post(&path, Some(&buyer.token), &json!({})).await, StatusCode::CONFLICT, "voucher_used").await;
    let o: Value = app.get(&format!("/api/v1/orders/{order}"), Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!((o["status"].as_str(), o["refunded_minor"].as_i64()), (Some("paid"), Some(6_800)));
    // The other is refunded too: the whole order is, and its units are back on sale.
    let r = app.post(&format!("/api/v1/vouchers/{}/refund", ids[1]), Some(&buyer.token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.order_status(&buyer.token, order).await, "refunded");
    assert_eq!(app.stock(product).await, 100);
    // After-sales cases are for goods; a voucher refunds itself.
    let line = o["lines"][0]["id"].as_i64().unwrap();
    let form =
        reqwest::multipart::Form::new().text("line_id", line.to_string()).text("kind", "refund_only").text("reason", "changed my mind");
    let r = app
        .request(reqwest::Method::POST, &format!("/api/v1/orders/{order}/aftersales"), Some(&buyer.token))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::CONFLICT, "voucher_refunds_itself").await;
    // Flash deals, team buys and group purchases sell goods.
    let soon = app.clock.now().plus_seconds(60).millis();
    let deal =
        json!({"sku_id": sku, "price_minor": 100, "quantity": 5, "per_shopper_cap": 1, "starts_at": soon, "ends_at": soon + 3_600_000});
    assert_error(app.post("/api/v1/deals", Some(&f.merchant.token), &deal).await, StatusCode::CONFLICT, "voucher_not_here").await;
    let team = json!({"sku_id": sku, "team_size": 2, "time_limit_seconds": 3600, "team_price_minor": 5_000});
    assert_error(app.post("/api/v1/team-offers", Some(&f.merchant.token), &team).await, StatusCode::CONFLICT, "voucher_not_here").await;
    let offer = format!("/api/v1/shops/{}/leader-offers/{sku}", f.shop_id);
    assert_error(
        app.put(&offer, Some(&f.merchant.token), &json!({"min_price_minor": 5_000})).await,
        StatusCode::CONFLICT,
        "voucher_not_here",
    )
    .await;
}

#[tokio::test]
async fn guessing_codes_at_the_counter_soon_waits() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let (_, sku) = barber_voucher(&app, &f, 30).await;
    let buyer = app.sign_up("customer").await;
    let order = bought(&app, &buyer, sku, 1).await;
    let code = vouchers_of(&app, &buyer, order).await[0]["code"].as_str().unwrap().to_owned();
    // A real code redeemed, a used one refused: neither counts as a guess.
    assert_eq!(redeem(&app, &f, &code).await.status(), StatusCode::OK);
    assert_error(redeem(&app, &f, &code).await, StatusCode::CONFLICT, "voucher_used").await;
    for _ in 0..10 {
        assert_error(redeem(&app, &f, "2222-3333-4444").await, StatusCode::NOT_FOUND, "not_found").await;
    }
    assert_error(redeem(&app, &f, "2222-3333-4445").await, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}

#[tokio::test]
async fn a_merchant_sells_a_voucher_from_the_shop_page_and_changes_its_terms() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let browser = app.browser(&f.merchant).await;
    let shop_page = format!("/merchant/shops/{}", f.shop_id);
    let voucher = [
        ("title", "Afternoon tea"),
        ("kind", "voucher"),
        ("price", "128"),
        ("stock", "50"),
        ("covers", "Tea for two"),
        ("valid_from", "2026-12-01"),
        ("valid_until", "2027-02-28"),
        ("opens", "18:00"),
        ("closes", "02:00"),
        ("per_person", "3"),
    ];
    // Not before the shop says where it is: the form comes back saying so.
    let r = app.submit(&browser, &format!("{shop_page}/products"), &voucher).await;
    assert_eq!(r.status(), StatusCode::OK);
    let said = r.text().await.unwrap();
    assert!(said.contains("set where the shop is first"), "{}", &said[said.find("error").unwrap_or(0)..][..300]);
    let at = [("city", "shanghai"), ("address", "1 Tea Lane"), ("radius_m", "3000")];
    assert_eq!(app.submit(&browser, &format!("{shop_page}/location"), &at).await.status(), StatusCode::SEE_OTHER);
    let r = app.submit(&browser, &format!("{shop_page}/products"), &voucher).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let product: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    let terms: Value = app.get(&format!("/api/v1/products/{product}/voucher"), None).await.json().await.unwrap();
    assert_eq!(
        (terms["covers"].as_str(), terms["opens_minute"].as_i64(), terms["closes_minute"].as_i64()),
        (Some("Tea for two"), Some(1080), Some(120))
    );
    assert_eq!((terms["per_person"].as_i64(), terms["refund_unused"].as_i64()), (Some(3), Some(0)), "an unticked box is no refund");
    let edit = format!("/merchant/products/{product}");
    let page = app.client.get(app.url(&edit)).header("cookie", &browser.cookie).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("value=\"2027-02-28\"") && !page.contains("/deals\""), "its terms to change, no flash deal form");
    let changed = [
        ("covers", "Tea and cakes for two"),
        ("valid_from", "2026-12-01"),
        ("valid_until", "2027-03-31"),
        ("opens", "10:00"),
        ("closes", "22:00"),
        ("per_person", "2"),
        ("refund_unused", "on"),
    ];
    assert_eq!(app.submit(&browser, &format!("{edit}/voucher"), &changed).await.status(), StatusCode::SEE_OTHER);
    let terms: Value = app.get(&format!("/api/v1/products/{product}/voucher"), None).await.json().await.unwrap();
    assert_eq!((terms["covers"].as_str(), terms["refund_unused"].as_i64()), (Some("Tea and cakes for two"), Some(1)));
    let wrong = [
        ("covers", "x"),
        ("valid_from", "2027-03-31"),
        ("valid_until", "2026-12-01"),
        ("opens", "10:00"),
        ("closes", "22:00"),
        ("per_person", "2"),
    ];
    let r = app.submit(&browser, &format!("{edit}/voucher"), &wrong).await;
    assert_eq!(r.status(), StatusCode::OK, "the page again, saying what is wrong");
    // Goods have no voucher terms to change.
    let goods = format!("/merchant/products/{}/voucher", f.product_id);
    assert_eq!(app.submit(&browser, &goods, &changed).await.status(), StatusCode::OK, "the page again, saying so");
    assert_eq!(app.get(&format!("/api/v1/products/{}/voucher", f.product_id), None).await.status(), StatusCode::NOT_FOUND);
    let stranger = app.sign_up("stranger").await;
    let theirs = app.browser(&stranger).await;
    assert_eq!(app.submit(&theirs, &format!("{edit}/voucher"), &changed).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_terms_bought_are_kept_and_no_refund_exceeds_what_is_left() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let (product, sku) = barber_voucher(&app, &f, 2).await;
    // Parallel checkouts of the whole allowance: one goes through, however they interleave.
    let buyer = app.sign_up("customer").await;
    let keys: Vec<String> = (0..6).map(|k| format!("race-{k}")).collect();
    let tries = keys.iter().map(|key| app.order(&buyer, sku, 2, key));
    let placed = futures_util::future::join_all(tries).await.iter().filter(|r| r.status() == StatusCode::CREATED).count();
    assert_eq!(placed, 1, "two per person, whatever arrives at once");
    let r: Value = app.get("/api/v1/orders", Some(&buyer.token)).await.json().await.unwrap();
    let order = r["items"][0]["id"].as_i64().unwrap();
    // The shop turns the terms into ones nobody would buy before the buyer pays: what was bought is issued.
    let today = local_date(app.clock.now(), 480);
    let harsh = json!({"covers": "A haircut", "valid_from": today, "valid_until": today, "opens": "03:00", "closes": "04:00", "refund_unused": false});
    let r = app.put(&format!("/api/v1/products/{product}/voucher"), Some(&f.merchant.token), &harsh).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let past = json!({"covers": "x", "valid_from": "2020-01-01", "valid_until": "2020-01-31", "opens": "10:00", "closes": "22:00"});
    let r = app.put(&format!("/api/v1/products/{product}/voucher"), Some(&f.merchant.token), &past).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(app.pay(&buyer, order).await.status().is_redirection());
    let issued = vouchers_of(&app, &buyer, order).await;
    assert!(issued.iter().all(|v| v["refund_unused"] == 1 && v["opens_minute"] == 0), "{issued:?}");

    // The shop refunds part of the order; the buyer's refund and expiry never give back more than is left.
    let r = app
        .post(&format!("/api/v1/orders/{order}/refunds"), Some(&f.merchant.token), &json!({"amount_minor": 3_000, "reason": "late"}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
    let r = app.post(&format!("/api/v1/vouchers/{}/refund", issued[0]["id"]), Some(&buyer.token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let o: Value = app.get(&format!("/api/v1/orders/{order}"), Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!(o["refunded_minor"].as_i64(), Some(9_800), "its whole share: enough is left");
    app.clock.advance_seconds(3 * DAY_S);
    assert_eq!(expire_vouchers::run_once(&app.state).await.unwrap(), 1);
    let o: Value = app.get(&format!("/api/v1/orders/{order}"), Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!((o["status"].as_str(), o["refunded_minor"].as_i64()), (Some("refunded"), Some(13_600)));
}
