use haul_server::workers::close_campaigns;
use haul_testkit::{Account, Fixture, TestApp, assert_error, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Sanlitun, Beijing; the store is about 1.3 km away.
const PICKUP: (f64, f64) = (39.9149, 116.4105);
const STORE: (f64, f64) = (39.9087, 116.3975);

struct Setup {
    store: Fixture,
    /// A second product of the store.
    other_sku: i64,
    leader: Account,
    community: i64,
}

/// A store with a location, and an approved leader whose pickup point it reaches.
async fn setup(app: &TestApp) -> Setup {
    let store = app.shop_with_product(1990, 50).await;
    let r = app
        .post(
            "/api/v1/products",
            Some(&store.merchant.token),
            &json!({"shop_id": store.shop_id, "title": "Eggs 30", "skus": [{"code": "E30", "options": "30 eggs", "price_minor": 2500, "stock": 50}]}),
        )
        .await;
    let product = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let detail: Value = app.get(&format!("/api/v1/products/{product}"), None).await.json().await.unwrap();
    let other_sku = detail["skus"][0]["id"].as_i64().unwrap();
    let r = app
        .send_json(
            Method::PUT,
            &format!("/api/v1/shops/{}/location", store.shop_id),
            Some(&store.merchant.token),
            &json!({"lat": STORE.0, "lng": STORE.1}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // The store lets leaders sell both products, from its lowest prices.
    for (sku, min) in [(store.sku_id, 1500), (other_sku, 2000)] {
        let path = format!("/api/v1/shops/{}/leader-offers/{sku}", store.shop_id);
        let r = app.send_json(Method::PUT, &path, Some(&store.merchant.token), &json!({"min_price_minor": min})).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let leader = app.sign_up("leader").await;
    let application = json!({"name": "Sanlitun North", "area": "Chaoyang", "pickup_address": "Gate 2, Building 5", "pickup_hours": "08:00-21:00",
        "lat": PICKUP.0, "lng": PICKUP.1});
    let r = app.post("/api/v1/communities", Some(&leader.token), &application).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["status"], "applied");
    let community = c["id"].as_i64().unwrap();
    // Not public until approved; only operators decide.
    assert_eq!(app.get(&format!("/api/v1/communities/{community}"), None).await.status(), StatusCode::NOT_FOUND);
    let r = app.post(&format!("/api/v1/communities/{community}/decision"), Some(&leader.token), &json!({"approve": true})).await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let operator = app.sign_up("operator").await;
    app.make_operator(&operator).await;
    let queue: Value = app.get("/api/v1/communities?status=applied", Some(&operator.token)).await.json().await.unwrap();
    assert_eq!(queue["items"][0]["id"], community);
    let r = app.post(&format!("/api/v1/communities/{community}/decision"), Some(&operator.token), &json!({"approve": true})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "approved");
    let me: Value = app.get("/api/v1/me", Some(&leader.token)).await.json().await.unwrap();
    assert_eq!(me["user"]["role"], "group_leader");
    Setup { store, other_sku, leader, community }
}

async fn publish(app: &TestApp, s: &Setup, body: Value) -> Value {
    let r = app.post("/api/v1/campaigns", Some(&s.leader.token), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

/// A campaign of the store's first product that needs 10 units, closing in an hour.
async fn needs_ten(app: &TestApp, s: &Setup) -> Value {
    let body = json!({"shop_id": s.store.shop_id, "title": "Needs ten", "cutoff_at": in_an_hour(app), "threshold_units": 10,
        "items": [{"sku_id": s.store.sku_id}]});
    publish(app, s, body).await
}

fn in_an_hour(app: &TestApp) -> i64 {
    (app.clock_now_seconds() + 3600) * 1000
}

/// A resident joins, orders `lines` of (item index, quantity) and pays.
async fn resident_orders(app: &TestApp, s: &Setup, campaign: &Value, name: &str, lines: &[(usize, i64)]) -> (Account, Value) {
    let who = app.sign_up(name).await;
    let r = app.post(&format!("/api/v1/communities/{}/join", s.community), Some(&who.token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let items: Vec<Value> = lines.iter().map(|(i, q)| json!({"item_id": campaign["items"][*i]["id"], "quantity": q})).collect();
    let r = app
        .request(Method::POST, &format!("/api/v1/campaigns/{}/orders", campaign["id"]), Some(&who.token))
        .header("Idempotency-Key", "order")
        .json(&json!({"items": items}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let order: Value = r.json().await.unwrap();
    app.pay(&who, order["id"].as_i64().unwrap()).await;
    (who, order)
}

async fn status_of(app: &TestApp, who: &Account, order: &Value) -> (String, i64) {
    let o: Value = app.get(&format!("/api/v1/orders/{}", order["id"]), Some(&who.token)).await.json().await.unwrap();
    (o["status"].as_str().unwrap().to_owned(), o["refunded_minor"].as_i64().unwrap())
}

#[tokio::test]
async fn a_campaign_closes_at_its_cutoff_into_a_supply_order_and_pickup_codes_hand_orders_over() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let stores: Value = app.get(&format!("/api/v1/communities/{}/stores", s.community), None).await.json().await.unwrap();
    assert_eq!(stores[0]["shop_id"], s.store.shop_id);
    assert!((1200..1400).contains(&stores[0]["distance_m"].as_i64().unwrap()));
    let campaign = publish(
        &app,
        &s,
        json!({"shop_id": s.store.shop_id, "title": "Friday fruit", "cutoff_at": in_an_hour(&app), "threshold_units": 4,
            "items": [{"sku_id": s.store.sku_id, "price_minor": 1590}, {"sku_id": s.other_sku}]}),
    )
    .await;
    assert_eq!(campaign["items"][0]["price_minor"], 1590, "the leader's price");
    assert_eq!(campaign["items"][1]["price_minor"], 2500, "the store's price");
    let (ann, ann_order) = resident_orders(&app, &s, &campaign, "ann", &[(0, 2), (1, 1)]).await;
    assert_eq!(ann_order["total_minor"], 2 * 1590 + 2500);
    let (bob, bob_order) = resident_orders(&app, &s, &campaign, "bob", &[(0, 3)]).await;
    // A stranger must join first.
    let stranger = app.sign_up("stranger").await;
    let item = campaign["items"][0]["id"].clone();
    let path = format!("/api/v1/campaigns/{}/orders", campaign["id"]);
    let order = |who: &Account| {
        app.request(Method::POST, &path, Some(&who.token))
            .header("Idempotency-Key", "o")
            .json(&json!({"items": [{"item_id": item, "quantity": 1}]}))
    };
    assert_error(order(&stranger).send().await.unwrap(), StatusCode::CONFLICT, "not_a_member").await;
    assert_eq!(close_campaigns::run_once(&app.state).await.unwrap(), 0, "not before the cut-off");
    app.clock.advance_seconds(3600);
    let r = app.post(&format!("/api/v1/communities/{}/join", s.community), Some(&stranger.token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_error(order(&stranger).send().await.unwrap(), StatusCode::CONFLICT, "campaign_closed").await;
    assert_eq!(close_campaigns::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(close_campaigns::run_once(&app.state).await.unwrap(), 0);
    let id = campaign["id"].as_i64().unwrap();
    let closed: Value = app.get(&format!("/api/v1/campaigns/{id}"), None).await.json().await.unwrap();
    assert_eq!(closed["status"], "succeeded");
    let supply: Value = app.get(&format!("/api/v1/campaigns/{id}/supply-order"), Some(&s.store.merchant.token)).await.json().await.unwrap();
    let lines: Vec<(i64, i64)> =
        supply["lines"].as_array().unwrap().iter().map(|l| (l["sku_id"].as_i64().unwrap(), l["quantity"].as_i64().unwrap())).collect();
    assert!(lines.contains(&(s.store.sku_id, 5)) && lines.contains(&(s.other_sku, 1)) && lines.len() == 2, "{lines:?}");
    assert_eq!(supply["total_minor"], 5 * 1590 + 2500);
    let listed: Value =
        app.get(&format!("/api/v1/shops/{}/supply-orders", s.store.shop_id), Some(&s.store.merchant.token)).await.json().await.unwrap();
    assert_eq!(listed["items"][0]["campaign_id"], id);
    assert_eq!(status_of(&app, &ann, &ann_order).await.0, "fulfilling");
    // Codes are checked once the delivery is there.
    let code = |o: &Value| json!({"code": o["pickup_code"]});
    let r = app.post(&format!("/api/v1/campaigns/{id}/pickups"), Some(&s.leader.token), &code(&ann_order)).await;
    assert_error(r, StatusCode::CONFLICT, "not_ready_for_pickup").await;
    let r = app.post(&format!("/api/v1/campaigns/{id}/arrived"), Some(&s.store.merchant.token), &json!({})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["orders"], 2);
    let r = app.post(&format!("/api/v1/campaigns/{id}/pickups"), Some(&bob.token), &code(&bob_order)).await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let r = app.post(&format!("/api/v1/campaigns/{id}/pickups"), Some(&s.leader.token), &code(&ann_order)).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "completed");
    let r = app.post(&format!("/api/v1/campaigns/{id}/pickups"), Some(&s.leader.token), &code(&ann_order)).await;
    assert_error(r, StatusCode::CONFLICT, "already_collected").await;
    let wrong = if bob_order["pickup_code"] == "000000" { "000001" } else { "000000" };
    let wrong = if ann_order["pickup_code"] == wrong { "999999" } else { wrong };
    let r = app.post(&format!("/api/v1/campaigns/{id}/pickups"), Some(&s.leader.token), &json!({"code": wrong})).await;
    assert_error(r, StatusCode::CONFLICT, "pickup_code_unknown").await;
    for bad in ["12\u{0}456", "12345", "abcdef", ""] {
        let r = app.post(&format!("/api/v1/campaigns/{id}/pickups"), Some(&s.leader.token), &json!({"code": bad})).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    // 10% of ann's 56.80 is the leader's, less the platform's 10% of that.
    let commission: Value = app.get("/api/v1/leader/commission", Some(&s.leader.token)).await.json().await.unwrap();
    assert_eq!((commission[0]["total_minor"].as_i64(), commission[0]["orders"].as_i64()), (Some(568 - 56), Some(1)));
    // Bob's order waits; after the grace period it is flagged.
    app.clock.advance_seconds(app.state.config.pickup_grace_hours * 3600);
    let list: Value = app.get(&format!("/api/v1/campaigns/{id}/pickup-list"), Some(&s.leader.token)).await.json().await.unwrap();
    let flags: Vec<(String, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["buyer_name"].as_str().unwrap().to_owned(), e["uncollected"].as_bool().unwrap()))
        .collect();
    assert_eq!(flags, vec![("ann".to_owned(), false), ("bob".to_owned(), true)]);
    assert!(app.state.db.unbalanced_transactions().await.unwrap().is_empty());
}

#[tokio::test]
async fn below_the_threshold_every_order_is_refunded_once_and_unpaid_ones_cancelled() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let campaign = needs_ten(&app, &s).await;
    let (ann, ann_order) = resident_orders(&app, &s, &campaign, "ann", &[(0, 2)]).await;
    let idle = app.sign_up("idle").await;
    app.post(&format!("/api/v1/communities/{}/join", s.community), Some(&idle.token), &json!({})).await;
    let r = app
        .request(Method::POST, &format!("/api/v1/campaigns/{}/orders", campaign["id"]), Some(&idle.token))
        .header("Idempotency-Key", "o")
        .json(&json!({"items": [{"item_id": campaign["items"][0]["id"], "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    let unpaid: Value = r.json().await.unwrap();
    assert!(unpaid["pay_by"].as_i64().unwrap() <= in_an_hour(&app), "pay by the cut-off at the latest");
    assert_eq!(app.stock(s.store.product_id).await, 47);
    app.clock.advance_seconds(3600);
    let id = haul_domain::ids::CampaignId(campaign["id"].as_i64().unwrap());
    assert_eq!(close_campaigns::run_once(&app.state).await.unwrap(), 1);
    // A restart that runs the close again changes nothing.
    assert_eq!(app.state.db.close_campaign(id, app.state.clock.now()).await.unwrap(), None);
    assert_eq!(status_of(&app, &ann, &ann_order).await, ("refunded".to_owned(), 1990 * 2));
    assert_eq!(status_of(&app, &idle, &unpaid).await.0, "cancelled");
    assert_eq!(app.state.db.refunds_of_order(haul_domain::ids::OrderId(ann_order["id"].as_i64().unwrap())).await.unwrap().len(), 1);
    assert_eq!(app.stock(s.store.product_id).await, 50);
    let c: Value = app.get(&format!("/api/v1/campaigns/{}", id.get()), None).await.json().await.unwrap();
    assert_eq!(c["status"], "failed");
    let r = app.get(&format!("/api/v1/campaigns/{}/supply-order", id.get()), Some(&s.leader.token)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_product_below_its_own_threshold_is_dropped_and_its_lines_refunded() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let campaign = publish(
        &app,
        &s,
        json!({"shop_id": s.store.shop_id, "title": "Eggs need 5", "cutoff_at": in_an_hour(&app),
            "items": [{"sku_id": s.store.sku_id}, {"sku_id": s.other_sku, "threshold_units": 5}]}),
    )
    .await;
    let (ann, ann_order) = resident_orders(&app, &s, &campaign, "ann", &[(0, 1), (1, 2)]).await;
    let (bob, bob_order) = resident_orders(&app, &s, &campaign, "bob", &[(1, 1)]).await;
    app.clock.advance_seconds(3600);
    close_campaigns::run_once(&app.state).await.unwrap();
    assert_eq!(status_of(&app, &ann, &ann_order).await, ("fulfilling".to_owned(), 2 * 2500));
    assert_eq!(status_of(&app, &bob, &bob_order).await, ("refunded".to_owned(), 2500));
    let c: Value = app.get(&format!("/api/v1/campaigns/{}", campaign["id"]), None).await.json().await.unwrap();
    assert_eq!((c["items"][0]["status"].as_str(), c["items"][1]["status"].as_str()), (Some("kept"), Some("dropped")));
    let supply: Value =
        app.get(&format!("/api/v1/campaigns/{}/supply-order", campaign["id"]), Some(&s.leader.token)).await.json().await.unwrap();
    assert_eq!(supply["lines"].as_array().unwrap().len(), 1);
    let detail: Value = app.get(&format!("/api/v1/products/{}", s.store.product_id), None).await.json().await.unwrap();
    assert_eq!(detail["skus"][0]["stock"], 49);
    assert!(app.state.db.unbalanced_transactions().await.unwrap().is_empty());
}

#[tokio::test]
async fn leaders_sell_only_from_stores_that_reach_them_and_only_ahead_of_the_cutoff() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let far = app.shop_with_product(990, 10).await;
    app.send_json(
        Method::PUT,
        &format!("/api/v1/shops/{}/location", far.shop_id),
        Some(&far.merchant.token),
        &json!({"lat": 39.9087, "lng": 116.5}),
    )
    .await;
    let body = |shop: i64, sku: i64, extra: Value| {
        let mut b = json!({"shop_id": shop, "title": "T", "cutoff_at": in_an_hour(&app), "items": [{"sku_id": sku}]});
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        b
    };
    let post = |b: Value| app.request(Method::POST, "/api/v1/campaigns", Some(&s.leader.token)).json(&b).send();
    assert_error(post(body(far.shop_id, far.sku_id, json!({}))).await.unwrap(), StatusCode::CONFLICT, "store_out_of_range").await;
    assert_error(post(body(s.store.shop_id, far.sku_id, json!({}))).await.unwrap(), StatusCode::CONFLICT, "mixed_shops").await;
    let past = json!({"cutoff_at": app.clock_now_seconds() * 1000});
    assert_error(post(body(s.store.shop_id, s.store.sku_id, past)).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    for bad in [
        json!({"cutoff": "24:00", "cutoff_at": null}),
        json!({"delivery_date": "2020-01-01"}),
        json!({"threshold_units": -1}),
        json!({"items": []}),
        json!({"title": "a\u{0}b"}),
    ] {
        assert_error(
            post(body(s.store.shop_id, s.store.sku_id, bad)).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
    let huge = json!({"items": [{"sku_id": s.store.sku_id, "price_minor": i64::MAX}]});
    let r = post(body(s.store.shop_id, s.store.sku_id, huge)).await.unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "amount_out_of_range").await;
    // "23:00" is the next 23:00 in the leader's time zone (UTC+8 by default).
    let c = publish(&app, &s, body(s.store.shop_id, s.store.sku_id, json!({"cutoff": "23:00", "cutoff_at": null}))).await;
    let cutoff = c["cutoff_at"].as_i64().unwrap();
    let now = app.clock_now_seconds() * 1000;
    assert!(cutoff > now && cutoff <= now + 86_400_000);
    assert_eq!((cutoff + 8 * 3_600_000).rem_euclid(86_400_000), 23 * 3_600_000);
    // Someone who leads nothing cannot publish.
    let r = app.post("/api/v1/campaigns", Some(&far.merchant.token), &body(s.store.shop_id, s.store.sku_id, json!({}))).await;
    assert_error(r, StatusCode::FORBIDDEN, "not_a_leader").await;
    let again = json!({"name": "x", "area": "y", "pickup_address": "z", "pickup_hours": "h", "lat": 1.0, "lng": 1.0});
    assert_error(app.post("/api/v1/communities", Some(&s.leader.token), &again).await, StatusCode::CONFLICT, "already_applied").await;
    let bad = json!({"name": "x", "area": "y", "pickup_address": "z", "pickup_hours": "h", "lat": 91.0, "lng": 1.0});
    assert_error(
        app.post("/api/v1/communities", Some(&far.merchant.token), &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

/// Makes the second refund of any transaction fail, as a power cut in the
/// middle of a close would: on a connection of its own, like an operator's.
pub async fn crash_on_second_refund(app: &TestApp, on: bool) {
    let url = app.state.config.database_url();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url).await.unwrap();
    let postgres = url.starts_with("postgres");
    let statements = match (on, postgres) {
        (true, false) => vec![
            "CREATE TRIGGER crash_midway BEFORE INSERT ON refunds WHEN (SELECT COUNT(*) FROM refunds) >= 1 \
             BEGIN SELECT RAISE(ABORT, 'power cut'); END",
        ],
        (true, true) => vec![
            "CREATE FUNCTION crash_midway() RETURNS trigger AS $$ BEGIN IF (SELECT COUNT(*) FROM refunds) >= 1 THEN \
             RAISE EXCEPTION 'power cut'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER crash_midway BEFORE INSERT ON refunds FOR EACH ROW EXECUTE FUNCTION crash_midway()",
        ],
        (false, false) => vec!["DROP TRIGGER crash_midway"],
        (false, true) => vec!["DROP TRIGGER crash_midway ON refunds"],
    };
    for s in statements {
        sqlx::Executor::execute(&mut conn, sqlx::AssertSqlSafe(s)).await.unwrap();
    }
}

#[tokio::test]
async fn a_close_cut_short_midway_leaves_nothing_done_and_the_rerun_refunds_once() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let campaign = needs_ten(&app, &s).await;
    let mut orders = Vec::new();
    for name in ["ann", "bob", "cyd"] {
        orders.push(resident_orders(&app, &s, &campaign, name, &[(0, 1)]).await);
    }
    app.clock.advance_seconds(3600);
    crash_on_second_refund(&app, true).await;
    assert!(close_campaigns::run_once(&app.state).await.is_err(), "the close fails midway");
    let c: Value = app.get(&format!("/api/v1/campaigns/{}", campaign["id"]), None).await.json().await.unwrap();
    assert_eq!(c["status"], "open", "nothing of the failed close is left");
    for (who, order) in &orders {
        assert_eq!(status_of(&app, who, order).await, ("paid".to_owned(), 0));
    }
    crash_on_second_refund(&app, false).await;
    assert_eq!(close_campaigns::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(close_campaigns::run_once(&app.state).await.unwrap(), 0);
    for (who, order) in &orders {
        assert_eq!(status_of(&app, who, order).await, ("refunded".to_owned(), 1990));
        assert_eq!(app.state.db.refunds_of_order(haul_domain::ids::OrderId(order["id"].as_i64().unwrap())).await.unwrap().len(), 1);
    }
    assert!(app.state.db.unbalanced_transactions().await.unwrap().is_empty());
}

#[tokio::test]
async fn wrong_pickup_codes_are_limited_per_campaign_and_per_leader() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let publish_one = |title: &str| json!({"shop_id": s.store.shop_id, "title": title, "cutoff_at": in_an_hour(&app), "items": [{"sku_id": s.store.sku_id}]});
    let first = publish(&app, &s, publish_one("Friday fruit")).await["id"].as_i64().unwrap();
    let second = publish(&app, &s, publish_one("Saturday fruit")).await["id"].as_i64().unwrap();
    let app = &app;
    let token = s.leader.token.as_str();
    let guess = |campaign: i64, n: u32| async move {
        app.post(&format!("/api/v1/campaigns/{campaign}/pickups"), Some(token), &json!({"code": format!("{n:06}")})).await
    };
    let free = app.state.config.pickup_code_attempts;
    for n in 0..free {
        assert_error(guess(first, n).await, StatusCode::CONFLICT, "pickup_code_unknown").await;
    }
    assert_error(guess(first, 100).await, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    // The same leader cannot go on guessing in another campaign.
    assert_error(guess(second, 101).await, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    // Each further guess waits longer: one after 30 s, then none for a minute.
    app.clock.advance_seconds(30);
    assert_error(guess(first, 102).await, StatusCode::CONFLICT, "pickup_code_unknown").await;
    assert_error(guess(first, 103).await, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}

#[tokio::test]
async fn leaders_sell_only_what_the_store_offers_and_never_below_its_minimum() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let body = |items: Value| json!({"shop_id": s.store.shop_id, "title": "Fruit", "cutoff_at": in_an_hour(&app), "items": items});
    let (app, token) = (&app, s.leader.token.as_str());
    let attempt = |items: Value| {
        let body = body(items);
        async move { app.post("/api/v1/campaigns", Some(token), &body).await }
    };
    for price in [0, 1, 1499] {
        let r = attempt(json!([{"sku_id": s.store.sku_id, "price_minor": price}])).await;
        assert_error(r, StatusCode::CONFLICT, "below_store_minimum").await;
    }
    // A SKU the store did not offer.
    let r = app
        .post(
            "/api/v1/products",
            Some(&s.store.merchant.token),
            &json!({"shop_id": s.store.shop_id, "title": "Milk", "skus": [{"code": "M", "price_minor": 900, "stock": 9}]}),
        )
        .await;
    let milk = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let milk_sku =
        app.get(&format!("/api/v1/products/{milk}"), None).await.json::<Value>().await.unwrap()["skus"][0]["id"].as_i64().unwrap();
    assert_error(attempt(json!([{"sku_id": milk_sku}])).await, StatusCode::CONFLICT, "not_offered_to_leaders").await;
    // Only the store's staff change its offers.
    let path = format!("/api/v1/shops/{}/leader-offers/{milk_sku}", s.store.shop_id);
    let r = app.send_json(Method::PUT, &path, Some(&s.leader.token), &json!({"min_price_minor": 0})).await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let offers: Value = app.get(&format!("/api/v1/shops/{}/leader-offers", s.store.shop_id), None).await.json().await.unwrap();
    assert_eq!(offers.as_array().unwrap().len(), 2);
    // At the minimum is fine; withdrawn, running campaigns keep their terms and no new one may sell it.
    let running = publish(app, &s, body(json!([{"sku_id": s.store.sku_id, "price_minor": 1500}]))).await;
    let path = format!("/api/v1/shops/{}/leader-offers/{}", s.store.shop_id, s.store.sku_id);
    assert_eq!(app.request(Method::DELETE, &path, Some(&s.store.merchant.token)).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_error(attempt(json!([{"sku_id": s.store.sku_id, "price_minor": 1990}])).await, StatusCode::CONFLICT, "not_offered_to_leaders")
        .await;
    let kept: Value = app.get(&format!("/api/v1/campaigns/{}", running["id"]), None).await.json().await.unwrap();
    assert_eq!((kept["status"].as_str(), kept["items"][0]["price_minor"].as_i64()), (Some("open"), Some(1500)));
    let (_, order) = resident_orders(app, &s, &running, "ann", &[(0, 1)]).await;
    assert_eq!(order["total_minor"], 1500);
    // The shop page offers the milk from ¥8.00.
    let browser = app.browser_of(&s.store.merchant).await;
    let form = [("sku_id", milk_sku.to_string()), ("min_price", "8.00".into()), ("action", "offer".into())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.submit(&browser, &format!("/merchant/shops/{}/leader-offers", s.store.shop_id), &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let offers: Value = app.get(&format!("/api/v1/shops/{}/leader-offers", s.store.shop_id), None).await.json().await.unwrap();
    let milk_offer = offers.as_array().unwrap().iter().find(|o| o["sku_id"] == milk_sku).cloned().unwrap();
    assert_eq!(milk_offer["min_price_minor"], 800);
}

#[tokio::test]
async fn a_cut_off_is_shown_in_the_pickup_points_time_with_its_zone_named() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    // 16:30 UTC is 00:30 the next day at a pickup point on Beijing time.
    let now = app.clock_now_seconds() * 1000;
    let cutoff = (now / 86_400_000 + 1) * 86_400_000 + 16 * 3_600_000 + 30 * 60_000;
    let body = json!({"shop_id": s.store.shop_id, "title": "Late cut-off", "cutoff_at": cutoff, "threshold_units": 1, "items": [{"sku_id": s.store.sku_id}]});
    publish(&app, &s, body).await;
    let page = |lang: &'static str| {
        let req = app.client.get(app.url(&format!("/communities/{}", s.community))).header("accept-language", lang);
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let local = haul_domain::community::local_date_time(haul_domain::Timestamp::from_millis(cutoff), 480);
    assert!(local.ends_with(" 00:30"), "{local}");
    assert!(page("zh-CN").await.contains(&format!("{local}（自提点时间 UTC+8）")));
    assert!(page("en").await.contains(&format!("{local} pickup point time (UTC+8)")));
}

#[tokio::test]
async fn a_community_order_goes_back_at_the_pickup_point_where_its_leader_confirms_the_return() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let campaign = publish(
        &app,
        &s,
        json!({"shop_id": s.store.shop_id, "title": "Eggs", "cutoff_at": in_an_hour(&app), "threshold_units": 1,
            "items": [{"sku_id": s.other_sku}]}),
    )
    .await;
    let (ann, order) = resident_orders(&app, &s, &campaign, "ann", &[(0, 2)]).await;
    app.clock.advance_seconds(3600);
    assert_eq!(close_campaigns::run_once(&app.state).await.unwrap(), 1);
    let id = campaign["id"].as_i64().unwrap();
    assert_eq!(
        app.post(&format!("/api/v1/campaigns/{id}/arrived"), Some(&s.store.merchant.token), &json!({})).await.status(),
        StatusCode::OK
    );
    let r = app.post(&format!("/api/v1/campaigns/{id}/pickups"), Some(&s.leader.token), &json!({"code": order["pickup_code"]})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "completed");
    let commission = || async {
        let c: Value = app.get("/api/v1/leader/commission", Some(&s.leader.token)).await.json().await.unwrap();
        c[0]["total_minor"].as_i64().unwrap()
    };
    assert_eq!(commission().await, 500 - 50, "10% of ¥50.00, less the platform's 10% of that");

    // One box of eggs goes back.
    let form = reqwest::multipart::Form::new()
        .text("line_id", order["lines"][0]["id"].to_string())
        .text("kind", "return_refund")
        .text("reason", "一盒碎了");
    let path = format!("/api/v1/orders/{}/aftersales", order["id"]);
    let r = app.request(Method::POST, &path, Some(&ann.token)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let case: Value = r.json().await.unwrap();
    let link = format!("/aftersales/{}", case["id"]);
    for who in [&s.store.merchant, &s.leader] {
        let news: Value = app.get("/api/v1/notifications", Some(&who.token)).await.json().await.unwrap();
        assert!(news["items"].as_array().unwrap().iter().any(|n| n["link"] == link), "the shop and the leader hear of it: {news}");
    }
    let actions = format!("/api/v1/aftersales/{}/actions", case["id"]);
    assert_eq!(app.post(&actions, Some(&s.store.merchant.token), &json!({"action": "accept"})).await.status(), StatusCode::OK);
    // The leader, not the resident, says the box is back at the pickup point.
    let confirm = json!({"action": "confirm_return"});
    assert_error(app.post(&actions, Some(&ann.token), &confirm).await, StatusCode::FORBIDDEN, "forbidden").await;
    let r = app.post(&actions, Some(&s.leader.token), &confirm).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "refunded");
    assert_eq!(status_of(&app, &ann, &order).await.1, 2_500);
    assert_eq!(commission().await, 250 - 25, "the returned box's commission came back");
    assert!(app.state.db.unbalanced_transactions().await.unwrap().is_empty());
}
