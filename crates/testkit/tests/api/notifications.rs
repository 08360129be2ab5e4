use haul_testkit::{Account, TestApp, assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn inbox(app: &TestApp, who: &Account) -> Value {
    app.get("/api/v1/notifications", Some(&who.token)).await.json().await.unwrap()
}

fn kinds(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect()
}

/// A comment tells the video's author, a reply the person answered, a
/// follow the creator (once, however often it is undone and done again); nobody hears of what they did themselves;
/// reading marks them read.
#[tokio::test]
async fn replies_comments_and_follows_are_told() {
    let app = spawn_app().await;
    let creator = app.sign_up("creator").await;
    let fan = app.sign_up("fan").await;
    let video = app.upload_video(&creator, "Tea #tea", json!([])).await["id"].as_i64().unwrap();
    let path = format!("/api/v1/videos/{video}/comments");
    let top: Value = app.post(&path, Some(&fan.token), &json!({"body": "Which tea?"})).await.json().await.unwrap();
    app.post(&path, Some(&creator.token), &json!({"body": "Oolong", "parent_id": top["id"]})).await;
    app.post(&path, Some(&creator.token), &json!({"body": "My own note"})).await;
    for on in [true, true, false, true, false, true] {
        app.post(&format!("/api/v1/creators/{}/follow", creator.id), Some(&fan.token), &json!({"on": on})).await;
    }
    let mine = inbox(&app, &creator).await;
    assert_eq!(kinds(&mine), ["follow", "comment"], "{mine}");
    assert_eq!(mine["items"][1]["actor"], "fan");
    assert_eq!(mine["items"][1]["excerpt"], "Which tea?");
    assert!(mine["items"][1]["link"].as_str().unwrap().starts_with(&format!("/videos/{video}/comments")));
    let theirs = inbox(&app, &fan).await;
    assert_eq!(kinds(&theirs), ["reply"]);
    assert_eq!(theirs["unread"], 1);
    let r = app.post("/api/v1/notifications/read", Some(&fan.token), &json!({"up_to": theirs["items"][0]["id"]})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(inbox(&app, &fan).await["unread"], 0);
    // The page shows them and the bottom bar counts them.
    let home =
        app.client.get(app.url("/")).header("cookie", app.browser(&creator).await.cookie).send().await.unwrap().text().await.unwrap();
    assert!(home.contains(r#"<span class="badge""#), "the unread count shows");
}

/// "Remind me" on a room that has not started; when it goes live, each
/// person who asked is told once; a started room takes no reminder.
#[tokio::test]
async fn a_reminder_is_sent_once_when_the_room_goes_live() {
    let app = spawn_app().await;
    let host = app.sign_up("host").await;
    let room: Value = app.post("/api/v1/live/rooms", Some(&host.token), &json!({"title": "Tea tasting"})).await.json().await.unwrap();
    let id = room["id"].as_i64().unwrap();
    let fan = app.sign_up("fan").await;
    let reminder = format!("/api/v1/live/rooms/{id}/reminder");
    for _ in 0..2 {
        assert_eq!(app.put(&reminder, Some(&fan.token), &json!({"on": true})).await.status(), StatusCode::NO_CONTENT);
    }
    let key = room["publish"]["stream_key"].as_str().unwrap().split_once("?key=").unwrap().1.to_owned();
    let live = |key: String| {
        let form = [("call", "publish".to_owned()), ("app", "live".to_owned()), ("name", id.to_string()), ("key", key)];
        app.client.post(app.url("/live/hooks/publish")).form(&form).send()
    };
    assert_eq!(live(key.clone()).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(live(key).await.unwrap().status(), StatusCode::NO_CONTENT, "the encoder reconnects");
    let page = inbox(&app, &fan).await;
    assert_eq!(kinds(&page), ["live"], "told once: {page}");
    assert_eq!((page["items"][0]["actor"].as_str(), page["items"][0]["link"].as_str()), (Some("host"), Some(&*format!("/live/{id}"))));
    assert_eq!(page["items"][0]["excerpt"], "Tea tasting");
    assert_error(app.put(&reminder, Some(&fan.token), &json!({"on": true})).await, StatusCode::CONFLICT, "room_started").await;
}
