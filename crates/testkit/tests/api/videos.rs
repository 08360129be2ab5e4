use haul_testkit::{Account, TestApp, assert_error, spawn_app, spawn_app_with, tiny_mp4};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn upload(app: &TestApp, who: &Account, bytes: Vec<u8>, caption: &str, anchors: Value) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name("clip.mp4"))
        .text("caption", caption.to_owned())
        .text("anchors", anchors.to_string());
    app.request(Method::POST, "/api/v1/videos", Some(&who.token)).multipart(form).send().await.unwrap()
}

async fn upload_ok(app: &TestApp, who: &Account, caption: &str, anchors: Value) -> Value {
    app.upload_video(who, caption, anchors).await
}

async fn feed(app: &TestApp, who: Option<&Account>) -> Value {
    app.get("/api/v1/feed?limit=10", who.map(|a| a.token.as_str())).await.json().await.unwrap()
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"].as_array().unwrap().iter().map(|i| i["video"]["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn a_new_video_with_a_product_reaches_other_accounts_with_its_reasons_and_never_twice() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let creator = app.sign_up("creator").await;
    let video = upload_ok(
        &app,
        &creator,
        "Dawn harvest in Ganzhou #oranges #farm",
        json!([{"product_id": f.product_id, "sku_id": f.sku_id, "at_ms": 3000}]),
    )
    .await;
    assert_eq!(video["duration_ms"], 12_500);
    assert_eq!(video["hashtags"], "oranges farm");
    assert_eq!(video["anchors"][0]["title"], "Sugar oranges 5 kg");
    assert_eq!(video["anchors"][0]["price_minor"], 1990);
    let id = video["id"].as_i64().unwrap();
    // Playback supports byte ranges, so a player can seek.
    let r = app.client.get(app.url(video["url"].as_str().unwrap())).header("Range", "bytes=4-7").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"ftyp");

    let viewer = app.sign_up("viewer").await;
    let page = feed(&app, Some(&viewer)).await;
    let item = page["items"].as_array().unwrap().iter().find(|i| i["video"]["id"] == id).expect("the new video reaches a stranger");
    assert_eq!(item["reasons"]["source"], "exploration");
    assert_eq!(item["reasons"]["pool"]["state"], "growing");
    assert_eq!(item["reasons"]["pool"]["level"], 0);
    assert!(item["reasons"]["quality"].as_f64().unwrap() > 0.0);
    // Nothing else to show: it comes again, marked as seen.
    let again = feed(&app, Some(&viewer)).await;
    assert_eq!(ids(&again), [id]);
    assert_eq!(again["items"][0]["reasons"]["source"], "seen");
    assert_eq!(again["items"][0]["caught_up"], true);
    assert!(!ids(&feed(&app, Some(&creator)).await).contains(&id), "not in the creator's own feed");
    // Strangers without an account see it too.
    assert!(ids(&feed(&app, None).await).contains(&id));
    // Bought from the card: the order remembers the video, and paying counts for it.
    let r = app
        .request(Method::POST, "/api/v1/orders", Some(&viewer.token))
        .header("Idempotency-Key", "card")
        .json(&json!({"items": [{"sku_id": f.sku_id, "quantity": 1}], "video_id": id}))
        .send()
        .await
        .unwrap();
    let order: Value = r.json().await.unwrap();
    assert_eq!(order["video_id"], id);
    app.pay(&viewer, order["id"].as_i64().unwrap()).await;
    let v: Value = app.get(&format!("/api/v1/videos/{id}"), None).await.json().await.unwrap();
    assert_eq!(v["purchases"], 1);
}

/// Unseen videos first, each once; then the feed goes on with seen ones,
/// marking once where it crosses over, each seen one once per round.
#[tokio::test]
async fn a_viewers_feed_never_runs_dry() {
    let app = spawn_app().await;
    let mut posted = Vec::new();
    for name in ["ana", "bo", "cai"] {
        let creator = app.sign_up(name).await;
        for i in 0..2 {
            posted.push(upload_ok(&app, &creator, &format!("Clip {i} by {name} #daily"), json!([])).await["id"].as_i64().unwrap());
        }
    }
    let viewer = app.sign_up("viewer").await;
    let mut pages = Vec::new();
    for _ in 0..5 {
        let page: Value = app.get("/api/v1/feed?limit=4", Some(&viewer.token)).await.json().await.unwrap();
        assert!(page["next_cursor"].is_string(), "{page}");
        pages.push(page);
    }
    let all: Vec<&Value> = pages.iter().flat_map(|p| p["items"].as_array().unwrap()).collect();
    assert_eq!(all.len(), 20, "every page is full");
    let first: Vec<i64> = all[..6].iter().map(|i| i["video"]["id"].as_i64().unwrap()).collect();
    let mut sorted = first.clone();
    sorted.sort();
    assert_eq!(sorted, posted, "the six unseen come first, each once");
    assert!(all[..6].iter().all(|i| i["reasons"]["source"] != "seen" && i["caught_up"] == false));
    assert!(all[6..].iter().all(|i| i["reasons"]["source"] == "seen"));
    let marked: Vec<usize> = all.iter().enumerate().filter(|(_, i)| i["caught_up"] == true).map(|(n, _)| n).collect();
    assert_eq!(marked, [6], "marked once, where the feed crosses over");
    // Shown again: a round holds each seen video once.
    let mut round: Vec<i64> = all[6..12].iter().map(|i| i["video"]["id"].as_i64().unwrap()).collect();
    round.sort();
    assert_eq!(round, posted);
}

#[tokio::test]
async fn engagement_counts_and_the_studio_explains_the_pool() {
    let app = spawn_app().await;
    let creator = app.sign_up("creator").await;
    let video = upload_ok(&app, &creator, "How tea is rolled by hand", json!([])).await;
    let id = video["id"].as_i64().unwrap();
    let fan = app.sign_up("fan").await;
    let post = |path: String, body: Value| {
        let token = fan.token.clone();
        let app = &app;
        async move { app.post(&path, Some(&token), &body).await.status() }
    };
    assert_eq!(post(format!("/api/v1/videos/{id}/reactions"), json!({"kind": "like"})).await, StatusCode::NO_CONTENT);
    assert_eq!(
        post(format!("/api/v1/videos/{id}/reactions"), json!({"kind": "like"})).await,
        StatusCode::NO_CONTENT,
        "liking twice counts once"
    );
    assert_eq!(post(format!("/api/v1/videos/{id}/reactions"), json!({"kind": "save"})).await, StatusCode::NO_CONTENT);
    assert_eq!(post(format!("/api/v1/videos/{id}/events"), json!({"kind": "view", "watch_ms": 12_000})).await, StatusCode::NO_CONTENT);
    assert_eq!(post(format!("/api/v1/videos/{id}/events"), json!({"kind": "share"})).await, StatusCode::NO_CONTENT);
    let r = app.post(&format!("/api/v1/videos/{id}/comments"), Some(&fan.token), &json!({"body": "Beautiful!"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = app.get(&format!("/api/v1/videos/{id}"), None).await.json().await.unwrap();
    assert_eq!(
        (
            v["likes"].as_i64(),
            v["saves"].as_i64(),
            v["views"].as_i64(),
            v["completions"].as_i64(),
            v["shares"].as_i64(),
            v["comments"].as_i64()
        ),
        (Some(1), Some(1), Some(1), Some(1), Some(1), Some(1))
    );
    app.state.feed.refresh(&app.state.db, app.state.clock.now()).await.unwrap();
    let studio: Value = app.get("/api/v1/studio", Some(&creator.token)).await.json().await.unwrap();
    assert!(studio["health"].as_f64().unwrap() > 70.0, "good content raises health above the neutral 70");
    let s = &studio["videos"][0];
    assert_eq!(s["video"]["id"], id);
    assert_eq!(s["pool"]["state"], "growing");
    assert_eq!(s["pool"]["remaining"], 299, "the view was its first impression");
    assert!(s["rates"]["like"].as_f64().unwrap() < 0.1, "one like in one view is smoothed, not 100%");
    assert!(s["quality"].as_f64().unwrap() > 1.0);
    assert!(s["needs"].is_array());
    // Unlike.
    assert_eq!(post(format!("/api/v1/videos/{id}/reactions"), json!({"kind": "like", "on": false})).await, StatusCode::NO_CONTENT);
    let v: Value = app.get(&format!("/api/v1/videos/{id}"), None).await.json().await.unwrap();
    assert_eq!(v["likes"], 0);
}

#[tokio::test]
async fn what_a_viewer_watched_and_liked_lifts_that_creators_other_videos() {
    let app = spawn_app().await;
    let tea = app.sign_up("tea").await;
    let cars = app.sign_up("cars").await;
    let liked = upload_ok(&app, &tea, "Rolling oolong #tea", json!([])).await["id"].as_i64().unwrap();
    let more_tea = upload_ok(&app, &tea, "Picking at dawn #tea", json!([])).await["id"].as_i64().unwrap();
    let other = upload_ok(&app, &cars, "Engine sounds #cars", json!([])).await["id"].as_i64().unwrap();
    let viewer = app.sign_up("viewer").await;
    let r = app.post(&format!("/api/v1/videos/{liked}/events"), Some(&viewer.token), &json!({"kind": "view", "watch_ms": 12_000})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = app.post(&format!("/api/v1/videos/{liked}/reactions"), Some(&viewer.token), &json!({"kind": "like"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // The profile is read back from the record on the next page.
    let page = feed(&app, Some(&viewer)).await;
    let affinity = |id: i64| {
        let item = page["items"].as_array().unwrap().iter().find(|i| i["video"]["id"] == id).expect("on the page");
        item["reasons"]["affinity"].as_f64().unwrap()
    };
    assert!(affinity(more_tea) > affinity(other) + 0.2, "{page}");
}

#[tokio::test]
async fn following_feed_shows_followed_creators_newest_first() {
    let app = spawn_app().await;
    let creator = app.sign_up("creator").await;
    let first = upload_ok(&app, &creator, "one", json!([])).await["id"].as_i64().unwrap();
    let second = upload_ok(&app, &creator, "two", json!([])).await["id"].as_i64().unwrap();
    let fan = app.sign_up("fan").await;
    let page: Value = app.get("/api/v1/feed/following", Some(&fan.token)).await.json().await.unwrap();
    assert!(page["items"].as_array().unwrap().is_empty());
    let r = app.post(&format!("/api/v1/creators/{}/follow", creator.id), Some(&fan.token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let page: Value = app.get("/api/v1/feed/following?limit=1", Some(&fan.token)).await.json().await.unwrap();
    assert_eq!(ids(&page), vec![second]);
    assert_eq!(page["items"][0]["reasons"]["source"], "following");
    let next = page["next_cursor"].as_str().unwrap();
    let page: Value = app.get(&format!("/api/v1/feed/following?limit=1&cursor={next}"), Some(&fan.token)).await.json().await.unwrap();
    assert_eq!(ids(&page), vec![first]);
    let r = app.post(&format!("/api/v1/creators/{}/follow", fan.id), Some(&fan.token), &json!({})).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[tokio::test]
async fn the_operator_chooses_whether_hard_sell_is_demoted() {
    let app = spawn_app().await;
    let creator = app.sign_up("creator").await;
    let advert = upload_ok(&app, &creator, "Only ¥9.9!!! BUY NOW, link below, 50% off", json!([])).await;
    assert!(advert["hard_sell_milli"].as_i64().unwrap() >= 800);
    assert!(advert["hard_sell_signals"].as_str().unwrap().contains("urgency"));
    let viewer = app.sign_up("viewer").await;
    let factor = |page: &Value| page["items"][0]["reasons"]["policy_factor"].as_f64().unwrap();
    assert!(factor(&feed(&app, Some(&viewer)).await) < 0.6, "content first by default");
    let r = app.send_json(Method::PUT, "/api/v1/feed/policy", Some(&viewer.token), &json!({"policy": "commerce_first"})).await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let operator = app.sign_up("operator").await;
    app.make_operator(&operator).await;
    let r = app.send_json(Method::PUT, "/api/v1/feed/policy", Some(&operator.token), &json!({"policy": "commerce_first"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let other = app.sign_up("other").await;
    assert_eq!(factor(&feed(&app, Some(&other)).await), 1.0);
    let r = app.send_json(Method::PUT, "/api/v1/feed/policy", Some(&operator.token), &json!({"policy": "anything"})).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // Strikes lower the creator's health below the threshold: strangers no longer see the videos.
    let r = app.post(&format!("/api/v1/creators/{}/violations", creator.id), Some(&viewer.token), &json!({"reason": "spam"})).await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    for _ in 0..2 {
        let r = app
            .post(&format!("/api/v1/creators/{}/violations", creator.id), Some(&operator.token), &json!({"reason": "misleading claims"}))
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    let studio: Value = app.get("/api/v1/studio", Some(&creator.token)).await.json().await.unwrap();
    assert!(studio["health"].as_f64().unwrap() < studio["health_threshold"].as_f64().unwrap(), "{studio}");
    let stranger = app.sign_up("stranger").await;
    assert!(feed(&app, Some(&stranger)).await["items"].as_array().unwrap().is_empty(), "followers only");
    app.post(&format!("/api/v1/creators/{}/follow", creator.id), Some(&stranger.token), &json!({})).await;
    assert_eq!(ids(&feed(&app, Some(&stranger)).await), vec![advert["id"].as_i64().unwrap()], "a follower still sees it");
}

#[tokio::test]
async fn bad_uploads_are_refused_and_nothing_is_stored() {
    let app = spawn_app_with(|c| c.max_video_bytes = 4096).await;
    let creator = app.sign_up("creator").await;
    assert_error(
        upload(&app, &creator, b"<html>not a video</html>".to_vec(), "x", json!([])).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_video",
    )
    .await;
    assert_error(
        upload(&app, &creator, [tiny_mp4(), vec![0; 5000]].concat(), "x", json!([])).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
    )
    .await;
    assert_error(upload(&app, &creator, tiny_mp4(), "x", json!("nope")).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(upload(&app, &creator, tiny_mp4(), "a\u{0}b", json!([])).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    assert_error(upload(&app, &creator, tiny_mp4(), "x", json!([{"product_id": 999_999}])).await, StatusCode::NOT_FOUND, "not_found").await;
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(tiny_mp4()).file_name("clip.mp4"))
        .part("poster", reqwest::multipart::Part::bytes(b"<svg/>".to_vec()).file_name("p.svg"));
    let r = app.request(Method::POST, "/api/v1/videos", Some(&creator.token)).multipart(form).send().await.unwrap();
    assert_error(r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_image").await;
    let none: Value = app.get(&format!("/api/v1/creators/{}/videos", creator.id), None).await.json().await.unwrap();
    assert!(none["items"].as_array().unwrap().is_empty());
    // Refused uploads leave no file behind either.
    assert!(!app.state.config.media_dir().join("videos").exists());
    let r = app.request(Method::POST, "/api/v1/videos", None).send().await.unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let r = app.post("/api/v1/videos/999999/reactions", Some(&creator.token), &json!({"kind": "like"})).await;
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = app
        .request(Method::POST, "/api/v1/orders", Some(&creator.token))
        .header("Idempotency-Key", "k")
        .json(&json!({"items": [{"sku_id": 1, "quantity": 1}], "video_id": 999_999}))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = app.post("/api/v1/videos/999999/events", None, &json!({"kind": "dance"})).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(app.get("/api/v1/feed?limit=0", None).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_error(app.get("/api/v1/feed?cursor=zz", None).await, StatusCode::BAD_REQUEST, "invalid_cursor").await;
}

/// The video's views and shares.
async fn counts(app: &TestApp, id: i64) -> (i64, i64) {
    let v: Value = app.get(&format!("/api/v1/videos/{id}"), None).await.json().await.unwrap();
    (v["views"].as_i64().unwrap(), v["shares"].as_i64().unwrap())
}

#[tokio::test]
async fn views_count_once_a_day_and_shares_once_per_viewer() {
    let app = spawn_app().await;
    let creator = app.sign_up("creator").await;
    let id = upload_ok(&app, &creator, "Rolling tea", json!([])).await["id"].as_i64().unwrap();
    let path = format!("/api/v1/videos/{id}/events");
    let send = |token: Option<String>, cookie: Option<String>, kind: &'static str| {
        let mut r = app.request(Method::POST, &path, token.as_deref()).json(&json!({"kind": kind, "watch_ms": 3000}));
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        async move { r.send().await.unwrap().status() }
    };
    // Nobody Haul can recognise: accepted, counted nowhere.
    for _ in 0..20 {
        assert_eq!(send(None, None, "view").await, StatusCode::NO_CONTENT);
    }
    assert_eq!(counts(&app, id).await, (0, 0));
    // A browser id Haul issued with a page: once.
    let browser = haul_testkit::set_cookie(&app.get("/", None).await, "haul_browser").expect("a browser id with every page");
    for _ in 0..20 {
        send(None, Some(format!("haul_browser={browser}")), "view").await;
        send(None, Some(format!("haul_browser={browser}")), "share").await;
    }
    assert_eq!(counts(&app, id).await, (1, 1));
    // A made-up browser id counts nothing.
    let (value, _) = browser.rsplit_once('.').unwrap();
    send(None, Some(format!("haul_browser={value}.00000000000000000000000000000000")), "view").await;
    assert_eq!(counts(&app, id).await, (1, 1));
    // An account: once, and again a day later.
    let fan = app.sign_up("fan").await;
    for _ in 0..20 {
        send(Some(fan.token.clone()), None, "view").await;
    }
    assert_eq!(counts(&app, id).await, (2, 1));
    send(Some(fan.token.clone()), None, "share").await;
    app.clock.advance_seconds(24 * 3600);
    send(Some(fan.token.clone()), None, "view").await;
    send(Some(fan.token.clone()), None, "view").await;
    send(Some(fan.token.clone()), None, "share").await;
    assert_eq!(counts(&app, id).await, (3, 2), "a view counts again a day later, a share never");
    let v: Value = app.get(&format!("/api/v1/videos/{id}"), None).await.json().await.unwrap();
    assert_eq!(v["impressions"], 3, "views from outside the feed are impressions too");
}

#[tokio::test]
async fn one_address_sending_too_many_events_is_refused() {
    let app = spawn_app_with(|c| c.video_events_per_minute = 30).await;
    let creator = app.sign_up("creator").await;
    let id = upload_ok(&app, &creator, "Rolling tea", json!([])).await["id"].as_i64().unwrap();
    let mut refused = 0;
    for _ in 0..40 {
        let r = app.post(&format!("/api/v1/videos/{id}/events"), None, &json!({"kind": "view"})).await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    assert_eq!(refused, 10);
    app.clock.advance_seconds(60);
    assert_eq!(app.post(&format!("/api/v1/videos/{id}/events"), None, &json!({"kind": "view"})).await.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn browser_ids_are_rationed_per_address() {
    let app = spawn_app().await;
    let per_hour = app.state.config.browser_ids_per_hour as usize;
    let given = futures_util::future::join_all((0..per_hour + 5).map(|_| app.get("/", None)))
        .await
        .iter()
        .filter(|r| haul_testkit::set_cookie(r, "haul_browser").is_some())
        .count();
    assert_eq!(given, per_hour);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_address_has_its_own_limit() {
    for trusted in [true, false] {
        let app = spawn_app_with(|c| {
            c.video_events_per_minute = 2;
            c.trust_forwarded_for = trusted;
        })
        .await;
        let creator = app.sign_up("creator").await;
        let id = upload_ok(&app, &creator, "Rolling tea", json!([])).await["id"].as_i64().unwrap();
        let event = |from: &'static str| {
            let r = app.request(Method::POST, &format!("/api/v1/videos/{id}/events"), None).header("x-forwarded-for", from);
            async move { r.json(&json!({"kind": "view"})).send().await.unwrap().status() }
        };
        for _ in 0..2 {
            assert_eq!(event("203.0.113.7").await, StatusCode::NO_CONTENT);
        }
        assert_eq!(event("203.0.113.7").await, StatusCode::TOO_MANY_REQUESTS);
        let other = if trusted { StatusCode::NO_CONTENT } else { StatusCode::TOO_MANY_REQUESTS };
        assert_eq!(event("198.51.100.9, 203.0.113.8").await, other, "trusted: {trusted}");
    }
}
