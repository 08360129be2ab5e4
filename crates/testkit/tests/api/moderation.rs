//! Reports, the operator's decisions and their effects, and the audit log.

use haul_testkit::{Account, TestApp, assert_error, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Connection;

async fn operator(app: &TestApp) -> Account {
    let op = app.sign_up("operator").await;
    app.make_operator(&op).await;
    op
}

async fn decide(app: &TestApp, op: &Account, action: &str, subject: &str, id: i64, reason: &str) -> reqwest::Response {
    app.post(
        "/api/v1/operator/decisions",
        Some(&op.token),
        &json!({"action": action, "subject": subject, "subject_id": id, "reason": reason}),
    )
    .await
}

async fn decided(app: &TestApp, op: &Account, action: &str, subject: &str, id: i64) -> Value {
    let r = decide(app, op, action, subject, id, "checked by the trust team").await;
    assert_eq!(r.status(), StatusCode::OK, "{action} {subject} {id}");
    r.json().await.unwrap()
}

async fn in_feed(app: &TestApp, video: i64) -> bool {
    let page: Value = app.get("/api/v1/feed?limit=20", None).await.json().await.unwrap();
    page["items"].as_array().unwrap().iter().any(|i| i["video"]["id"] == video)
}

async fn audit(app: &TestApp, op: &Account) -> Vec<Value> {
    let page: Value = app.get("/api/v1/operator/audit?limit=100", Some(&op.token)).await.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_reported_video_is_taken_down_leaves_the_feed_and_comes_back_on_restore() {
    let app = spawn_app().await;
    let creator = app.sign_up("creator").await;
    let video = app.upload_video(&creator, "Miracle slimming tea #cure", json!([])).await["id"].as_i64().unwrap();
    assert!(in_feed(&app, video).await);

    let shopper = app.sign_up("shopper").await;
    let report = json!({"subject": "video", "subject_id": video, "reason": "fraud", "note": "claims to cure illness"});
    let r = app.post("/api/v1/reports", Some(&shopper.token), &report).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_error(app.post("/api/v1/reports", Some(&shopper.token), &report).await, StatusCode::CONFLICT, "already_reported").await;
    let other = app.sign_up("other").await;
    let mut spam = report.clone();
    spam["reason"] = json!("spam");
    assert_eq!(app.post("/api/v1/reports", Some(&other.token), &spam).await.status(), StatusCode::CREATED);
    for bad in [
        json!({"subject": "video", "subject_id": 999_999, "reason": "spam"}),
        json!({"subject": "platform", "subject_id": 0, "reason": "spam"}),
    ] {
        assert_error(app.post("/api/v1/reports", Some(&shopper.token), &bad).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    assert_eq!(
        app.post("/api/v1/reports", Some(&shopper.token), &json!({"subject": "video", "subject_id": video, "reason": "boring"}))
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_error(app.post("/api/v1/reports", None, &report).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    // Only operators see the queue and decide.
    assert_error(app.get("/api/v1/operator/reports", Some(&shopper.token)).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(decide(&app, &shopper, "take_down", "video", video, "x").await, StatusCode::FORBIDDEN, "forbidden").await;
    let op = operator(&app).await;
    let queue: Value = app.get("/api/v1/operator/reports", Some(&op.token)).await.json().await.unwrap();
    assert_eq!(
        (queue[0]["subject"].as_str(), queue[0]["subject_id"].as_i64(), queue[0]["reports"].as_i64()),
        (Some("video"), Some(video), Some(2))
    );
    assert_eq!(queue[0]["label"], "Miracle slimming tea #cure");
    // A reason is required.
    assert_error(decide(&app, &op, "take_down", "video", video, "  ").await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    let outcome = decided(&app, &op, "take_down", "video", video).await;
    assert_eq!((outcome["changed"].as_bool(), outcome["reports_closed"].as_i64()), (Some(true), Some(2)));
    assert!(!in_feed(&app, video).await, "a taken-down video leaves the feed");
    let queue: Value = app.get("/api/v1/operator/reports", Some(&op.token)).await.json().await.unwrap();
    assert_eq!(queue, json!([]));
    // Taking it down twice changes nothing; a new report of it can be filed again.
    assert_eq!(decided(&app, &op, "take_down", "video", video).await["changed"], false);

    decided(&app, &op, "restore", "video", video).await;
    assert!(in_feed(&app, video).await, "a restored video is back");
    let log = audit(&app, &op).await;
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["restore", "take_down", "take_down"]);
    assert_eq!((log[2]["reason"].as_str(), log[2]["subject_id"].as_i64()), (Some("checked by the trust team"), Some(video)));
    let detail: Value = serde_json::from_str(log[2]["detail"].as_str().unwrap()).unwrap();
    assert_eq!((detail["changed"].as_bool(), detail["reports_closed"].as_i64()), (Some(true), Some(2)));
    assert_error(app.get("/api/v1/operator/audit", Some(&shopper.token)).await, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn the_audit_log_cannot_be_edited_even_by_the_database_user() {
    let app = spawn_app().await;
    let op = operator(&app).await;
    let someone = app.sign_up("someone").await;
    decided(&app, &op, "suspend_user", "user", someone.id).await;
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(&app.state.config.database_url()).await.unwrap();
    assert!(sqlx::query("UPDATE audit_log SET reason = 'nothing happened'").execute(&mut db).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log").execute(&mut db).await.is_err());
    assert_eq!(audit(&app, &op).await[0]["reason"], "checked by the trust team");
}

#[tokio::test]
async fn new_shops_sell_once_approved() {
    let app = spawn_app().await;
    let merchant = app.sign_up("merchant").await;
    let r = app.post("/api/v1/shops", Some(&merchant.token), &json!({"slug": "new-orchard", "name": "New Orchard"})).await;
    let shop: Value = r.json().await.unwrap();
    assert_eq!(shop["status"], "pending");
    let shop_id = shop["id"].as_i64().unwrap();
    let body = json!({"shop_id": shop_id, "title": "Lychees", "skus": [{"code": "1", "price_minor": 3990, "stock": 9}]});
    let product: Value = app.post("/api/v1/products", Some(&merchant.token), &body).await.json().await.unwrap();
    let detail: Value = app.get(&format!("/api/v1/products/{}", product["id"]), None).await.json().await.unwrap();
    let sku = detail["skus"][0]["id"].as_i64().unwrap();
    let buyer = app.sign_up("buyer").await;
    assert_error(app.order(&buyer, sku, 1, "early").await, StatusCode::CONFLICT, "shop_not_selling").await;
    let listed: Value = app.get("/api/v1/products?q=Lychees", None).await.json().await.unwrap();
    assert_eq!(listed["items"], json!([]));
    let now = app.clock_now_seconds() * 1000;
    let deal = json!({"sku_id": sku, "price_minor": 990, "quantity": 3, "starts_at": now, "ends_at": now + 3_600_000});
    assert_error(app.post("/api/v1/deals", Some(&merchant.token), &deal).await, StatusCode::CONFLICT, "shop_not_selling").await;
    let offer = json!({"sku_id": sku, "team_size": 2, "time_limit_seconds": 3600, "team_price_minor": 2990});
    assert_error(app.post("/api/v1/team-offers", Some(&merchant.token), &offer).await, StatusCode::CONFLICT, "shop_not_selling").await;

    let op = operator(&app).await;
    let waiting: Value = app.get("/api/v1/operator/shops", Some(&op.token)).await.json().await.unwrap();
    assert_eq!(waiting[0]["id"], shop_id);
    decided(&app, &op, "approve_shop", "shop", shop_id).await;
    assert_eq!(app.order(&buyer, sku, 1, "approved").await.status(), StatusCode::CREATED);
    let listed: Value = app.get("/api/v1/products?q=Lychees", None).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(audit(&app, &op).await[0]["action"], "approve_shop");
}

#[tokio::test]
async fn a_suspended_shop_stops_selling_and_its_group_buys_are_refunded_while_paid_orders_go_out() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 50).await;
    // A paid ordinary order, a paid seat in a forming team, a running deal.
    let buyer = app.sign_up("buyer").await;
    let paid = app.order_ok(&buyer, f.sku_id, 1).await;
    app.pay(&buyer, paid).await;
    let unpaid = app.order_ok(&buyer, f.sku_id, 2).await;
    let offer = json!({"sku_id": f.sku_id, "team_size": 3, "time_limit_seconds": 3600, "team_price_minor": 1290});
    let offer: Value = app.post("/api/v1/team-offers", Some(&f.merchant.token), &offer).await.json().await.unwrap();
    let opener = app.sign_up("opener").await;
    let r = app
        .request(Method::POST, &format!("/api/v1/team-offers/{}/teams", offer["id"]), Some(&opener.token))
        .header("Idempotency-Key", "open")
        .send()
        .await
        .unwrap();
    let seat: Value = r.json().await.unwrap();
    app.pay(&opener, seat["id"].as_i64().unwrap()).await;
    let now = app.clock_now_seconds() * 1000;
    let deal = json!({"sku_id": f.sku_id, "price_minor": 990, "quantity": 3, "starts_at": now, "ends_at": now + 3_600_000});
    let deal: Value = app.post("/api/v1/deals", Some(&f.merchant.token), &deal).await.json().await.unwrap();

    let op = operator(&app).await;
    let outcome = decided(&app, &op, "suspend_shop", "shop", f.shop_id).await;
    assert_eq!((outcome["teams_failed"].as_i64(), outcome["orders_refunded"].as_i64()), (Some(1), Some(1)));
    assert_eq!(outcome["orders_cancelled"], 1, "the unpaid order cannot be paid any more");
    assert_eq!(app.order_status(&buyer.token, unpaid).await, "cancelled");
    assert_eq!(outcome["deals_to_cancel"], json!([deal["id"]]));

    let seat_now: Value = app.get(&format!("/api/v1/orders/{}", seat["id"]), Some(&opener.token)).await.json().await.unwrap();
    assert_eq!((seat_now["status"].as_str(), seat_now["refunded_minor"].as_i64()), (Some("refunded"), Some(1290)));
    let deal_now: Value = app.get(&format!("/api/v1/deals/{}", deal["id"]), None).await.json().await.unwrap();
    assert_eq!(deal_now["status"], "cancelled");
    assert_error(app.order(&buyer, f.sku_id, 1, "after").await, StatusCode::CONFLICT, "shop_not_selling").await;
    let listed: Value = app.get(&format!("/api/v1/products?shop_id={}", f.shop_id), None).await.json().await.unwrap();
    assert_eq!(listed["items"], json!([]));
    // The paid order still goes out.
    let step = app.post(&format!("/api/v1/orders/{paid}/status"), Some(&f.merchant.token), &json!({"status": "fulfilling"})).await;
    assert_eq!(step.status(), StatusCode::OK);

    decided(&app, &op, "reinstate_shop", "shop", f.shop_id).await;
    assert_eq!(app.order(&buyer, f.sku_id, 1, "reinstated").await.status(), StatusCode::CREATED);
    let actions: Vec<String> = audit(&app, &op).await.iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect();
    assert_eq!(actions[..2], ["reinstate_shop", "suspend_shop"]);
}

#[tokio::test]
async fn a_suspended_person_is_signed_out_and_every_operator_action_is_on_record() {
    let app = spawn_app().await;
    let op = operator(&app).await;
    let troll = app.sign_up("troll").await;
    let (id, token, login) = (troll.id, troll.token.clone(), troll.login.clone());

    // Found by name, not typed by number.
    let found: Value = app.get("/api/v1/operator/people?q=troll", Some(&op.token)).await.json().await.unwrap();
    assert_eq!((found[0]["id"].as_i64(), found[0]["display_name"].as_str()), (Some(id), Some("troll")));
    assert!(found[0].get("password_hash").is_none());

    let outcome = decided(&app, &op, "suspend_user", "user", id).await;
    assert_eq!(outcome["sessions_ended"], 1);
    assert_error(app.get("/api/v1/orders", Some(&token)).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let sign_in = json!({"login": login, "password": "correct horse"});
    assert_error(app.post("/api/v1/sessions", None, &sign_in).await, StatusCode::FORBIDDEN, "account_suspended").await;
    // An operator cannot be suspended from the console.
    assert_eq!(decided(&app, &op, "suspend_user", "user", op.id).await["changed"], false);
    decided(&app, &op, "reinstate_user", "user", id).await;
    assert_eq!(app.post("/api/v1/sessions", None, &sign_in).await.status(), StatusCode::CREATED);

    // The other operator actions are recorded too.
    let r = app.post(&format!("/api/v1/creators/{id}/violations"), Some(&op.token), &json!({"reason": "misleading claims"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = app.send_json(Method::PUT, "/api/v1/feed/policy", Some(&op.token), &json!({"policy": "commerce_first"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let log = audit(&app, &op).await;
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["feed_policy", "strike", "reinstate_user", "suspend_user", "suspend_user"]);
    assert_eq!(
        (log[1]["subject"].as_str(), log[1]["subject_id"].as_i64(), log[1]["reason"].as_str()),
        (Some("user"), Some(id), Some("misleading claims"))
    );
    assert_eq!(log[0]["operator_id"], op.id);
    // A decision that does not apply is refused with the field named.
    assert_error(decide(&app, &op, "approve_shop", "video", 1, "x").await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(decide(&app, &op, "take_down", "video", 999_999, "x").await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn dismissals_rejections_and_leader_decisions_are_on_record_too() {
    let app = spawn_app().await;
    let op = operator(&app).await;
    // A report dismissed: nothing changes, the report is closed.
    let f = app.shop_with_product(990, 5).await;
    let shopper = app.sign_up("shopper").await;
    let report = json!({"subject": "product", "subject_id": f.product_id, "reason": "other", "note": "I just do not like it"});
    assert_eq!(app.post("/api/v1/reports", Some(&shopper.token), &report).await.status(), StatusCode::CREATED);
    let outcome = decided(&app, &op, "dismiss", "product", f.product_id).await;
    assert_eq!((outcome["changed"].as_bool(), outcome["reports_closed"].as_i64()), (Some(false), Some(1)));
    assert_eq!(app.order(&shopper, f.sku_id, 1, "still").await.status(), StatusCode::CREATED);
    // A new shop rejected.
    let merchant = app.sign_up("merchant").await;
    let shop: Value =
        app.post("/api/v1/shops", Some(&merchant.token), &json!({"slug": "fake-brand", "name": "Fake Brand"})).await.json().await.unwrap();
    decided(&app, &op, "reject_shop", "shop", shop["id"].as_i64().unwrap()).await;
    let rejected: Value = app.get("/api/v1/operator/shops?status=rejected", Some(&op.token)).await.json().await.unwrap();
    assert_eq!(rejected[0]["id"], shop["id"]);
    // Two leaders' applications, one approved and one rejected.
    let mut communities = Vec::new();
    for name in ["North Gate", "South Gate"] {
        let leader = app.sign_up("leader").await;
        let application = json!({"name": name, "area": "Chaoyang", "pickup_address": "Gate 2", "pickup_hours": "08:00-21:00", "lat": 39.91, "lng": 116.41});
        let c: Value = app.post("/api/v1/communities", Some(&leader.token), &application).await.json().await.unwrap();
        communities.push(c["id"].as_i64().unwrap());
    }
    for (community, approve) in communities.iter().zip([true, false]) {
        let r = app.post(&format!("/api/v1/communities/{community}/decision"), Some(&op.token), &json!({"approve": approve})).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let log = audit(&app, &op).await;
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions[..4], ["reject_leader", "approve_leader", "reject_shop", "dismiss"]);
    assert_eq!((log[0]["subject"].as_str(), log[0]["subject_id"].as_i64()), (Some("community"), Some(communities[1])));
    let entry: Value = app
        .get(&format!("/api/v1/operator/audit?subject=community&subject_id={}", communities[0]), Some(&op.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(entry["items"].as_array().unwrap().len(), 1);
}
