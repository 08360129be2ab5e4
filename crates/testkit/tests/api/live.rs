use haul_server::clock::Clock;
use haul_testkit::{Account, Fixture, LiveClient, TestApp, assert_error, spawn_app, spawn_app_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A host's room selling the fixture's product.
async fn room(app: &TestApp, host: &Account, f: &Fixture) -> Value {
    let r = app.post("/api/v1/live/rooms", Some(&host.token), &json!({"title": "Orange night", "product_ids": [f.product_id]})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

/// The media server's callback, as nginx-rtmp posts it.
async fn hook(app: &TestApp, which: &str, room: i64, key: &str) -> StatusCode {
    let form = [("call", which), ("app", "live"), ("name", &room.to_string()), ("key", key)];
    app.client.post(app.url(&format!("/live/hooks/{which}"))).form(&form).send().await.unwrap().status()
}

fn secret(room: &Value) -> String {
    room["publish"]["stream_key"].as_str().unwrap().split_once("?key=").unwrap().1.to_owned()
}

async fn tick(app: &TestApp) {
    app.state.live.tick(&app.state.deals, 1000).await;
}

#[tokio::test]
async fn a_room_goes_live_only_with_its_key_and_ends_with_a_replay() {
    let app = spawn_app_with(|c| c.live_end_grace_seconds = 0).await;
    let f = app.shop_with_product(1990, 10).await;
    let host = app.sign_up("host").await;
    let room = room(&app, &host, &f).await;
    let id = room["id"].as_i64().unwrap();
    assert_eq!(room["status"], "scheduled");
    assert_eq!(room["publish"]["server"], "rtmp://127.0.0.1:1935/live");
    assert_eq!(room["bag"][0]["skus"][0]["id"], f.sku_id);
    let public: Value = app.get(&format!("/api/v1/live/rooms/{id}"), None).await.json().await.unwrap();
    assert!(public["publish"].is_null(), "only the host sees the stream key");
    let other: Value = app.get(&format!("/api/v1/live/rooms/{id}"), Some(&app.sign_up("x").await.token)).await.json().await.unwrap();
    assert!(other["publish"].is_null());

    // A cover picture, from its bytes; only those who run the room set it.
    let cover = |token: &str, bytes: &'static [u8]| {
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name("cover"));
        app.request(Method::POST, &format!("/api/v1/live/rooms/{id}/cover"), Some(token)).multipart(form).send()
    };
    assert_error(cover(&host.token, b"<svg onload=alert(1)>").await.unwrap(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_image")
        .await;
    assert_eq!(cover(&f.merchant.token, b"\x89PNG\r\n\x1a\n0000").await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(cover(&host.token, b"\x89PNG\r\n\x1a\n0000").await.unwrap().status(), StatusCode::NO_CONTENT);
    let upcoming: Value = app.get("/api/v1/live/rooms?status=scheduled", None).await.json().await.unwrap();
    let cover_key = upcoming["items"][0]["cover_key"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&format!("/media/{cover_key}"), None).await.status(), StatusCode::OK);
    assert_eq!(upcoming["items"][0]["id"], id);
    assert_eq!(hook(&app, "publish", id, "wrong").await, StatusCode::FORBIDDEN);
    assert_eq!(hook(&app, "publish", id + 1, &secret(&room)).await, StatusCode::FORBIDDEN);
    assert_eq!(hook(&app, "publish", id, "").await, StatusCode::FORBIDDEN);
    let mut viewer = LiveClient::connect(&app, id, "").await.unwrap();
    assert_eq!(viewer.next_of(&["snapshot"]).await["status"], "scheduled");
    assert_eq!(hook(&app, "publish", id, &secret(&room)).await, StatusCode::NO_CONTENT);
    let live = viewer.next_of(&["status"]).await;
    assert_eq!(live["status"], "live");
    let shown: Value = app.get(&format!("/api/v1/live/rooms/{id}"), None).await.json().await.unwrap();
    assert_eq!((shown["status"].as_str(), shown["hls"].as_str()), (Some("live"), Some(format!("/live/hls/{id}.m3u8").as_str())));
    let now_live: Value = app.get("/api/v1/live/rooms", None).await.json().await.unwrap();
    assert_eq!(now_live["items"][0]["id"], id);
    // An encoder that reconnects is let in again while the room is live.
    assert_eq!(hook(&app, "publish", id, &secret(&room)).await, StatusCode::NO_CONTENT);
    assert_eq!(viewer.next_of(&["status"]).await["status"], "live");

    // The media server wrote the stream; its end makes the replay.
    let hls = app.data_dir.join("hls");
    std::fs::write(hls.join(format!("{id}.m3u8")), format!("#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:1.0,\n{id}-0.ts\n")).unwrap();
    std::fs::write(hls.join(format!("{id}-0.ts")), b"segment").unwrap();
    assert_eq!(hook(&app, "publish_done", id, "wrong").await, StatusCode::NO_CONTENT);
    let still: Value = app.get(&format!("/api/v1/live/rooms/{id}"), None).await.json().await.unwrap();
    assert_eq!(still["status"], "live", "a forged end changes nothing");
    assert_eq!(hook(&app, "publish_done", id, &secret(&room)).await, StatusCode::NO_CONTENT);
    let ended = viewer.next_of(&["status"]).await;
    assert_eq!((ended["status"].as_str(), ended["replay"].as_bool()), (Some("ended"), Some(false)));
    let replay = viewer.next_of(&["status"]).await;
    assert_eq!(replay["replay"], true);
    let shown: Value = app.get(&format!("/api/v1/live/rooms/{id}"), None).await.json().await.unwrap();
    let playlist = app.get(shown["hls"].as_str().unwrap(), None).await.text().await.unwrap();
    assert!(playlist.contains("#EXT-X-PLAYLIST-TYPE:VOD") && playlist.ends_with("#EXT-X-ENDLIST\n"), "{playlist}");
    assert_eq!(app.get(&format!("/live/hls/{id}-0.ts"), None).await.status(), StatusCode::OK);
    // An ended room takes no stream, and ends once.
    assert_eq!(hook(&app, "publish", id, &secret(&room)).await, StatusCode::FORBIDDEN);
    let r = app.post(&format!("/api/v1/live/rooms/{id}/end"), Some(&host.token), &json!({})).await;
    assert_error(r, StatusCode::CONFLICT, "room_ended").await;
}

#[tokio::test]
async fn chat_reaches_every_viewer_and_a_reconnecting_viewer_resumes() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let host = app.sign_up("host").await;
    let id = room(&app, &host, &f).await["id"].as_i64().unwrap();
    let ann = app.sign_up("Ann").await;
    let mut a = LiveClient::connect(&app, id, &format!("token={}", ann.token)).await.unwrap();
    let mut b = LiveClient::connect(&app, id, "viewer=browser-123456").await.unwrap();
    let snap = a.next_of(&["snapshot"]).await;
    assert_eq!((snap["you"]["user_id"].as_i64(), snap["you"]["moderator"].as_bool()), (Some(ann.id), Some(false)));
    assert_eq!(snap["bag"][0]["product_id"], f.product_id);
    let start = b.next_of(&["snapshot"]).await["last_id"].as_u64().unwrap();

    a.send(json!({"type": "chat", "text": "  hello room  "})).await;
    let seen_a = a.next_of(&["chat"]).await;
    let seen_b = b.next_of(&["chat"]).await;
    assert_eq!(seen_a, seen_b);
    assert_eq!(
        (seen_b["text"].as_str(), seen_b["name"].as_str(), seen_b["user_id"].as_i64()),
        (Some("hello room"), Some("Ann"), Some(ann.id))
    );
    a.send(json!({"type": "chat", "text": "second"})).await;
    let second = b.next_of(&["chat"]).await["id"].as_u64().unwrap();
    assert!(second > seen_b["id"].as_u64().unwrap());

    // B drops and comes back having seen only the snapshot: it gets both.
    drop(b);
    let mut b = LiveClient::connect(&app, id, &format!("after={start}")).await.unwrap();
    let snap = b.next_of(&["snapshot"]).await;
    assert_eq!(snap["resumed"], true);
    assert_eq!(b.next_of(&["chat"]).await["text"], "hello room");
    assert_eq!(b.next_of(&["chat"]).await["id"].as_u64(), Some(second));
    // A newcomer sees the recent chat; an unknown position starts over.
    let mut c = LiveClient::connect(&app, id, &format!("after={}", u64::MAX / 2)).await.unwrap();
    assert_eq!(c.next_of(&["snapshot"]).await["resumed"], false);
    assert_eq!(c.next_of(&["chat"]).await["text"], "hello room");

    // Viewer counts and likes reach everyone on the hub's tick.
    a.send(json!({"type": "like", "count": 3})).await;
    a.send(json!({"type": "like", "count": 1000})).await;
    a.send(json!({"type": "share"})).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    tick(&app).await;
    tick(&app).await;
    assert_eq!(b.next_of(&["viewers"]).await["count"], 3);
    assert_eq!(b.next_of(&["likes"]).await["total"], 13, "a tap counts at most 10");
}

#[tokio::test]
async fn chat_rules_and_moderators() {
    let app = spawn_app_with(|c| {
        c.live_blocked_words = "scam, 微信".into();
        c.live_chat_max_chars = 20;
    })
    .await;
    let f = app.shop_with_product(1990, 10).await;
    let host = app.sign_up("host").await;
    let id = room(&app, &host, &f).await["id"].as_i64().unwrap();
    let bob = app.sign_up("Bob").await;
    let mut anon = LiveClient::connect(&app, id, "").await.unwrap();
    let mut b = LiveClient::connect(&app, id, &format!("token={}", bob.token)).await.unwrap();
    let mut h = LiveClient::connect(&app, id, &format!("token={}", host.token)).await.unwrap();
    assert_eq!(h.next_of(&["snapshot"]).await["you"]["moderator"], true);

    anon.send(json!({"type": "chat", "text": "hi"})).await;
    assert_eq!(anon.next_of(&["error"]).await["code"], "sign_in_required");
    // A page in Chinese hears its refusals in Chinese; the code stays.
    let mut zh = LiveClient::connect_in(&app, id, "", "zh-CN").await.unwrap();
    zh.send(json!({"type": "chat", "text": "hi"})).await;
    let refused = zh.next_of(&["error"]).await;
    assert_eq!((refused["code"].as_str(), refused["message"].as_str()), (Some("sign_in_required"), Some("登录后才能聊天。")));
    anon.send(json!({"type": "shout"})).await;
    assert_eq!(anon.next_of(&["error"]).await["code"], "bad_command");
    anon.send_binary().await;
    assert_eq!(anon.next_of(&["error"]).await["code"], "text_only");
    b.send(json!({"type": "chat", "text": "x".repeat(21)})).await;
    assert_eq!(b.next_of(&["error"]).await["code"], "chat_too_long");
    b.send(json!({"type": "chat", "text": " \n "})).await;
    assert_eq!(b.next_of(&["error"]).await["code"], "chat_empty");
    b.send(json!({"type": "chat", "text": "no SCAM, add 微信"})).await;
    let masked = h.next_of(&["chat"]).await;
    assert_eq!(masked["text"], "no ****, add **");
    // The burst (3) is spent by now, and the test's clock stands still.
    b.send(json!({"type": "chat", "text": "two"})).await;
    b.send(json!({"type": "chat", "text": "three"})).await;
    b.send(json!({"type": "chat", "text": "four"})).await;
    assert_eq!(b.next_of(&["error"]).await["code"], "rate_limited");
    assert_eq!(h.next_of(&["chat"]).await["text"], "two");
    assert_eq!(h.next_of(&["chat"]).await["text"], "three");
    app.clock.advance_seconds(10);

    // Bob may not moderate; the host deletes, mutes and bans.
    b.send(json!({"type": "mute", "user_id": host.id, "minutes": 5})).await;
    assert_eq!(b.next_of(&["error"]).await["code"], "forbidden");
    let r =
        app.request(Method::DELETE, &format!("/api/v1/live/rooms/{id}/messages/{}", masked["id"]), Some(&bob.token)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r =
        app.request(Method::DELETE, &format!("/api/v1/live/rooms/{id}/messages/{}", masked["id"]), Some(&host.token)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(anon.next_of(&["deleted"]).await["message_id"], masked["id"]);
    h.send(json!({"type": "mute", "user_id": bob.id, "minutes": 10})).await;
    assert_eq!(b.next_of(&["sanctioned"]).await["kind"], "mute");
    b.send(json!({"type": "chat", "text": "let me speak"})).await;
    assert_eq!(b.next_of(&["error"]).await["code"], "muted");
    app.clock.advance_seconds(11 * 60);
    b.send(json!({"type": "chat", "text": "back"})).await;
    assert_eq!(h.next_of(&["chat"]).await["text"], "back");
    let r = app.post(&format!("/api/v1/live/rooms/{id}/mutes"), Some(&host.token), &json!({"user_id": bob.id, "minutes": 0})).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app.post(&format!("/api/v1/live/rooms/{id}/bans"), Some(&host.token), &json!({"user_id": host.id})).await;
    assert_error(r, StatusCode::CONFLICT, "cannot_sanction").await;
    let r = app.post(&format!("/api/v1/live/rooms/{id}/bans"), Some(&host.token), &json!({"user_id": 999_999})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // A moderator the host appoints may ban; a banned viewer cannot come back.
    let mod_account = app.sign_up("Mo").await;
    let r = app.post(&format!("/api/v1/live/rooms/{id}/moderators"), Some(&bob.token), &json!({"user_id": bob.id})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app.post(&format!("/api/v1/live/rooms/{id}/moderators"), Some(&host.token), &json!({"user_id": mod_account.id})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(h.next_of(&["moderator_added"]).await["user_id"], mod_account.id);
    let r = app.post(&format!("/api/v1/live/rooms/{id}/bans"), Some(&mod_account.token), &json!({"user_id": bob.id})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(h.next_of(&["sanctioned"]).await["kind"], "ban");
    b.send(json!({"type": "chat", "text": "still here?"})).await;
    assert_eq!(b.next_of(&["error"]).await["code"], "banned");
    assert!(LiveClient::connect(&app, id, &format!("token={}", bob.token)).await.is_err(), "refused with 403");
    assert!(LiveClient::connect(&app, id + 100, "").await.is_err(), "unknown room: 404");
    assert!(LiveClient::connect(&app, id, "token=forged").await.is_err(), "a bad token is refused, not ignored");
}

#[tokio::test]
async fn the_bag_the_pin_and_buying_from_the_room() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let other = app.shop_with_product(500, 10).await;
    let host = app.sign_up("host").await;
    let id = room(&app, &host, &f).await["id"].as_i64().unwrap();
    let mut v = LiveClient::connect(&app, id, "").await.unwrap();
    v.next_of(&["snapshot"]).await;

    let pin = |product: Value| json!({"product_id": product});
    let r = app.send_json(Method::PUT, &format!("/api/v1/live/rooms/{id}/pin"), Some(&host.token), &pin(json!(other.product_id))).await;
    assert_error(r, StatusCode::CONFLICT, "not_in_bag").await;
    let r = app.send_json(Method::PUT, &format!("/api/v1/live/rooms/{id}/pin"), Some(&f.merchant.token), &pin(json!(f.product_id))).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "the product's shop does not run a creator's room");
    let r = app.send_json(Method::PUT, &format!("/api/v1/live/rooms/{id}/pin"), Some(&host.token), &pin(json!(f.product_id))).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(v.next_of(&["pinned"]).await["product_id"], f.product_id);

    let bag = |ids: Vec<i64>| json!({"product_ids": ids});
    let r =
        app.send_json(Method::PUT, &format!("/api/v1/live/rooms/{id}/products"), Some(&host.token), &bag(vec![f.product_id; 101])).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app
        .send_json(Method::PUT, &format!("/api/v1/live/rooms/{id}/products"), Some(&host.token), &bag(vec![f.product_id, f.product_id]))
        .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let r = app
        .send_json(Method::PUT, &format!("/api/v1/live/rooms/{id}/products"), Some(&host.token), &bag(vec![other.product_id, 999_999]))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let shown: Value = app.get(&format!("/api/v1/live/rooms/{id}"), None).await.json().await.unwrap();
    assert_eq!(shown["bag"].as_array().unwrap().len(), 1, "a refused bag leaves the old one");

    // Buying: only what is in the bag; the order records room and host.
    let buyer = app.sign_up("Cyd").await;
    let buy = |sku: i64, key: &str| {
        app.request(Method::POST, "/api/v1/orders", Some(&buyer.token))
            .header("Idempotency-Key", key)
            .json(&json!({"items": [{"sku_id": sku, "quantity": 2}], "room_id": id}))
            .send()
    };
    assert_error(buy(other.sku_id, "k1").await.unwrap(), StatusCode::CONFLICT, "not_in_bag").await;
    let r = buy(f.sku_id, "k2").await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let order: Value = r.json().await.unwrap();
    assert_eq!((order["room_id"].as_i64(), order["host_id"].as_i64()), (Some(id), Some(host.id)));
    app.pay(&buyer, order["id"].as_i64().unwrap()).await;
    let ticker = v.next_of(&["purchase"]).await;
    assert_eq!(
        (ticker["name"].as_str(), ticker["title"].as_str(), ticker["quantity"].as_i64()),
        (Some("C***"), Some("Sugar oranges 5 kg"), Some(2))
    );

    // Taking the product out of the bag unpins it.
    let r = app.send_json(Method::PUT, &format!("/api/v1/live/rooms/{id}/products"), Some(&host.token), &bag(vec![other.product_id])).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(v.next_of(&["bag"]).await["products"][0]["product_id"], other.product_id);
    assert!(v.next_of(&["pinned"]).await["product_id"].is_null());
}

#[tokio::test]
async fn a_shop_room_drops_a_deal_with_live_stock_and_the_figures_count_the_stream() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 50).await;
    let r = app
        .post(
            "/api/v1/live/rooms",
            Some(&f.merchant.token),
            &json!({"title": "Shop live", "shop_id": f.shop_id, "product_ids": [f.product_id]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let room: Value = r.json().await.unwrap();
    let id = room["id"].as_i64().unwrap();
    let stranger = app.sign_up("s").await;
    let r = app.post("/api/v1/live/rooms", Some(&stranger.token), &json!({"title": "Not mine", "shop_id": f.shop_id})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app.post("/api/v1/live/rooms", Some(&stranger.token), &json!({"title": " "})).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(hook(&app, "publish", id, &secret(&room)).await, StatusCode::NO_CONTENT);

    let buyers = [app.sign_up("Dee").await, app.sign_up("Eve").await, app.sign_up("Fay").await];
    let mut viewers = Vec::new();
    for b in &buyers {
        let mut v = LiveClient::connect(&app, id, &format!("token={}", b.token)).await.unwrap();
        v.next_of(&["snapshot"]).await;
        viewers.push(v);
    }
    let mut anon = LiveClient::connect(&app, id, "viewer=anon-abcdefgh").await.unwrap();
    anon.next_of(&["snapshot"]).await;
    viewers[0].send(json!({"type": "chat", "text": "how sweet?"})).await;
    viewers[1].send(json!({"type": "like", "count": 4})).await;
    // A chat refused is not an interaction.
    viewers[2].send(json!({"type": "chat", "text": "   "})).await;
    assert_eq!(viewers[2].next_of(&["error"]).await["code"], "chat_empty");
    anon.next_of(&["chat"]).await;

    let now = app.clock.now().millis();
    let deal = json!({"sku_id": f.sku_id, "price_minor": 990, "quantity": 5, "per_shopper_cap": 2, "starts_at": now, "ends_at": now + 600_000, "live_room_id": id});
    let r = app.post("/api/v1/deals", Some(&stranger.token), &deal).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app.post("/api/v1/deals", Some(&f.merchant.token), &deal).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let deal_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let dropped = anon.next_of(&["deal"]).await;
    assert_eq!((dropped["deal"]["id"].as_i64(), dropped["deal"]["price_minor"].as_i64()), (Some(deal_id), Some(990)));
    tick(&app).await;
    assert_eq!(anon.next_of(&["stock"]).await["remaining"], 5);
    let r = app
        .request(Method::POST, &format!("/api/v1/deals/{deal_id}/purchase"), Some(&buyers[0].token))
        .header("Idempotency-Key", "d1")
        .json(&json!({"quantity": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let deal_order = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    tick(&app).await;
    let stock = anon.next_of(&["stock"]).await;
    assert_eq!((stock["deal_id"].as_i64(), stock["remaining"].as_i64()), (Some(deal_id), Some(3)));
    app.pay(&buyers[0], deal_order).await;
    assert_eq!(anon.next_of(&["purchase"]).await["name"], "D***");
    // A late joiner sees the deal in its snapshot.
    let mut late = LiveClient::connect(&app, id, "").await.unwrap();
    assert_eq!(late.next_of(&["snapshot"]).await["deals"][0]["id"], deal_id);

    let r = app.get(&format!("/api/v1/live/rooms/{id}/figures"), Some(&stranger.token)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.clock.advance_seconds(60);
    tick(&app).await;
    let r = app.post(&format!("/api/v1/live/rooms/{id}/end"), Some(&f.merchant.token), &json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let figures: Value = app.get(&format!("/api/v1/live/rooms/{id}/figures"), Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!(figures["unique_viewers"], 5, "three signed in, the anonymous browser and the late joiner: {figures}");
    assert_eq!(figures["peak_viewers"], 5, "{figures}");
    assert_eq!((figures["comments"].as_i64(), figures["likes"].as_i64()), (Some(1), Some(4)), "{figures}");
    assert_eq!((figures["orders"].as_i64(), figures["gmv_minor"].as_i64()), (Some(1), Some(1980)), "{figures}");
    assert_eq!(figures["live_seconds"], 60);
    assert!((figures["interaction_rate"].as_f64().unwrap() - 2.0 / 5.0).abs() < 1e-9, "one chatted, one liked: {figures}");
    assert!((figures["conversion"].as_f64().unwrap() - 0.2).abs() < 1e-9, "{figures}");
    assert_eq!(figures["gpm_minor"], 1980 * 1000 / 5, "{figures}");
    // Minute by minute: the viewers the hub saw, the orders once counted.
    let minutes = figures["viewers_by_minute"].as_array().unwrap();
    assert!(minutes.iter().any(|m| m["viewers"] == 5), "{figures}");
    assert_eq!(figures["sales_by_minute"], json!([]), "not counted before the analytics worker runs");
    haul_server::workers::analytics::run_once(&app.state).await.unwrap();
    let figures: Value = app.get(&format!("/api/v1/live/rooms/{id}/figures"), Some(&f.merchant.token)).await.json().await.unwrap();
    let sales = &figures["sales_by_minute"];
    assert_eq!(
        (sales[0]["orders"].as_i64(), sales[0]["gross_minor"].as_i64()),
        (Some(1), Some(1980)),
        "the deal dropped in the room: {figures}"
    );
}

#[tokio::test]
async fn an_encoder_that_comes_back_within_the_grace_period_keeps_the_room_live() {
    let app = spawn_app_with(|c| c.live_end_grace_seconds = 1).await;
    let f = app.shop_with_product(1990, 10).await;
    let host = app.sign_up("host").await;
    let room = room(&app, &host, &f).await;
    let id = room["id"].as_i64().unwrap();
    let status = || async { app.get(&format!("/api/v1/live/rooms/{id}"), None).await.json::<Value>().await.unwrap()["status"].clone() };
    assert_eq!(hook(&app, "publish", id, &secret(&room)).await, StatusCode::NO_CONTENT);
    assert_eq!(hook(&app, "publish_done", id, &secret(&room)).await, StatusCode::NO_CONTENT);
    assert_eq!(hook(&app, "publish", id, &secret(&room)).await, StatusCode::NO_CONTENT, "the encoder reconnects");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(status().await, "live");
    assert_eq!(hook(&app, "publish_done", id, &secret(&room)).await, StatusCode::NO_CONTENT);
    assert_eq!(status().await, "live", "not before the grace period ends");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(status().await, "ended");
}
