//! What Haul tells people by e-mail and SMS: each message is written in the
//! person's language from `locales/<lang>/messages.ftl`, put in the outbox
//! (the record) and sent by the `deliver_messages` worker through a
//! `Mailer` or an `SmsSender`.

mod smtp;

pub use smtp::SmtpMailer;

use crate::AppState;
use crate::error::AppResult;
use crate::i18n::Lang;
use futures_util::future::BoxFuture;
use haul_domain::one_time::Channel;
use haul_store::outbox::{Message, NewMessage};

/// Sends one e-mail; the error says why it did not leave.
pub trait Mailer: Send + Sync {
    fn send<'a>(&'a self, m: &'a Message) -> BoxFuture<'a, Result<(), String>>;
}

/// Sends one SMS.
pub trait SmsSender: Send + Sync {
    fn send<'a>(&'a self, m: &'a Message) -> BoxFuture<'a, Result<(), String>>;
}

/// The embedded default: no mail server is set, so mail is written to the
/// log (and stays readable in the outbox).
pub struct LogMailer;

impl Mailer for LogMailer {
    fn send<'a>(&'a self, m: &'a Message) -> BoxFuture<'a, Result<(), String>> {
        tracing::info!(to = %m.recipient, subject = %m.subject, body = %m.body, "mail not sent: no SMTP server is set (HAUL_SMTP_URL)");
        Box::pin(async { Ok(()) })
    }
}

/// No SMS gateway is reachable from here: messages are written to the log,
/// and the outbox page (`/sandbox/messages`, outside production) shows them.
pub struct SandboxSms;

impl SmsSender for SandboxSms {
    fn send<'a>(&'a self, m: &'a Message) -> BoxFuture<'a, Result<(), String>> {
        tracing::info!(to = %m.recipient, body = %m.body, "SMS sandbox: not sent to a phone");
        Box::pin(async { Ok(()) })
    }
}

/// One message to one person.
pub struct Outgoing<'a> {
    pub channel: Channel,
    pub to: &'a str,
    /// Names its texts: `mail-<kind>-subject` and `mail-<kind>-body`, or
    /// `sms-<kind>`.
    pub kind: &'static str,
    pub lang: Lang,
    pub args: Vec<(&'static str, String)>,
    /// A mail the person may turn off: its last line says where.
    pub optional: bool,
}

impl Outgoing<'_> {
    /// Subject and body in the person's language.
    pub fn compose(&self) -> (String, String) {
        match self.channel {
            Channel::Email => {
                let mut body = self.lang.t_args(&format!("mail-{}-body", self.kind), &self.args);
                if self.optional {
                    body = format!("{body}\n\n-- \n{}", self.lang.t("mail-footer-optional"));
                }
                (self.lang.t_args(&format!("mail-{}-subject", self.kind), &self.args), body)
            }
            Channel::Sms => (String::new(), self.lang.t_args(&format!("sms-{}", self.kind), &self.args)),
        }
    }
}

/// Puts a message in the outbox and wakes the worker that sends it.
pub async fn send(state: &AppState, out: Outgoing<'_>) -> AppResult<()> {
    let (subject, body) = out.compose();
    let message = NewMessage { channel: out.channel.as_str(), recipient: out.to, kind: out.kind, subject: &subject, body: &body };
    state.db.enqueue_message(&message, state.clock.now()).await?;
    state.outbox_bell.notify_one();
    Ok(())
}

/// The language a person reads their messages in: the one they chose,
/// else the one of the request that caused the message.
pub async fn language_of(state: &AppState, user: haul_domain::ids::UserId) -> AppResult<Lang> {
    Ok(state.db.user_language(user).await?.as_deref().and_then(Lang::from_tag).unwrap_or_else(crate::i18n::current))
}
