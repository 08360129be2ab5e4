//! Sales analytics: the rollups count paid orders and refunds once, the
//! best-seller lists and a shop's dashboard read them, and a rebuild from
//! the record gives the same figures.

use haul_server::workers::analytics;
use haul_testkit::{Account, TestApp, assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn best(app: &TestApp, query: &str) -> Vec<(i64, i64, i64)> {
    let r = app.get(&format!("/api/v1/best-sellers?{query}"), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let list: Value = r.json().await.unwrap();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["product_id"].as_i64().unwrap(), p["units"].as_i64().unwrap(), p["gmv_minor"].as_i64().unwrap()))
        .collect()
}

async fn dashboard(app: &TestApp, who: &Account, shop: i64) -> Value {
    let r = app.get(&format!("/api/v1/shops/{shop}/analytics"), Some(&who.token)).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn bought(app: &TestApp, who: &str, sku: i64, quantity: i64, pay: bool) -> (Account, i64) {
    let buyer = app.sign_up(who).await;
    let order = app.order_ok(&buyer, sku, quantity).await;
    if pay {
        app.pay(&buyer, order).await;
    }
    (buyer, order)
}

#[tokio::test]
async fn paid_sales_count_once_refunds_come_off_and_a_rebuild_agrees() {
    let app = spawn_app().await;
    let oranges = app.shop_with_product(1_000, 100).await;
    let tractor = app.shop_with_product(5_000, 100).await;
    let (_, paid) = bought(&app, "ann", oranges.sku_id, 3, true).await;
    bought(&app, "bob", tractor.sku_id, 1, true).await;
    bought(&app, "carol", oranges.sku_id, 2, false).await;
    assert_eq!(best(&app, "").await, vec![], "nothing counted before the worker runs");
    assert_eq!(analytics::run_once(&app.state).await.unwrap(), 2, "the two paid orders, not the unpaid ones");
    assert_eq!(analytics::run_once(&app.state).await.unwrap(), 0, "each once");
    assert_eq!(best(&app, "window=7d").await, vec![(oranges.product_id, 3, 3_000), (tractor.product_id, 1, 5_000)]);
    assert_eq!(best(&app, "by=gmv").await, vec![(tractor.product_id, 1, 5_000), (oranges.product_id, 3, 3_000)]);
    assert_eq!(best(&app, &format!("shop_id={}", tractor.shop_id)).await, vec![(tractor.product_id, 1, 5_000)]);
    assert_eq!(best(&app, "limit=1").await.len(), 1);

    // A third of the oranges' order comes back: a box in units, ¥10.00 of GMV.
    let body = json!({"amount_minor": 1_000, "reason": "one box bruised"});
    let r = app.post(&format!("/api/v1/orders/{paid}/refunds"), Some(&oranges.merchant.token), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(analytics::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(best(&app, "").await[0], (oranges.product_id, 2, 2_000));

    let d = dashboard(&app, &oranges.merchant, oranges.shop_id).await;
    let totals = &d["totals"][0];
    assert_eq!(
        (totals["orders"].as_i64(), totals["gmv_minor"].as_i64(), totals["net_gmv_minor"].as_i64(), totals["refunds_minor"].as_i64()),
        (Some(1), Some(3_000), Some(2_000), Some(1_000))
    );
    assert_eq!((d["buyers"].as_i64(), totals["refund_rate_bps"].as_i64()), (Some(1), Some(10_000)));
    assert_eq!(d["days"].as_array().unwrap().len(), 30, "every day of the last 30, empty ones too");
    assert_eq!(d["days"][29]["gmv_minor"], 3_000, "today");
    assert_eq!((d["channels"][0]["channel"].as_str(), d["channels"][0]["units"].as_i64()), (Some("search_browse"), Some(2)));
    assert_eq!(d["top_products"][0]["product_id"], oranges.product_id);

    // The rolling hour moves on at the worker's next pass; the day keeps them.
    app.clock.advance_seconds(2 * 3600);
    assert_eq!(best(&app, "window=1h").await.len(), 2, "as of the last pass");
    analytics::run_once(&app.state).await.unwrap();
    assert_eq!(best(&app, "window=1h").await, vec![]);
    assert_eq!(best(&app, "window=24h").await.len(), 2);

    let before =
        (best(&app, "window=24h").await, best(&app, "window=30d&by=gmv").await, dashboard(&app, &oranges.merchant, oranges.shop_id).await);
    assert_eq!(app.state.db.rebuild_analytics(app.state.clock.now(), 1).await.unwrap(), 2);
    let after =
        (best(&app, "window=24h").await, best(&app, "window=30d&by=gmv").await, dashboard(&app, &oranges.merchant, oranges.shop_id).await);
    assert_eq!(before, after, "rebuilt and incremental figures agree");
}

#[tokio::test]
async fn figures_are_asked_for_within_bounds_and_a_shop_shows_its_own_to_its_staff() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    for bad in ["window=2d", "by=likes", "limit=0", "limit=101"] {
        assert_error(app.get(&format!("/api/v1/best-sellers?{bad}"), None).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
            .await;
    }
    let stranger = app.sign_up("stranger").await;
    let r = app.get(&format!("/api/v1/shops/{}/analytics", f.shop_id), Some(&stranger.token)).await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let path = format!("/api/v1/shops/{}/analytics", f.shop_id);
    for bad in ["from=2026-02-30", "from=2026-12-02&to=2026-12-01", "tz_offset_minutes=330", "from=2020-01-01&to=2026-01-01"] {
        let r = app.get(&format!("{path}?{bad}"), Some(&f.merchant.token)).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let d: Value =
        app.get(&format!("{path}?from=2026-11-01&to=2026-11-07&tz_offset_minutes=0"), Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!(
        (d["from"].as_str(), d["to"].as_str(), d["totals"].as_array().map(Vec::len)),
        (Some("2026-11-01"), Some("2026-11-07"), Some(0))
    );
}

#[tokio::test]
async fn the_funnel_follows_a_video_from_the_feed_to_payment_and_the_video_is_credited() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 100).await;
    let creator = app.sign_up("creator").await;
    let video = app.upload_video(&creator, "Oranges #fruit", json!([{"product_id": f.product_id}])).await["id"].as_i64().unwrap();
    let shopper = app.sign_up("shopper").await;
    let feed: Value = app.get("/api/v1/feed?limit=10", Some(&shopper.token)).await.json().await.unwrap();
    assert_eq!(feed["items"][0]["video"]["id"], video);
    app.state.feed.flush(&app.state.db, app.state.clock.now()).await.unwrap();
    for kind in ["view", "product_click"] {
        let r = app.post(&format!("/api/v1/videos/{video}/events"), Some(&shopper.token), &json!({"kind": kind, "watch_ms": 9_000})).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    // A second look at the product (the fixture took the first).
    assert_eq!(app.get(&format!("/api/v1/products/{}", f.product_id), None).await.status(), StatusCode::OK);
    // Two puts at once (a double tap) make one new line.
    let (path, one, two) = (format!("/api/v1/cart/items/{}", f.sku_id), json!({"quantity": 1}), json!({"quantity": 2}));
    let (a, b) = tokio::join!(app.put(&path, Some(&shopper.token), &one), app.put(&path, Some(&shopper.token), &two));
    assert_eq!((a.status(), b.status()), (StatusCode::NO_CONTENT, StatusCode::NO_CONTENT));
    let body = json!({"items": [{"sku_id": f.sku_id, "quantity": 2}], "video_id": video});
    let r = app.place(&shopper, &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let order = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.pay(&shopper, order).await;
    app.order_ok(&shopper, f.sku_id, 1).await;
    analytics::run_once(&app.state).await.unwrap();

    let d = dashboard(&app, &f.merchant, f.shop_id).await;
    let funnel = &d["funnel"];
    assert_eq!(
        [&funnel["impressions"], &funnel["product_views"], &funnel["cart_adds"], &funnel["orders_placed"], &funnel["orders_paid"]],
        [1, 2, 1, 2, 1],
        "one showing, two page views, one new cart line, two orders placed, one paid: {funnel}"
    );
    assert_eq!(funnel["conversion_bps"], 5_000);
    let top = &d["top_content"][0];
    assert_eq!((top["subject_kind"].as_str(), top["subject_id"].as_i64()), (Some("video"), Some(video)), "{d}");
    assert_eq!(
        [&top["orders"], &top["units"], &top["net_gmv_minor"], &top["views"], &top["clicks"], &top["gpm_minor"]],
        [1, 2, 2_000, 1, 1, 2_000_000],
        "{top}"
    );
    assert_eq!(top["creator_id"], creator.id);

    // A refund comes off the video's sales; the rebuild agrees, and keeps what people did.
    let r = app
        .post(&format!("/api/v1/orders/{order}/refunds"), Some(&f.merchant.token), &json!({"amount_minor": 1_000, "reason": "one box"}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    analytics::run_once(&app.state).await.unwrap();
    let d = dashboard(&app, &f.merchant, f.shop_id).await;
    assert_eq!((d["top_content"][0]["units"].as_i64(), d["top_content"][0]["net_gmv_minor"].as_i64()), (Some(1), Some(1_000)));
    app.state.db.rebuild_analytics(app.state.clock.now(), 10).await.unwrap();
    assert_eq!(dashboard(&app, &f.merchant, f.shop_id).await, d);
}

#[tokio::test]
async fn rolling_windows_kept_as_time_passes_agree_with_counting_again() {
    let app = spawn_app().await;
    let shops = [app.shop_with_product(1_000, 1_000).await, app.shop_with_product(3_000, 1_000).await];
    let buyer = app.sign_up("regular").await;
    let windows = ["window=1h", "window=24h", "window=7d", "window=30d&by=gmv"];
    // Sales, refunds and the clock moving on by uneven steps: minutes, hours, days.
    for (step, advance) in [(0, 20 * 60), (1, 50 * 60), (2, 5 * 3600), (3, 26 * 3600), (4, 3 * 86_400), (5, 6 * 86_400)] {
        let f = &shops[step % 2];
        let order = app.order_ok(&buyer, f.sku_id, 1 + step as i64 % 3).await;
        app.pay(&buyer, order).await;
        if step % 3 == 1 {
            let r = app
                .post(&format!("/api/v1/orders/{order}/refunds"), Some(&f.merchant.token), &json!({"amount_minor": 500, "reason": "late"}))
                .await;
            assert_eq!(r.status(), StatusCode::CREATED);
        }
        analytics::run_once(&app.state).await.unwrap();
        app.clock.advance_seconds(advance);
        analytics::run_once(&app.state).await.unwrap();
        let mut kept = Vec::new();
        for w in windows {
            kept.push(best(&app, w).await);
        }
        app.state.db.rebuild_analytics(app.state.clock.now(), 1).await.unwrap();
        for (w, kept) in windows.iter().zip(kept) {
            assert_eq!(best(&app, w).await, kept, "step {step}, {w}");
        }
    }
    assert_eq!(best(&app, "window=7d").await.len(), 1, "only the last sale is within the week");
    // A node whose clock is behind leaves the windows where they are: a
    // sale that has left the last hour does not come back into it.
    let order = app.order_ok(&buyer, shops[0].sku_id, 1).await;
    app.pay(&buyer, order).await;
    analytics::run_once(&app.state).await.unwrap();
    app.clock.advance_seconds(70 * 60);
    analytics::run_once(&app.state).await.unwrap();
    assert!(best(&app, "window=1h").await.is_empty(), "the sale left the last hour");
    let mut kept = Vec::new();
    for w in windows {
        kept.push(best(&app, w).await);
    }
    let behind = haul_domain::Timestamp::from_millis(app.state.clock.now().millis() - 40 * 60_000);
    app.state.db.advance_windows(behind).await.unwrap();
    for (w, kept) in windows.iter().zip(kept) {
        assert_eq!(best(&app, w).await, kept, "{w}");
    }
}

#[tokio::test]
async fn the_operator_sees_the_platform_its_top_sellers_and_the_feed_policies_compared() {
    let app = spawn_app().await;
    let oranges = app.shop_with_product(1_000, 100).await;
    let tractor = app.shop_with_product(4_000, 100).await;
    let creator = app.sign_up("creator").await;
    let pitch =
        app.upload_video(&creator, "Only ¥9.9 today!!! BUY NOW, link below, 50% off", json!([{"product_id": oranges.product_id}])).await;
    let calm = app.upload_video(&creator, "How we pick oranges at dawn", json!([{"product_id": oranges.product_id}])).await;
    let (pitch, calm) = (pitch["id"].as_i64().unwrap(), calm["id"].as_i64().unwrap());
    let shopper = app.sign_up("shopper").await;
    let feed: Value = app.get("/api/v1/feed?limit=10", Some(&shopper.token)).await.json().await.unwrap();
    let shown: Vec<i64> = feed["items"].as_array().unwrap().iter().map(|i| i["video"]["id"].as_i64().unwrap()).collect();
    assert!(shown.contains(&pitch) && shown.contains(&calm), "{shown:?}");
    app.state.feed.flush(&app.state.db, app.state.clock.now()).await.unwrap();
    let r = app.place(&shopper, &json!({"items": [{"sku_id": oranges.sku_id, "quantity": 1}], "video_id": pitch})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    app.pay(&shopper, r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()).await;
    bought(&app, "farmer", tractor.sku_id, 1, true).await;
    analytics::run_once(&app.state).await.unwrap();

    let stranger = app.sign_up("stranger").await;
    assert_error(app.get("/api/v1/operator/analytics", Some(&stranger.token)).await, StatusCode::FORBIDDEN, "forbidden").await;
    let operator = app.sign_up("operator").await;
    app.make_operator(&operator).await;
    let p: Value = app.get("/api/v1/operator/analytics", Some(&operator.token)).await.json().await.unwrap();
    assert_eq!((p["totals"][0]["orders"].as_i64(), p["totals"][0]["gmv_minor"].as_i64()), (Some(2), Some(5_000)), "{p}");
    let shops: Vec<i64> = p["shops"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect();
    assert_eq!(shops, [tractor.shop_id, oranges.shop_id], "by net GMV");
    assert_eq!((p["creators"][0]["id"].as_i64(), p["creators"][0]["orders"].as_i64()), (Some(creator.id), Some(1)));
    assert_eq!(p["leaders"], json!([]));
    let content_first = &p["policies"][0];
    assert_eq!(content_first["policy"], "content_first");
    assert_eq!(
        [
            &content_first["impressions"],
            &content_first["hard_sell_impressions"],
            &content_first["video_gmv_minor"],
            &content_first["hard_sell_gmv_minor"]
        ],
        [shown.len() as i64, 1, 1_000, 1_000],
        "the pitch was one showing of the page, and sold what videos sold: {p}"
    );
    assert_eq!(p["policies"][1]["impressions"], 0, "commerce first was never in force");
}
