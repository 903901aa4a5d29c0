//! Benchmarks of mailings, each against a baseline measured in the same run (docs/benchmarks.md):
//!
//! - a segment's preview (the use case behind the segment page and
//!   `GET /api/v1/segments/{id}/preview`) against the database counting the same contacts in
//!   one bare `count` statement, and against the bare statements the preview runs;
//! - sending a mailing through the outbox (the worker every node runs) to the loopback SMTP
//!   sink, against the sink's own rate from a trivial sender: lettre sending the same messages
//!   in a loop over one connection.
//!
//! CI runs them small, for their checks; the sizes come from the environment:
//! `ACCORD_BENCH_SEGMENT_DISTRICTS` (1) × `ACCORD_BENCH_SEGMENT_ORGS` organisations a district
//! (2,000; the national data set has 50 × 8,000, two contacts each), `ACCORD_BENCH_ITERATIONS`
//! (5) and `ACCORD_BENCH_MAIL_MESSAGES` (300; the figure is 10,000).

use crate::mail_crash::{FROM, queue_mailing};
use crate::smtp_sink::Sink;
use crate::support::{empty_database, scalar};
use accord_app::mailings::SegmentFilter;
use accord_app::{Actor, App, AppConfig};
use accord_db::entities::mail_outbox;
use accord_db::sea_orm::{ConnectionTrait, EntityTrait};
use accord_db::{Db, DbOptions};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The median and the 95th percentile of the timings, in milliseconds.
fn p50_p95(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    (at(0.5), at(0.95))
}

async fn time<T, F: AsyncFnMut() -> T>(iterations: usize, mut f: F) -> (f64, f64, T) {
    let mut out = f().await; // warm-up
    let mut ms = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        out = f().await;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (p50, p95) = p50_p95(ms);
    (p50, p95, out)
}

async fn segment_preview(postgres: bool) {
    let (districts, orgs, iterations) = (
        env("ACCORD_BENCH_SEGMENT_DISTRICTS", 1),
        env("ACCORD_BENCH_SEGMENT_ORGS", 2000),
        env("ACCORD_BENCH_ITERATIONS", 5),
    );
    let (url, backend) = empty_database(postgres).await;
    let db = Db::connect(&url, &DbOptions { max_connections: 4 }).await.unwrap();
    db.migrate().await.unwrap();
    let app = App::new(db.clone(), AppConfig::default());
    let system = Actor::system();
    let generated = Instant::now();
    for d in 1..=districts {
        let code = format!("d{d:02}");
        accord_app::districts::create(&app, &system, &code, &format!("District {d}")).await.unwrap();
        if d == 1 {
            crate::mail_crash::add_sender(&app, &code).await;
        }
        let spec = accord_app::scale::Spec {
            district: code,
            organisations: orgs,
            contacts_per_org: 2,
            interactions_per_org: 0,
            activities: 0,
            requests: 0,
            agreement_every: 9,
            seed: d as u64,
        };
        accord_app::scale::generate(&app, &spec, |_| {}).await.unwrap();
    }
    let generated = generated.elapsed().as_secs_f64();
    let actor = crate::mail_crash::sender(&app).await;
    let district_id = accord_app::districts::by_code(&app, &system, "d01").await.unwrap().id;
    let backend_name = if postgres { "postgres" } else { "sqlite" };
    eprintln!(
        "{backend_name}: generated {districts} districts × {orgs} organisations, 2 contacts each, in {generated:.1} s"
    );
    for (what, sector) in [("the whole district", None), ("retail (sector 47)", Some("47"))] {
        let filter = SegmentFilter { sector: sector.map(str::to_owned), ..SegmentFilter::default() };
        let seg = accord_app::mailings::create_segment(&app, &actor, what, None, &filter).await.unwrap();
        let (p50, p95, preview) =
            time(iterations, async || accord_app::mailings::preview_segment(&app, &actor, seg.id).await.unwrap()).await;
        // The same selection in the db layer's terms, as the use case builds it.
        let query = accord_db::mailings::SegmentQuery {
            orgs: accord_domain::OrgFilter {
                sector: sector.map(str::to_owned),
                district_id: Some(district_id),
                ..Default::default()
            },
            ..Default::default()
        };
        let scope = actor.scope();
        let c = &db.conn;
        let count = accord_db::mailings::segment_count_statement(c.get_database_backend(), &scope, &query);
        let (c50, c95, counted) = time(iterations, async || {
            let row = c.query_one_raw(count.clone()).await.unwrap().unwrap();
            (row.try_get_by_index::<i64>(0).unwrap(), row.try_get_by_index::<i64>(1).unwrap())
        })
        .await;
        let (rows, orgs_of) = accord_db::mailings::segment_statements(c.get_database_backend(), &scope, &query);
        let (s50, s95, _) = time(iterations, async || {
            c.query_all_raw(rows.clone()).await.unwrap().len() + c.query_all_raw(orgs_of.clone()).await.unwrap().len()
        })
        .await;
        // Every generated contact has an address and consent: the preview and the count agree.
        assert_eq!((preview.contacts as i64, preview.organisations as i64), counted, "{what}");
        assert!(counted.0 > 0, "{what}: the segment reaches no one");
        eprintln!(
            "| {backend_name} | preview of {what}: {} contacts at {} organisations | {p50:.1} | {p95:.1} | {c95:.1} | {:.1} | {s95:.1} | {:.1} |",
            counted.0,
            counted.1,
            p95 / c95,
            p95 / s95
        );
        let _ = (c50, s50);
    }
    db.conn.close_by_ref().await.ok();
    backend.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segment_preview_against_its_bare_sql_on_sqlite() {
    segment_preview(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segment_preview_against_its_bare_sql_on_postgres() {
    segment_preview(true).await;
}

/// A queued row as a message, as the outbox builds it.
fn message(row: &mail_outbox::Model) -> lettre::Message {
    let mut b = lettre::Message::builder()
        .from(FROM.parse::<Mailbox>().unwrap())
        .to(row.email.parse::<Mailbox>().unwrap())
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .date_now();
    if let Some(u) = &row.unsubscribe_url {
        b = b.raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{u}>")));
    }
    b.multipart(MultiPart::alternative_plain_html(row.text_body.clone(), row.html_body.clone())).unwrap()
}

async fn sending(postgres: bool) {
    let n = env("ACCORD_BENCH_MAIL_MESSAGES", 300);
    let (url, backend) = empty_database(postgres).await;
    let sink = Sink::start().await;
    queue_mailing(&url, &sink, n).await;
    let db = Db::connect(&url, &DbOptions { max_connections: 4 }).await.unwrap();
    let rows = mail_outbox::Entity::find().all(&db.conn).await.unwrap();

    // The trivial sender: the same messages, built beforehand, in a loop over one connection.
    let messages: Vec<lettre::Message> = rows.iter().map(message).collect();
    let t = Instant::now();
    let hello = ClientId::Domain("bench".into());
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", sink.port)).await.unwrap();
    tcp.set_nodelay(true).unwrap();
    let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &hello).await.unwrap();
    for m in &messages {
        conn.send(m.envelope(), &m.formatted()).await.unwrap();
    }
    conn.quit().await.unwrap();
    let trivial = t.elapsed().as_secs_f64();
    assert_eq!(sink.received().len(), n);

    // The outbox: the worker every node runs, until nothing is queued.
    let config = AppConfig {
        mail: accord_app::outbox::MailConfig {
            smtp: Some(accord_app::outbox::SmtpUrl::parse(&sink.url()).unwrap()),
            from: FROM.into(),
            poll: Duration::from_millis(20),
            ..Default::default()
        },
        ..AppConfig::default()
    };
    let app = Arc::new(App::new(db.clone(), config));
    let t = Instant::now();
    let worker = accord_app::outbox::spawn(Arc::clone(&app));
    loop {
        let queued = scalar(&db.conn, "SELECT count(*) FROM mail_outbox WHERE status = 'queued'").await.unwrap();
        if queued == 0 {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(600), "{queued} messages still queued");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let outbox = t.elapsed().as_secs_f64();
    worker.stop(Duration::from_secs(5)).await;
    let sent = scalar(&db.conn, "SELECT count(*) FROM mail_outbox WHERE status = 'sent'").await.unwrap();
    assert_eq!((sent as usize, sink.received().len()), (n, 2 * n), "every message sent once by each");
    let backend_name = if postgres { "postgres" } else { "sqlite" };
    eprintln!(
        "| {backend_name} | {n} messages | {:.0} msg/s ({outbox:.2} s) | {:.0} msg/s ({trivial:.2} s) | {:.2} |",
        n as f64 / outbox,
        n as f64 / trivial,
        outbox / trivial
    );
    db.conn.close_by_ref().await.ok();
    backend.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_through_the_outbox_against_a_trivial_sender_on_sqlite() {
    sending(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_through_the_outbox_against_a_trivial_sender_on_postgres() {
    sending(true).await;
}
