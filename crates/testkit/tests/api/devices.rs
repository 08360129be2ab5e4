//! Devices: a person sees where they are signed in and signs any of those
//! sessions out, or every one but this.

use haul_testkit::{Account, TestApp, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

/// Signs `who` in again from a browser saying `agent`; the new token.
async fn sign_in_from(app: &TestApp, who: &Account, agent: &str) -> String {
    let r = app
        .request(Method::POST, "/api/v1/sessions", None)
        .header("user-agent", agent)
        .json(&json!({"login": who.login, "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

async fn sessions(app: &TestApp, token: &str) -> Vec<Value> {
    let r = app.get("/api/v1/me/sessions", Some(token)).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone()
}

async fn works(app: &TestApp, token: &str) -> bool {
    app.get("/api/v1/me", Some(token)).await.status() == StatusCode::OK
}

#[tokio::test]
async fn a_person_sees_their_sessions_and_signs_any_of_them_out() {
    let app = spawn_app().await;
    let ann = app.sign_up("ann").await;
    let phone = sign_in_from(&app, &ann, PHONE).await;

    let seen = sessions(&app, &ann.token).await;
    assert_eq!(seen.len(), 2);
    let this: Vec<&Value> = seen.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(this.len(), 1, "the asking session is marked");
    let other = seen.iter().find(|s| s["current"] == false).unwrap();
    assert_eq!((other["browser"].as_str(), other["system"].as_str()), (Some("Safari"), Some("iOS")));
    assert_eq!(other["address"], "127.0.0.1");
    let handle = other["handle"].as_str().unwrap();
    assert_eq!(handle.len(), 16);
    assert!(!phone.contains(handle) && !seen.iter().any(|s| s.to_string().contains(&phone)), "no token is shown");

    // Another person cannot end it, nor learn that it exists.
    let bob = app.sign_up("bob").await;
    let theirs = app.request(Method::DELETE, &format!("/api/v1/me/sessions/{handle}"), Some(&bob.token)).send().await.unwrap();
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    for made_up in ["0000000000000000", "not-a-handle", "%00"] {
        let r = app.request(Method::DELETE, &format!("/api/v1/me/sessions/{made_up}"), Some(&ann.token)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{made_up}");
    }
    assert!(works(&app, &phone).await);
    // This session signs out by signing out, not from the list.
    let mine = seen.iter().find(|s| s["current"] == true).unwrap()["handle"].as_str().unwrap();
    let r = app.request(Method::DELETE, &format!("/api/v1/me/sessions/{mine}"), Some(&ann.token)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(works(&app, &ann.token).await);

    let ended = app.request(Method::DELETE, &format!("/api/v1/me/sessions/{handle}"), Some(&ann.token)).send().await.unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    assert!(!works(&app, &phone).await, "the phone is signed out at once");
    assert!(works(&app, &ann.token).await);

    // Everywhere else: two more sessions end, this one stays, Bob's too.
    let (a, b) = (sign_in_from(&app, &ann, "curl/8.5.0").await, sign_in_from(&app, &ann, PHONE).await);
    let r = app.post("/api/v1/me/sessions/sign-out-others", Some(&ann.token), &json!({})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["ended"], 2);
    assert!(!works(&app, &a).await && !works(&app, &b).await);
    assert!(works(&app, &ann.token).await && works(&app, &bob.token).await);
    assert_eq!(sessions(&app, &ann.token).await.len(), 1);
}

#[tokio::test]
async fn last_used_follows_the_session_within_minutes() {
    let app = spawn_app().await;
    let ann = app.sign_up("ann").await;
    let first = sessions(&app, &ann.token).await[0]["last_seen_at"].as_i64().unwrap();
    app.clock.advance_seconds(6 * 60);
    // The first use after five minutes records it, beside the request.
    assert!(works(&app, &ann.token).await);
    let mut later = first;
    for _ in 0..200 {
        later = sessions(&app, &ann.token).await[0]["last_seen_at"].as_i64().unwrap();
        if later != first {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(later - first, 6 * 60_000, "written when used again after five minutes");
    // Within the five minutes it is not written again.
    app.clock.advance_seconds(60);
    assert!(works(&app, &ann.token).await);
    assert_eq!(sessions(&app, &ann.token).await[0]["last_seen_at"].as_i64().unwrap(), later);
}

#[tokio::test]
async fn the_devices_page_signs_another_browser_out() {
    let app = spawn_app().await;
    let ann = app.sign_up("ann").await;
    let laptop = app.browser(&ann).await;
    let phone = app.browser(&ann).await;
    let page = app.client.get(app.url("/account/devices")).header("cookie", &laptop.cookie).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sign out everywhere else"), "{page}");
    // Three sessions: the API's and two browsers'; sign out all but the laptop.
    let r = app.submit(&laptop, "/account/devices/sign-out-others", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let gone = app.client.get(app.url("/account/devices")).header("cookie", &phone.cookie).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::SEE_OTHER, "the phone's browser is sent to sign in");
    assert!(!works(&app, &ann.token).await);
    let zh = app
        .client
        .get(app.url("/account/devices"))
        .header("cookie", &laptop.cookie)
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert!(zh.text().await.unwrap().contains("本机"));
}
