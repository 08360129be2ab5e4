//! A person downloads their data: what is theirs is in it, as JSON and CSV,
//! and nothing of anyone else's.

use haul_testkit::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Read;

async fn export(app: &TestApp, token: &str) -> BTreeMap<String, String> {
    let r = app.get("/api/v1/me/export", Some(token)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        files.insert(f.name().unwrap().trim_start_matches("haul-data/").to_owned(), text);
    }
    files
}

#[tokio::test]
async fn the_download_holds_what_is_the_persons_and_nothing_of_others() {
    let app = spawn_app().await;
    let f = app.shop_with_product(990, 5).await;
    let ann = app.sign_up("ann").await;
    let address = json!({"recipient": "Ann Lee", "phone": "138 0013 8000", "province": "GD", "city": "深圳市", "district": "南山区", "street": "科技园路1号", "postcode": "518000"});
    app.post("/api/v1/addresses", Some(&ann.token), &address).await;
    let order = app.order_ok(&ann, f.sku_id, 2).await;
    let bo = app.sign_up("bo").await;
    let bos = app.order_ok(&bo, f.sku_id, 1).await;
    app.post(&format!("/api/v1/creators/{}/follow", f.merchant.id), Some(&ann.token), &json!({})).await;

    let files = export(&app, &ann.token).await;
    for set in ["profile", "addresses", "orders", "order_lines", "reviews", "notes", "videos", "video_comments", "following", "commissions"]
    {
        assert!(files.contains_key(&format!("{set}.json")) && files.contains_key(&format!("{set}.csv")), "{set}: {:?}", files.keys());
    }
    assert!(files["README.txt"].contains("order_lines"));
    let profile: Value = serde_json::from_str(&files["profile.json"]).unwrap();
    assert_eq!(profile[0]["email"], ann.login);
    let everything = files.values().cloned().collect::<String>();
    assert!(!everything.contains("password_hash") && !everything.contains("$argon2"), "no password hash");
    assert!(!everything.contains("totp_secret"));
    let orders: Value = serde_json::from_str(&files["orders.json"]).unwrap();
    assert_eq!(orders.as_array().unwrap().iter().map(|o| o["id"].as_i64().unwrap()).collect::<Vec<_>>(), [order]);
    let lines: Value = serde_json::from_str(&files["order_lines.json"]).unwrap();
    assert_eq!(lines[0]["quantity"], 2);
    assert!(files["addresses.csv"].contains("\"Ann Lee\""), "{}", files["addresses.csv"]);
    assert!(!everything.contains(&bo.login) && !everything.contains(&format!("\"id\": {bos},")), "nothing of Bo's");
    assert_eq!(app.get("/api/v1/me/export", None).await.status(), StatusCode::UNAUTHORIZED);
}
