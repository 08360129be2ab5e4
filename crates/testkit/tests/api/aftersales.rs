//! After-sales: each path of a case, the deadlines that decide for the
//! silent side (once, across a restart), the operator's decision, and the
//! money and stock each outcome moves.

use haul_server::workers::aftersales as deadlines;
use haul_testkit::{Account, Fixture, TestApp, assert_error, spawn_app, spawn_app_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000";
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

async fn open_case(app: &TestApp, buyer: &Account, order: i64, fields: &[(&str, String)], pictures: usize) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.clone());
    }
    for i in 0..pictures {
        form = form.part("images", reqwest::multipart::Part::bytes(PNG.to_vec()).file_name(format!("{i}.png")));
    }
    app.request(Method::POST, &format!("/api/v1/orders/{order}/aftersales"), Some(&buyer.token)).multipart(form).send().await.unwrap()
}

async fn line_of(app: &TestApp, buyer: &Account, order: i64) -> i64 {
    let o: Value = app.get(&format!("/api/v1/orders/{order}"), Some(&buyer.token)).await.json().await.unwrap();
    o["lines"][0]["id"].as_i64().unwrap()
}

/// Opens a case that must be accepted and returns it.
async fn opened(app: &TestApp, buyer: &Account, order: i64, kind: &str, quantity: i64) -> Value {
    let line = line_of(app, buyer, order).await;
    let fields = [("line_id", line.to_string()), ("kind", kind.into()), ("quantity", quantity.to_string()), ("reason", "坏了两个".into())];
    let r = open_case(app, buyer, order, &fields, 1).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

async fn act(app: &TestApp, who: &Account, case: i64, action: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/aftersales/{case}/actions"), Some(&who.token), &action).await
}

async fn act_ok(app: &TestApp, who: &Account, case: i64, action: Value) -> Value {
    let r = act(app, who, case, action).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn case(app: &TestApp, who: &Account, id: i64) -> Value {
    app.get(&format!("/api/v1/aftersales/{id}"), Some(&who.token)).await.json().await.unwrap()
}

async fn order(app: &TestApp, who: &Account, id: i64) -> Value {
    app.get(&format!("/api/v1/orders/{id}"), Some(&who.token)).await.json().await.unwrap()
}

/// A paid order of `quantity` units, delivered and received when `received`.
async fn bought(app: &TestApp, f: &Fixture, buyer: &Account, quantity: i64, received: bool) -> i64 {
    let address = json!({"recipient": "王小明", "phone": "13800138000", "province": "GD", "city": "深圳市", "district": "南山区", "street": "科技园路1号", "postcode": "518000"});
    assert_eq!(app.post("/api/v1/addresses", Some(&buyer.token), &address).await.status(), StatusCode::CREATED);
    let id = app.order_ok(buyer, f.sku_id, quantity).await;
    app.pay(buyer, id).await;
    if received {
        let tracking = json!({"carrier": "顺丰速运", "tracking_no": "SF1402000001"});
        assert_eq!(app.post(&format!("/api/v1/orders/{id}/shipment"), Some(&f.merchant.token), &tracking).await.status(), StatusCode::OK);
        assert_eq!(app.post(&format!("/api/v1/orders/{id}/received"), Some(&buyer.token), &json!({})).await.status(), StatusCode::OK);
    }
    id
}

#[tokio::test]
async fn a_silent_merchant_accepts_a_refund_at_the_deadline_once_across_a_restart() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let buyer = app.sign_up("buyer").await;
    let id = bought(&app, &f, &buyer, 3, false).await;
    assert_eq!(app.stock(f.product_id).await, 7);
    let first = opened(&app, &buyer, id, "refund_only", 1).await;
    assert_eq!((first["status"].as_str(), first["amount_minor"].as_i64()), (Some("requested"), Some(1_000)));
    let shown = case(&app, &buyer, first["id"].as_i64().unwrap()).await;
    assert_eq!(shown["image_urls"].as_array().map(Vec::len), Some(1));
    assert_eq!(shown["events"][0]["to_status"], "requested");

    app.clock.advance_seconds(48 * HOUR - 1);
    assert_eq!(deadlines::run_once(&app.state).await.unwrap(), 0, "not yet");
    app.clock.advance_seconds(1);
    // Two runs at once, then Haul restarted on the same database: decided once.
    let (a, b) = tokio::join!(deadlines::run_once(&app.state), deadlines::run_once(&app.state));
    assert_eq!(a.unwrap() + b.unwrap(), 1, "decided once");
    let restarted = haul_server::AppState::new(app.state.config.clone(), app.clock.clone(), "127.0.0.1:9".parse().unwrap()).await.unwrap();
    assert_eq!(deadlines::run_once(&restarted).await.unwrap(), 0);
    let decided = case(&app, &buyer, first["id"].as_i64().unwrap()).await;
    assert_eq!((decided["status"].as_str(), decided["deadline_at"].as_i64()), (Some("refunded"), None));
    let o = order(&app, &buyer, id).await;
    assert_eq!((o["status"].as_str(), o["refunded_minor"].as_i64()), (Some("paid"), Some(1_000)));
    assert_eq!(app.stock(f.product_id).await, 8, "the unit went back on the shelf");

    // The other two, accepted by the merchant: the order is refunded in full,
    // and no unit comes back twice.
    let rest = opened(&app, &buyer, id, "refund_only", 2).await;
    assert_eq!(rest["amount_minor"], 2_000);
    act_ok(&app, &f.merchant, rest["id"].as_i64().unwrap(), json!({"action": "accept"})).await;
    let o = order(&app, &buyer, id).await;
    assert_eq!(
        (o["status"].as_str(), o["refunded_minor"].as_i64(), o["total_minor"].as_i64()),
        (Some("refunded"), Some(3_000), Some(3_000))
    );
    assert_eq!(app.stock(f.product_id).await, 10);
    let line = line_of(&app, &buyer, id).await;
    let more =
        open_case(&app, &buyer, id, &[("line_id", line.to_string()), ("kind", "refund_only".into()), ("reason", "again".into())], 0).await;
    assert_error(more, StatusCode::CONFLICT, "order_not_paid").await;
}

#[tokio::test]
async fn a_return_is_sent_back_and_refunded_when_the_merchant_keeps_it_without_a_word() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let buyer = app.sign_up("buyer").await;
    let id = bought(&app, &f, &buyer, 2, true).await;
    let c = opened(&app, &buyer, id, "return_refund", 1).await;
    let cid = c["id"].as_i64().unwrap();
    // Only the shop answers; only the buyer sends the parcel.
    assert_error(act(&app, &buyer, cid, json!({"action": "accept"})).await, StatusCode::FORBIDDEN, "forbidden").await;
    let accepted = act_ok(&app, &f.merchant, cid, json!({"action": "accept"})).await;
    assert_eq!(accepted["status"], "awaiting_return");
    let parcel = json!({"action": "ship_return", "carrier": "中通快递", "tracking_no": "ZT7788990011"});
    assert_error(act(&app, &f.merchant, cid, parcel.clone()).await, StatusCode::FORBIDDEN, "forbidden").await;
    let bad = json!({"action": "ship_return", "carrier": "中通快递", "tracking_no": "?"});
    assert_error(act(&app, &buyer, cid, bad).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let sent = act_ok(&app, &buyer, cid, parcel).await;
    assert_eq!((sent["status"].as_str(), sent["return_tracking"].as_str()), (Some("returning"), Some("ZT7788990011")));
    assert_error(act(&app, &buyer, cid, json!({"action": "withdraw"})).await, StatusCode::CONFLICT, "illegal_case_step").await;

    app.clock.advance_seconds(8 * DAY);
    assert_eq!(deadlines::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(case(&app, &buyer, cid).await["status"], "refunded");
    let o = order(&app, &buyer, id).await;
    assert_eq!((o["status"].as_str(), o["refunded_minor"].as_i64()), (Some("completed"), Some(1_000)));
    assert_eq!(app.stock(f.product_id).await, 8, "a returned item is restocked by the shop, not by Haul");
}

#[tokio::test]
async fn a_rejection_goes_to_the_operator_whose_decision_is_audited() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let buyer = app.sign_up("buyer").await;
    let id = bought(&app, &f, &buyer, 1, true).await;
    let c = opened(&app, &buyer, id, "refund_only", 1).await;
    let cid = c["id"].as_i64().unwrap();
    let stranger = app.sign_up("stranger").await;
    assert_eq!(app.get(&format!("/api/v1/aftersales/{cid}"), Some(&stranger.token)).await.status(), StatusCode::NOT_FOUND);
    assert_error(
        act(&app, &f.merchant, cid, json!({"action": "reject", "reason": " "})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let rejected = act_ok(&app, &f.merchant, cid, json!({"action": "reject", "reason": "包装完好，无质量问题"})).await;
    assert_eq!((rejected["status"].as_str(), rejected["reply"].as_str()), (Some("rejected"), Some("包装完好，无质量问题")));
    act_ok(&app, &buyer, cid, json!({"action": "escalate"})).await;

    let operator = app.sign_up("operator").await;
    app.make_operator(&operator).await;
    let queue: Value = app.get("/api/v1/aftersales?escalated=true", Some(&operator.token)).await.json().await.unwrap();
    assert_eq!(queue["items"][0]["id"], cid);
    assert_eq!(app.get("/api/v1/aftersales?escalated=true", Some(&buyer.token)).await.status(), StatusCode::FORBIDDEN);
    let decide = json!({"action": "decide", "for_buyer": true, "reason": "照片显示商品破损"});
    assert_error(act(&app, &f.merchant, cid, decide.clone()).await, StatusCode::FORBIDDEN, "forbidden").await;
    let decided = act_ok(&app, &operator, cid, decide).await;
    assert_eq!(decided["status"], "refunded");
    assert_eq!(order(&app, &buyer, id).await["status"], "refunded");
    let audit: Value = app.get("/api/v1/operator/audit?subject=aftersale", Some(&operator.token)).await.json().await.unwrap();
    assert_eq!((audit["items"][0]["action"].as_str(), audit["items"][0]["subject_id"].as_i64()), (Some("decide_aftersale"), Some(cid)));
    // The buyer heard of it.
    let news: Value = app.get("/api/v1/notifications", Some(&buyer.token)).await.json().await.unwrap();
    assert!(news["items"].as_array().unwrap().iter().any(|n| n["link"] == format!("/aftersales/{cid}")), "{news}");
}

#[tokio::test]
async fn what_nobody_pursues_closes_and_refunds_nothing() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let buyer = app.sign_up("buyer").await;
    let id = bought(&app, &f, &buyer, 2, true).await;
    // Accepted, never sent back: closed after five days.
    let c = opened(&app, &buyer, id, "return_refund", 1).await;
    let cid = c["id"].as_i64().unwrap();
    act_ok(&app, &f.merchant, cid, json!({"action": "accept"})).await;
    app.clock.advance_seconds(5 * DAY);
    assert_eq!(deadlines::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(case(&app, &buyer, cid).await["status"], "closed");
    // Rejected, never escalated: closed after seven days.
    let c = opened(&app, &buyer, id, "return_refund", 2).await;
    let cid = c["id"].as_i64().unwrap();
    act_ok(&app, &f.merchant, cid, json!({"action": "reject", "reason": "已超出退货范围"})).await;
    app.clock.advance_seconds(7 * DAY);
    assert_eq!(deadlines::run_once(&app.state).await.unwrap(), 1);
    assert_eq!(case(&app, &buyer, cid).await["status"], "closed");
    assert_eq!(order(&app, &buyer, id).await["refunded_minor"], 0);
}

#[tokio::test]
async fn an_exchange_ships_a_replacement_from_stock_without_a_payment() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1_000, 10).await;
    let buyer = app.sign_up("buyer").await;
    let id = bought(&app, &f, &buyer, 1, true).await;
    let c = opened(&app, &buyer, id, "exchange", 1).await;
    let cid = c["id"].as_i64().unwrap();
    act_ok(&app, &f.merchant, cid, json!({"action": "accept"})).await;
    act_ok(&app, &buyer, cid, json!({"action": "ship_return", "carrier": "中通快递", "tracking_no": "ZT7788990012"})).await;
    // A delivery's replacement needs its parcel.
    assert_error(
        act(&app, &f.merchant, cid, json!({"action": "confirm_return"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let done =
        act_ok(&app, &f.merchant, cid, json!({"action": "confirm_return", "carrier": "顺丰速运", "tracking_no": "SF1402000002"})).await;
    assert_eq!((done["status"].as_str(), done["replacement_tracking"].as_str()), (Some("exchanged"), Some("SF1402000002")));
    assert_eq!(app.stock(f.product_id).await, 8, "the replacement came from stock");
    assert_eq!(order(&app, &buyer, id).await["refunded_minor"], 0);
}

#[tokio::test]
async fn what_may_be_claimed_is_bounded() {
    let app = spawn_app_with(|c| c.aftersales_claim_days = 7).await;
    let f = app.shop_with_product(1_000, 10).await;
    let buyer = app.sign_up("buyer").await;
    let unpaid = app.order_ok(&buyer, f.sku_id, 1).await;
    let line = line_of(&app, &buyer, unpaid).await;
    let fields = |line: i64, kind: &str, quantity: i64| {
        vec![
            ("line_id", line.to_string()),
            ("kind", kind.to_owned()),
            ("quantity", quantity.to_string()),
            ("reason", "不想要了".to_owned()),
        ]
    };
    assert_error(open_case(&app, &buyer, unpaid, &fields(line, "refund_only", 1), 0).await, StatusCode::CONFLICT, "order_not_paid").await;

    let paid = bought(&app, &f, &buyer, 2, false).await;
    let line = line_of(&app, &buyer, paid).await;
    assert_error(open_case(&app, &buyer, paid, &fields(line, "return_refund", 1), 0).await, StatusCode::CONFLICT, "not_received_yet").await;
    assert_error(open_case(&app, &buyer, paid, &fields(line, "refund_only", 3), 0).await, StatusCode::CONFLICT, "nothing_to_claim").await;
    assert_error(
        open_case(&app, &buyer, paid, &fields(line, "refund_only", 1), 7).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_error(open_case(&app, &buyer, paid, &fields(line, "refund_only", 0), 0).await, StatusCode::CONFLICT, "nothing_to_claim").await;
    assert_error(open_case(&app, &buyer, paid, &fields(line, "swap", 1), 0).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    let form = reqwest::multipart::Form::new()
        .text("line_id", line.to_string())
        .text("kind", "refund_only")
        .text("reason", "坏了")
        .part("images", reqwest::multipart::Part::bytes(b"<svg/>".to_vec()).file_name("x.svg"));
    let r =
        app.request(Method::POST, &format!("/api/v1/orders/{paid}/aftersales"), Some(&buyer.token)).multipart(form).send().await.unwrap();
    assert_error(r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_image").await;
    let stranger = app.sign_up("stranger").await;
    assert_error(open_case(&app, &stranger, paid, &fields(line, "refund_only", 1), 0).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(open_case(&app, &buyer, paid, &fields(line, "refund_only", 1), 6).await.status(), StatusCode::CREATED);
    assert_error(open_case(&app, &buyer, paid, &fields(line, "refund_only", 1), 0).await, StatusCode::CONFLICT, "case_open").await;

    // Seven days after receipt, and no later.
    let received = bought(&app, &f, &buyer, 1, true).await;
    let line = line_of(&app, &buyer, received).await;
    app.clock.advance_seconds(7 * DAY + 1);
    assert_error(open_case(&app, &buyer, received, &fields(line, "exchange", 1), 0).await, StatusCode::CONFLICT, "claim_window_closed")
        .await;
}

#[tokio::test]
async fn commission_is_held_while_a_case_is_open_and_taken_back_for_the_returned_line() {
    let app = spawn_app_with(|c| c.commission_hold_days = 15).await;
    let f = app.shop_with_product(1_000, 10).await;
    let plans = format!("/api/v1/shops/{}/commission-plans", f.shop_id);
    assert_eq!(app.post(&plans, Some(&f.merchant.token), &json!({"rate_bps": 2000})).await.status(), StatusCode::CREATED);
    let creator = app.sign_up("creator").await;
    let link: Value =
        app.post("/api/v1/me/share-links", Some(&creator.token), &json!({"product_id": f.product_id})).await.json().await.unwrap();
    let buyer = app.sign_up("buyer").await;
    let touch = json!({"product_id": f.product_id, "kind": "share_link", "subject_id": link["id"]});
    assert_eq!(app.post("/api/v1/touches", Some(&buyer.token), &touch).await.status(), StatusCode::OK);
    let id = bought(&app, &f, &buyer, 2, true).await;
    let pending = |e: Value| e["balances"][0]["pending_minor"].as_i64().unwrap_or(0);
    let earnings = || async { app.get("/api/v1/me/earnings", Some(&creator.token)).await.json::<Value>().await.unwrap() };
    assert_eq!(pending(earnings().await), 360, "20% of 2,000 less the platform's 10%");

    let c = opened(&app, &buyer, id, "return_refund", 1).await;
    let cid = c["id"].as_i64().unwrap();
    act_ok(&app, &f.merchant, cid, json!({"action": "accept"})).await;
    act_ok(&app, &buyer, cid, json!({"action": "ship_return", "carrier": "中通快递", "tracking_no": "ZT7788990013"})).await;
    // The hold ends while the case is open: nothing is released.
    app.clock.advance_seconds(15 * DAY);
    haul_server::workers::settle_commission::run_once(&app.state).await.unwrap();
    assert_eq!(pending(earnings().await), 360);
    act_ok(&app, &f.merchant, cid, json!({"action": "confirm_return"})).await;
    assert_eq!(pending(earnings().await), 180, "half the line came back");
    haul_server::workers::settle_commission::run_once(&app.state).await.unwrap();
    let e = earnings().await;
    assert_eq!((pending(e.clone()), e["balances"][0]["available_minor"].as_i64()), (0, Some(180)));
}
