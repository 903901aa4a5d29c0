//! The mail outbox: every message Accord sends is first a row in the database, written in the
//! transaction of the use case that sends it, and delivered by a worker that runs on every
//! node. A node claims a few due rows at a time under a lease, sends them over one SMTP
//! connection, and marks each sent the moment the server has answered 250 to its data. A
//! temporary failure (4xx) is tried again later with exponential backoff; a permanent one
//! (5xx) fails the row and marks the contact's address bouncing.
//!
//! The guarantee: a message is marked sent only after the server accepted it, so none is
//! lost; it is sent again only if the node dies (or loses the database) between the server's
//! acceptance and the commit that marks it sent, or the server's 250 does not arrive in time,
//! and then with the same `Message-ID`, which the row keeps from the moment it is queued. A node
//! has one message in flight at a time, so each such event repeats at most one message.
//! docs/architecture.md says more.

use crate::{App, Result};
use accord_db::entities::mail_outbox;
use accord_db::mailings as q;
use accord_db::sea_orm::ActiveValue::Set;
use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Where mail goes: `smtp://host:port` (no TLS) or `smtps://user:pass@host:port` (TLS from
/// the first byte), with optional credentials either way.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}:{}", if self.tls { "smtps" } else { "smtp" }, self.host, self.port)
    }
}

impl SmtpUrl {
    /// Reads `smtp://host:port` or `smtps://user:pass@host:port`.
    pub fn parse(s: &str) -> std::result::Result<SmtpUrl, String> {
        let u = url::Url::parse(s.trim()).map_err(|e| format!("not a URL: {e}"))?;
        let tls = match u.scheme() {
            "smtp" => false,
            "smtps" => true,
            other => return Err(format!("the scheme must be smtp or smtps, not {other}")),
        };
        let host = u.host_str().filter(|h| !h.is_empty()).ok_or("the URL names no host")?.to_owned();
        let port = u.port().unwrap_or(if tls { 465 } else { 25 });
        let decode =
            |v: &str| url::form_urlencoded::parse(format!("x={v}").as_bytes()).next().map(|(_, v)| v.into_owned());
        let user = Some(u.username()).filter(|v| !v.is_empty()).and_then(decode);
        let password = u.password().and_then(decode);
        Ok(SmtpUrl { tls, host, port, user, password })
    }
}

/// How mail is sent.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// No mail leaves without it (`ACCORD_SMTP_URL`); messages wait in the outbox.
    pub smtp: Option<SmtpUrl>,
    /// The sender (`ACCORD_MAIL_FROM`).
    pub from: String,
    /// How often an idle worker looks for due messages.
    pub poll: Duration,
    /// How long a node's claim on messages holds before another node may take them over.
    pub lease: Duration,
    /// The wait before the first retry after a temporary failure; it doubles with each try.
    pub retry_base: Duration,
    /// Tries before a message that keeps failing temporarily is given up.
    pub max_attempts: i32,
    /// Messages claimed at a time.
    pub batch: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp: None,
            from: "accord@localhost".into(),
            poll: Duration::from_secs(5),
            lease: Duration::from_secs(60),
            retry_base: Duration::from_secs(30),
            max_attempts: 8,
            batch: 50,
        }
    }
}

/// Checks a sender: an address, optionally with a name (`Name <address>`).
pub fn check_from(from: &str) -> std::result::Result<(), String> {
    from.parse::<Mailbox>().map(|_| ()).map_err(|e| format!("{from:?} is not a sender address ({e})"))
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub district_id: i64,
    pub mailing_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub email: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The page that withdraws the consent this message relies on (`List-Unsubscribe`).
    pub unsubscribe_url: Option<String>,
    /// An iCalendar file to attach (an event's invitation), kept with the row so that every
    /// try sends the same.
    pub ics: Option<String>,
}

/// The `Message-ID` of a new outbox row: random, at the sender's domain; kept with the row so
/// that a message sent twice is recognisable as one.
pub fn new_message_id(config: &MailConfig) -> String {
    let domain = config.from.rsplit('@').next().map(|d| d.trim_end_matches('>')).filter(|d| !d.is_empty());
    format!("<{}@{}>", crate::auth::random_token(16), domain.unwrap_or("accord.invalid"))
}

/// Queues messages in the caller's transaction: they leave only if it commits.
pub async fn enqueue<C: accord_db::sea_orm::ConnectionTrait>(
    c: &C,
    config: &MailConfig,
    messages: Vec<Outgoing>,
    now: DateTime<Utc>,
) -> Result<()> {
    let rows = messages
        .into_iter()
        .map(|m| mail_outbox::ActiveModel {
            district_id: Set(m.district_id),
            mailing_id: Set(m.mailing_id),
            contact_id: Set(m.contact_id),
            organisation_id: Set(m.organisation_id),
            email: Set(m.email),
            subject: Set(m.subject),
            text_body: Set(m.text),
            html_body: Set(m.html),
            message_id: Set(new_message_id(config)),
            unsubscribe_url: Set(m.unsubscribe_url),
            status: Set("queued".into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            locked_by: Set(None),
            locked_until: Set(None),
            last_error: Set(None),
            sent_at: Set(None),
            created_at: Set(now),
            ics: Set(m.ics),
            ..Default::default()
        })
        .collect();
    q::enqueue(c, rows).await?;
    Ok(())
}

/// The message as it goes on the wire.
fn build(config: &MailConfig, row: &mail_outbox::Model) -> std::result::Result<lettre::Message, String> {
    let from: Mailbox = config.from.parse().map_err(|e| format!("ACCORD_MAIL_FROM: {e}"))?;
    let to: Mailbox = row.email.parse().map_err(|e| format!("the address {}: {e}", row.email))?;
    let mut b = lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .date_now();
    if let Some(u) = &row.unsubscribe_url {
        b = b.raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{u}>")));
    }
    let body = MultiPart::alternative_plain_html(row.text_body.clone(), row.html_body.clone());
    let body = match &row.ics {
        None => body,
        Some(ics) => {
            let kind = ContentType::parse("text/calendar; method=PUBLISH; charset=utf-8").map_err(|e| e.to_string())?;
            MultiPart::mixed()
                .multipart(body)
                .singlepart(Attachment::new("invitation.ics".into()).body(ics.clone(), kind))
        }
    };
    b.multipart(body).map_err(|e| e.to_string())
}

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

async fn connect(smtp: &SmtpUrl) -> std::result::Result<AsyncSmtpConnection, String> {
    let hello = ClientId::Domain("accord".into());
    let mut conn = if smtp.tls {
        let tls = TlsParameters::new_rustls(smtp.host.clone()).map_err(|e| e.to_string())?;
        AsyncSmtpConnection::connect_tokio1(
            (smtp.host.as_str(), smtp.port),
            Some(CONNECT_TIMEOUT),
            &hello,
            Some(tls),
            None,
        )
        .await
        .map_err(|e| e.to_string())?
    } else {
        // A socket of our own, to turn Nagle's algorithm off: lettre writes a message's data and
        // its closing dot apart, and the dot would wait for the server's delayed acknowledgement
        // of the data (40 ms on Linux), which held a connection to some 20 messages a second.
        let address = (smtp.host.as_str(), smtp.port);
        let tcp = tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(address))
            .await
            .map_err(|_| format!("connecting to {smtp:?} timed out"))?
            .map_err(|e| format!("connecting to {smtp:?}: {e}"))?;
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &hello).await.map_err(|e| e.to_string())?
    };
    if let (Some(user), Some(password)) = (&smtp.user, &smtp.password) {
        conn.auth(&[Mechanism::Plain, Mechanism::Login], &Credentials::new(user.clone(), password.clone()))
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(conn)
}

/// The wait before try `attempts + 1`: the base, doubled for each try made, at most an hour.
fn backoff(config: &MailConfig, attempts: i32) -> chrono::Duration {
    let factor = 2u32.saturating_pow(attempts.clamp(1, 16) as u32 - 1);
    let d = config.retry_base.saturating_mul(factor).min(Duration::from_secs(3600));
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::hours(1))
}

/// Why a message did not leave.
enum SendError {
    /// No connection could be made.
    Unreachable(String),
    /// The server answered, but not with acceptance (or the connection broke mid-exchange).
    Refused(lettre::transport::smtp::Error),
    /// The server did not finish the exchange in the time the claim allows.
    Silent(Duration),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Unreachable(e) => write!(f, "{e}"),
            SendError::Refused(e) => write!(f, "{e}"),
            SendError::Silent(d) => write!(f, "the SMTP server did not answer within {} s", d.as_secs()),
        }
    }
}

/// Sends one message over the connection, connecting first if there is none (or it broke).
async fn send_one(
    smtp: &SmtpUrl,
    conn: &mut Option<AsyncSmtpConnection>,
    message: &lettre::Message,
) -> std::result::Result<(), SendError> {
    if conn.as_ref().is_none_or(|c| c.has_broken()) {
        *conn = Some(connect(smtp).await.map_err(SendError::Unreachable)?);
    }
    let c = conn.as_mut().expect("connected above");
    c.send(message.envelope(), &message.formatted()).await.map(|_| ()).map_err(SendError::Refused)
}

/// What became of one batch.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Claims due messages and sends them; how many it claimed (0: nothing was due, or no SMTP
/// server is configured).
pub async fn deliver_due(app: &App, node: &str, stop: &AtomicBool) -> Result<usize> {
    let config = &app.config.mail;
    let Some(smtp) = &config.smtp else { return Ok(0) };
    let now = Utc::now();
    let lease = chrono::Duration::from_std(config.lease).unwrap_or(chrono::Duration::minutes(1));
    let until = now + lease;
    let rows = {
        let txn = app.db.write().await?;
        let rows = q::claim_due(&txn, node, now, until, config.batch).await?;
        txn.commit().await?;
        rows
    };
    if rows.is_empty() {
        return Ok(0);
    }
    let claimed = rows.len();
    let mut conn: Option<AsyncSmtpConnection> = None;
    let mut done = Delivered::default();
    // A message is begun only while the claim has this much left, and its exchange is cut off
    // after that long, so that no other node can take it over while it is in flight.
    let margin = chrono::Duration::seconds(25).min(lease / 2);
    for (i, row) in rows.iter().enumerate() {
        if stop.load(Ordering::Relaxed) || Utc::now() + margin > until {
            let rest: Vec<i64> = rows[i..].iter().map(|r| r.id).collect();
            q::release(&app.db.conn, &rest, node).await?;
            break;
        }
        let message = match build(config, row) {
            Ok(m) => m,
            Err(e) => {
                finish_failed(app, row, node, &e, false).await?;
                done.failed += 1;
                continue;
            }
        };
        // The exchange, connecting included, must end before the claim does: lettre bounds
        // only the TCP connect, so a server that stops answering is cut off here.
        let budget = margin.to_std().unwrap_or(Duration::from_secs(5));
        let outcome = match tokio::time::timeout(budget, send_one(smtp, &mut conn, &message)).await {
            Ok(o) => o,
            Err(_) => {
                // Whether the server took the data is unknown: the connection is dropped and
                // the message tried again later, with the same Message-ID.
                conn = None;
                Err(SendError::Silent(budget))
            }
        };
        match outcome {
            Ok(()) => {
                // The server has the message: record that at once, in the shortest write there is.
                let txn = app.db.write().await?;
                let held = q::mark_sent(&txn, row.id, node, Utc::now()).await?;
                txn.commit().await?;
                if !held {
                    tracing::warn!(outbox = row.id, "a message was sent after this node's claim on it had lapsed");
                }
                done.sent += 1;
            }
            Err(SendError::Refused(e)) if e.is_permanent() => {
                finish_failed(app, row, node, &e.to_string(), true).await?;
                done.failed += 1;
            }
            Err(SendError::Refused(e)) => {
                if conn.as_ref().is_some_and(|c| c.has_broken()) {
                    conn = None;
                }
                retry_or_fail(app, row, node, &e.to_string()).await?;
                done.retried += 1;
            }
            Err(e) => {
                // Unreachable or silent: the rest of the batch waits too.
                tracing::warn!(error = %e, "the SMTP server could not be reached; the messages wait in the outbox");
                for r in &rows[i..] {
                    retry_or_fail(app, r, node, &e.to_string()).await?;
                }
                done.retried += rows.len() - i;
                break;
            }
        }
    }
    if let Some(mut c) = conn
        && !c.has_broken()
    {
        let _ = c.quit().await;
    }
    tracing::debug!(sent = done.sent, retried = done.retried, failed = done.failed, "outbox batch delivered");
    Ok(claimed)
}

async fn finish_failed(app: &App, row: &mail_outbox::Model, node: &str, error: &str, bounce: bool) -> Result<()> {
    tracing::warn!(outbox = row.id, error, "a message failed for good");
    let txn = app.db.write().await?;
    q::fail(&txn, row, node, error, bounce, Utc::now()).await?;
    txn.commit().await?;
    Ok(())
}

async fn retry_or_fail(app: &App, row: &mail_outbox::Model, node: &str, error: &str) -> Result<()> {
    if row.attempts >= app.config.mail.max_attempts {
        return finish_failed(app, row, node, error, false).await;
    }
    let next = Utc::now() + backoff(&app.config.mail, row.attempts);
    let txn = app.db.write().await?;
    q::retry_later(&txn, row.id, node, next, error).await?;
    txn.commit().await?;
    Ok(())
}

/// This node's outbox worker (see [`spawn`]).
pub struct Worker {
    stop: Arc<AtomicBool>,
    handle: tokio::task::JoinHandle<()>,
}

impl Worker {
    /// Lets the message in hand finish (and be marked sent), then stops; waits at most
    /// `grace` before it abandons the worker.
    pub async fn stop(self, grace: Duration) {
        self.stop.store(true, Ordering::Relaxed);
        let abort = self.handle.abort_handle();
        if tokio::time::timeout(grace, self.handle).await.is_err() {
            abort.abort();
        }
    }
}

/// Delivers for as long as the process runs: batch after batch while messages are due, then
/// waits for the poll interval or a wake-up from a use case that queued mail on this node.
pub fn spawn(app: Arc<App>) -> Worker {
    let node = crate::jobs::node_id();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let handle = tokio::spawn(async move {
        while !flag.load(Ordering::Relaxed) {
            match deliver_due(&app, &node, &flag).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the outbox could not be read; trying again"),
            }
            tokio::select! {
                _ = tokio::time::sleep(app.config.mail.poll) => {}
                _ = app.outbox_wake.notified() => {}
            }
        }
    });
    Worker { stop, handle }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        let u = SmtpUrl::parse("smtps://me%40x.dk:p%2Fw@mail.example:2465").unwrap();
        assert_eq!((u.tls, u.host.as_str(), u.port), (true, "mail.example", 2465));
        assert_eq!((u.user.as_deref(), u.password.as_deref()), (Some("me@x.dk"), Some("p/w")));
        assert_eq!(format!("{u:?}"), "smtps://mail.example:2465");
        let u = SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((u.tls, u.port, u.user), (false, 2525, None));
        assert!(SmtpUrl::parse("http://x").is_err());
        assert!(SmtpUrl::parse("nonsense").is_err());
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let c = MailConfig { retry_base: Duration::from_secs(30), ..MailConfig::default() };
        assert_eq!(backoff(&c, 1).num_seconds(), 30);
        assert_eq!(backoff(&c, 2).num_seconds(), 60);
        assert_eq!(backoff(&c, 4).num_seconds(), 240);
        assert_eq!(backoff(&c, 30).num_seconds(), 3600);
    }
}
