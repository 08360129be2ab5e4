//! Mail through an SMTP server (`HAUL_SMTP_URL`), with `lettre`.

use super::Mailer;
use futures_util::future::BoxFuture;
use haul_store::outbox::Message;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// `smtp://user:password@host:587` takes TLS (STARTTLS) when the server
    /// offers it; `?tls=required` insists on it; `smtps://host:465` speaks
    /// TLS from the first byte. `from` is `Name <address>`.
    pub fn new(url: &str, from: &str) -> Result<SmtpMailer, String> {
        let url = if url.starts_with("smtp://") && !url.contains("tls=") {
            format!("{url}{}tls=opportunistic", if url.contains('?') { '&' } else { '?' })
        } else {
            url.to_owned()
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| format!("HAUL_SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e| format!("HAUL_MAIL_FROM `{from}`: {e}"))?;
        Ok(SmtpMailer { transport, from })
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, m: &'a Message) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let to: Mailbox = m.recipient.parse().map_err(|e| format!("recipient: {e}"))?;
            let email = lettre::Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(&m.subject)
                .header(ContentType::TEXT_PLAIN)
                .body(m.body.clone())
                .map_err(|e| e.to_string())?;
            self.transport.send(email).await.map(|_| ()).map_err(|e| e.to_string())
        })
    }
}
