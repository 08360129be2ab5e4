//! E-mail about orders and money: a receipt always, the rest unless the
//! person turned it off; none to accounts without an e-mail address.

use haul_testkit::{assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn home() -> Value {
    json!({"recipient": "王小明", "phone": "138 0013 8000", "province": "GD", "city": "深圳市", "district": "南山区", "street": "科技园路1号", "postcode": "518000"})
}

#[tokio::test]
async fn a_paid_order_mails_a_receipt_and_its_news_until_the_buyer_turns_that_off() {
    let app = spawn_app().await;
    let f = app.shop_with_product(990, 5).await;
    let buyer = app.sign_up("buyer").await;
    assert_eq!(app.post("/api/v1/addresses", Some(&buyer.token), &home()).await.status(), StatusCode::CREATED);

    let id = app.order_ok(&buyer, f.sku_id, 2).await;
    app.pay(&buyer, id).await;
    let receipt = app.message_to(&buyer.login).await;
    assert_eq!(receipt.kind, "receipt");
    assert!(receipt.subject.contains(&id.to_string()), "{}", receipt.subject);
    assert!(receipt.body.contains("× 2") && receipt.body.contains("19.80"), "{}", receipt.body);
    assert!(!receipt.body.contains("turn off"), "receipts cannot be turned off: {}", receipt.body);

    let tracking = json!({"carrier": "SF Express", "tracking_no": "SF1402000001"});
    assert_eq!(app.post(&format!("/api/v1/orders/{id}/shipment"), Some(&f.merchant.token), &tracking).await.status(), StatusCode::OK);
    let shipped = app.message_to(&buyer.login).await;
    assert_eq!(shipped.kind, "shipped");
    assert!(shipped.body.contains("SF1402000001") && shipped.body.contains("Account security"), "{}", shipped.body);

    let prefs: Value = app.get("/api/v1/me/mail-preferences", Some(&buyer.token)).await.json().await.unwrap();
    assert_eq!(prefs["on"], json!(["shipped", "pickup", "refund", "live", "payout"]));
    let bad = app.put("/api/v1/me/mail-preferences", Some(&buyer.token), &json!({"on": ["shipped", "spam"]})).await;
    assert_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app.put("/api/v1/me/mail-preferences", Some(&buyer.token), &json!({"on": ["refund"]})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["on"], json!(["refund"]));

    let second = app.order_ok(&buyer, f.sku_id, 1).await;
    app.pay(&buyer, second).await;
    app.post(&format!("/api/v1/orders/{second}/shipment"), Some(&f.merchant.token), &tracking).await;
    let r = app.post(&format!("/api/v1/orders/{second}/refunds"), Some(&f.merchant.token), &json!({"reason": "damaged"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let kinds: Vec<String> = app.messages_to(&buyer.login).await.into_iter().rev().map(|m| m.kind).collect();
    assert_eq!(kinds, ["receipt", "shipped", "receipt", "refund"], "no shipped mail once turned off");
    let refund = app.message_to(&buyer.login).await;
    assert!(refund.body.contains("9.90"), "{}", refund.body);

    // A phone account is told in the app only.
    let phone = app.sign_up_phone("phone").await;
    app.post("/api/v1/addresses", Some(&phone.token), &home()).await;
    let id = app.order_ok(&phone, f.sku_id, 1).await;
    app.pay(&phone, id).await;
    assert!(app.messages_to(&phone.login).await.is_empty());
}
