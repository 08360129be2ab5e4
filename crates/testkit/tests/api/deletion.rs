//! Deleting an account: the person is gone at once (login, name, address,
//! sessions), their finished orders stay for the shop without them, and an
//! operator can do it on request, in the audit log.

use haul_testkit::{assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_deleted_accounts_orders_stay_with_the_shop_without_the_person() {
    let app = spawn_app().await;
    let f = app.shop_with_product(990, 5).await;
    let ann = app.sign_up("ann").await;
    let address = json!({"recipient": "Ann Lee", "phone": "138 0013 8000", "province": "GD", "city": "深圳市", "district": "南山区", "street": "科技园路1号", "postcode": "518000"});
    app.post("/api/v1/addresses", Some(&ann.token), &address).await;
    let order = app.order_ok(&ann, f.sku_id, 1).await;
    app.pay(&ann, order).await;
    let form = reqwest::multipart::Form::new().text("title", "My week").text("body", "Oranges every day");
    let note = app.request(reqwest::Method::POST, "/api/v1/notes", Some(&ann.token)).multipart(form).send().await.unwrap();
    let note = note.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // A comment of hers under someone else's note.
    let cy = app.sign_up("cy").await;
    let form = reqwest::multipart::Form::new().text("title", "Cy's week").text("body", "Tea every day");
    let cys = app.request(reqwest::Method::POST, "/api/v1/notes", Some(&cy.token)).multipart(form).send().await.unwrap();
    let cys = cys.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app.post(&format!("/api/v1/notes/{cys}/comments"), Some(&ann.token), &json!({"body": "Which tea?"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let delete = |password: &str| json!({"password": password});

    let r = app.post("/api/v1/me/deletion", Some(&ann.token), &delete("correct horse")).await;
    assert_error(r, StatusCode::CONFLICT, "account_has_open_orders").await;
    let refund = app.post(&format!("/api/v1/orders/{order}/refunds"), Some(&f.merchant.token), &json!({"reason": "out of stock"})).await;
    assert_eq!(refund.status(), StatusCode::CREATED);
    assert_error(
        app.post("/api/v1/me/deletion", Some(&ann.token), &delete("wrong guess")).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let merchant = app.post("/api/v1/me/deletion", Some(&f.merchant.token), &delete("correct horse")).await;
    assert_error(merchant, StatusCode::CONFLICT, "account_runs_a_shop").await;
    assert_eq!(app.post("/api/v1/me/deletion", Some(&ann.token), &delete("correct horse")).await.status(), StatusCode::NO_CONTENT);

    assert_eq!(app.get("/api/v1/me", Some(&ann.token)).await.status(), StatusCode::UNAUTHORIZED, "signed out");
    let again = app.post("/api/v1/sessions", None, &json!({"login": ann.login, "password": "correct horse"})).await;
    assert_error(again, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    // The shop still has the order and its money, without Ann.
    let r = app.get(&format!("/api/v1/orders/{order}"), Some(&f.merchant.token)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let seen = r.text().await.unwrap();
    let v: Value = serde_json::from_str(&seen).unwrap();
    assert_eq!(v["status"], "refunded");
    assert!(v["ship_to"].is_null(), "{seen}");
    assert!(!seen.contains("Ann Lee") && !seen.contains(&ann.login), "{seen}");
    let person = app.state.db.user(haul_domain::ids::UserId(ann.id)).await.unwrap();
    assert_eq!(person.display_name, format!("u{}", ann.id));
    assert!(person.email.unwrap().ends_with("@deleted.invalid") && person.phone.is_none());
    // Her note is taken down (she did not ask to leave it up).
    assert_eq!(app.get(&format!("/api/v1/notes/{note}"), None).await.status(), StatusCode::NOT_FOUND);
    let theirs: Value = app.get(&format!("/api/v1/notes/{cys}"), None).await.json().await.unwrap();
    assert_eq!(theirs["comments"], 0, "her comment is gone from Cy's count: {theirs}");
    // The login is free for a new account.
    let r = app.post("/api/v1/accounts", None, &json!({"login": ann.login, "password": "correct horse", "display_name": "Ann"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn an_operator_deletes_an_account_on_request_in_the_audit_log() {
    let app = spawn_app().await;
    let bo = app.sign_up("bo").await;
    let stranger = app.sign_up("stranger").await;
    let path = format!("/api/v1/operator/people/{}/deletion", bo.id);
    let request = json!({"reason": "Bo asked by e-mail on 2026-12-01", "keep_content": true});
    assert_error(app.post(&path, Some(&stranger.token), &request).await, StatusCode::FORBIDDEN, "forbidden").await;
    let ops = app.sign_up("ops").await;
    app.make_operator(&ops).await;
    app.state.sessions.forget_user(ops.id);
    assert_error(app.post(&path, Some(&ops.token), &json!({"reason": ""})).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    assert_eq!(app.post(&path, Some(&ops.token), &request).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", Some(&bo.token)).await.status(), StatusCode::UNAUTHORIZED);
    let audit: Value = app.get("/api/v1/operator/audit", Some(&ops.token)).await.json().await.unwrap();
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], "delete_account");
    assert_eq!(entry["subject_id"], bo.id);
    assert!(entry["detail"].as_str().unwrap().contains("keep_content"), "{entry}");
}

#[tokio::test]
async fn an_operator_exports_an_accounts_data_on_request_in_the_audit_log() {
    let app = spawn_app().await;
    let bo = app.sign_up("bo").await;
    let path = format!("/api/v1/operator/people/{}/export", bo.id);
    let request = json!({"reason": "Bo asked by phone on 2026-12-02"});
    assert_error(app.post(&path, Some(&bo.token), &request).await, StatusCode::FORBIDDEN, "forbidden").await;
    let ops = app.sign_up("ops").await;
    app.make_operator(&ops).await;
    app.state.sessions.forget_user(ops.id);
    let r = app.post(&path, Some(&ops.token), &request).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let audit: Value = app.get("/api/v1/operator/audit", Some(&ops.token)).await.json().await.unwrap();
    assert_eq!(audit["items"][0]["action"], "export_data");
}
