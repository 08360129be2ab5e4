//! Configuration, layered: built-in defaults, then a TOML file (`haul.toml`
//! or `--config`), then `HAUL_*` environment variables, then flags.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `development` (default) or `production`: in production Haul refuses
    /// to start with default secrets, plain-HTTP cookies or a payment
    /// provider that moves no money (see `production_problems`).
    pub env: String,
    /// Address to listen on.
    pub listen: String,
    /// Where the SQLite database and media live when no database URL is set.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; defaults to a file in `data_dir`.
    pub database_url: Option<String>,
    /// `redis://...`: flash-deal gates live in Redis, shared by every node.
    pub redis_url: Option<String>,
    /// `s3://bucket/prefix`: uploads, posters, pictures, covers and replays
    /// live in an S3-compatible object store, shared by every node; by
    /// default they live in `data_dir/media`.
    pub media_url: Option<String>,
    /// The object store's address (`http://127.0.0.1:3900` for Garage on
    /// this machine); none for Amazon S3 itself.
    pub s3_endpoint: Option<String>,
    pub s3_region: String,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    /// The address people and payment providers reach Haul at.
    pub public_url: Option<String>,
    /// How long an order may wait for payment before it is cancelled.
    pub payment_timeout_seconds: i64,
    /// How long a flash-deal unit is held for an unpaid order.
    pub deal_payment_timeout_seconds: i64,
    /// A group leader's commission on collected orders, in basis points
    /// (1000 = 10%); fixed on each campaign when it is published.
    pub leader_commission_bps: i64,
    /// Orders left at a pickup point longer than this are flagged uncollected.
    pub pickup_grace_hours: i64,
    /// Traffic pools: each pool's impressions, then the completion/like/share
    /// rates that leave it for the next, e.g. `300:0.30/0.05/0.004, 3000`.
    pub feed_pools: String,
    /// Creators whose health (0-100) is below this reach followers only.
    pub creator_health_threshold: f64,
    /// How often the feed's index is rebuilt from the record (counters,
    /// pools, health). A rebuild reads every published video: about 4 s of
    /// one core at 100,000 videos, so not too often.
    pub feed_refresh_seconds: u64,
    /// The most the feed keeps of its viewers (profiles, seen videos,
    /// shortlists), in MiB; past it, the least recently read go first.
    pub feed_cache_mib: usize,
    pub max_video_bytes: usize,
    pub session_days: i64,
    pub max_upload_bytes: usize,
    /// Let webhooks and partner endpoints reach loopback and private
    /// networks. Off by default: only for tests and private deployments.
    pub outbound_allow_private: bool,
    /// Let a new shop sell before an operator approves it (the operator
    /// reviews it afterwards). Off by default: new shops wait for approval.
    pub shops_open_before_review: bool,
    /// A delivery its buyer has not confirmed is completed this many days
    /// after it shipped.
    pub auto_receive_days: i64,
    /// How long creators keep a plan's old rate after the shop cuts it.
    pub commission_notice_days: i64,
    /// How long a creator's tap on a video card, note tag, showcase item or
    /// share link can still earn them the sale.
    pub attribution_window_days: i64,
    /// How long commission stays pending after its order completes (the
    /// after-sales window).
    pub commission_hold_days: i64,
    /// The platform's share of each commission, in basis points.
    pub platform_fee_bps: i64,
    /// After-sales: how long after receipt (or completion) a buyer may ask
    /// for a refund, return or exchange; the merchant's time to answer
    /// before the request is accepted; the buyer's time to send an item
    /// back before the case closes; the merchant's time to confirm a
    /// returned item before it is refunded; the buyer's time to take a
    /// rejection to the operator.
    pub aftersales_claim_days: i64,
    pub aftersales_reply_hours: i64,
    pub aftersales_return_days: i64,
    pub aftersales_confirm_days: i64,
    pub aftersales_escalate_days: i64,
    /// The least a creator may ask to be paid out, in minor units.
    pub payout_minimum_minor: i64,
    /// Which payment provider takes the money. Only `sandbox` exists yet: a
    /// stand-in that moves no money.
    pub payment_provider: String,
    /// Shared secret of the sandbox payment provider's webhooks.
    pub sandbox_secret: String,
    /// The operator's statement that running production on the sandbox
    /// provider is intended although no money moves.
    pub sandbox_payments_move_no_money: bool,
    /// Sign-in attempts per account, and per address, before each further
    /// one waits (30 s, doubling, at most 15 minutes). An address is shared
    /// by many people behind one router, so it has more.
    pub login_attempts: u32,
    pub login_address_attempts: u32,
    /// Wrong pickup codes per campaign and per leader (and unknown voucher
    /// codes per shop and per staff member) before each further try waits
    /// the same way.
    pub pickup_code_attempts: u32,
    /// Video events (views, shares, product clicks) one address may send a
    /// minute; beyond it they are refused with 429.
    pub video_events_per_minute: i64,
    /// New browser ids (the cookie that lets anonymous views count once)
    /// one address may be given an hour.
    pub browser_ids_per_hour: i64,
    /// Requests for a quote one person may send an hour (any shops).
    pub leads_per_hour: i64,
    /// Haul sits behind a proxy that sets `X-Forwarded-For`: per-address
    /// limits use the address it saw (only when the peer is on a private
    /// network, so a client reaching Haul directly cannot choose it).
    pub trust_forwarded_for: bool,
    /// The SMTP server mail leaves through: `smtp://user:password@host:587`
    /// (TLS when the server offers it; `?tls=required` to insist) or
    /// `smtps://...:465`. Unset, mail is written to the log only.
    pub smtp_url: Option<String>,
    /// Who mail comes from: `Name <address>`.
    pub mail_from: String,
    /// Requests for a reset or sign-in code one address may send an hour.
    pub recovery_requests_per_hour: i64,
    /// Bearer token that `/metrics` requires; unset, it is not served.
    pub metrics_token: Option<String>,
    /// `text` or `json`.
    pub log_format: String,
    /// How often background jobs run.
    pub worker_interval_seconds: u64,
    /// Keep the sales rollups on this node (off: another node keeps them,
    /// or a benchmark measures what keeping them costs).
    pub analytics_worker: bool,
    /// Serve `/bench/*`: baselines for the benchmarks. Never in production.
    pub bench_endpoints: bool,
    /// Let `POST /test/clock` move the server's clock forward, so browser
    /// tests can pass a hold or a deadline. Never in production.
    pub test_clock: bool,
    /// Where hosts point their encoder: the media server's RTMP application.
    pub rtmp_url: String,
    /// The media server's `listen` for RTMP (written into its configuration).
    pub rtmp_listen: String,
    /// Live chat: longest message in characters, messages at once, then
    /// one per interval, and the comma-separated words that are starred out.
    pub live_chat_max_chars: usize,
    pub live_chat_burst: i64,
    pub live_chat_interval_ms: i64,
    pub live_blocked_words: String,
    /// When a stream stops, the room waits this long for the encoder to come
    /// back (a dropped connection) before it ends.
    pub live_end_grace_seconds: u64,
    /// The language of the demo store's shops, products, videos and people:
    /// `zh-CN` (Simplified Chinese) or `en`; anything else is English. Empty
    /// (the default) follows the process's locale: Chinese when `LC_ALL`, or
    /// else `LANG`, starts with `zh`.
    pub demo_language: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            env: "development".into(),
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("haul-data"),
            database_url: None,
            redis_url: None,
            media_url: None,
            s3_endpoint: None,
            s3_region: "us-east-1".into(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
            public_url: None,
            payment_timeout_seconds: 15 * 60,
            deal_payment_timeout_seconds: 5 * 60,
            leader_commission_bps: 1000,
            pickup_grace_hours: 48,
            creator_health_threshold: 40.0,
            feed_pools: haul_domain::feed::pools::DEFAULT_POOLS.into(),
            feed_refresh_seconds: 60,
            feed_cache_mib: 256,
            max_video_bytes: 64 * 1024 * 1024,
            session_days: 30,
            max_upload_bytes: 5 * 1024 * 1024,
            outbound_allow_private: false,
            shops_open_before_review: false,
            auto_receive_days: 10,
            commission_notice_days: 30,
            attribution_window_days: 7,
            commission_hold_days: 15,
            platform_fee_bps: 1000,
            aftersales_claim_days: 7,
            aftersales_reply_hours: 48,
            aftersales_return_days: 5,
            aftersales_confirm_days: 8,
            aftersales_escalate_days: 7,
            payout_minimum_minor: 1000,
            payment_provider: "sandbox".into(),
            sandbox_secret: DEFAULT_SANDBOX_SECRET.into(),
            sandbox_payments_move_no_money: false,
            login_attempts: 5,
            login_address_attempts: 20,
            pickup_code_attempts: 10,
            video_events_per_minute: 120,
            browser_ids_per_hour: 20,
            leads_per_hour: 10,
            trust_forwarded_for: false,
            smtp_url: None,
            mail_from: "Haul <noreply@haul.localhost>".into(),
            recovery_requests_per_hour: 20,
            metrics_token: None,
            log_format: "text".into(),
            worker_interval_seconds: 5,
            analytics_worker: true,
            bench_endpoints: false,
            test_clock: false,
            rtmp_url: "rtmp://127.0.0.1:1935/live".into(),
            rtmp_listen: "127.0.0.1:1935".into(),
            live_chat_max_chars: 200,
            live_chat_burst: 3,
            live_chat_interval_ms: 2000,
            live_blocked_words: String::new(),
            live_end_grace_seconds: 15,
            demo_language: String::new(),
        }
    }
}

const DEFAULT_SANDBOX_SECRET: &str = "sandbox-secret-change-me";

/// Secrets stay out of logs.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_ref().map(|u| redact_url(u)))
            .field("public_url", &self.public_url)
            .field("payment_timeout_seconds", &self.payment_timeout_seconds)
            .field("sandbox_secret", &"<hidden>")
            .field("smtp_url", &self.smtp_url.as_ref().map(|u| redact_url(u)))
            .finish_non_exhaustive()
    }
}

fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://<hidden>{}", &url[..s], &url[at..]),
        _ => url.to_owned(),
    }
}

/// Flags given on the command line; `None` leaves the lower layers' value.
#[derive(Debug, Default, Serialize)]
pub struct Flags {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis_url: Option<String>,
}

impl Config {
    /// Attribution and commission as the store applies them.
    pub fn affiliate_terms(&self) -> haul_domain::affiliate::AffiliateTerms {
        const DAY: i64 = 86_400_000;
        haul_domain::affiliate::AffiliateTerms {
            window_ms: self.attribution_window_days.max(0).saturating_mul(DAY),
            notice_ms: self.commission_notice_days.max(0).saturating_mul(DAY),
            hold_ms: self.commission_hold_days.max(0).saturating_mul(DAY),
            platform_fee_bps: self.platform_fee_bps.clamp(0, 10_000),
        }
    }

    /// The after-sales deadlines, in seconds (each at least one hour).
    pub fn aftersale_deadlines(&self) -> haul_domain::aftersales::Deadlines {
        let hours = |h: i64| h.max(1).saturating_mul(3600);
        haul_domain::aftersales::Deadlines {
            claim_seconds: hours(self.aftersales_claim_days.saturating_mul(24)),
            reply_seconds: hours(self.aftersales_reply_hours),
            return_seconds: hours(self.aftersales_return_days.saturating_mul(24)),
            confirm_seconds: hours(self.aftersales_confirm_days.saturating_mul(24)),
            escalate_seconds: hours(self.aftersales_escalate_days.saturating_mul(24)),
        }
    }

    pub fn load(file: Option<&std::path::Path>, flags: &Flags) -> Result<Config, Box<figment::Error>> {
        let file = file.map(PathBuf::from).unwrap_or_else(|| PathBuf::from("haul.toml"));
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("HAUL_"))
            .merge(Serialized::defaults(flags))
            .extract()
            .map_err(Box::new)
    }

    pub fn is_production(&self) -> bool {
        self.env == "production"
    }

    /// What stops this configuration from starting, each with the setting
    /// that fixes it. Always checked: the names of choices; in production
    /// also secrets, cookies and money.
    pub fn problems(&self) -> Vec<String> {
        let mut found = Vec::new();
        if !matches!(self.env.as_str(), "development" | "production") {
            found.push(format!("HAUL_ENV is `{}`: use `development` or `production`", self.env));
        }
        if self.media_url.as_deref().is_some_and(|u| !u.is_empty() && !u.starts_with("s3://")) {
            found.push("HAUL_MEDIA_URL names an object store as s3://bucket/prefix".into());
        }
        if self.payment_provider != "sandbox" {
            found.push(format!("HAUL_PAYMENT_PROVIDER is `{}`: the only provider yet is `sandbox`", self.payment_provider));
        }
        if !self.is_production() {
            return found;
        }
        if self.sandbox_secret == DEFAULT_SANDBOX_SECRET || self.sandbox_secret.len() < 16 {
            found.push("HAUL_SANDBOX_SECRET is the default or shorter than 16 characters: set a secret of your own".into());
        }
        if self.payment_provider == "sandbox" && !self.sandbox_payments_move_no_money {
            found.push(
                "the sandbox payment provider moves no money: set HAUL_SANDBOX_PAYMENTS_MOVE_NO_MONEY=true to run production with it anyway"
                    .into(),
            );
        }
        if !self.https() {
            found.push("HAUL_PUBLIC_URL must be the https:// address people reach Haul at, so that cookies are Secure".into());
        }
        if self.bench_endpoints {
            found.push("HAUL_BENCH_ENDPOINTS must be false in production".into());
        }
        if self.test_clock {
            found.push("HAUL_TEST_CLOCK must be false in production".into());
        }
        if self.smtp_url.is_none() {
            found.push("HAUL_SMTP_URL is not set: receipts, reset links and codes would reach nobody".into());
        }
        if self.metrics_token.as_deref().is_some_and(|t| t.len() < 16) {
            found.push("HAUL_METRICS_TOKEN must be at least 16 characters".into());
        }
        found
    }

    /// Cookies get `Secure` when people reach Haul over HTTPS.
    pub fn https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("haul.db").display()))
    }

    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }

    /// Where the media server writes live HLS and Haul serves it from.
    pub fn hls_dir(&self) -> PathBuf {
        self.data_dir.join("hls")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_defaults() {
        let flags = Flags { listen: Some("127.0.0.1:9999".into()), ..Flags::default() };
        let c = Config::load(Some(std::path::Path::new("/nonexistent/haul.toml")), &flags).unwrap();
        assert_eq!(c.listen, "127.0.0.1:9999");
        assert_eq!(c.payment_timeout_seconds, 900);
    }

    #[test]
    fn development_starts_with_the_defaults() {
        assert!(Config::default().problems().is_empty());
    }

    #[test]
    fn production_refuses_default_secrets_plain_http_and_unacknowledged_sandbox_payments() {
        let c = Config { env: "production".into(), ..Config::default() };
        let problems = c.problems().join("\n");
        for setting in ["HAUL_SANDBOX_SECRET", "HAUL_SANDBOX_PAYMENTS_MOVE_NO_MONEY", "HAUL_PUBLIC_URL", "HAUL_SMTP_URL"] {
            assert!(problems.contains(setting), "{problems}");
        }
        let ready = Config {
            env: "production".into(),
            sandbox_secret: "a long and private secret".into(),
            sandbox_payments_move_no_money: true,
            public_url: Some("https://shop.example.com".into()),
            smtp_url: Some("smtp://mail.example.com".into()),
            ..Config::default()
        };
        assert_eq!(ready.problems(), Vec::<String>::new());
        let http = Config { public_url: Some("http://shop.example.com".into()), ..ready.clone() };
        assert!(http.problems()[0].contains("HAUL_PUBLIC_URL"));
        let bench = Config { bench_endpoints: true, metrics_token: Some("short".into()), ..ready };
        assert_eq!(bench.problems().len(), 2);
    }

    #[test]
    fn unknown_choices_are_refused_everywhere() {
        let c = Config { env: "prod".into(), payment_provider: "paypal".into(), ..Config::default() };
        assert_eq!(c.problems().len(), 2);
    }

    #[test]
    fn debug_output_hides_secrets() {
        let c = Config {
            database_url: Some("postgres://haul:pw@db/haul".into()),
            smtp_url: Some("smtp://mailer:pw@mail/".into()),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("pw"), "{shown}");
        assert!(!shown.contains("change-me"), "{shown}");
    }
}
