//! Exactly once, as deployed: a 2,000-message mailing sent by `accord serve` processes to a real
//! SMTP server on loopback. The sending node is killed with SIGKILL mid-send and started again
//! (on SQLite and on PostgreSQL), and two nodes send from one PostgreSQL database. Every
//! recipient must receive exactly one message: one `Message-ID`, the one its outbox row was
//! given when it was queued.
//!
//! SMTP has a window no sender can close: the server has taken a message, and the node dies
//! before it has recorded that. The first kill is made to land in it (the sink takes the
//! message and holds its 250), so that message is delivered twice, with the same `Message-ID`;
//! a receiver that drops duplicates by `Message-ID` (as the counts here do) shows it once. The
//! raw deliveries are bounded too: at most one more than the recipients per kill, since a node
//! has one message in flight at a time.
//!
//! `ACCORD_MAIL_CRASH_MESSAGES` changes the size of the mailing (2,000 by default).

use crate::smtp_sink::{Received, Sink};
use crate::support::{Node, empty_database, scalar};
use accord_app::mailings::{MailingInput, SegmentFilter};
use accord_app::{Actor, App, AppConfig};
use accord_db::entities::mail_outbox;
use accord_db::sea_orm::EntityTrait;
use accord_db::{Db, DbOptions};
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

fn messages() -> usize {
    std::env::var("ACCORD_MAIL_CRASH_MESSAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000)
}

pub(crate) const FROM: &str = "Jobcentre <partners@jobcentre.test>";

/// A district with `n` employers, one consenting contact each, and a mailing to them all put
/// in the outbox by the use case behind the send button. Returns each recipient's address and
/// the `Message-ID` its row holds.
pub(crate) async fn queue_mailing(url: &str, sink: &Sink, n: usize) -> BTreeMap<String, String> {
    let db = Db::connect(url, &DbOptions { max_connections: 2 }).await.unwrap();
    db.migrate().await.unwrap();
    let config = AppConfig {
        data_key: Some(accord_app::sealed::DataKey::from_bytes([42; 32])),
        mail: accord_app::outbox::MailConfig {
            smtp: Some(accord_app::outbox::SmtpUrl::parse(&sink.url()).unwrap()),
            from: FROM.into(),
            ..Default::default()
        },
        ..AppConfig::default()
    };
    // No worker runs in this process: only the nodes send.
    let app = App::new(db.clone(), config);
    accord_app::districts::create(&app, &Actor::system(), "north", "North").await.unwrap();
    add_sender(&app, "north").await;
    let spec = accord_app::scale::Spec {
        district: "north".into(),
        organisations: n,
        contacts_per_org: 1,
        interactions_per_org: 0,
        activities: 0,
        requests: 0,
        agreement_every: 1_000_000_007,
        seed: 1,
    };
    accord_app::scale::generate(&app, &spec, |_| {}).await.unwrap();
    let actor = sender(&app).await;
    let seg =
        accord_app::mailings::create_segment(&app, &actor, "Everyone", None, &SegmentFilter::default()).await.unwrap();
    let input = MailingInput {
        segment_id: seg.id.to_string(),
        subject: "News for {{company_name}}".into(),
        body: "Dear {{contact_name}},\n\nThe job fair is on.".into(),
        lang: "en".into(),
        one_per_group: false,
        event_id: String::new(),
    };
    let m = accord_app::mailings::create_mailing(&app, &actor, &input).await.unwrap();
    let v = accord_app::mailings::send(&app, &actor, m.id, None).await.unwrap();
    assert_eq!((v.queued, v.skipped.len()), (n as u64, 0), "every contact is a recipient");
    let rows = outbox(&db).await;
    db.conn.close_by_ref().await.ok();
    let expected: BTreeMap<String, String> = rows.into_iter().map(|r| (r.email.to_lowercase(), r.message_id)).collect();
    assert_eq!(expected.len(), n, "one address per recipient");
    expected
}

/// The account manager who sends, in `district`.
pub(crate) async fn add_sender(app: &App, district: &str) {
    let input = accord_app::users::UserInput {
        email: "am@test.example".into(),
        name: "Sender".into(),
        roles: vec!["account_manager".into()],
        districts: vec![district.into()],
        password: Some(crate::support::PASSWORD.into()),
        ..Default::default()
    };
    accord_app::users::create(app, &Actor::system(), &input).await.unwrap();
}

pub(crate) async fn sender(app: &App) -> Actor {
    let user = accord_app::users::find_by_email(app, "am@test.example").await.unwrap().unwrap();
    accord_app::auth::actor_of_user(app, user.id, None).await.unwrap()
}

async fn outbox(db: &Db) -> Vec<mail_outbox::Model> {
    mail_outbox::Entity::find().all(&db.conn).await.unwrap()
}

/// Waits (at most `secs`) until nothing is left queued in the outbox; returns the rows.
async fn drained(url: &str, secs: u64) -> Vec<mail_outbox::Model> {
    let db = Db::connect(url, &DbOptions { max_connections: 1 }).await.unwrap();
    let until = Instant::now() + Duration::from_secs(secs);
    loop {
        let queued = scalar(&db.conn, "SELECT count(*) FROM mail_outbox WHERE status = 'queued'").await.unwrap();
        if queued == 0 {
            break;
        }
        assert!(Instant::now() < until, "{queued} messages are still queued after {secs} s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let rows = outbox(&db).await;
    db.conn.close_by_ref().await.ok();
    rows
}

/// Waits (at most 60 s) until the sink has `n` messages.
async fn arrived(sink: &Sink, n: usize) {
    let got = sink.wait_for(n, 60).await.len();
    assert!(got >= n, "only {got} of {n} messages arrived");
}

/// Every recipient received exactly one message — one `Message-ID`, the one its row holds — and
/// no one else received any; at most `extra` deliveries were repeats. Returns the deliveries
/// that repeated a message already received.
fn exactly_once(expected: &BTreeMap<String, String>, got: &[Received], extra: usize) -> usize {
    let mut by: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for m in got {
        assert_eq!(m.to.len(), 1, "one recipient a message: {:?}", m.to);
        by.entry(m.to[0].as_str()).or_default().push(m.header("Message-ID").expect("a Message-ID"));
    }
    let missing: Vec<&String> = expected.keys().filter(|a| !by.contains_key(a.as_str())).collect();
    assert!(missing.is_empty(), "{} recipients received nothing, e.g. {:?}", missing.len(), missing.first());
    let strangers: Vec<&&str> = by.keys().filter(|a| !expected.contains_key(**a)).collect();
    assert!(strangers.is_empty(), "mail went to addresses outside the mailing: {strangers:?}");
    for (address, ids) in &by {
        let distinct: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), 1, "{address} received {} different messages: {distinct:?}", distinct.len());
        assert_eq!(ids[0], expected[*address], "{address} received a Message-ID its row does not hold");
    }
    let repeats = got.len() - expected.len();
    assert!(repeats <= extra, "{repeats} repeated deliveries; at most {extra} (one a kill) may repeat");
    repeats
}

fn all_sent(rows: &[mail_outbox::Model], n: usize) {
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *by.entry(r.status.as_str()).or_default() += 1;
    }
    assert_eq!(by, BTreeMap::from([("sent", n)]), "every row is sent, none failed");
}

/// Kills the sending node twice — once in SMTP's window, once at a moment nobody chose — then
/// lets a third node finish.
async fn killed_mid_send(postgres: bool) {
    let n = messages();
    let (url, backend) = empty_database(postgres).await;
    let sink = Sink::start().await;
    let expected = queue_mailing(&url, &sink, n).await;
    let smtp = sink.url();
    // The shortest lease there is, so that the dead nodes' claims lapse quickly.
    let env = [("ACCORD_SMTP_URL", smtp.as_str()), ("ACCORD_MAIL_FROM", FROM), ("ACCORD_MAIL_LEASE_SECONDS", "10")];
    let started = Instant::now();

    // The first node dies holding a message the server has taken and not yet answered.
    let first = rand::rng().random_range(n / 10..n / 4).max(1);
    sink.close_at(first);
    let mut node = Node::start(&url, "warn", &env).await;
    arrived(&sink, first).await;
    node.kill();
    let in_flight = sink.received()[first - 1].header("Message-ID").unwrap();
    sink.open();

    // The second dies wherever it happens to be, further on.
    let second = rand::rng().random_range(first + n / 10..n * 3 / 4).min(n - 1);
    let mut node = Node::start(&url, "warn", &env).await;
    arrived(&sink, second).await;
    node.kill();
    let at_second = sink.received().len();
    assert!(at_second < n, "the second kill came after the last message ({at_second} of {n})");

    // The third sends the rest, and what the dead nodes held once their claims lapse.
    let node = Node::start(&url, "warn", &env).await;
    let rows = drained(&url, 90).await;
    let took = started.elapsed();
    all_sent(&rows, n);
    let got = sink.received();
    let repeats = exactly_once(&expected, &got, 2);
    let copies = got.iter().filter(|m| m.header("Message-ID").as_deref() == Some(in_flight.as_str())).count();
    assert!(copies >= 2, "the message in flight at the first kill was delivered {copies} time(s), not sent again");
    eprintln!(
        "2 kills at {first} and {at_second} of {n}: {} deliveries, {repeats} repeated with the same Message-ID, \
         {n} distinct, in {:.1} s",
        got.len(),
        took.as_secs_f64()
    );
    drop(node);
    backend.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailing_killed_mid_send_reaches_everyone_once_on_sqlite() {
    killed_mid_send(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailing_killed_mid_send_reaches_everyone_once_on_postgres() {
    killed_mid_send(true).await;
}

/// Two nodes on one PostgreSQL database take their messages from the same outbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_send_a_mailing_once_on_postgres() {
    let n = messages();
    let (url, backend) = empty_database(true).await;
    let sink = Sink::start().await;
    let expected = queue_mailing(&url, &sink, n).await;
    let smtp = sink.url();
    let env = [("ACCORD_SMTP_URL", smtp.as_str()), ("ACCORD_MAIL_FROM", FROM)];
    // The server answers neither until both are up and have claimed their first messages.
    sink.close();
    let a = Node::start(&url, "warn", &env).await;
    let b = Node::start(&url, "warn", &env).await;
    sink.open();
    let rows = drained(&url, 90).await;
    all_sent(&rows, n);
    let got = sink.received();
    // No node died: not one message was sent twice.
    assert_eq!(exactly_once(&expected, &got, 0), 0);
    let mut by_node: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        *by_node.entry(r.locked_by.clone().unwrap_or_default()).or_default() += 1;
    }
    assert_eq!(by_node.len(), 2, "both nodes sent: {by_node:?}");
    eprintln!("two nodes sent {n} messages once each: {:?}", by_node.values().collect::<Vec<_>>());
    drop((a, b));
    backend.remove().await;
}
