use haul_testkit::{Account, TestApp, assert_error, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000";

async fn post_note(app: &TestApp, who: &Account, fields: &[(&str, String)], images: usize) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.clone());
    }
    for i in 0..images {
        form = form.part("images", reqwest::multipart::Part::bytes(PNG.to_vec()).file_name(format!("{i}.png")));
    }
    app.request(Method::POST, "/api/v1/notes", Some(&who.token)).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn a_buyer_reviews_what_they_bought_and_labels_cannot_be_hidden() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let buyer = app.sign_up("buyer").await;
    let tags = json!([{"product_id": f.product_id, "commission": true}]).to_string();
    let review = |rating: &str| {
        vec![
            ("title", "Honest: these oranges".to_owned()),
            ("body", "Sweet, two were bruised.".to_owned()),
            ("tags", tags.clone()),
            ("rating", rating.to_owned()),
            ("rated_product_id", f.product_id.to_string()),
        ]
    };
    // Not bought yet: no rating.
    assert_error(post_note(&app, &buyer, &review("4"), 2).await, StatusCode::CONFLICT, "not_a_buyer").await;
    let order = app.order_ok(&buyer, f.sku_id, 1).await;
    app.pay(&buyer, order).await;
    let r = post_note(&app, &buyer, &review("4"), 2).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let note: Value = r.json().await.unwrap();
    assert_eq!((note["rating"].as_i64(), note["image_urls"].as_array().unwrap().len()), (Some(4), 2));
    assert_eq!(note["labels"], json!(["commission link"]), "a commission-earning tag is labelled");
    let id = note["id"].as_i64().unwrap();
    // A paid review is not a review: a rated note cannot be sponsored.
    let r = app.post(&format!("/api/v1/notes/{id}/sponsor"), Some(&f.merchant.token), &json!({"shop_id": f.shop_id})).await;
    assert_error(r, StatusCode::CONFLICT, "not_sponsorable").await;
    // The merchant cannot review its own product under another name.
    let staff_order = app.order_ok(&f.merchant, f.sku_id, 1).await;
    app.pay(&f.merchant, staff_order).await;
    assert_error(post_note(&app, &f.merchant, &review("5"), 0).await, StatusCode::CONFLICT, "own_product_review").await;
    // Likes and comments.
    let fan = app.sign_up("fan").await;
    assert_eq!(app.post(&format!("/api/v1/notes/{id}/likes"), Some(&fan.token), &json!({})).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.post(&format!("/api/v1/notes/{id}/likes"), Some(&fan.token), &json!({})).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.post(&format!("/api/v1/notes/{id}/comments"), Some(&fan.token), &json!({"body": "Thanks!"})).await.status(),
        StatusCode::NO_CONTENT
    );
    let note: Value = app.get(&format!("/api/v1/notes/{id}"), None).await.json().await.unwrap();
    assert_eq!((note["likes"].as_i64(), note["comments"].as_i64()), (Some(1), Some(1)));
    let page = app.get(&format!("/notes/{id}"), None).await.text().await.unwrap();
    assert!(page.contains("commission link") && page.contains("★★★★☆") && page.contains("Thanks!"), "{page}");
}

async fn agree_to_sponsor(app: &TestApp, note: i64, token: String, shop: i64) -> reqwest::Response {
    app.post(&format!("/api/v1/notes/{note}/sponsor"), Some(&token), &json!({"shop_id": shop})).await
}

#[tokio::test]
async fn a_sponsored_note_is_labelled_only_when_author_and_shop_both_agree_and_then_for_good() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let author = app.sign_up("author").await;
    let r = post_note(&app, &author, &[("title", "Orchard visit".to_owned()), ("body", "We toured the groves.".to_owned())], 1).await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let agree = |who: &Account, shop: i64| agree_to_sponsor(&app, id, who.token.clone(), shop);
    let stranger = app.sign_up("stranger").await;
    assert_error(agree(&stranger, f.shop_id).await, StatusCode::FORBIDDEN, "forbidden").await;
    // An operator may run any shop, but does not agree to pay in its name.
    let operator = app.sign_up("operator").await;
    app.make_operator(&operator).await;
    assert_error(agree(&operator, f.shop_id).await, StatusCode::FORBIDDEN, "forbidden").await;
    // The shop proposes: nothing is labelled until the author accepts.
    let r: Value = agree(&f.merchant, f.shop_id).await.json().await.unwrap();
    assert_eq!(
        (r["status"].as_str(), r["shop_agreed"].as_bool(), r["author_agreed"].as_bool()),
        (Some("proposed"), Some(true), Some(false))
    );
    assert_eq!(app.get(&format!("/api/v1/notes/{id}"), None).await.json::<Value>().await.unwrap()["labels"], json!([]));
    let open: Value = app.get(&format!("/api/v1/notes/{id}/sponsorships"), Some(&author.token)).await.json().await.unwrap();
    assert_eq!(open[0]["shop_id"], f.shop_id);
    // The author sees the offer on the note's page and accepts it there.
    let browser = app.browser_of(&author).await;
    let page =
        app.client.get(app.url(&format!("/notes/{id}"))).header("cookie", &browser.cookie).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Orchard offers to sponsor this note"), "{page}");
    let r = app.submit(&browser, &format!("/notes/{id}/sponsor"), &[("shop_id", &f.shop_id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let note: Value = app.get(&format!("/api/v1/notes/{id}"), None).await.json().await.unwrap();
    assert_eq!(note["labels"], json!(["sponsored"]));
    assert_eq!(note["sponsor"], "Orchard");
    // Once accepted, no other shop can take it over.
    let other = app.shop_with_product(100, 1).await;
    assert_error(agree(&other.merchant, other.shop_id).await, StatusCode::CONFLICT, "not_sponsorable").await;

    // An author naming a shop at writing time is only a proposal.
    let r = post_note(
        &app,
        &author,
        &[("title", "Paid?".to_owned()), ("body", "x".to_owned()), ("sponsored_by_shop_id", other.shop_id.to_string())],
        0,
    )
    .await;
    let named: Value = r.json().await.unwrap();
    assert_eq!(named["labels"], json!([]), "the author cannot pin a shop's name on a note");
    assert_eq!(named["sponsor"], Value::Null);
    let named_id = named["id"].as_i64().unwrap();
    let r = app.post(&format!("/api/v1/notes/{named_id}/sponsor"), Some(&other.merchant.token), &json!({"shop_id": other.shop_id})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "accepted");
    let named: Value = app.get(&format!("/api/v1/notes/{named_id}"), None).await.json().await.unwrap();
    assert_eq!(named["labels"], json!(["sponsored"]));

    // Declared at writing time, a sponsored note may not rate.
    let fields = [
        ("title", "Paid".to_owned()),
        ("body", "x".to_owned()),
        ("sponsored_by_shop_id", f.shop_id.to_string()),
        ("rating", "5".to_owned()),
        ("rated_product_id", f.product_id.to_string()),
    ];
    assert_error(post_note(&app, &author, &fields, 0).await, StatusCode::CONFLICT, "sponsored_review").await;
}

#[tokio::test]
async fn bad_notes_are_refused() {
    let app = spawn_app().await;
    let author = app.sign_up("author").await;
    let base = |extra: (&'static str, String)| vec![("title", "T".to_owned()), ("body", "B".to_owned()), extra];
    assert_error(post_note(&app, &author, &base(("x", String::new())), 10).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    assert_error(post_note(&app, &author, &base(("rating", "9".into())), 0).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    assert_error(post_note(&app, &author, &base(("tags", "nope".into())), 0).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await;
    assert_error(
        post_note(&app, &author, &base(("tags", json!([{"product_id": 999_999}]).to_string())), 0).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_error(
        post_note(&app, &author, &[("title", String::new()), ("body", "B".into())], 0).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let form = reqwest::multipart::Form::new()
        .text("title", "T")
        .text("body", "B")
        .part("images", reqwest::multipart::Part::bytes(b"<svg/>".to_vec()).file_name("x.svg"));
    let r = app.request(Method::POST, "/api/v1/notes", Some(&author.token)).multipart(form).send().await.unwrap();
    assert_error(r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_image").await;
    let none: Value = app.get(&format!("/api/v1/creators/{}/notes", author.id), None).await.json().await.unwrap();
    assert!(none["items"].as_array().unwrap().is_empty(), "nothing half-written");
}

#[tokio::test]
async fn a_note_tagging_a_product_that_pays_its_author_is_labelled_a_commission_link_by_itself() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let author = app.sign_up("author").await;
    let note = |title: &str| {
        vec![
            ("title", title.to_owned()),
            ("body", "How I peel them.".to_owned()),
            ("tags", json!([{"product_id": f.product_id}]).to_string()),
        ]
    };
    let before: Value = post_note(&app, &author, &note("Before any plan"), 1).await.json().await.unwrap();
    assert_eq!(before["labels"], json!([]));
    let plans = format!("/api/v1/shops/{}/commission-plans", f.shop_id);
    assert_eq!(app.post(&plans, Some(&f.merchant.token), &json!({"rate_bps": 1000})).await.status(), StatusCode::CREATED);
    let after: Value = post_note(&app, &author, &note("Once it pays"), 1).await.json().await.unwrap();
    assert_eq!(after["labels"], json!(["commission link"]), "undeclared, and labelled all the same");
}

async fn created(r: reqwest::Response) -> i64 {
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// The notes feed lists notes newest first with their first picture; the
/// product's page and the creator's profile show the notes about them.
#[tokio::test]
async fn notes_are_found_in_the_feed_on_the_product_page_and_on_the_profile() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let author = app.sign_up("author").await;
    let other = app.sign_up("other").await;
    let tagged = |title: &str| {
        vec![
            ("title", title.to_owned()),
            ("body", "Worth it.".to_owned()),
            ("tags", json!([{"product_id": f.product_id, "commission": false}]).to_string()),
        ]
    };
    let about = created(post_note(&app, &author, &tagged("Oranges for breakfast"), 2).await).await;
    let plain = created(post_note(&app, &other, &[("title", "My desk".to_owned()), ("body", "Tidy.".to_owned())], 0).await).await;

    let feed: Value = app.get("/api/v1/notes", None).await.json().await.unwrap();
    let ids: Vec<i64> = feed["items"].as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [plain, about], "newest first");
    assert!(feed["items"][1]["cover_key"].as_str().is_some_and(|k| !k.is_empty()), "the first picture is the cover");
    assert_eq!(feed["items"][0]["cover_key"], Value::Null);
    let of_product: Value = app.get(&format!("/api/v1/notes?product_id={}", f.product_id), None).await.json().await.unwrap();
    assert_eq!(of_product["items"].as_array().unwrap().len(), 1);
    assert_eq!(of_product["items"][0]["id"], about);
    let of_other: Value = app.get(&format!("/api/v1/notes?author_id={}", other.id), None).await.json().await.unwrap();
    assert_eq!(of_other["items"][0]["id"], plain);
    let paged: Value = app.get("/api/v1/notes?limit=1", None).await.json().await.unwrap();
    let next: Value =
        app.get(&format!("/api/v1/notes?limit=1&cursor={}", paged["next_cursor"].as_str().unwrap()), None).await.json().await.unwrap();
    assert_eq!(next["items"][0]["id"], about);

    let product_page = app.get(&format!("/products/{}", f.product_id), None).await.text().await.unwrap();
    assert!(product_page.contains(&format!("/notes/{about}")) && !product_page.contains(&format!("/notes/{plain}\"")));
    let profile = app.get(&format!("/creators/{}", author.id), None).await.text().await.unwrap();
    assert!(profile.contains("Oranges for breakfast"));
    let notes_page = app.get("/notes", None).await.text().await.unwrap();
    assert!(notes_page.contains("Oranges for breakfast") && notes_page.contains("My desk"));
}

/// On the note's page: the shop's staff accept what the author proposed, or
/// offer and the author accepts; both sides see only their own button.
#[tokio::test]
async fn a_sponsorship_is_proposed_and_accepted_on_the_notes_page() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let author = app.sign_up("author").await;
    let proposed = created(
        post_note(
            &app,
            &author,
            &[("title", "Winter coats".into()), ("body", "Warm.".into()), ("sponsored_by_shop_id", f.shop_id.to_string())],
            0,
        )
        .await,
    )
    .await;
    let merchant = app.browser(&f.merchant).await;
    let page = app
        .client
        .get(app.url(&format!("/notes/{proposed}")))
        .header("cookie", &merchant.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!(r#"id="sponsor-{}""#, f.shop_id)) && page.contains("The author says"), "{page}");
    let r = app.submit(&merchant, &format!("/notes/{proposed}/sponsor"), &[("shop_id", &f.shop_id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let note: Value = app.get(&format!("/api/v1/notes/{proposed}"), None).await.json().await.unwrap();
    assert_eq!(note["labels"], json!(["sponsored"]));

    let plain = created(post_note(&app, &author, &[("title", "Tea".into()), ("body", "Good.".into())], 0).await).await;
    let r = app.submit(&merchant, &format!("/notes/{plain}/sponsor"), &[("shop_id", &f.shop_id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let writer = app.browser(&author).await;
    let page =
        app.client.get(app.url(&format!("/notes/{plain}"))).header("cookie", &writer.cookie).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("offers to sponsor this note") && !page.contains("id=\"sponsor-"), "{page}");
    app.submit(&writer, &format!("/notes/{plain}/sponsor"), &[("shop_id", &f.shop_id.to_string())]).await;
    let note: Value = app.get(&format!("/api/v1/notes/{plain}"), None).await.json().await.unwrap();
    assert_eq!(note["labels"], json!(["sponsored"]));
}
