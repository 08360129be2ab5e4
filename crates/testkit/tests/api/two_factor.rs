//! Two-factor sign-in: on with a code from the app, then every sign-in
//! needs one (each code once), recovery codes once each, off with a code;
//! operators in production have no powers without it.

use haul_domain::accounts::Role;
use haul_domain::ids::UserId;
use haul_domain::signing::from_hex;
use haul_domain::two_factor::code_at;
use haul_server::clock::Clock;
use haul_testkit::{Account, TestApp, assert_error, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// What the person's app shows now: computed from the secret in the record.
async fn app_code(app: &TestApp, who: &Account) -> String {
    let totp = app.state.db.totp(UserId(who.id)).await.unwrap();
    let key = from_hex(&totp.totp_secret.unwrap()).unwrap();
    code_at(&key, app.clock.now())
}

/// Turns two-factor sign-in on; the recovery codes.
async fn turn_on(app: &TestApp, who: &Account) -> Vec<String> {
    let r = app.post("/api/v1/me/two-factor", Some(&who.token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let enrolment: Value = r.json().await.unwrap();
    let secret = enrolment["secret"].as_str().unwrap().replace(' ', "");
    assert!(enrolment["otpauth_uri"].as_str().unwrap().contains(&format!("secret={secret}&issuer=Haul")), "{enrolment}");
    let code = app_code(app, who).await;
    let r = app.post("/api/v1/me/two-factor/confirm", Some(&who.token), &json!({"code": code, "password": "correct horse"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let codes: Vec<String> = serde_json::from_value(r.json::<Value>().await.unwrap()["recovery_codes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    codes
}

async fn sign_in(app: &TestApp, who: &Account, second_factor: Option<&str>) -> reqwest::Response {
    app.post("/api/v1/sessions", None, &json!({"login": who.login, "password": "correct horse", "second_factor": second_factor})).await
}

#[tokio::test]
async fn once_on_every_sign_in_needs_a_fresh_code_from_the_app_or_a_recovery_code_once() {
    let app = spawn_app().await;
    let ann = app.sign_up("ann").await;
    app.post("/api/v1/me/two-factor", Some(&ann.token), &json!({})).await;
    let wrong = app.post("/api/v1/me/two-factor/confirm", Some(&ann.token), &json!({"code": "12345x", "password": "correct horse"})).await;
    assert_error(wrong, StatusCode::BAD_REQUEST, "code_invalid").await;
    // A session alone does not turn it on: whoever stole one must not lock the owner out.
    let code = app_code(&app, &ann).await;
    let thief = app.post("/api/v1/me/two-factor/confirm", Some(&ann.token), &json!({"code": code, "password": "a guess"})).await;
    assert_error(thief, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let other = sign_in(&app, &ann, None).await.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let codes = turn_on(&app, &ann).await;
    let me: Value = app.get("/api/v1/me", Some(&ann.token)).await.json().await.unwrap();
    assert_eq!(me["user"]["two_factor"], true);
    assert_eq!(app.get("/api/v1/me", Some(&other)).await.status(), StatusCode::UNAUTHORIZED, "every other session ended");
    assert_error(app.post("/api/v1/me/two-factor", Some(&ann.token), &json!({})).await, StatusCode::CONFLICT, "two_factor_on").await;

    assert_error(sign_in(&app, &ann, None).await, StatusCode::UNAUTHORIZED, "second_factor_required").await;
    let used = app_code(&app, &ann).await;
    assert_error(sign_in(&app, &ann, Some(&used)).await, StatusCode::BAD_REQUEST, "code_invalid").await;
    app.clock.advance_seconds(30);
    let fresh = app_code(&app, &ann).await;
    assert_eq!(sign_in(&app, &ann, Some(&fresh)).await.status(), StatusCode::CREATED);
    assert_error(sign_in(&app, &ann, Some(&fresh)).await, StatusCode::BAD_REQUEST, "code_invalid").await;

    let typed = codes[3].to_lowercase().replace('-', " ");
    assert_eq!(sign_in(&app, &ann, Some(&typed)).await.status(), StatusCode::CREATED);
    assert_error(sign_in(&app, &ann, Some(&codes[3])).await, StatusCode::BAD_REQUEST, "code_invalid").await;
    assert_eq!(app.state.db.recovery_codes_left(UserId(ann.id)).await.unwrap(), 9);
}

#[tokio::test]
async fn turning_it_off_or_renewing_recovery_codes_takes_a_code() {
    let app = spawn_app().await;
    let ann = app.sign_up("ann").await;
    let old = turn_on(&app, &ann).await;
    app.clock.advance_seconds(30);
    let r = app.post("/api/v1/me/two-factor/recovery-codes", Some(&ann.token), &json!({"code": app_code(&app, &ann).await})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_error(sign_in(&app, &ann, Some(&old[0])).await, StatusCode::BAD_REQUEST, "code_invalid").await;
    let wrong = app.post("/api/v1/me/two-factor/disable", Some(&ann.token), &json!({"code": "ABCDE-FGHJK"})).await;
    assert_error(wrong, StatusCode::BAD_REQUEST, "code_invalid").await;
    app.clock.advance_seconds(30);
    let r = app.post("/api/v1/me/two-factor/disable", Some(&ann.token), &json!({"code": app_code(&app, &ann).await})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(sign_in(&app, &ann, None).await.status(), StatusCode::CREATED);
    let again = app.post("/api/v1/me/two-factor/disable", Some(&ann.token), &json!({"code": "123456"})).await;
    assert_error(again, StatusCode::CONFLICT, "two_factor_off").await;
}

#[tokio::test]
async fn a_sign_in_code_is_not_used_up_by_a_missing_second_factor() {
    let app = spawn_app().await;
    let bo = app.sign_up_phone("bo").await;
    turn_on(&app, &bo).await;
    app.post("/api/v1/sessions/sms-code", None, &json!({"phone": bo.login})).await;
    let m = app.message_to(&bo.login).await;
    let code: String = m.body.chars().skip_while(|c| !c.is_ascii_digit()).take(6).collect();
    let without = app.post("/api/v1/sessions/sms", None, &json!({"phone": bo.login, "code": code})).await;
    assert_error(without, StatusCode::UNAUTHORIZED, "second_factor_required").await;
    app.clock.advance_seconds(30);
    let with = json!({"phone": bo.login, "code": code, "second_factor": app_code(&app, &bo).await});
    assert_eq!(app.post("/api/v1/sessions/sms", None, &with).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn in_production_an_operator_has_no_powers_until_two_factor_is_on() {
    let app = spawn_app_with(|c| {
        c.env = "production".into();
        c.sandbox_secret = "a long and private secret".into();
        c.sandbox_payments_move_no_money = true;
        c.public_url = Some("https://shop.example.com".into());
        c.smtp_url = Some("smtp://127.0.0.1:1".into());
    })
    .await;
    let ops = app.sign_up("ops").await;
    app.state.db.set_role(UserId(ops.id), Role::Operator).await.unwrap();
    app.state.sessions.forget_user(ops.id);
    assert_eq!(app.get("/api/v1/operator/reports", Some(&ops.token)).await.status(), StatusCode::FORBIDDEN);
    turn_on(&app, &ops).await;
    assert_eq!(app.get("/api/v1/operator/reports", Some(&ops.token)).await.status(), StatusCode::OK);
}
