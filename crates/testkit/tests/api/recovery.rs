//! Getting back into an account: a reset link by e-mail, a code by SMS,
//! sign-in by SMS code, proving an address or number; and none of it tells a
//! stranger whether an account exists.

use haul_testkit::{Account, TestApp, assert_error, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The token of the newest link Haul mailed to `to`.
async fn mailed_token(app: &TestApp, to: &str) -> String {
    let m = app.message_to(to).await;
    assert_eq!(m.channel, "email");
    let at = m.body.find("token=").expect("a link with a token") + "token=".len();
    m.body[at..at + 64].to_owned()
}

/// The six-digit code of the `nth` SMS to `to` (from 1), waiting for it.
async fn texted_code(app: &TestApp, to: &str, nth: usize) -> String {
    let mut sent = app.messages_to(to).await;
    for _ in 0..500 {
        if sent.len() >= nth {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        sent = app.messages_to(to).await;
    }
    let m = sent.into_iter().rev().nth(nth - 1).expect("the message within 10 s");
    assert_eq!(m.channel, "sms");
    let digits: String = m.body.chars().skip_while(|c| !c.is_ascii_digit()).take_while(char::is_ascii_digit).collect();
    assert_eq!(digits.len(), 6, "{}", m.body);
    digits
}

async fn sign_in(app: &TestApp, login: &str, password: &str) -> StatusCode {
    app.post("/api/v1/sessions", None, &json!({"login": login, "password": password})).await.status()
}

async fn ask_reset(app: &TestApp, login: &str) -> (StatusCode, Value) {
    let r = app.post("/api/v1/password-resets", None, &json!({"login": login})).await;
    (r.status(), r.json().await.unwrap())
}

#[tokio::test]
async fn a_mailed_link_sets_a_new_password_once_and_ends_every_session() {
    let app = spawn_app().await;
    let ann = app.sign_up("ann").await;
    let (status, _) = ask_reset(&app, &ann.login).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let token = mailed_token(&app, &ann.login).await;
    let m = app.message_to(&ann.login).await;
    assert!(m.subject.contains("password"), "{}", m.subject);
    assert!(m.body.contains(&format!("{}/reset-password?token={token}", app.base)), "{}", m.body);

    let reset = json!({"token": token, "new_password": "a new long secret"});
    assert_error(
        app.post("/api/v1/password-resets/complete", None, &json!({"token": token, "new_password": "short"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(app.post("/api/v1/password-resets/complete", None, &reset).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", Some(&ann.token)).await.status(), StatusCode::UNAUTHORIZED, "the old session ended");
    assert_eq!(sign_in(&app, &ann.login, "correct horse").await, StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in(&app, &ann.login, "a new long secret").await, StatusCode::CREATED);
    assert_error(app.post("/api/v1/password-resets/complete", None, &reset).await, StatusCode::BAD_REQUEST, "link_invalid").await;
    let me: Value = app.get("/api/v1/me", Some(&signed_in_token(&app, &ann.login, "a new long secret").await)).await.json().await.unwrap();
    assert_eq!(me["user"]["email_verified"], true, "the link reached the address");
}

async fn signed_in_token(app: &TestApp, login: &str, password: &str) -> String {
    let r = app.post("/api/v1/sessions", None, &json!({"login": login, "password": password})).await;
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_link_expires_after_an_hour() {
    let app = spawn_app().await;
    let ann = app.sign_up("ann").await;
    ask_reset(&app, &ann.login).await;
    let token = mailed_token(&app, &ann.login).await;
    app.clock.advance_seconds(3600);
    assert_error(
        app.post("/api/v1/password-resets/complete", None, &json!({"token": token, "new_password": "a new long secret"})).await,
        StatusCode::BAD_REQUEST,
        "link_invalid",
    )
    .await;
    assert_eq!(sign_in(&app, &ann.login, "correct horse").await, StatusCode::CREATED);
}

#[tokio::test]
async fn asking_for_a_reset_answers_the_same_whether_or_not_the_account_exists() {
    let app = spawn_app().await;
    let ann = app.sign_up("ann").await;
    let known = ask_reset(&app, &ann.login).await;
    let unknown = ask_reset(&app, "nobody-here@example.com").await;
    assert_eq!(known, unknown);
    let phone_known = app.sign_up_phone("bo").await;
    let (a, b) = (ask_reset(&app, &phone_known.login).await, ask_reset(&app, "+8613900000000").await);
    assert_eq!(a, b);
    // What differs is only what reaches the account's own inbox or phone.
    app.message_to(&ann.login).await;
    app.message_to(&phone_known.login).await;
    assert!(app.messages_to("nobody-here@example.com").await.is_empty());
    assert!(app.messages_to("+8613900000000").await.is_empty());
    // A second ask at once is answered alike, and sends nothing more.
    assert_eq!(ask_reset(&app, &ann.login).await, unknown);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.messages_to(&ann.login).await.len(), 1, "a minute between codes to one address");
    assert_error(
        app.post("/api/v1/password-resets", None, &json!({"login": "not a login"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn a_texted_code_resets_a_phone_accounts_password_and_dies_after_five_wrong_tries() {
    let app = spawn_app().await;
    let bo = app.sign_up_phone("bo").await;
    ask_reset(&app, &bo.login).await;
    let code = texted_code(&app, &bo.login, 1).await;
    // An SMS code is no link: its hash's preimage is guessable, so it is
    // never looked up as one.
    let forged = json!({"token": format!("{}:reset_password:{code}", bo.id), "new_password": "a new long secret"});
    assert_error(app.post("/api/v1/password-resets/complete", None, &forged).await, StatusCode::BAD_REQUEST, "link_invalid").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let r = app
            .post("/api/v1/password-resets/complete", None, &json!({"login": bo.login, "code": wrong, "new_password": "a new long secret"}))
            .await;
        assert_error(r, StatusCode::BAD_REQUEST, "code_invalid").await;
    }
    // Five wrong guesses: the code is dead, and the account's next guess waits.
    let right = json!({"login": bo.login, "code": code, "new_password": "a new long secret"});
    assert_error(app.post("/api/v1/password-resets/complete", None, &right).await, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
        .await;
    app.clock.advance_seconds(31);
    assert_error(app.post("/api/v1/password-resets/complete", None, &right).await, StatusCode::BAD_REQUEST, "code_invalid").await;
    // A new code, a minute later, works once.
    app.clock.advance_seconds(61);
    ask_reset(&app, &bo.login).await;
    let code = texted_code(&app, &bo.login, 2).await;
    let right = json!({"login": bo.login, "code": format!("{} {}", &code[..3], &code[3..]), "new_password": "a new long secret"});
    assert_eq!(app.post("/api/v1/password-resets/complete", None, &right).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", Some(&bo.token)).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in(&app, &bo.login, "a new long secret").await, StatusCode::CREATED);
    assert_error(app.post("/api/v1/password-resets/complete", None, &right).await, StatusCode::BAD_REQUEST, "code_invalid").await;
}

async fn ask_sign_in_code(app: &TestApp, phone: &str) -> StatusCode {
    app.post("/api/v1/sessions/sms-code", None, &json!({"phone": phone})).await.status()
}

#[tokio::test]
async fn a_phone_account_signs_in_with_a_texted_code_within_ten_minutes() {
    let app = spawn_app().await;
    let bo = app.sign_up_phone("bo").await;
    assert_eq!(ask_sign_in_code(&app, &bo.login).await, StatusCode::ACCEPTED);
    assert_eq!(ask_sign_in_code(&app, "+8613911111111").await, StatusCode::ACCEPTED, "strangers' numbers alike");
    let code = texted_code(&app, &bo.login, 1).await;
    app.clock.advance_seconds(600);
    let late = app.post("/api/v1/sessions/sms", None, &json!({"phone": bo.login, "code": code})).await;
    assert_error(late, StatusCode::UNAUTHORIZED, "invalid_credentials").await;

    app.clock.advance_seconds(60);
    ask_sign_in_code(&app, &bo.login).await;
    let code = texted_code(&app, &bo.login, 2).await;
    let r = app.post("/api/v1/sessions/sms", None, &json!({"phone": bo.login, "code": code})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["user"]["phone_verified"], true);
    let again = app.post("/api/v1/sessions/sms", None, &json!({"phone": bo.login, "code": code})).await;
    assert_error(again, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let email = app.post("/api/v1/sessions/sms-code", None, &json!({"phone": "ann@example.com"})).await;
    assert_error(email, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[tokio::test]
async fn a_person_proves_their_email_by_link_and_their_phone_by_code() {
    let app = spawn_app().await;
    let ann = app.sign_up("ann").await;
    let me = |who: &Account| {
        let (app, token) = (&app, who.token.clone());
        async move { app.get("/api/v1/me", Some(&token)).await.json::<Value>().await.unwrap()["user"].clone() }
    };
    assert_eq!(me(&ann).await["email_verified"], false);
    let r = app.post("/api/v1/me/verification", Some(&ann.token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    assert_eq!(r.json::<Value>().await.unwrap()["channel"], "email");
    let again = app.post("/api/v1/me/verification", Some(&ann.token), &json!({})).await;
    assert_error(again, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    let token = mailed_token(&app, &ann.login).await;
    assert_error(
        app.post("/api/v1/email-verifications", None, &json!({"token": "f".repeat(64)})).await,
        StatusCode::BAD_REQUEST,
        "link_invalid",
    )
    .await;
    assert_eq!(app.post("/api/v1/email-verifications", None, &json!({"token": token})).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(&ann).await["email_verified"], true);
    let done = app.post("/api/v1/me/verification", Some(&ann.token), &json!({})).await;
    assert_error(done, StatusCode::CONFLICT, "nothing_to_verify").await;

    let bo = app.sign_up_phone("bo").await;
    let r = app.post("/api/v1/me/verification", Some(&bo.token), &json!({})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["channel"], "sms");
    let code = texted_code(&app, &bo.login, 1).await;
    let wrong = app.post("/api/v1/me/verification/phone", Some(&bo.token), &json!({"code": "12345"})).await;
    assert_error(wrong, StatusCode::BAD_REQUEST, "code_invalid").await;
    let r = app.post("/api/v1/me/verification/phone", Some(&bo.token), &json!({"code": code})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(&bo).await["phone_verified"], true);
}

#[tokio::test]
async fn one_address_asking_for_many_codes_is_told_to_wait() {
    let app = spawn_app_with(|c| c.recovery_requests_per_hour = 3).await;
    for i in 0..3 {
        assert_eq!(ask_reset(&app, &format!("someone{i}@example.com")).await.0, StatusCode::ACCEPTED);
    }
    let r = app.post("/api/v1/password-resets", None, &json!({"login": "someone9@example.com"})).await;
    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    app.clock.advance_seconds(3600);
    assert_eq!(ask_reset(&app, "someone9@example.com").await.0, StatusCode::ACCEPTED);
}
