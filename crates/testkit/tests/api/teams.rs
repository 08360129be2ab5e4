use haul_server::workers::close_teams;
use haul_testkit::{Account, Fixture, TestApp, assert_error, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A ¥19.90 product with a team offer of `size` at ¥12.90 in an hour.
async fn offer(app: &TestApp, stock: i64, size: i64, extra: Value) -> (Fixture, i64) {
    let f = app.shop_with_product(1990, stock).await;
    let mut body = json!({"sku_id": f.sku_id, "team_size": size, "time_limit_seconds": 3600, "team_price_minor": 1290});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let r = app.post("/api/v1/team-offers", Some(&f.merchant.token), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let offer: Value = r.json().await.unwrap();
    (f, offer["id"].as_i64().unwrap())
}

async fn seat(app: &TestApp, who: &Account, path: &str, key: &str) -> reqwest::Response {
    app.request(Method::POST, path, Some(&who.token)).header("Idempotency-Key", key).send().await.unwrap()
}

/// Opens a team and pays for it: returns (team id, opener's order id).
async fn open_paid(app: &TestApp, opener: &Account, offer: i64) -> (i64, i64) {
    let r = seat(app, opener, &format!("/api/v1/team-offers/{offer}/teams"), "open").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let order: Value = r.json().await.unwrap();
    assert_eq!(order["total_minor"], 1290);
    let team = order["team_id"].as_i64().unwrap();
    let view: Value = app.get(&format!("/api/v1/teams/{team}"), None).await.json().await.unwrap();
    assert_eq!(view["status"], "opening", "the clock starts when the opener pays");
    app.pay(opener, order["id"].as_i64().unwrap()).await;
    (team, order["id"].as_i64().unwrap())
}

async fn join_paid(app: &TestApp, who: &Account, team: i64) -> i64 {
    let r = seat(app, who, &format!("/api/v1/teams/{team}/join"), "join").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.pay(who, id).await;
    id
}

async fn team(app: &TestApp, team: i64) -> Value {
    app.get(&format!("/api/v1/teams/{team}"), None).await.json().await.unwrap()
}

#[tokio::test]
async fn a_team_completes_when_its_last_member_pays_and_fulfilment_starts() {
    let app = spawn_app().await;
    let (f, offer) = offer(&app, 10, 3, json!({})).await;
    let opener = app.sign_up("opener").await;
    let (t, first) = open_paid(&app, &opener, offer).await;
    let view = team(&app, t).await;
    assert_eq!((view["status"].as_str(), view["members"].as_i64(), view["needed"].as_i64()), (Some("forming"), Some(1), Some(2)));
    assert_eq!(view["share_path"], format!("/teams/{t}"));
    assert!(view["seconds_left"].as_i64().unwrap() > 3500);
    // Paid but not complete: the merchant may not prepare it yet.
    let r = app.post(&format!("/api/v1/orders/{first}/status"), Some(&f.merchant.token), &json!({"status": "fulfilling"})).await;
    assert_error(r, StatusCode::CONFLICT, "team_not_complete").await;
    let second = join_paid(&app, &app.sign_up("friend").await, t).await;
    let third = join_paid(&app, &app.sign_up("neighbour").await, t).await;
    let view = team(&app, t).await;
    assert_eq!(view["status"], "complete");
    assert_eq!(view["member_list"].as_array().unwrap().len(), 3);
    assert_eq!(view["member_list"][0]["is_opener"], 1);
    for id in [first, second, third] {
        let o: Value = app.get(&format!("/api/v1/orders/{id}"), Some(&f.merchant.token)).await.json().await.unwrap();
        assert_eq!((o["status"].as_str(), o["refunded_minor"].as_i64()), (Some("fulfilling"), Some(0)));
    }
    assert_eq!(app.stock(f.product_id).await, 7);
    // A complete team takes nobody else.
    let r = seat(&app, &app.sign_up("late").await, &format!("/api/v1/teams/{t}/join"), "k").await;
    assert_error(r, StatusCode::CONFLICT, "team_closed").await;
}

#[tokio::test]
async fn a_team_that_does_not_fill_in_time_refunds_every_member_exactly_once() {
    let app = spawn_app().await;
    let (f, offer) = offer(&app, 10, 3, json!({})).await;
    let (t, first) = open_paid(&app, &app.sign_up("opener").await, offer).await;
    let second = join_paid(&app, &app.sign_up("friend").await, t).await;
    // A third takes the last seat but never pays.
    let idle = app.sign_up("idle").await;
    let r = seat(&app, &idle, &format!("/api/v1/teams/{t}/join"), "j").await;
    let unpaid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(team(&app, t).await["seats"], 3);
    assert_error(
        seat(&app, &app.sign_up("fourth").await, &format!("/api/v1/teams/{t}/join"), "j").await,
        StatusCode::CONFLICT,
        "team_full",
    )
    .await;
    assert_eq!(close_teams::run_once(&app.state).await.unwrap(), 0, "not due yet");
    app.clock.advance_seconds(3600);
    assert_eq!(close_teams::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(close_teams::run_once(&app.state).await.unwrap(), 0, "a second run finds nothing");
    assert_eq!(app.state.db.close_team(haul_domain::ids::TeamId(t), app.state.clock.now()).await.unwrap(), None);
    assert_eq!(team(&app, t).await["status"], "failed");
    for (id, status, refunded) in [(first, "refunded", 1290), (second, "refunded", 1290), (unpaid, "cancelled", 0)] {
        let o: Value = app.get(&format!("/api/v1/orders/{id}"), Some(&f.merchant.token)).await.json().await.unwrap();
        assert_eq!((o["status"].as_str(), o["refunded_minor"].as_i64()), (Some(status), Some(refunded)), "order {id}");
        let refunds = app.state.db.refunds_of_order(haul_domain::ids::OrderId(id)).await.unwrap();
        assert_eq!(refunds.len(), usize::from(status == "refunded"));
    }
    assert_eq!(app.stock(f.product_id).await, 10, "every unit came back");
    assert!(app.state.db.unbalanced_transactions().await.unwrap().is_empty());
}

#[tokio::test]
async fn price_tiers_fall_as_more_join_and_the_difference_is_refunded() {
    let app = spawn_app().await;
    let tiers = json!({"max_size": 4, "tiers": [{"members": 4, "price_minor": 990}, {"members": 3, "price_minor": 1190}]});
    let (f, offer) = offer(&app, 10, 2, tiers).await;
    let (t, first) = open_paid(&app, &app.sign_up("opener").await, offer).await;
    assert_eq!(team(&app, t).await["price_now_minor"], 1290);
    join_paid(&app, &app.sign_up("b").await, t).await;
    join_paid(&app, &app.sign_up("c").await, t).await;
    assert_eq!(team(&app, t).await["price_now_minor"], 1190, "three joined: the tier applies");
    assert_eq!(team(&app, t).await["status"], "forming", "seats left; it closes when full or at the deadline");
    join_paid(&app, &app.sign_up("d").await, t).await;
    let view = team(&app, t).await;
    assert_eq!((view["status"].as_str(), view["final_price_minor"].as_i64()), (Some("complete"), Some(990)));
    let o: Value = app.get(&format!("/api/v1/orders/{first}"), Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!((o["status"].as_str(), o["refunded_minor"].as_i64()), (Some("fulfilling"), Some(300)));
    assert!(app.state.db.unbalanced_transactions().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_joins_never_exceed_the_team_size() {
    let app = spawn_app().await;
    let (_, offer) = offer(&app, 100, 3, json!({})).await;
    let (t, _) = open_paid(&app, &app.sign_up("opener").await, offer).await;
    let mut crowd = tokio::task::JoinSet::new();
    for i in 0..12 {
        let who = app.sign_up(&format!("j{i}")).await;
        let req = app.request(Method::POST, &format!("/api/v1/teams/{t}/join"), Some(&who.token)).header("Idempotency-Key", "j");
        crowd.spawn(async move { req.send().await.unwrap().status() });
    }
    let answers = crowd.join_all().await;
    assert_eq!(answers.iter().filter(|s| **s == StatusCode::CREATED).count(), 2);
    assert!(answers.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT));
    assert_eq!(team(&app, t).await["seats"], 3);
}

#[tokio::test]
async fn retries_get_the_first_seat_and_nobody_sits_twice() {
    let app = spawn_app().await;
    let (_, offer) = offer(&app, 10, 3, json!({})).await;
    let opener = app.sign_up("opener").await;
    let path = format!("/api/v1/team-offers/{offer}/teams");
    let a: Value = seat(&app, &opener, &path, "same").await.json().await.unwrap();
    let b: Value = seat(&app, &opener, &path, "same").await.json().await.unwrap();
    assert_eq!(a, b);
    let t = a["team_id"].as_i64().unwrap();
    app.pay(&opener, a["id"].as_i64().unwrap()).await;
    let r = seat(&app, &opener, &format!("/api/v1/teams/{t}/join"), "again").await;
    assert_error(r, StatusCode::CONFLICT, "already_in_team").await;
    // An opener who never pays abandons the team, and its unit comes back.
    let lazy = app.sign_up("lazy").await;
    let o: Value = seat(&app, &lazy, &path, "x").await.json().await.unwrap();
    app.clock.advance_seconds(app.state.config.payment_timeout_seconds + 1);
    haul_server::workers::expire_unpaid::run_once(&app.state).await.unwrap();
    assert_eq!(team(&app, o["team_id"].as_i64().unwrap()).await["status"], "abandoned");
}

#[tokio::test]
async fn bad_team_offers_are_refused() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let base = |extra: Value| {
        let mut b = json!({"sku_id": f.sku_id, "team_size": 3, "time_limit_seconds": 3600, "team_price_minor": 1290});
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        b
    };
    for (extra, code) in [
        (json!({"team_size": 1}), "validation_failed"),
        (json!({"time_limit_seconds": 5}), "validation_failed"),
        (json!({"max_size": 5, "tiers": [{"members": 4, "price_minor": 1500}]}), "validation_failed"),
        (json!({"team_price_minor": -1}), "amount_out_of_range"),
    ] {
        let r = app.post("/api/v1/team-offers", Some(&f.merchant.token), &base(extra.clone())).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, code).await;
    }
    let stranger = app.sign_up("stranger").await;
    assert_error(app.post("/api/v1/team-offers", Some(&stranger.token), &base(json!({}))).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(app.post("/api/v1/team-offers", None, &base(json!({}))).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn a_team_close_cut_short_midway_leaves_nothing_done_and_the_rerun_refunds_once() {
    let app = spawn_app().await;
    let (f, offer) = offer(&app, 10, 3, json!({})).await;
    let (t, first) = open_paid(&app, &app.sign_up("opener").await, offer).await;
    let second = join_paid(&app, &app.sign_up("friend").await, t).await;
    app.clock.advance_seconds(3600);
    crate::community::crash_on_second_refund(&app, true).await;
    assert!(close_teams::run_once(&app.state).await.is_err(), "the close fails midway");
    assert_eq!(team(&app, t).await["status"], "forming", "nothing of the failed close is left");
    for id in [first, second] {
        assert_eq!(app.order_status(&f.merchant.token, id).await, "paid");
    }
    crate::community::crash_on_second_refund(&app, false).await;
    assert_eq!(close_teams::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(close_teams::run_once(&app.state).await.unwrap(), 0);
    for id in [first, second] {
        assert_eq!(app.order_status(&f.merchant.token, id).await, "refunded");
        assert_eq!(app.state.db.refunds_of_order(haul_domain::ids::OrderId(id)).await.unwrap().len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_shopper_racing_with_different_keys_gets_one_seat() {
    let app = spawn_app().await;
    let (_, offer) = offer(&app, 100, 5, json!({})).await;
    let (t, _) = open_paid(&app, &app.sign_up("opener").await, offer).await;
    let eager = app.sign_up("eager").await;
    let mut taps = tokio::task::JoinSet::new();
    for i in 0..6 {
        let req =
            app.request(Method::POST, &format!("/api/v1/teams/{t}/join"), Some(&eager.token)).header("Idempotency-Key", format!("tap{i}"));
        taps.spawn(async move { req.send().await.unwrap().status() });
    }
    let answers = taps.join_all().await;
    assert_eq!(answers.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{answers:?}");
    assert_eq!(team(&app, t).await["seats"], 2);
}
