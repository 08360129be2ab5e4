use haul_testkit::{Account, TestApp, assert_error, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn comment(app: &TestApp, who: &Account, video: i64, body: &str, parent: Option<i64>) -> reqwest::Response {
    app.post(&format!("/api/v1/videos/{video}/comments"), Some(&who.token), &json!({"body": body, "parent_id": parent})).await
}

async fn comment_ok(app: &TestApp, who: &Account, video: i64, body: &str, parent: Option<i64>) -> Value {
    let r = comment(app, who, video, body, parent).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

async fn threads(app: &TestApp, video: i64) -> Value {
    app.get(&format!("/api/v1/videos/{video}/comments"), None).await.json().await.unwrap()
}

/// Threads are one level deep; the chat's masked words apply; another
/// viewer sees the comment and its reply; likes count once per person.
#[tokio::test]
async fn comments_thread_one_level_deep_and_are_masked_and_liked() {
    let app = spawn_app_with(|c| c.live_blocked_words = "scam".into()).await;
    let creator = app.sign_up("creator").await;
    let video = app.upload_video(&creator, "Harvest day #farm", json!([])).await["id"].as_i64().unwrap();
    let (ann, bo) = (app.sign_up("ann").await, app.sign_up("bo").await);
    let top = comment_ok(&app, &ann, video, "Where is this orchard? Not a scam?", None).await;
    assert_eq!(top["body"], "Where is this orchard? Not a ****?");
    let top = top["id"].as_i64().unwrap();
    let reply = comment_ok(&app, &creator, video, "Ganzhou, Jiangxi!", Some(top)).await;
    assert_eq!((reply["parent_id"].as_i64(), reply["reply_to"].as_str()), (Some(top), Some("ann")));
    let answer = comment_ok(&app, &bo, video, "Thanks", Some(reply["id"].as_i64().unwrap())).await;
    assert_eq!(
        (answer["parent_id"].as_i64(), answer["reply_to"].as_str()),
        (Some(top), Some("creator")),
        "a reply to a reply joins the thread"
    );

    let page = threads(&app, video).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    assert_eq!(page["items"][0]["replies"], 2);
    let first: Vec<&str> = page["items"][0]["first_replies"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
    assert_eq!(first, ["Ganzhou, Jiangxi!", "Thanks"]);
    let replies: Value = app.get(&format!("/api/v1/comments/{top}/replies?after={}", reply["id"]), None).await.json().await.unwrap();
    assert_eq!(replies.as_array().unwrap().len(), 1);
    let v: Value = app.get(&format!("/api/v1/videos/{video}"), None).await.json().await.unwrap();
    assert_eq!(v["comments"], 3);

    for (who, on, likes) in [(&bo, true, 1), (&bo, true, 1), (&creator, true, 2), (&bo, false, 1)] {
        let r: Value = app.post(&format!("/api/v1/comments/{top}/likes"), Some(&who.token), &json!({"on": on})).await.json().await.unwrap();
        assert_eq!(r["likes"], likes);
    }
    assert_error(comment(&app, &ann, video, "   ", None).await, StatusCode::UNPROCESSABLE_ENTITY, "chat_empty").await;
    assert_error(comment(&app, &ann, video, "hi", Some(999_999)).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(comment(&app, &ann, 999_999, "hi", None).await, StatusCode::NOT_FOUND, "not_found").await;
}

/// The author pins one top comment, which leads the list; only they can;
/// comments are taken down by their writer or the video's author, and a
/// person posts at most five a minute.
#[tokio::test]
async fn the_author_pins_and_removes_and_comments_are_rationed() {
    let app = spawn_app_with(|_| {}).await;
    let creator = app.sign_up("creator").await;
    let video = app.upload_video(&creator, "Tea time #tea", json!([])).await["id"].as_i64().unwrap();
    let fan = app.sign_up("fan").await;
    let older = comment_ok(&app, &fan, video, "First!", None).await["id"].as_i64().unwrap();
    let newer = comment_ok(&app, &fan, video, "Which tea is this?", None).await["id"].as_i64().unwrap();
    let reply = comment_ok(&app, &creator, video, "Tieguanyin", Some(newer)).await["id"].as_i64().unwrap();

    assert_eq!(app.put(&format!("/api/v1/comments/{older}/pin"), Some(&fan.token), &json!({})).await.status(), StatusCode::FORBIDDEN);
    assert_error(
        app.put(&format!("/api/v1/comments/{reply}/pin"), Some(&creator.token), &json!({})).await,
        StatusCode::CONFLICT,
        "not_pinnable",
    )
    .await;
    assert_eq!(app.put(&format!("/api/v1/comments/{older}/pin"), Some(&creator.token), &json!({})).await.status(), StatusCode::NO_CONTENT);
    let ids = |page: &Value| page["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids(&threads(&app, video).await), [older, newer], "the pinned comment leads");
    assert_eq!(app.put(&format!("/api/v1/comments/{newer}/pin"), Some(&creator.token), &json!({})).await.status(), StatusCode::NO_CONTENT);
    let page = threads(&app, video).await;
    assert_eq!(ids(&page), [newer, older], "one pin at a time");
    assert!(page["items"][1]["pinned_at"].is_null());

    let stranger = app.sign_up("stranger").await;
    assert_eq!(app.delete(&format!("/api/v1/comments/{older}"), Some(&stranger.token)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.delete(&format!("/api/v1/comments/{reply}"), Some(&fan.token)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.delete(&format!("/api/v1/comments/{older}"), Some(&creator.token)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&format!("/api/v1/comments/{reply}"), Some(&creator.token)).await.status(), StatusCode::NO_CONTENT);
    let page = threads(&app, video).await;
    assert_eq!(ids(&page), [newer]);
    assert_eq!(page["items"][0]["replies"], 0);
    let v: Value = app.get(&format!("/api/v1/videos/{video}"), None).await.json().await.unwrap();
    assert_eq!(v["comments"], 1);

    // Two posted above; of ten sent at once, three pass, the rest wait.
    let bodies: Vec<String> = (0..10).map(|i| format!("more {i}")).collect();
    let burst = bodies.iter().map(|b| comment(&app, &fan, video, b, None));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(burst).await.iter().map(|r| r.status()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 3, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::TOO_MANY_REQUESTS));
    assert_error(comment(&app, &fan, video, "one too many", None).await, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    app.clock.advance_seconds(61);
    comment_ok(&app, &fan, video, "a minute later", None).await;
}

/// The comments page: a comment and a reply posted through its forms
/// appear for another viewer; the video's author pins from the page.
#[tokio::test]
async fn the_comments_page_posts_replies_and_pins() {
    let app = spawn_app_with(|_| {}).await;
    let creator = app.sign_up("creator").await;
    let video = app.upload_video(&creator, "Tea time #tea", json!([])).await["id"].as_i64().unwrap();
    let fan = app.sign_up("fan").await;
    let fan_browser = app.browser(&fan).await;
    let r = app.submit(&fan_browser, &format!("/videos/{video}/comments"), &[("body", "Lovely cups")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let top = threads(&app, video).await["items"][0]["id"].as_i64().unwrap();
    let owner = app.browser(&creator).await;
    let top_text = top.to_string();
    let r = app.submit(&owner, &format!("/videos/{video}/comments"), &[("body", "Thank you!"), ("parent_id", &top_text)]).await;
    assert!(r.headers()["location"].to_str().unwrap().contains(&format!("thread={top}")));
    assert_eq!(app.submit(&owner, &format!("/comments/{top}/pin"), &[("on", "true")]).await.status(), StatusCode::SEE_OTHER);
    let page = app.get(&format!("/videos/{video}/comments"), None).await.text().await.unwrap();
    assert!(page.contains("Lovely cups") && page.contains("Thank you!") && page.contains("@fan"), "{page}");
    // A thread is shown under its own video only.
    let other = app.upload_video(&fan, "Another #tea", json!([])).await["id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/videos/{other}/comments?thread={top}"), None).await.status(), StatusCode::NOT_FOUND);
    assert!(threads(&app, video).await["items"][0]["pinned_at"].is_i64());
    // A stranger is asked to sign in; the comment is kept for after.
    let csrf = haul_testkit::set_cookie(&app.get("/signin", None).await, "haul_csrf").unwrap();
    let r = app
        .client
        .post(app.url(&format!("/videos/{video}/comments")))
        .header("cookie", format!("haul_csrf={csrf}"))
        .form(&[("csrf", csrf.as_str()), ("body", "hi")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/signin?next=%2Fcontinue");
    assert!(haul_testkit::set_cookie(&r, "haul_pending").is_some());
}
