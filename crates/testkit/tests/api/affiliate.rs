//! Commission plans: open and targeted, rates with notice, the marketplace,
//! and plans paused with their shop.

use haul_testkit::{assert_error, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

const DAY_S: i64 = 86_400;

#[tokio::test]
async fn a_shop_offers_commission_and_creators_find_it_in_the_marketplace() {
    // A short notice, so that sessions outlive it.
    let app = spawn_app_with(|c| c.commission_notice_days = 2).await;
    let f = app.shop_with_product(1990, 50).await;
    let plans = format!("/api/v1/shops/{}/commission-plans", f.shop_id);
    let stranger = app.sign_up("stranger").await;
    assert_error(app.post(&plans, Some(&stranger.token), &json!({"rate_bps": 2000})).await, StatusCode::FORBIDDEN, "forbidden").await;
    for bad in [json!({"rate_bps": 99}), json!({"rate_bps": 8001}), json!({"rate_bps": 2000, "flat_fee_minor": 500})] {
        assert_error(app.post(&plans, Some(&f.merchant.token), &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    // A shop-wide 10%, and 20% on the oranges.
    let r = app.post(&plans, Some(&f.merchant.token), &json!({"rate_bps": 1000})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app.post(&plans, Some(&f.merchant.token), &json!({"product_id": f.product_id, "rate_bps": 2000})).await;
    let oranges: Value = r.json().await.unwrap();
    assert_eq!((oranges["status"].as_str(), oranges["rate_in_force_bps"].as_i64()), (Some("active"), Some(2000)));
    assert_error(
        app.post(&plans, Some(&f.merchant.token), &json!({"product_id": f.product_id, "rate_bps": 3000})).await,
        StatusCode::CONFLICT,
        "plan_exists",
    )
    .await;
    let market: Value = app.get("/api/v1/affiliate/marketplace", None).await.json().await.unwrap();
    assert_eq!((market[0]["product_id"].as_i64(), market[0]["rate_bps"].as_i64()), (Some(f.product_id), Some(2000)));

    // A day later a cut, which reaches creators after the notice; a raise at once.
    app.clock.advance_seconds(DAY_S);
    let path = format!("/api/v1/commission-plans/{}", oranges["id"]);
    let cut: Value = app.put(&path, Some(&f.merchant.token), &json!({"rate_bps": 1500})).await.json().await.unwrap();
    assert_eq!((cut["rate_bps"].as_i64(), cut["rate_in_force_bps"].as_i64()), (Some(1500), Some(2000)));
    app.clock.advance_seconds(2 * DAY_S - 1);
    let still: Vec<Value> = app.get(&plans, Some(&f.merchant.token)).await.json().await.unwrap();
    assert_eq!(still.iter().find(|p| p["id"] == oranges["id"]).unwrap()["rate_in_force_bps"], 2000, "a second before the notice ends");
    app.clock.advance_seconds(1);
    let listed: Vec<Value> = app.get(&plans, Some(&f.merchant.token)).await.json().await.unwrap();
    let now: &Value = listed.iter().find(|p| p["id"] == oranges["id"]).unwrap();
    assert_eq!(now["rate_in_force_bps"], 1500);
    let raised: Value = app.put(&path, Some(&f.merchant.token), &json!({"rate_bps": 2500})).await.json().await.unwrap();
    assert_eq!(raised["rate_in_force_bps"], 2500);
    assert_error(app.put(&path, Some(&stranger.token), &json!({"rate_bps": 100})).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn an_invited_creator_answers_once_and_a_suspended_shop_pauses_its_plans() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 50).await;
    let plans = format!("/api/v1/shops/{}/commission-plans", f.shop_id);
    let creator = app.sign_up("creator").await;
    // The shop's own staff cannot be invited.
    let staff = json!({"creator_id": f.merchant.id, "product_id": f.product_id, "rate_bps": 3000});
    assert_error(app.post(&plans, Some(&f.merchant.token), &staff).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let invite = json!({"creator_id": creator.id, "product_id": f.product_id, "rate_bps": 3000, "flat_fee_minor": 20000});
    let plan: Value = app.post(&plans, Some(&f.merchant.token), &invite).await.json().await.unwrap();
    assert_eq!(plan["status"], "invited");
    let mine: Value = app.get("/api/v1/me/commission-plans", Some(&creator.token)).await.json().await.unwrap();
    assert_eq!(mine[0]["id"], plan["id"]);
    let other = app.sign_up("other").await;
    let accept = format!("/api/v1/commission-plans/{}/accept", plan["id"]);
    assert_error(app.post(&accept, Some(&other.token), &json!({})).await, StatusCode::NOT_FOUND, "not_found").await;
    let accepted: Value = app.post(&accept, Some(&creator.token), &json!({})).await.json().await.unwrap();
    assert_eq!(accepted["status"], "active");
    let decline = format!("/api/v1/commission-plans/{}/decline", plan["id"]);
    assert_error(app.post(&decline, Some(&creator.token), &json!({})).await, StatusCode::CONFLICT, "invitation_answered").await;

    // An open plan too; then the shop is suspended and reinstated.
    assert_eq!(app.post(&plans, Some(&f.merchant.token), &json!({"rate_bps": 1000})).await.status(), StatusCode::CREATED);
    let op = app.sign_up("operator").await;
    app.make_operator(&op).await;
    let decide = |action: &str| json!({"action": action, "subject": "shop", "subject_id": f.shop_id, "reason": "counterfeit goods"});
    let out: Value = app.post("/api/v1/operator/decisions", Some(&op.token), &decide("suspend_shop")).await.json().await.unwrap();
    assert_eq!(out["plans_paused"], 2);
    let market: Value = app.get("/api/v1/affiliate/marketplace", None).await.json().await.unwrap();
    assert_eq!(market, json!([]));
    let out: Value = app.post("/api/v1/operator/decisions", Some(&op.token), &decide("reinstate_shop")).await.json().await.unwrap();
    assert_eq!(out["plans_resumed"], 2);
    let market: Value = app.get("/api/v1/affiliate/marketplace", None).await.json().await.unwrap();
    assert_eq!(market[0]["rate_bps"], 1000);
}

#[tokio::test]
async fn the_shop_and_the_creator_use_the_pages() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 50).await;
    let creator = app.sign_up("creator").await;
    let shop_browser = app.browser(&f.merchant).await;
    let r = app
        .submit(&shop_browser, &format!("/merchant/shops/{}/plans", f.shop_id), &[("product", ""), ("creator", ""), ("rate", "12.5")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let profile = format!("/creators/{}", creator.id);
    let r = app
        .submit(
            &shop_browser,
            &format!("/merchant/shops/{}/plans", f.shop_id),
            &[("product", &f.product_id.to_string()), ("creator", &profile), ("rate", "30%")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .submit(&shop_browser, &format!("/merchant/shops/{}/plans", f.shop_id), &[("product", ""), ("creator", ""), ("rate", "90")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let plans: Vec<Value> =
        app.get(&format!("/api/v1/shops/{}/commission-plans", f.shop_id), Some(&f.merchant.token)).await.json().await.unwrap();
    let rates: Vec<(i64, Option<i64>)> = plans.iter().map(|p| (p["rate_bps"].as_i64().unwrap(), p["creator_id"].as_i64())).collect();
    assert_eq!(rates, [(3000, Some(creator.id)), (1250, None)]);

    let creator_browser = app.browser(&creator).await;
    let page = app
        .client
        .get(app.url("/studio/marketplace"))
        .header("cookie", &creator_browser.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Sugar oranges 5 kg") && page.contains("12.5%"), "{page}");
    let r = app.submit(&creator_browser, &format!("/studio/invitations/{}", plans[0]["id"]), &[("accept", "true")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mine: Value = app.get("/api/v1/me/commission-plans", Some(&creator.token)).await.json().await.unwrap();
    assert_eq!(mine[0]["status"], "active");
}

#[tokio::test]
async fn a_creator_keeps_a_showcase_of_products_that_pay_them() {
    let app = spawn_app().await;
    let paying = app.shop_with_product(1990, 50).await;
    let not_paying = app.shop_with_product(990, 50).await;
    let plans = format!("/api/v1/shops/{}/commission-plans", paying.shop_id);
    assert_eq!(app.post(&plans, Some(&paying.merchant.token), &json!({"rate_bps": 1500})).await.status(), StatusCode::CREATED);
    let creator = app.sign_up("creator").await;
    let add = |product: i64| {
        let body = json!({"product_id": product});
        let (app, token) = (&app, creator.token.clone());
        async move { app.post("/api/v1/me/showcase", Some(&token), &body).await }
    };
    assert_eq!(add(paying.product_id).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(add(paying.product_id).await.status(), StatusCode::NO_CONTENT, "twice changes nothing");
    assert_error(add(not_paying.product_id).await, StatusCode::CONFLICT, "no_commission").await;
    assert_error(add(999_999).await, StatusCode::NOT_FOUND, "not_found").await;
    let shown: Value = app.get(&format!("/api/v1/creators/{}/showcase", creator.id), None).await.json().await.unwrap();
    assert_eq!((shown.as_array().unwrap().len(), shown[0]["product_id"].as_i64()), (1, Some(paying.product_id)));
    // On the creator's profile page.
    let page = app.get(&format!("/creators/{}", creator.id), None).await.text().await.unwrap();
    assert!(page.contains("id=\"showcase\"") && page.contains("Sugar oranges 5 kg"));
    let r = app.delete(&format!("/api/v1/me/showcase/{}", paying.product_id), Some(&creator.token)).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let shown: Value = app.get(&format!("/api/v1/creators/{}/showcase", creator.id), None).await.json().await.unwrap();
    assert_eq!(shown, json!([]));
    // From the marketplace page.
    let browser = app.browser(&creator).await;
    let r = app.submit(&browser, "/studio/showcase", &[("product_id", &paying.product_id.to_string()), ("then", "add")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let shown: Value = app.get(&format!("/api/v1/creators/{}/showcase", creator.id), None).await.json().await.unwrap();
    assert_eq!(shown.as_array().unwrap().len(), 1);
}
