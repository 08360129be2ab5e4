//! The application state shared by every handler, and start-up. The routes
//! are in `routes.rs`.

use crate::clock::Clock;
use crate::config::Config;
use crate::media::MediaStore;
use crate::payments::{PaymentProvider, Sandbox};
use crate::ratelimit::Backoff;
use haul_store::Db;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use tokio::net::TcpListener;

pub struct App {
    pub db: Db,
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    /// The clock `POST /test/clock` moves, with `test_clock` on.
    pub test_clock: Option<Arc<crate::clock::ShiftedClock>>,
    pub media: MediaStore,
    pub payments: Arc<dyn PaymentProvider>,
    pub sandbox: Arc<Sandbox>,
    pub payouts: Arc<crate::payouts::SandboxPayouts>,
    pub login_limiter: Backoff,
    /// Wrong pickup and voucher codes: a few free, then a growing wait.
    pub code_limiter: Backoff,
    pub event_limiter: crate::ratelimit::Buckets,
    pub browser_id_limiter: crate::ratelimit::Buckets,
    pub lead_limiter: crate::ratelimit::Buckets,
    pub lead_message_limiter: crate::ratelimit::Buckets,
    /// Requests for reset and sign-in codes, per address.
    pub recovery_limiter: crate::ratelimit::Buckets,
    /// Codes and links sent to one address or number, an hour.
    pub destination_limiter: crate::ratelimit::Buckets,
    pub mailer: Arc<dyn crate::messages::Mailer>,
    pub sms: Arc<dyn crate::messages::SmsSender>,
    /// Rung when a message is put in the outbox, so it leaves at once.
    pub outbox_bell: Arc<tokio::sync::Notify>,
    /// Signs the browser-id cookie; one per installation, in the record.
    pub cookie_key: String,
    pub sessions: crate::auth::SessionCache,
    /// What shoppers browse, until the next write.
    pub reads: crate::services::reads::ReadCache,
    pub deals: Arc<crate::deals::DealEngine>,
    pub feed: crate::feed::FeedEngine,
    /// Counts of page opens, cart adds and orders placed, until the analytics worker writes them.
    pub tally: crate::tally::Tally,
    pub dashboards: crate::services::analytics::Dashboards,
    pub live: Arc<crate::live::LiveHub>,
    /// For Haul's own URLs only (the sandbox provider calling back).
    pub http: reqwest::Client,
    /// For addresses users gave: webhooks and partner endpoints.
    pub outbound: crate::outbound::Outbound,
    /// Where this server is reached, without a trailing slash.
    pub public_url: String,
}

/// Cheap to clone: one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<App>);

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

impl AppState {
    /// Opens the database (migrating it) and the media folder.
    pub async fn new(config: Config, clock: Arc<dyn Clock>, bound: SocketAddr) -> Result<AppState, StartError> {
        Self::with_lookup(config, clock, bound, Arc::new(crate::outbound::SystemLookup)).await
    }

    /// As `new`, resolving the names of outbound requests with `lookup`.
    pub async fn with_lookup(
        config: Config,
        clock: Arc<dyn Clock>,
        bound: SocketAddr,
        lookup: Arc<dyn crate::outbound::Lookup>,
    ) -> Result<AppState, StartError> {
        let problems = config.problems();
        if !problems.is_empty() {
            return Err(format!("refusing to start:\n  - {}", problems.join("\n  - ")).into());
        }
        let test_clock = config.test_clock.then(|| Arc::new(crate::clock::ShiftedClock::default()));
        let clock: Arc<dyn Clock> = match &test_clock {
            Some(shifted) => shifted.clone(),
            None => clock,
        };
        std::fs::create_dir_all(&config.data_dir)?;
        std::fs::create_dir_all(config.media_dir())?;
        let db = Db::connect(&config.database_url()).await?.with_affiliate_terms(config.affiliate_terms());
        db.migrate().await?;
        let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{bound}")).trim_end_matches('/').to_owned();
        let sandbox = Arc::new(Sandbox::new(config.sandbox_secret.clone(), public_url.clone()));
        let (redis, bus) = match &config.redis_url {
            Some(url) => {
                let install = db.install_id(&crate::auth::random_token()[..16]).await?;
                crate::changes_bus::share(url, &install, db.changes()).await?;
                (Some(crate::deals::RedisGate::connect(url, &install).await?), Some(crate::live::RedisBus::connect(url, &install).await?))
            }
            None => (None, None),
        };
        std::fs::create_dir_all(config.hls_dir())?;
        let live = crate::live::LiveHub::new(
            db.clone(),
            clock.clone(),
            bus,
            haul_domain::live::ChatRules::new(config.live_chat_max_chars, &config.live_blocked_words),
            haul_domain::live::RateLimit { burst: config.live_chat_burst, every_ms: config.live_chat_interval_ms },
        );
        install_tls();
        let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build()?;
        let outbound = crate::outbound::Outbound::new(lookup, config.outbound_allow_private)?;
        let cookie_key = db.setting_or("cookie_key", &crate::auth::random_token()).await?;
        let state = AppState(Arc::new(App {
            media: MediaStore::from_config(&config)?,
            login_limiter: Backoff::new(clock.clone()),
            code_limiter: Backoff::new(clock.clone()),
            event_limiter: crate::ratelimit::Buckets::per_minute(config.video_events_per_minute, clock.clone()),
            browser_id_limiter: crate::ratelimit::Buckets::per_hour(config.browser_ids_per_hour, clock.clone()),
            lead_limiter: crate::ratelimit::Buckets::per_hour(config.leads_per_hour, clock.clone()),
            // A conversation, not a chat: ten messages a minute per person.
            lead_message_limiter: crate::ratelimit::Buckets::per_minute(10, clock.clone()),
            recovery_limiter: crate::ratelimit::Buckets::per_hour(config.recovery_requests_per_hour, clock.clone()),
            destination_limiter: crate::ratelimit::Buckets::per_hour(haul_domain::one_time::PER_HOUR as i64, clock.clone()),
            mailer: match &config.smtp_url {
                Some(url) => Arc::new(crate::messages::SmtpMailer::new(url, &config.mail_from)?),
                None => Arc::new(crate::messages::LogMailer),
            },
            sms: Arc::new(crate::messages::SandboxSms),
            outbox_bell: Arc::new(tokio::sync::Notify::new()),
            cookie_key,
            payments: sandbox.clone(),
            sessions: crate::auth::SessionCache::default(),
            reads: crate::services::reads::ReadCache::new(db.changes().clone()),
            deals: crate::deals::DealEngine::start(db.clone(), redis),
            tally: crate::tally::Tally::default(),
            dashboards: Default::default(),
            feed: crate::feed::FeedEngine::new(
                config.creator_health_threshold,
                haul_domain::feed::pools::PoolConfig::parse(&config.feed_pools)?,
                config.feed_cache_mib.saturating_mul(1 << 20),
            ),
            live,
            payouts: Arc::new(crate::payouts::SandboxPayouts::new(config.sandbox_secret.clone(), &public_url)),
            sandbox,
            db,
            config,
            clock,
            test_clock,
            http,
            outbound,
            public_url,
        }));
        state.feed.refresh(&state.db, state.clock.now()).await?;
        Ok(state)
    }
}

/// Serves until `shutdown` resolves. Background workers run when `workers`.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    workers: bool,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    crate::metrics::handle();
    if workers {
        crate::workers::spawn(state.clone());
    }
    let app = crate::routes::router(state).into_make_service_with_connect_info::<SocketAddr>();
    // No Nagle delay: live frames and API answers are small writes that
    // should leave at once.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// Chooses the process's TLS implementation (rustls with ring) before any
/// HTTP client is built; calling it again changes nothing.
pub fn install_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Any failure at start-up, where it ends the program with a message.
pub type StartError = Box<dyn std::error::Error + Send + Sync>;
