use haul_testkit::{TestApp, assert_error, set_cookie, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn sign_up_returns_a_token_that_reads_me() {
    let app = spawn_app().await;
    let r =
        app.post("/api/v1/accounts", None, &json!({"login": "Mei@Example.com", "password": "long enough", "display_name": "Mei"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: Value = r.json().await.unwrap();
    assert!(body["user"].get("password_hash").is_none());
    let token = body["token"].as_str().unwrap();
    let me: Value = app.get("/api/v1/me", Some(token)).await.json().await.unwrap();
    assert_eq!(me["user"]["email"], "mei@example.com");
    assert_eq!(me["user"]["role"], "shopper");
}

#[tokio::test]
async fn phone_numbers_sign_in_however_they_are_written() {
    let app = spawn_app().await;
    let r =
        app.post("/api/v1/accounts", None, &json!({"login": "+86 138-0000-1111", "password": "long enough", "display_name": "Wang"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app.post("/api/v1/sessions", None, &json!({"login": "+8613800001111", "password": "long enough"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_taken_login_is_refused_with_409() {
    let app = spawn_app().await;
    let body = json!({"login": "a@example.com", "password": "long enough", "display_name": "A"});
    assert_eq!(app.post("/api/v1/accounts", None, &body).await.status(), StatusCode::CREATED);
    assert_error(app.post("/api/v1/accounts", None, &body).await, StatusCode::CONFLICT, "login_taken").await;
}

#[tokio::test]
async fn nobody_signs_themselves_up_as_operator() {
    let app = spawn_app().await;
    let r = app
        .post(
            "/api/v1/accounts",
            None,
            &json!({"login": "x@example.com", "password": "long enough", "display_name": "X", "role": "operator"}),
        )
        .await;
    assert_error(r, StatusCode::FORBIDDEN, "role_not_allowed").await;
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_then_rate_limited() {
    let app = spawn_app().await;
    app.post("/api/v1/accounts", None, &json!({"login": "b@example.com", "password": "right password", "display_name": "B"})).await;
    for _ in 0..5 {
        let r = app.post("/api/v1/sessions", None, &json!({"login": "b@example.com", "password": "wrong password"})).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // Even the right password waits out the window now.
    let r = app.post("/api/v1/sessions", None, &json!({"login": "b@example.com", "password": "right password"})).await;
    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    app.clock.advance_seconds(16 * 60);
    let r = app.post("/api/v1/sessions", None, &json!({"login": "b@example.com", "password": "right password"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn signing_out_revokes_the_token() {
    let app = spawn_app().await;
    let user = app.sign_up("c").await;
    let r = app.request(Method::DELETE, "/api/v1/sessions/current", Some(&user.token)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_error(app.get("/api/v1/me", Some(&user.token)).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn requests_without_a_valid_token_are_401() {
    let app = spawn_app().await;
    assert_error(app.get("/api/v1/me", None).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_error(app.get("/api/v1/me", Some("not-a-token")).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn only_operators_grant_roles() {
    let app = spawn_app().await;
    let user = app.sign_up("leader").await;
    let op = app.sign_up("op").await;
    let path = format!("/api/v1/users/{}/role", user.id);
    assert_error(
        app.send_json(Method::PUT, &path, Some(&user.token), &json!({"role": "group_leader"})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    app.make_operator(&op).await;
    assert_eq!(app.send_json(Method::PUT, &path, Some(&op.token), &json!({"role": "group_leader"})).await.status(), StatusCode::NO_CONTENT);
    let me: Value = app.get("/api/v1/me", Some(&user.token)).await.json().await.unwrap();
    assert_eq!(me["user"]["role"], "group_leader");
}

#[tokio::test]
async fn simultaneous_wrong_passwords_cannot_slip_under_the_limit() {
    let app = spawn_app().await;
    let user = app.sign_up("target").await;
    let wrong = json!({"login": user.login, "password": "wrong password"});
    let attempts = (0..30).map(|_| app.post("/api/v1/sessions", None, &wrong));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts).await.iter().map(|r| r.status()).collect();
    let wrong = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let held = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((wrong, held), (5, 25), "{statuses:?}");
}

async fn form_sign_in(app: &TestApp, login: &str, password: &str, cookies: &str) -> reqwest::Response {
    app.sign_in_form(login, password, cookies).await.0
}

#[tokio::test]
async fn strangers_guessing_a_password_do_not_lock_out_its_owners_browser() {
    let app = spawn_app().await;
    let owner = app.sign_up("owner").await;
    let first = form_sign_in(&app, &owner.login, "correct horse", "").await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let device = set_cookie(&first, "haul_device").expect("a device cookie");
    for _ in 0..8 {
        app.post("/api/v1/sessions", None, &json!({"login": owner.login, "password": "guess"})).await;
    }
    // The account is held for strangers, even with the right password...
    let r = app.post("/api/v1/sessions", None, &json!({"login": owner.login, "password": "correct horse"})).await;
    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    assert_eq!(form_sign_in(&app, &owner.login, "correct horse", "").await.status(), StatusCode::TOO_MANY_REQUESTS);
    // ...but not for the browser the owner signed in from before.
    let r = form_sign_in(&app, &owner.login, "correct horse", &format!("haul_device={device}")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&r, "haul_session").is_some());
    // A made-up device cookie is a stranger.
    let forged = "0".repeat(64);
    assert_eq!(
        form_sign_in(&app, &owner.login, "correct horse", &format!("haul_device={forged}")).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn one_address_guessing_many_accounts_is_held_back() {
    let app = spawn_app().await;
    let login_limit = app.state.config.login_address_attempts as usize;
    let mut statuses = vec![];
    for i in 0..login_limit + 2 {
        let r = app.post("/api/v1/sessions", None, &json!({"login": format!("nobody{i}@example.com"), "password": "guess"})).await;
        statuses.push(r.status());
    }
    assert!(statuses[..login_limit].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert!(statuses[login_limit..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    // The wait is capped: after 15 minutes the address may try again.
    app.clock.advance_seconds(15 * 60);
    let r = app.post("/api/v1/sessions", None, &json!({"login": "nobody@example.com", "password": "guess"})).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn signing_in_to_ones_own_account_does_not_refill_the_address_for_guesses() {
    let app = spawn_app().await;
    let attacker = app.sign_up("attacker").await;
    let (first, _) = app.sign_in_form(&attacker.login, "correct horse", "").await;
    let device = format!("haul_device={}", set_cookie(&first, "haul_device").unwrap());
    let per_address = app.state.config.login_address_attempts as usize;
    let mut held = 0;
    for i in 0..per_address + 5 {
        // A guess at someone else, then a good sign-in from the known browser.
        let r = app.post("/api/v1/sessions", None, &json!({"login": format!("victim{i}@example.com"), "password": "guess"})).await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            held += 1;
        }
        assert_eq!(form_sign_in(&app, &attacker.login, "correct horse", &device).await.status(), StatusCode::SEE_OTHER);
    }
    assert!(held >= 5, "{held} guesses held back");
}
