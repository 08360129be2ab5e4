//! Test support: an isolated Haul per test, on a free port with a fresh
//! database. SQLite by default; set `HAUL_TEST_DATABASE_URL` to a PostgreSQL
//! server URL and every test gets its own new database there; with
//! `HAUL_TEST_REDIS_URL` too, flash-deal gates live in Redis.

use haul_server::clock::{Clock, ManualClock, SystemClock};
use haul_server::{AppState, Config};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub struct TestApp {
    pub base: String,
    /// Each account's browser, signed in once.
    browsers: Mutex<std::collections::HashMap<i64, Browser>>,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub client: reqwest::Client,
    pub data_dir: std::path::PathBuf,
}

/// A test's database and media go with it (the server task may still hold
/// the files open; on Linux they are freed when it lets go).
impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique(prefix: &str) -> String {
    let now = SystemClock.now().millis();
    format!("{prefix}_{}_{}_{}", std::process::id(), now, COUNTER.fetch_add(1, Ordering::SeqCst))
}

/// Which database the tests run on, for their names in output.
pub fn backend() -> &'static str {
    if std::env::var("HAUL_TEST_DATABASE_URL").is_ok() { "postgres" } else { "sqlite" }
}

async fn fresh_database_url() -> Option<String> {
    let server = std::env::var("HAUL_TEST_DATABASE_URL").ok()?;
    let name = unique("haul_test");
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&server).await.expect("connect to the test PostgreSQL server");
    sqlx::Executor::execute(&mut conn, sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.expect("create test database");
    let (prefix, _) = server.rsplit_once('/').expect("a server URL ending in /dbname");
    Some(format!("{prefix}/{name}"))
}

/// The S3-compatible store `scripts/start-garage` started, if any.
pub struct ObjectStoreSettings {
    pub endpoint: String,
    pub bucket: String,
    pub key_id: String,
    pub secret: String,
}

pub fn object_store_settings() -> Option<ObjectStoreSettings> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    Some(ObjectStoreSettings {
        endpoint: var("HAUL_TEST_S3_ENDPOINT")?,
        bucket: var("HAUL_TEST_S3_BUCKET")?,
        key_id: var("HAUL_TEST_S3_ACCESS_KEY_ID")?,
        secret: var("HAUL_TEST_S3_SECRET_ACCESS_KEY")?,
    })
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_resolving(configure, Arc::new(haul_server::outbound::SystemLookup)).await
}

/// As `spawn_app_with`, with outbound requests' names resolved by `lookup`.
pub async fn spawn_app_resolving(configure: impl FnOnce(&mut Config), lookup: Arc<dyn haul_server::outbound::Lookup>) -> TestApp {
    let data_dir = std::env::temp_dir().join(unique("haul-test"));
    let mut config = Config { data_dir: data_dir.clone(), listen: "127.0.0.1:0".into(), ..Config::default() };
    config.database_url = fresh_database_url().await;
    // With Redis at hand, flash-deal gates live there, as on a cluster.
    config.redis_url = std::env::var("HAUL_TEST_REDIS_URL").ok();
    // With an object store at hand, media lives there, each app under its own prefix.
    if let Some(store) = object_store_settings() {
        config.media_url = Some(format!("s3://{}/{}", store.bucket, unique("media")));
        config.s3_endpoint = Some(store.endpoint);
        config.s3_region = "garage".into();
        config.s3_access_key_id = Some(store.key_id);
        config.s3_secret_access_key = Some(store.secret);
    }
    configure(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let clock = Arc::new(ManualClock::new(SystemClock.now()));
    let state = AppState::with_lookup(config, clock.clone(), addr, lookup).await.expect("start app");
    tokio::spawn(haul_server::serve(listener, state.clone(), false, std::future::pending()));
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    TestApp { base: format!("http://{addr}"), browsers: Mutex::default(), state, clock, client, data_dir }
}

/// A minimal MP4 head: `ftyp`, then a movie header saying 12.5 s.
pub fn tiny_mp4() -> Vec<u8> {
    let mut b = vec![0, 0, 0, 20];
    b.extend_from_slice(b"ftypisom\0\0\x02\0isom");
    b.extend_from_slice(&[0, 0, 0, 108]);
    b.extend_from_slice(b"mvhd");
    b.extend_from_slice(&[0; 12]);
    b.extend_from_slice(&1000u32.to_be_bytes());
    b.extend_from_slice(&12_500u32.to_be_bytes());
    b.extend_from_slice(&[0; 80]);
    b
}

/// A signed-in API user.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: i64,
    pub token: String,
    pub login: String,
}

/// A signed-in browser: the cookies and the CSRF token its forms carry.
#[derive(Clone)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

/// The value of `name` among a response's Set-Cookie headers.
pub fn set_cookie(r: &Response, name: &str) -> Option<String> {
    r.headers().get_all("set-cookie").iter().find_map(|v| {
        let pair = v.to_str().ok()?.split(';').next()?;
        pair.strip_prefix(&format!("{name}=")).map(str::to_owned)
    })
}

/// A shop with one product of one SKU.
#[derive(Clone, Debug)]
pub struct Fixture {
    pub merchant: Account,
    pub shop_id: i64,
    pub product_id: i64,
    pub sku_id: i64,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let r = self.client.request(method, self.url(path));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token).send().await.expect("request")
    }

    pub async fn send_json(&self, method: Method, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(method, path, token).json(body).send().await.expect("request")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.send_json(Method::POST, path, token, body).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.send_json(Method::PUT, path, token, body).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::DELETE, path, token).send().await.expect("request")
    }

    /// Places an order with this body (a fresh Idempotency-Key) and returns
    /// the response.
    pub async fn place(&self, buyer: &Account, body: &Value) -> Response {
        self.request(Method::POST, "/api/v1/orders", Some(&buyer.token))
            .header("Idempotency-Key", unique("key"))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn sign_up(&self, name: &str) -> Account {
        let login = format!("{}@example.com", unique(name));
        let r = self.post("/api/v1/accounts", None, &json!({"login": login, "password": "correct horse", "display_name": name})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let body: Value = r.json().await.expect("json");
        Account { id: body["user"]["id"].as_i64().expect("id"), token: body["token"].as_str().expect("token").to_owned(), login }
    }

    /// A new account that signs in with a phone number.
    pub async fn sign_up_phone(&self, name: &str) -> Account {
        let login = format!("+86{:011}", COUNTER.fetch_add(1, Ordering::SeqCst) + std::process::id() as u64 * 100_000);
        let r = self.post("/api/v1/accounts", None, &json!({"login": login, "password": "correct horse", "display_name": name})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let body: Value = r.json().await.expect("json");
        Account { id: body["user"]["id"].as_i64().expect("id"), token: body["token"].as_str().expect("token").to_owned(), login }
    }

    /// The messages Haul wrote to `recipient`, newest first.
    pub async fn messages_to(&self, recipient: &str) -> Vec<haul_store::outbox::Message> {
        self.state.db.recent_messages(Some(recipient), 100).await.expect("outbox")
    }

    /// The newest message to `recipient`, waiting for it to be written (codes
    /// asked for without signing in are sent after the answer).
    pub async fn message_to(&self, recipient: &str) -> haul_store::outbox::Message {
        for _ in 0..500 {
            if let Some(m) = self.messages_to(recipient).await.into_iter().next() {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("no message to {recipient} within 10 s");
    }

    /// Signs `account` in through the sign-in form, as a browser would.
    pub async fn browser(&self, account: &Account) -> Browser {
        let (r, csrf) = self.sign_in_form(&account.login, "correct horse", "").await;
        let session = set_cookie(&r, "haul_session").expect("session cookie");
        Browser { cookie: format!("haul_csrf={csrf}; haul_session={session}"), csrf }
    }

    /// Posts the sign-in form from a browser that carries `cookies` (besides
    /// the CSRF cookie it is given first); the answer and that CSRF token.
    pub async fn sign_in_form(&self, login: &str, password: &str, cookies: &str) -> (Response, String) {
        let csrf = set_cookie(&self.get("/signin", None).await, "haul_csrf").expect("csrf cookie");
        let r = self
            .client
            .post(self.url("/signin"))
            .header("cookie", format!("haul_csrf={csrf}; {cookies}"))
            .form(&[("csrf", csrf.as_str()), ("login", login), ("password", password)])
            .send()
            .await
            .expect("sign in");
        (r, csrf)
    }

    /// Posts a form from `browser`, adding its CSRF token.
    pub async fn submit(&self, browser: &Browser, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut form = vec![("csrf", browser.csrf.as_str())];
        form.extend_from_slice(fields);
        self.client.post(self.url(path)).header("cookie", &browser.cookie).form(&form).send().await.expect("submit")
    }

    /// Makes an existing account an operator, as an installation's first
    /// operator is made: directly in the database.
    pub async fn make_operator(&self, account: &Account) {
        self.state.db.set_role(haul_domain::ids::UserId(account.id), haul_domain::accounts::Role::Operator).await.expect("set role");
    }

    /// Posts a short video with these product cards; the video as created.
    pub async fn upload_video(&self, who: &Account, caption: &str, anchors: Value) -> Value {
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(tiny_mp4()).file_name("clip.mp4"))
            .text("caption", caption.to_owned())
            .text("anchors", anchors.to_string());
        let r = self.request(Method::POST, "/api/v1/videos", Some(&who.token)).multipart(form).send().await.expect("request");
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json().await.expect("json")
    }

    /// A new operator approves a new shop, as the console would.
    pub async fn approve_shop(&self, shop_id: i64) {
        let operator = self.sign_up("operator").await;
        self.make_operator(&operator).await;
        let decision = json!({"action": "approve_shop", "subject": "shop", "subject_id": shop_id, "reason": "资料齐全"});
        let r = self.post("/api/v1/operator/decisions", Some(&operator.token), &decision).await;
        assert_eq!(r.status(), StatusCode::OK, "approve shop");
    }

    pub async fn shop_with_product(&self, price_minor: i64, stock: i64) -> Fixture {
        let merchant = self.sign_up("merchant").await;
        let slug = unique("shop").replace('_', "-").chars().rev().take(30).collect::<String>().chars().rev().collect::<String>();
        let r = self.post("/api/v1/shops", Some(&merchant.token), &json!({"slug": format!("s{slug}"), "name": "Orchard"})).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
        let shop: Value = r.json().await.expect("json");
        let shop_id = shop["id"].as_i64().expect("shop id");
        self.approve_shop(shop_id).await;
        let r = self
            .post(
                "/api/v1/products",
                Some(&merchant.token),
                &json!({"shop_id": shop_id, "title": "Sugar oranges 5 kg", "skus": [{"code": "5KG", "options": "5 kg box", "price_minor": price_minor, "stock": stock}]}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let product: Value = r.json().await.expect("json");
        let product_id = product["id"].as_i64().expect("product id");
        let detail: Value = self.get(&format!("/api/v1/products/{product_id}"), None).await.json().await.expect("json");
        let sku_id = detail["skus"][0]["id"].as_i64().expect("sku id");
        Fixture { merchant, shop_id, product_id, sku_id }
    }

    /// Places an order and returns the response.
    pub async fn order(&self, buyer: &Account, sku_id: i64, quantity: i64, key: &str) -> Response {
        self.request(Method::POST, "/api/v1/orders", Some(&buyer.token))
            .header("Idempotency-Key", key)
            .json(&json!({"items": [{"sku_id": sku_id, "quantity": quantity}]}))
            .send()
            .await
            .expect("request")
    }

    /// Places an order that must succeed and returns its id.
    pub async fn order_ok(&self, buyer: &Account, sku_id: i64, quantity: i64) -> i64 {
        let r = self.order(buyer, sku_id, quantity, &unique("key")).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json::<Value>().await.expect("json")["id"].as_i64().expect("order id")
    }

    /// Pays an order through the sandbox provider's hosted page, as the
    /// buyer's browser would: start, then press "Pay".
    pub async fn pay(&self, buyer: &Account, order_id: i64) -> Response {
        let r = self.post(&format!("/api/v1/orders/{order_id}/payments"), Some(&buyer.token), &json!({})).await;
        assert_eq!(r.status(), StatusCode::CREATED, "start payment");
        let started: Value = r.json().await.expect("json");
        let pay_page = started["redirect_url"].as_str().expect("redirect").to_owned();
        let browser = self.browser_of(buyer).await;
        self.submit(&browser, &pay_page, &[("action", "pay")]).await
    }

    /// `account`'s browser, signed in on first use.
    pub async fn browser_of(&self, account: &Account) -> Browser {
        if let Some(b) = self.browsers.lock().expect("lock").get(&account.id) {
            return b.clone();
        }
        let b = self.browser(account).await;
        self.browsers.lock().expect("lock").insert(account.id, b.clone());
        b
    }

    pub async fn order_status(&self, token: &str, order_id: i64) -> String {
        let v: Value = self.get(&format!("/api/v1/orders/{order_id}"), Some(token)).await.json().await.expect("json");
        v["status"].as_str().unwrap_or("?").to_owned()
    }

    pub async fn stock(&self, product_id: i64) -> i64 {
        let v: Value = self.get(&format!("/api/v1/products/{product_id}"), None).await.json().await.expect("json");
        v["skus"][0]["stock"].as_i64().expect("stock")
    }
}

/// Expects `{"error":{"code": code}}` with `status`.
pub async fn assert_error(r: Response, status: StatusCode, code: &str) {
    let got = r.status();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "body: {body}");
    assert_eq!(body["error"]["code"], code, "body: {body}");
    assert!(body["error"]["message"].is_string(), "body: {body}");
}

/// A webhook receiver on loopback that records what it gets and answers
/// with the statuses it is told, in order (then 200).
#[derive(Clone, Default)]
pub struct Sink {
    pub received: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>>,
    pub answers: Arc<Mutex<Vec<u16>>>,
}

impl Sink {
    pub async fn start(answers: Vec<u16>) -> (Sink, String) {
        let sink = Sink { received: Arc::default(), answers: Arc::new(Mutex::new(answers)) };
        let s = sink.clone();
        let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: String| {
            let s = s.clone();
            async move {
                s.received.lock().expect("lock").push((headers, body));
                let mut answers = s.answers.lock().expect("lock");
                let code = if answers.is_empty() { 200 } else { answers.remove(0) };
                let status = axum::http::StatusCode::from_u16(code).unwrap_or(axum::http::StatusCode::OK);
                // A redirect points back here, so a client that follows it
                // shows up as a second request.
                (status, [("location", "/followed")])
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (sink, url)
    }

    pub fn count(&self) -> usize {
        self.received.lock().expect("lock").len()
    }
}

/// A resolver whose answers a test sets, and may change between calls.
#[derive(Default)]
pub struct FakeDns(Mutex<std::collections::HashMap<String, std::net::IpAddr>>);

impl FakeDns {
    pub fn point(&self, name: &str, ip: &str) {
        self.0.lock().expect("lock").insert(name.to_owned(), ip.parse().expect("an IP address"));
    }
}

impl haul_server::outbound::Lookup for FakeDns {
    fn lookup(&self, host: String) -> std::pin::Pin<Box<dyn std::future::Future<Output = std::io::Result<Vec<std::net::IpAddr>>> + Send>> {
        let found: Vec<_> = self.0.lock().expect("lock").get(&host).copied().into_iter().collect();
        Box::pin(async move { Ok(found) })
    }
}

impl TestApp {
    /// The injected clock's "now" in Unix seconds, for signing test webhooks.
    pub fn clock_now_seconds(&self) -> i64 {
        self.clock.now().seconds()
    }
}

/// A live room's viewer over a real WebSocket.
pub struct LiveClient {
    socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

impl LiveClient {
    /// Connects to room `room`; `query` is added as is (`token=...&after=...`).
    pub async fn connect(app: &TestApp, room: i64, query: &str) -> Result<LiveClient, tokio_tungstenite::tungstenite::Error> {
        Self::connect_in(app, room, query, "en").await
    }

    /// Connects as a browser that asks for `language` (`Accept-Language`).
    pub async fn connect_in(
        app: &TestApp,
        room: i64,
        query: &str,
        language: &str,
    ) -> Result<LiveClient, tokio_tungstenite::tungstenite::Error> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!("{}/api/v1/live/rooms/{room}/ws?{query}", app.base.replacen("http", "ws", 1));
        let mut request = url.into_client_request()?;
        request.headers_mut().insert("accept-language", language.parse().expect("header value"));
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(LiveClient { socket })
    }

    pub async fn send(&mut self, command: Value) {
        use futures_util::SinkExt;
        self.socket.send(tokio_tungstenite::tungstenite::Message::text(command.to_string())).await.expect("send");
    }

    pub async fn send_binary(&mut self) {
        use futures_util::SinkExt;
        self.socket.send(tokio_tungstenite::tungstenite::Message::binary(vec![1u8, 2, 3])).await.expect("send");
    }

    /// The next frame whose type is one of `types`, skipping others; fails
    /// after five seconds.
    pub async fn next_of(&mut self, types: &[&str]) -> Value {
        use futures_util::StreamExt;
        let wait = async {
            loop {
                let msg = self.socket.next().await.expect("socket open").expect("frame");
                if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
                    let frame: Value = serde_json::from_str(text.as_str()).expect("JSON frame");
                    assert_eq!(frame["v"], 1, "protocol version");
                    if types.contains(&frame["type"].as_str().unwrap_or("")) {
                        return frame;
                    }
                }
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(5), wait).await.unwrap_or_else(|_| panic!("no {types:?} frame within 5 s"))
    }

    /// Whether a frame of one of `types` arrives within `ms`.
    pub async fn gets_within(&mut self, types: &[&str], ms: u64) -> bool {
        tokio::time::timeout(std::time::Duration::from_millis(ms), self.next_of(types)).await.is_ok()
    }
}
