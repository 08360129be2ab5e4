//! Requests Haul sends to addresses its users gave it (webhook and partner
//! endpoints). The policy in `haul_domain::outbound` is applied twice: when
//! an address is registered (a literal IP or `localhost` is refused at once)
//! and on every delivery, to the addresses the name resolves to at that
//! moment, which are the only ones the client may connect to. So a name whose
//! DNS changes after registration is caught too. Redirects are not followed.

use haul_domain::DomainError;
use haul_domain::outbound::{is_local_name, is_public};
use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use url::Host;

/// Looks up a host name's addresses; injectable so tests can make a name
/// point anywhere.
pub trait Lookup: Send + Sync {
    fn lookup(&self, host: String) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>>;
}

/// The operating system's resolver.
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(&self, host: String) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>> {
        Box::pin(async move { Ok(tokio::net::lookup_host((host.as_str(), 0)).await?.map(|a| a.ip()).collect()) })
    }
}

/// The delivery was refused because of where it would go.
#[derive(Debug, thiserror::Error)]
#[error("refused by policy")]
pub struct Refused;

/// What became of one request, as the delivery log shows it: nothing
/// lower-level than the policy, "unreachable" or the HTTP status reaches
/// the shop (connection errors would map the host's network for it).
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Delivered(u16),
    Status(u16),
    Refused,
    Unreachable,
}

impl Outcome {
    pub fn describe(&self) -> Option<String> {
        match self {
            Outcome::Delivered(_) => None,
            Outcome::Status(code) => Some(format!("HTTP {code}")),
            Outcome::Refused => Some("refused by policy".into()),
            Outcome::Unreachable => Some("unreachable".into()),
        }
    }

    pub fn status(&self) -> Option<i64> {
        match self {
            Outcome::Delivered(code) | Outcome::Status(code) => Some(i64::from(*code)),
            _ => None,
        }
    }
}

#[derive(Clone)]
pub struct Outbound {
    client: reqwest::Client,
    allow_private: bool,
}

impl Outbound {
    pub fn new(lookup: Arc<dyn Lookup>, allow_private: bool) -> Result<Outbound, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(Filtered { lookup, allow_private }))
            .build()?;
        Ok(Outbound { client, allow_private })
    }

    /// Checks an address a user registers: an absolute http(s) URL whose host
    /// is not a literal private address or a name for this machine.
    pub fn check_target(&self, field: &'static str, raw: &str) -> Result<String, DomainError> {
        let url = haul_domain::catalog::http_url(field, raw)?;
        let parsed = Url::parse(&url).map_err(|_| DomainError::invalid(field, "an absolute http:// or https:// URL"))?;
        if self.literal_allowed(&parsed) {
            Ok(url)
        } else {
            Err(DomainError::invalid(field, "a public address: Haul does not send requests to this host or to private networks"))
        }
    }

    /// Whether the URL's host may be tried at all: literal addresses are
    /// judged here, names by the resolver when the request is sent.
    fn literal_allowed(&self, url: &Url) -> bool {
        if self.allow_private {
            return true;
        }
        match url.host() {
            Some(Host::Ipv4(ip)) => is_public(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => is_public(IpAddr::V6(ip)),
            Some(Host::Domain(name)) => !is_local_name(name),
            None => false,
        }
    }

    /// POSTs `body` with `headers` to `url` under the policy.
    pub async fn post(&self, url: &str, headers: &[(&str, &str)], body: String) -> Outcome {
        let Ok(parsed) = Url::parse(url) else { return Outcome::Refused };
        if !matches!(parsed.scheme(), "http" | "https") || !self.literal_allowed(&parsed) {
            return Outcome::Refused;
        }
        let mut request = self.client.post(parsed).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        match request.send().await {
            Ok(r) if r.status().is_success() => Outcome::Delivered(r.status().as_u16()),
            Ok(r) => Outcome::Status(r.status().as_u16()),
            Err(e) if caused_by_refusal(&e) => Outcome::Refused,
            Err(e) => {
                tracing::info!(error = %full_error(&e), "outbound request failed");
                Outcome::Unreachable
            }
        }
    }
}

fn caused_by_refusal(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<Refused>() {
            return true;
        }
        cause = c.source();
    }
    false
}

/// An error with its causes, for the server's own log.
fn full_error(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Resolves a name and keeps only the addresses the policy allows, so the
/// client can only connect to those.
struct Filtered {
    lookup: Arc<dyn Lookup>,
    allow_private: bool,
}

impl Resolve for Filtered {
    fn resolve(&self, name: Name) -> Resolving {
        let lookup = self.lookup.clone();
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            if !allow_private && is_local_name(&host) {
                return Err(Box::new(Refused) as Box<dyn std::error::Error + Send + Sync>);
            }
            let found = lookup.lookup(host).await?;
            if found.is_empty() {
                return Err(Box::new(std::io::Error::from(std::io::ErrorKind::NotFound)) as Box<dyn std::error::Error + Send + Sync>);
            }
            let allowed: Vec<SocketAddr> =
                found.into_iter().filter(|ip| allow_private || is_public(*ip)).map(|ip| SocketAddr::new(ip, 0)).collect();
            if allowed.is_empty() {
                return Err(Box::new(Refused) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}
