//! Pages over plain HTTP: forms without JavaScript, CSRF on every post.

use haul_testkit::{set_cookie, spawn_app, spawn_app_with};
use reqwest::StatusCode;

#[tokio::test]
async fn a_person_signs_up_adds_to_cart_and_sees_the_order_page() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 5).await;
    let home = app.get("/", None).await;
    assert_eq!(home.status(), StatusCode::OK);
    let csrf = set_cookie(&home, "haul_csrf").expect("csrf cookie");
    assert!(home.text().await.unwrap().contains("Sugar oranges"));

    let jar = format!("haul_csrf={csrf}");
    let signup = app
        .client
        .post(app.url("/signup"))
        .header("cookie", &jar)
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", "page@example.com"),
            ("password", "long enough"),
            ("display_name", "Page"),
            ("role", "shopper"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), StatusCode::SEE_OTHER);
    let session = set_cookie(&signup, "haul_session").expect("session cookie");
    let jar = format!("haul_csrf={csrf}; haul_session={session}");

    let sku = f.sku_id.to_string();
    let buy = app
        .client
        .post(app.url("/cart/add"))
        .header("cookie", &jar)
        .form(&[("csrf", csrf.as_str()), ("sku_id", sku.as_str()), ("quantity", "2"), ("then", "buy")])
        .send()
        .await
        .unwrap();
    assert_eq!(buy.status(), StatusCode::SEE_OTHER);
    let order_page = buy.headers()["location"].to_str().unwrap().to_owned();
    let page = app.client.get(app.url(&order_page)).header("cookie", &jar).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Awaiting payment"), "{page}");
    assert!(page.contains("¥39.80"));
    assert_eq!(app.stock(f.product_id).await, 3);
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(app.url("/signup"))
        .form(&[("csrf", "x"), ("login", "a@example.com"), ("password", "long enough"), ("display_name", "A")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(app.state.db.user_by_login(&haul_domain::accounts::Login::parse("a@example.com").unwrap()).await.unwrap().is_none());
}

#[tokio::test]
async fn pages_that_need_a_person_send_strangers_to_sign_in_and_back() {
    let app = spawn_app().await;
    for (path, next) in
        [("/cart", "%2Fcart"), ("/orders", "%2Forders"), ("/studio/marketplace?sort=sold", "%2Fstudio%2Fmarketplace%3Fsort%3Dsold")]
    {
        let r = app.get(path, None).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.headers()["location"], format!("/signin?next={next}"));
    }
    assert_eq!(app.get("/products/424242", None).await.status(), StatusCode::NOT_FOUND);
    // A purchase sent signed out is not made: sign-in comes back to the page it was on.
    let csrf = haul_testkit::set_cookie(&app.get("/signin", None).await, "haul_csrf").unwrap();
    let r = app
        .client
        .post(app.url("/team-offers/1/open"))
        .header("cookie", format!("haul_csrf={csrf}"))
        .header("referer", app.url("/products/1?via=video.2"))
        .form(&[("csrf", csrf.as_str()), ("key", "k")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/signin?next=%2Fproducts%2F1%3Fvia%3Dvideo.2");
    assert_eq!(haul_testkit::set_cookie(&r, "haul_pending"), None);
    // The sign-in page keeps `next` and, signed in, goes there; never elsewhere.
    let page = app.get("/signin?next=%2Fcart", None).await.text().await.unwrap();
    assert!(page.contains(r#"name="next" value="/cart""#) && page.contains(r#"href="/signup?next=%2Fcart""#));
    let who = app.sign_up("ann").await;
    for (next, to) in [("/cart", "/cart"), ("//evil.example/x", "/"), ("https://evil.example/", "/")] {
        let csrf = haul_testkit::set_cookie(&app.get("/signin", None).await, "haul_csrf").unwrap();
        let r = app
            .client
            .post(app.url("/signin"))
            .header("cookie", format!("haul_csrf={csrf}"))
            .form(&[("csrf", csrf.as_str()), ("login", who.login.as_str()), ("password", "correct horse"), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], to, "{next}");
    }
}

#[tokio::test]
async fn operations_endpoints_answer() {
    let app = spawn_app_with(|c| c.metrics_token = Some("scrape-token".into())).await;
    assert_eq!(app.get("/healthz", None).await.text().await.unwrap(), "ok");
    app.get("/api/v1/products", None).await;
    let metrics = app.get("/metrics", Some("scrape-token")).await.text().await.unwrap();
    assert!(metrics.contains("http_requests_total"), "{metrics}");
    let spec: serde_json::Value = app.get("/api/openapi.json", None).await.json().await.unwrap();
    assert!(spec["paths"]["/api/v1/orders"]["post"].is_object());
    assert_eq!(app.get("/api/docs/", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_signed_in_form_with_a_wrong_token_changes_nothing() {
    let app = spawn_app().await;
    let f = app.shop_with_product(100, 5).await;
    let shopper = app.sign_up("shopper").await;
    let browser = app.browser(&shopper).await;
    let sku = f.sku_id.to_string();
    let form = [("csrf", "not-the-token"), ("sku_id", sku.as_str()), ("quantity", "2"), ("then", "buy")];
    let r = app.client.post(app.url("/cart/add")).header("cookie", &browser.cookie).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.stock(f.product_id).await, 5);
    // The same form with the right token goes through.
    let r = app.submit(&browser, "/cart/add", &form[1..]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.stock(f.product_id).await, 3);
}

#[tokio::test]
async fn metrics_need_the_token_and_invented_methods_share_one_label() {
    let app = spawn_app().await;
    assert_eq!(app.get("/metrics", None).await.status(), StatusCode::NOT_FOUND);
    let app = spawn_app_with(|c| c.metrics_token = Some("scrape-token".into())).await;
    assert_eq!(app.get("/metrics", None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/metrics", Some("guess")).await.status(), StatusCode::UNAUTHORIZED);
    for i in 0..5 {
        let method = reqwest::Method::from_bytes(format!("INVENTED{i}").as_bytes()).unwrap();
        app.request(method, "/api/v1/products", None).send().await.unwrap();
    }
    let metrics = app.get("/metrics", Some("scrape-token")).await.text().await.unwrap();
    assert!(!metrics.contains("INVENTED"), "{metrics}");
    assert!(metrics.contains(r#"method="other""#), "{metrics}");
}

#[tokio::test]
async fn responses_forbid_sniffing_framing_and_inline_script() {
    let app = spawn_app().await;
    for path in ["/", "/api/v1/products", "/signin", "/static/js/watch.js", "/nowhere"] {
        let r = app.get(path, None).await;
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self';"), "{path}: {csp}");
    }
    // No page carries inline script for the policy to refuse.
    let home = app.get("/signin", None).await.text().await.unwrap();
    assert!(!home.contains("<script>") && !home.contains("onclick="), "{home}");
}

#[tokio::test]
async fn cookies_are_secure_when_haul_is_served_over_https() {
    let plain = spawn_app().await;
    let r = plain.get("/signin", None).await;
    assert!(!r.headers()["set-cookie"].to_str().unwrap().contains("Secure"));
    let app = spawn_app_with(|c| c.public_url = Some("https://shop.example.com".into())).await;
    let user = app.sign_up("secure").await;
    let (r, _) = app.sign_in_form(&user.login, "correct horse", "").await;
    let cookies: Vec<&str> = r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert!(cookies.len() >= 2, "{cookies:?}");
    assert!(cookies.iter().all(|c| c.contains("; Secure") && c.contains("HttpOnly")), "{cookies:?}");
}

#[tokio::test]
async fn pages_speak_the_browsers_language_until_the_switch_chooses_another() {
    let app = spawn_app().await;
    let page = |lang: &'static str, cookie: &'static str| {
        let req = app.client.get(app.url("/")).header("accept-language", lang);
        let req = if cookie.is_empty() { req } else { req.header("cookie", cookie) };
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let zh = page("zh-CN,zh;q=0.9,en;q=0.8", "").await;
    assert!(zh.contains(r#"<html lang="zh-CN">"#) && zh.contains("购物车") && zh.contains("推荐"), "{zh}");
    assert!(!zh.contains(">Cart<"));
    let en = page("en-US,en;q=0.9", "").await;
    assert!(en.contains(r#"<html lang="en">"#) && en.contains(">Cart<") && en.contains("中文"));
    // The switch's choice outweighs the browser's.
    assert!(page("zh-CN", "haul_lang=en").await.contains(r#"<html lang="en">"#));

    let switch = app.client.get(app.url("/lang/zh-CN")).header("referer", app.url("/cart?x=1")).send().await.unwrap();
    assert_eq!(switch.status(), StatusCode::SEE_OTHER);
    assert_eq!(switch.headers()["location"], "/cart?x=1");
    assert_eq!(set_cookie(&switch, "haul_lang").as_deref(), Some("zh-CN"));
    // Back to this site only: a page elsewhere is not followed.
    let elsewhere = app.client.get(app.url("/lang/en")).header("referer", "https://evil.example/x").send().await.unwrap();
    assert_eq!(elsewhere.headers()["location"], "/x");
    let protocol_relative =
        app.client.get(app.url("/lang/en")).header("referer", "https://evil.example//evil.example/").send().await.unwrap();
    assert_eq!(protocol_relative.headers()["location"], "/");
}

#[tokio::test]
async fn api_errors_keep_their_code_and_speak_the_callers_language() {
    let app = spawn_app().await;
    let ask = |lang: &'static str, path: &'static str| {
        let req = app.client.get(app.url(path)).header("accept-language", lang);
        async move { req.send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    let zh = ask("zh-CN", "/api/v1/products/999999").await;
    assert_eq!(zh["error"]["code"], "not_found");
    assert_eq!(zh["error"]["message"], "找不到，或你无权查看。");
    let en = ask("en", "/api/v1/products/999999").await;
    assert_eq!(en["error"]["code"], "not_found");
    assert_eq!(en["error"]["message"], "product not found");
    // A failed field is named in either language.
    let zh = ask("zh-CN", "/api/v1/products?limit=0").await;
    assert_eq!(zh["error"]["code"], "validation_failed");
    assert!(zh["error"]["message"].as_str().unwrap().starts_with("有字段填写不符合要求：limit"), "{zh}");
}

/// The words a page shows a person: its text, and the placeholders and
/// titles of its fields, without scripts and styles.
fn visible_words(html: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        text.push(' ');
        let tag_end = rest[start..].find('>').map_or(rest.len(), |e| start + e + 1);
        let tag = &rest[start..tag_end];
        for attr in ["placeholder=\"", "title=\"", "aria-label=\""] {
            if let Some(i) = tag.find(attr) {
                text.push_str(tag[i + attr.len()..].split('"').next().unwrap_or(""));
                text.push(' ');
            }
        }
        rest = &rest[tag_end..];
        for block in ["<script", "<style"] {
            if tag.starts_with(block) {
                let close = format!("</{}>", &block[1..]);
                rest = rest.find(&close).map_or("", |e| &rest[e..]);
            }
        }
    }
    text.push_str(rest);
    text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 3).map(str::to_owned).collect()
}

#[tokio::test]
async fn chinese_pages_carry_no_english_words_of_their_own() {
    let app = spawn_app().await;
    let merchant = app.sign_up("merchant").await;
    let r = app.post("/api/v1/shops", Some(&merchant.token), &serde_json::json!({"slug": "guoyuan", "name": "阳光果园"})).await;
    let shop = r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    app.approve_shop(shop).await;
    let r = app
        .post(
            "/api/v1/products",
            Some(&merchant.token),
            &serde_json::json!({"shop_id": shop, "title": "赣南脐橙", "description": "本周现摘", "skus": [{"code": "5", "options": "5斤装", "price_minor": 1990, "stock": 9}]}),
        )
        .await;
    let product = r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let sku = app.get(&format!("/api/v1/products/{product}"), None).await.json::<serde_json::Value>().await.unwrap()["skus"][0]["id"]
        .as_i64()
        .unwrap();
    let order = app.order_ok(&merchant, sku, 1).await;
    let browser = app.browser(&merchant).await;
    // What is not the page's own English: the brand, the switch that names
    // the other language in that language ("English", "Switch to English"),
    // the currency's code on the form that sets a price, "UTC" on times shown
    // before the page's script puts them in the viewer's zone, the example in
    // a link field, a file format's name, and the accounts' own names and
    // e-mail addresses (data).
    let allowed = ["Haul", "API", "English", "Switch", "CNY", "UTC", "https", "WebM", "merchant", "operator", "example", "com"];
    for path in [
        "/".to_owned(),
        format!("/products/{product}"),
        "/cart".to_owned(),
        "/orders".to_owned(),
        format!("/orders/{order}"),
        "/merchant".to_owned(),
        format!("/merchant/shops/{shop}"),
        format!("/merchant/products/{product}"),
        "/studio".to_owned(),
        "/watch".to_owned(),
        "/live".to_owned(),
        "/communities".to_owned(),
        "/signup".to_owned(),
        "/account/addresses".to_owned(),
        "/studio/marketplace".to_owned(),
        format!("/report?subject=product&id={product}"),
        "/vouchers".to_owned(),
        "/near?city=shanghai".to_owned(),
        format!("/merchant/shops/{shop}/redeem"),
        "/account/security".to_owned(),
        "/account/devices".to_owned(),
        "/forgot-password".to_owned(),
        "/signin/sms".to_owned(),
        "/sandbox/messages".to_owned(),
    ] {
        let r = app.client.get(app.url(&path)).header("cookie", &browser.cookie).header("accept-language", "zh-CN").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let english: Vec<String> = visible_words(&r.text().await.unwrap()).into_iter().filter(|w| !allowed.contains(&w.as_str())).collect();
        assert!(english.is_empty(), "{path} shows English: {english:?}");
    }
    // The operator's console, every tab, with something in each list.
    let operator = app.sign_up("operator").await;
    app.make_operator(&operator).await;
    let report = serde_json::json!({"subject": "product", "subject_id": product, "reason": "fraud"});
    assert_eq!(app.post("/api/v1/reports", Some(&operator.token), &report).await.status(), StatusCode::CREATED);
    let console = app.browser(&operator).await;
    for tab in ["reports", "shops&shop_q=guoyuan", "people&q=merchant", "leaders", "feed", "audit"] {
        let path = format!("/operator?tab={tab}");
        let r = app.client.get(app.url(&path)).header("cookie", &console.cookie).header("accept-language", "zh-CN").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let english: Vec<String> = visible_words(&r.text().await.unwrap()).into_iter().filter(|w| !allowed.contains(&w.as_str())).collect();
        assert!(english.is_empty(), "{path} shows English: {english:?}");
    }
}

#[tokio::test]
async fn pages_answer_errors_as_pages_with_the_signed_in_top_bar_and_the_api_as_json() {
    let app = spawn_app().await;
    let ann = app.sign_up("ann").await;
    let browser = app.browser(&ann).await;
    let get = |path: &'static str, cookie: Option<String>| {
        let mut r = app.client.get(app.url(path));
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        r.send()
    };
    for path in ["/products/abc", "/no-such-page", "/studio/marketplace?category=x", "/products/424242"] {
        let r = get(path, Some(browser.cookie.clone())).await.unwrap();
        let status = r.status();
        assert!(status.is_client_error(), "{path}: {status}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        let page = r.text().await.unwrap();
        assert!(page.contains("/signout") && !page.contains(r#"href="/signin""#), "{path}: the signed-in top bar");
    }
    let r = get("/no-such-page", None).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains(r#"href="/signin""#));
    let r = get("/api/v1/no-such-endpoint", None).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["code"], "not_found");
}

/// A stranger's follow is kept through sign-in and done after it; a form
/// without this browser's CSRF token is not kept.
#[tokio::test]
async fn a_signed_out_follow_is_done_after_sign_in() {
    let app = spawn_app().await;
    let creator = app.sign_up("creator").await;
    let fan = app.sign_up("fan").await;
    let csrf = set_cookie(&app.get("/signin", None).await, "haul_csrf").unwrap();
    let follow = format!("/creators/{}/follow", creator.id);
    let forged = app
        .client
        .post(app.url(&follow))
        .header("cookie", format!("haul_csrf={csrf}"))
        .form(&[("csrf", "nope"), ("on", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(set_cookie(&forged, "haul_pending"), None);
    let r = app
        .client
        .post(app.url(&follow))
        .header("cookie", format!("haul_csrf={csrf}"))
        .form(&[("csrf", csrf.as_str()), ("on", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/signin?next=%2Fcontinue");
    let pending = set_cookie(&r, "haul_pending").expect("the form is kept");
    let (signed, _) = app.sign_in_form(&fan.login, "correct horse", &format!("haul_pending={pending}")).await;
    assert_eq!(signed.headers()["location"], "/continue");
    let session = set_cookie(&signed, "haul_session").unwrap();
    let cookies = format!("haul_csrf={csrf}; haul_session={session}; haul_pending={pending}");
    let page = app.client.get(app.url("/continue")).header("cookie", &cookies).send().await.unwrap();
    assert_eq!(set_cookie(&page, "haul_pending").as_deref(), Some(""), "kept once");
    let page = page.text().await.unwrap();
    assert!(page.contains(&format!(r#"action="{follow}""#)) && page.contains(r#"name="on" value="true""#), "{page}");
    let browser = haul_testkit::Browser { cookie: format!("haul_csrf={csrf}; haul_session={session}"), csrf };
    assert_eq!(app.submit(&browser, &follow, &[("on", "true")]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.state.db.follower_count(haul_domain::ids::UserId(creator.id)).await.unwrap(), 1);
}

/// A purchase tried signed out is not made; sign-in comes back to the
/// product with the option and quantity chosen.
#[tokio::test]
async fn a_signed_out_purchase_comes_back_with_its_choice() {
    let app = spawn_app().await;
    let f = app.shop_with_product(1990, 10).await;
    let csrf = set_cookie(&app.get("/signin", None).await, "haul_csrf").unwrap();
    let sku = f.sku_id.to_string();
    let r = app
        .client
        .post(app.url("/cart/add"))
        .header("cookie", format!("haul_csrf={csrf}"))
        .form(&[("csrf", csrf.as_str()), ("sku_id", &sku), ("quantity", "2"), ("then", "buy")])
        .send()
        .await
        .unwrap();
    let back = format!("/products/{}?sku={sku}&quantity=2", f.product_id);
    let expected = back.replace('/', "%2F").replace('?', "%3F").replace('=', "%3D").replace('&', "%26");
    assert_eq!(r.headers()["location"], format!("/signin?next={expected}"));
    assert_eq!(set_cookie(&r, "haul_pending"), None, "nothing is bought for them");
    let page = app.get(&back, None).await.text().await.unwrap();
    assert!(
        page.contains(&format!(r#"<option value="{sku}" selected>"#)) || page.contains(&format!(r#"value="{sku}" selected"#)),
        "{page}"
    );
    assert!(page.contains(r#"name="quantity" value="2""#));
}
