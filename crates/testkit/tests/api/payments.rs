use haul_domain::signing;
use haul_testkit::{assert_error, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn ledger_is_balanced(app: &haul_testkit::TestApp) {
    assert!(app.state.db.unbalanced_transactions().await.unwrap().is_empty());
    let total: i64 = app.state.db.balances().await.unwrap().iter().map(|b| b.balance_minor).sum();
    assert_eq!(total, 0);
}

#[tokio::test]
async fn paying_in_the_sandbox_marks_the_order_paid_and_books_it() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 5).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 2).await;
    let r = app.pay(&buyer, id).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], format!("/orders/{id}"));
    assert_eq!(app.order_status(&buyer.token, id).await, "paid");
    let balances = app.state.db.balances().await.unwrap();
    let owed = balances.iter().find(|b| b.account == format!("shop:{}:payable", f.shop_id)).unwrap();
    assert_eq!(owed.balance_minor, -3980);
    ledger_is_balanced(&app).await;
}

#[tokio::test]
async fn a_paid_order_cannot_be_paid_again() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    app.pay(&buyer, id).await;
    assert_error(
        app.post(&format!("/api/v1/orders/{id}/payments"), Some(&buyer.token), &json!({})).await,
        StatusCode::CONFLICT,
        "order_not_payable",
    )
    .await;
}

async fn started_payment(app: &haul_testkit::TestApp, token: &str, order: i64) -> Value {
    app.post(&format!("/api/v1/orders/{order}/payments"), Some(token), &json!({})).await.json().await.unwrap()
}

fn event(reference: &str, amount: i64, id: &str) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"id": id, "type": "payment.succeeded", "provider_ref": reference, "amount_minor": amount, "currency": "CNY"}),
    )
    .unwrap()
}

async fn webhook(app: &haul_testkit::TestApp, body: Vec<u8>, signature: String) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/payments/webhooks/sandbox"))
        .header("content-type", "application/json")
        .header("haul-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn forged_stale_and_replayed_webhooks_change_nothing() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    let started = started_payment(&app, &buyer.token, id).await;
    let reference = started["payment"]["provider_ref"].as_str().unwrap();
    let now = app.clock_now_seconds();
    let body = event(reference, 100, "evt_1");

    let forged = signing::sign(b"not the secret", now, &body);
    assert_error(webhook(&app, body.clone(), forged).await, StatusCode::UNAUTHORIZED, "bad_signature").await;
    let stale = signing::sign(app.state.config.sandbox_secret.as_bytes(), now - 3600, &body);
    assert_error(webhook(&app, body.clone(), stale).await, StatusCode::UNAUTHORIZED, "stale_signature").await;
    assert_error(webhook(&app, body.clone(), String::new()).await, StatusCode::UNAUTHORIZED, "bad_signature").await;
    assert_eq!(app.order_status(&buyer.token, id).await, "pending_payment");

    let good = signing::sign(app.state.config.sandbox_secret.as_bytes(), now, &body);
    let r = webhook(&app, body.clone(), good.clone()).await;
    assert_eq!(r.json::<Value>().await.unwrap()["result"], "paid");
    let replay = webhook(&app, body, good).await;
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(replay.json::<Value>().await.unwrap()["result"], "duplicate");
    // Paid once: one ledger transaction.
    let owed: i64 = app.state.db.balances().await.unwrap().iter().filter(|b| b.account.starts_with("shop:")).map(|b| b.balance_minor).sum();
    assert_eq!(owed, -100);
}

#[tokio::test]
async fn a_webhook_for_the_wrong_amount_is_refused() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    let started = started_payment(&app, &buyer.token, id).await;
    let body = event(started["payment"]["provider_ref"].as_str().unwrap(), 1, "evt_x");
    let sig = signing::sign(app.state.config.sandbox_secret.as_bytes(), app.clock_now_seconds(), &body);
    assert_error(webhook(&app, body, sig).await, StatusCode::CONFLICT, "amount_mismatch").await;
    assert_eq!(app.order_status(&buyer.token, id).await, "pending_payment");
}

#[tokio::test]
async fn refunds_partial_then_full_keep_the_books_balanced() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1000, 5).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 2).await;
    app.pay(&buyer, id).await;
    let path = format!("/api/v1/orders/{id}/refunds");
    assert_error(app.post(&path, Some(&buyer.token), &json!({"amount_minor": 100})).await, StatusCode::NOT_FOUND, "not_found").await;
    let r = app.post(&path, Some(&f.merchant.token), &json!({"amount_minor": 500, "reason": "one bruised"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "paid");
    assert_error(app.post(&path, Some(&f.merchant.token), &json!({"amount_minor": 1501})).await, StatusCode::CONFLICT, "refund_too_large")
        .await;
    assert_error(
        app.post(&path, Some(&f.merchant.token), &json!({"amount_minor": 0})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let r = app.post(&path, Some(&f.merchant.token), &json!({})).await;
    let order: Value = r.json().await.unwrap();
    assert_eq!(order["status"], "refunded");
    assert_eq!(order["refunded_minor"], 2000);
    // Refunded before shipping: the units are back on sale.
    assert_eq!(app.stock(f.product_id).await, 5);
    let owed: i64 = app.state.db.balances().await.unwrap().iter().filter(|b| b.account.starts_with("shop:")).map(|b| b.balance_minor).sum();
    assert_eq!(owed, 0);
    ledger_is_balanced(&app).await;
}

#[tokio::test]
async fn money_arriving_after_the_order_expired_is_returned() {
    let app = spawn_app_with(|c| c.payment_timeout_seconds = 60).await;
    let f = app.shop_with_product(100, 5).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    let started = started_payment(&app, &buyer.token, id).await;
    app.clock.advance_seconds(61);
    haul_server::workers::expire_unpaid::run_once(&app.state).await.unwrap();
    let body = event(started["payment"]["provider_ref"].as_str().unwrap(), 100, "evt_late");
    let sig = signing::sign(app.state.config.sandbox_secret.as_bytes(), app.clock_now_seconds(), &body);
    let r = webhook(&app, body, sig).await;
    assert_eq!(r.json::<Value>().await.unwrap()["result"], "refunded_late");
    assert_eq!(app.order_status(&buyer.token, id).await, "cancelled");
    let owed: i64 = app.state.db.balances().await.unwrap().iter().filter(|b| b.account.starts_with("shop:")).map(|b| b.balance_minor).sum();
    assert_eq!(owed, 0);
    ledger_is_balanced(&app).await;
}

#[tokio::test]
async fn a_second_payment_of_a_paid_order_is_returned_and_the_first_stays_refundable() {
    let app = spawn_app().await;
    let f = app.shop_with_product(700, 5).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    // Two pay pages opened while the order waited for payment; both are paid.
    let first = started_payment(&app, &buyer.token, id).await;
    let second = started_payment(&app, &buyer.token, id).await;
    let secret = app.state.config.sandbox_secret.clone();
    for (started, event_id, expected) in [(&first, "evt_first", "paid"), (&second, "evt_second", "refunded_duplicate")] {
        let body = event(started["payment"]["provider_ref"].as_str().unwrap(), 700, event_id);
        let sig = signing::sign(secret.as_bytes(), app.clock_now_seconds(), &body);
        assert_eq!(webhook(&app, body, sig).await.json::<Value>().await.unwrap()["result"], expected);
    }
    let order: Value = app.get(&format!("/api/v1/orders/{id}"), Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!(order["status"], "paid", "{order}");
    assert_eq!(order["refunded_minor"], 0, "{order}");
    // The merchant can still refund the order in full.
    let r = app.post(&format!("/api/v1/orders/{id}/refunds"), Some(&f.merchant.token), &json!({"reason": "changed mind"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "refunded");
    // Everything paid went back; nobody owes anything.
    let owed: i64 = app.state.db.balances().await.unwrap().iter().filter(|b| b.account.starts_with("shop:")).map(|b| b.balance_minor).sum();
    assert_eq!(owed, 0);
    ledger_is_balanced(&app).await;
}

#[tokio::test]
async fn only_the_signed_in_buyer_can_pay_in_the_sandbox_and_only_with_the_forms_token() {
    let app = spawn_app().await;
    let f = app.shop_with_product(500, 5).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    let pay_page = started_payment(&app, &buyer.token, id).await["redirect_url"].as_str().unwrap().to_owned();
    // A bare POST, as the pay page accepted before: sent to sign in.
    let r = app.client.post(app.url(&pay_page)).form(&[("action", "pay")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/signin");
    // Another signed-in person: no such payment for them.
    let stranger = app.sign_up("stranger").await;
    let theirs = app.browser_of(&stranger).await;
    assert_eq!(app.submit(&theirs, &pay_page, &[("action", "pay")]).await.status(), StatusCode::NOT_FOUND);
    let page = app.client.get(app.url(&pay_page)).header("cookie", &theirs.cookie).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    // The buyer's browser without the form's token.
    let mine = app.browser_of(&buyer).await;
    let r = app.client.post(app.url(&pay_page)).header("cookie", &mine.cookie).form(&[("action", "pay")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.order_status(&buyer.token, id).await, "pending_payment");
    // The buyer's page says no money moves, and paying from it works.
    let page = app.client.get(app.url(&pay_page)).header("cookie", &mine.cookie).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sandbox payments — no real money"), "{page}");
    assert_eq!(app.submit(&mine, &pay_page, &[("action", "pay")]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.order_status(&buyer.token, id).await, "paid");
}

#[tokio::test]
async fn a_second_pay_page_of_a_paid_order_refuses_before_money_moves() {
    let app = spawn_app().await;
    let f = app.shop_with_product(500, 5).await;
    let buyer = app.sign_up("buyer").await;
    let id = app.order_ok(&buyer, f.sku_id, 1).await;
    let second = started_payment(&app, &buyer.token, id).await["redirect_url"].as_str().unwrap().to_owned();
    app.pay(&buyer, id).await;
    let browser = app.browser_of(&buyer).await;
    let page = app.submit(&browser, &second, &[("action", "pay")]).await.text().await.unwrap();
    assert!(page.contains("no longer waits for payment"), "{page}");
    assert!(app.state.db.refunds_of_order(haul_domain::ids::OrderId(id)).await.unwrap().is_empty());
}
