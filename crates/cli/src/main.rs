//! `accord`: the one binary — web server, migrations, administration, backup.

use accord_app::{Actor, App, AppConfig, AppError};
use accord_db::{Db, DbOptions};
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use std::io::Read;

mod bench_sql;
mod config;
mod outcomes;
mod progress;

/// The kinds of record `import` and `export` take.
const KINDS: &str = "organisations, contacts, agreements, activities or recruitment-requests";

#[derive(Parser)]
#[command(name = "accord", version, about = "Partnerships between a public employment service and employers")]
struct Cli {
    /// Database: sqlite://PATH?mode=rwc (embedded) or postgres://USER@HOST/DB.
    #[arg(long, env = "ACCORD_DATABASE_URL", default_value = "sqlite://data/accord.db?mode=rwc", global = true)]
    database_url: String,
    /// Most database connections this process opens [default: 16 for PostgreSQL; for SQLite
    /// twice the cores, at least 4].
    #[arg(long, env = "ACCORD_DB_MAX_CONNECTIONS", global = true)]
    db_max_connections: Option<u32>,
    /// Log format: text or json.
    #[arg(long, env = "ACCORD_LOG_FORMAT", default_value = "text", global = true)]
    log_format: String,
    /// Seals the personal data of worker cases: 64 hexadecimal digits (make one with
    /// `accord data-key generate`). Without a key, no worker case can be registered or opened.
    #[arg(long, env = "ACCORD_DATA_KEY", hide_env_values = true, global = true)]
    data_key: Option<String>,
    /// A file holding the data key (64 hexadecimal digits), instead of ACCORD_DATA_KEY.
    #[arg(long, env = "ACCORD_DATA_KEY_FILE", global = true)]
    data_key_file: Option<std::path::PathBuf>,
    /// Months after a worker case closes until its personal data is erased.
    #[arg(long, env = "ACCORD_RETENTION_MONTHS", default_value_t = 24, global = true,
        value_parser = clap::value_parser!(u32).range(1..=1200))]
    retention_months: u32,
    /// Seconds between each node's looks at the schedule of background jobs (housekeeping,
    /// erasure of expired personal data); the database gives each due run to one node.
    #[arg(long, env = "ACCORD_JOB_POLL_SECONDS", default_value_t = 30, global = true,
        value_parser = clap::value_parser!(u64).range(1..=3600))]
    job_poll_seconds: u64,
    /// The address the service is reached at from outside (scheme, host, port, path if any),
    /// the base of links sent to people who do not sign in: invitation links to events.
    #[arg(long, env = "ACCORD_PUBLIC_URL", default_value = "http://localhost:8080", global = true,
        value_parser = public_url)]
    public_url: String,
    /// The time zone the service works in (an IANA name such as Europe/Copenhagen or
    /// Europe/London): event times on the pages and in forms are in it.
    #[arg(long, env = "ACCORD_TIME_ZONE", default_value = "Europe/Copenhagen", global = true,
        value_parser = time_zone)]
    time_zone: chrono_tz::Tz,
    /// The SMTP server mail leaves through: smtp://host:port, or smtps://user:pass@host:port
    /// (TLS). Without it no mail is sent; mailings wait in the outbox.
    #[arg(long, env = "ACCORD_SMTP_URL", hide_env_values = true, global = true)]
    smtp_url: Option<String>,
    /// The sender of mail, e.g. "Jobcentre <partners@jobcentre.example>".
    #[arg(long, env = "ACCORD_MAIL_FROM", default_value = "accord@localhost", global = true)]
    mail_from: String,
    /// Seconds a node's claim on outbox messages holds before another node may take them over
    /// (after the node died mid-send).
    #[arg(long, env = "ACCORD_MAIL_LEASE_SECONDS", default_value_t = 60, global = true,
        value_parser = clap::value_parser!(u64).range(10..=3600))]
    mail_lease_seconds: u64,
    #[command(subcommand)]
    command: Command,
}

/// `ACCORD_PUBLIC_URL`: an http or https address with a host.
fn public_url(s: &str) -> Result<String, String> {
    let s = s.trim();
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !s.contains(char::is_whitespace) => Ok(s.to_owned()),
        _ => Err(format!(
            "ACCORD_PUBLIC_URL (--public-url) must be an http:// or https:// address with a host, not {s:?}"
        )),
    }
}

/// `ACCORD_TIME_ZONE`: a name from the IANA time zone database.
fn time_zone(s: &str) -> Result<chrono_tz::Tz, String> {
    s.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        format!("ACCORD_TIME_ZONE (--time-zone) must name a time zone such as Europe/Copenhagen, not {s:?}")
    })
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the API.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage districts.
    #[command(subcommand)]
    District(DistrictCmd),
    /// Manage staff users.
    #[command(subcommand)]
    User(UserCmd),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCmd),
    /// Import a CSV or XLSX file: organisations, contacts, agreements, activities or recruitment-requests. All or nothing.
    Import {
        /// organisations, contacts, agreements, activities or recruitment-requests
        kind: String,
        /// The file (CSV with , or ; — UTF-8, BOM allowed — or XLSX, first sheet).
        file: String,
        /// District code; may be left out when exactly one district exists.
        #[arg(long)]
        district: Option<String>,
        /// Check the file and report, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// For `spend`: the budget line's id (as in /budget-lines/ID).
        #[arg(long)]
        line: Option<i64>,
    },
    /// Export organisations, contacts, agreements, activities or recruitment-requests in the import's own columns,
    /// or a satisfaction survey's results (survey-results, with --survey).
    Export {
        /// organisations, contacts, agreements, activities, recruitment-requests or survey-results
        kind: String,
        /// The survey whose results survey-results exports.
        #[arg(long)]
        survey: Option<i64>,
        /// csv, json or xlsx
        #[arg(long, default_value = "csv")]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<String>,
        /// Only this district (default: every district).
        #[arg(long)]
        district: Option<String>,
    },
    /// Reports: the partner activity report (Table 1 of the committee report) and the committee report.
    #[command(subcommand)]
    Report(ReportCmd),
    /// Write a large generated data set into a district (benchmarks, trials at scale).
    Generate {
        #[arg(long)]
        district: String,
        #[arg(long, default_value_t = 200_000)]
        organisations: usize,
        #[arg(long, default_value_t = 2)]
        contacts_per_organisation: usize,
        #[arg(long, default_value_t = 5)]
        interactions_per_organisation: usize,
        /// Activities in all, spread over the organisations and the last five years.
        #[arg(long, default_value_t = 0)]
        activities: usize,
        /// Recruitment requests in all, spread the same way.
        #[arg(long, default_value_t = 0)]
        requests: usize,
        /// One company in this many holds an agreement (0: four in five).
        #[arg(long, default_value_t = 0)]
        agreement_every: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Time the bare SQL behind a page, straight on the database (the baseline of the
    /// benchmarks): prints `p50_ms p95_ms` over the iterations.
    #[command(hide = true)]
    BenchSql {
        /// list, search, page, agreements, agreements-search, plan, event or case
        query: String,
        #[arg(long, default_value_t = 200)]
        iterations: usize,
        /// The name fragment for `search`, the organisation id for `page`, the plan id for `plan`.
        #[arg(long, default_value = "")]
        arg: String,
        /// The district whose records the query reads, as a user of it would.
        #[arg(long)]
        district: String,
    },
    /// Time the partner activity report for a year over every district against the
    /// hand-written SQL for the same figures (checked equal first): prints
    /// `report_p50 report_p95 sql_p50 sql_p95` in milliseconds.
    #[command(hide = true)]
    BenchReport {
        #[arg(long)]
        year: i32,
        #[arg(long, default_value_t = 10)]
        iterations: usize,
    },
    /// Write a consistent copy of the database (SQLite) to FILE, also while Accord runs.
    Backup {
        /// Where to write the copy; must not exist yet.
        file: String,
    },
    /// Erase the personal data of every worker case closed longer ago than the retention
    /// period (`accord serve` also does this at start-up and every six hours).
    EraseExpired,
    /// The data key that seals workers' personal data.
    #[command(subcommand)]
    DataKey(DataKeyCmd),
}

#[derive(Subcommand)]
enum DataKeyCmd {
    /// Print a fresh random data key (64 hexadecimal digits) for ACCORD_DATA_KEY or a key file.
    Generate,
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "ACCORD_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Load the demo data set into an empty database first, and print the demo logins.
    #[arg(long)]
    demo: bool,
    /// Served over HTTPS by a TLS-terminating proxy: secure cookies, HSTS, and the proxy's
    /// X-Forwarded-For is trusted for the client address.
    #[arg(long, env = "ACCORD_TLS_PROXY")]
    tls_proxy: bool,
}

/// What every report takes.
#[derive(Args)]
struct ReportArgs {
    /// The calendar year.
    #[arg(long)]
    year: String,
    /// Count only what started up to and including this day (YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY).
    #[arg(long)]
    as_of: Option<String>,
    /// One district's code (default: every district).
    #[arg(long)]
    district: Option<String>,
    /// How organisations are counted: holder (the agreement's holder), company (rolled up to
    /// the company) or site (where the activity took place).
    #[arg(long, default_value = "holder")]
    unit: String,
    /// The language of the labels: en or da.
    #[arg(long, default_value = "en")]
    lang: String,
    /// Write to this file instead of standard output.
    #[arg(long)]
    output: Option<String>,
}

#[derive(Subcommand)]
enum ReportCmd {
    /// New activities and recruitment requests at partner companies in a year, per type, with
    /// the distinct organisations they are spread over.
    Activities {
        #[command(flatten)]
        args: ReportArgs,
        /// table, csv, json or xlsx
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// The committee report: status, Table 1, the year before, the targets.
    Committee {
        #[command(flatten)]
        args: ReportArgs,
        /// json or xlsx
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// An action plan's progress report for a quarter: every milestone as it stood on the
    /// quarter's last day, with its progress comments and resource implications.
    Progress {
        /// The plan's id (as in /plans/ID).
        #[arg(long)]
        plan: i64,
        /// The quarter, as 2004-Q3.
        #[arg(long)]
        quarter: String,
        /// The language of the labels: en or da.
        #[arg(long, default_value = "en")]
        lang: String,
        /// table, json or xlsx
        #[arg(long, default_value = "table")]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<String>,
    },
    /// A programme's outputs against targets (counted from its participation records), its
    /// outcomes per target group (figures behind 1 to 4 people show as <5) and its budget
    /// against spend.
    Programme {
        /// The programme's id (as in /programmes/ID).
        #[arg(long)]
        programme: i64,
        /// json or csv
        #[arg(long, default_value = "json")]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<String>,
    },
    /// A national account's roll-up: activities, placings, vacancies and vacancies filled at
    /// the employer's companies and sites in every district, per region, district and month.
    NationalAccount {
        /// The account's id (as in /national-accounts/ID).
        #[arg(long)]
        account: i64,
        /// The first day (default: the agreement's start, else the first of this year).
        #[arg(long)]
        from: Option<String>,
        /// The last day (default: the agreement's end or today, whichever is first).
        #[arg(long)]
        to: Option<String>,
        /// json or csv
        #[arg(long, default_value = "json")]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<String>,
    },
    /// The outcomes of redundancy support: how many workers reached each stage, per event, per
    /// sector and per funding source, with the total. Figures behind 1 to 4 people show as <5.
    Redundancy {
        /// One district's code (default: every district).
        #[arg(long)]
        district: Option<String>,
        /// One event's id (as in /redundancy/ID).
        #[arg(long)]
        event: Option<i64>,
        /// The language of the labels: en or da.
        #[arg(long, default_value = "en")]
        lang: String,
        /// table, csv, json or xlsx
        #[arg(long, default_value = "table")]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<String>,
    },
}

#[derive(Subcommand)]
enum DistrictCmd {
    /// Create a district (a jobcentre district, municipality or national unit).
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
    /// List the districts.
    List,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create a staff user; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, manager, secretariat, account_manager, adviser, partner or committee; repeat for several.
        #[arg(long, required = true)]
        role: Vec<String>,
        /// A district code; repeat for several. Only administrators may have none.
        #[arg(long)]
        district: Vec<String>,
        /// For a partner user: the reference of the organisation they speak for.
        #[arg(long)]
        organisation: Option<String>,
        /// Read the password from standard input (its first line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum TokenCmd {
    /// Create an API token for a user; prints only the token.
    Add {
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "Command line")]
        name: String,
    },
}

fn init_tracing(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    // Colours only for a person at a terminal, never into a file or the journal.
    use std::io::IsTerminal;
    let ansi = std::io::stderr().is_terminal();
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Explains an application error to a person at a terminal.
fn explain(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(errors) => {
            let lines: Vec<String> = errors
                .0
                .iter()
                .map(|f| format!("{}: {}", f.field, accord_web::i18n::field_error(accord_domain::Lang::En, f)))
                .collect();
            anyhow!(lines.join("\n"))
        }
        other => anyhow!(other),
    }
}

/// The partner activity report for a terminal: Table 1, the status, what lay outside.
fn report_table(r: &accord_app::reports::ActivityReport, lang: accord_domain::Lang) -> String {
    use accord_domain::format::number;
    use std::fmt::Write;
    let t = |k: &str| accord_web::i18n::t(lang, k);
    let n = |v: u64| number(lang, v as i64);
    let mut out = String::new();
    let scope = r.district.clone().unwrap_or_else(|| t("header.all_districts"));
    let _ = writeln!(out, "{} ({scope})", accord_web::i18n::t_value(lang, "rep.heading", &r.year.to_string()));
    let width = r.rows.iter().chain(&r.outside.rows).map(|x| x.label.chars().count()).max().unwrap_or(10).max(12);
    let line = |out: &mut String, label: &str, a: String, o: String, h: String| {
        let _ = writeln!(out, "{label:<width$}  {a:>11}  {o:>13}  {h:>6}");
    };
    let table = |out: &mut String, rows: &[accord_app::reports::ReportRow], total: &accord_app::reports::Totals| {
        line(
            out,
            &t("rep.col.type"),
            t("rep.col.activities_short"),
            t("rep.col.organisations_short"),
            t("rep.col.hires"),
        );
        for row in rows {
            line(out, &row.label, n(row.activities), n(row.organisations), row.hires.map(n).unwrap_or_default());
        }
        line(out, &t("rep.total"), n(total.activities), n(total.organisations), String::new());
    };
    table(&mut out, &r.rows, &r.total);
    let status = accord_web::i18n::t_args(
        lang,
        "rep.status_text",
        &[("date", &accord_domain::format::date(lang, r.status.date))],
    )
    .replace("{orgs}", &n(r.status.organisations))
    .replace("{planned}", &n(r.status.planned));
    let _ = writeln!(out, "\n{status}\n");
    let _ = writeln!(out, "{}", accord_web::i18n::t_value(lang, "rep.outside_caption", &r.year.to_string()));
    table(&mut out, &r.outside.rows, &r.outside.total);
    out
}

/// The settings from the command line and the environment. `demo`: `accord serve --demo`, which
/// without a configured key uses the demo's own key file beside the SQLite database.
fn app_config(cli: &Cli, demo: bool) -> Result<(AppConfig, Option<config::KeySource>)> {
    let mut key = config::configured_key(cli.data_key.as_deref(), cli.data_key_file.as_deref())?;
    if key.is_none() && demo {
        key = Some(config::demo_key(&cli.database_url)?);
    }
    let (data_key, source) = key.map(|(k, s)| (Some(k), Some(s))).unwrap_or((None, None));
    let job_poll = std::time::Duration::from_secs(cli.job_poll_seconds);
    let smtp = match cli.smtp_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => {
            Some(accord_app::outbox::SmtpUrl::parse(u).map_err(|e| anyhow!("ACCORD_SMTP_URL (--smtp-url): {e}"))?)
        }
        None => None,
    };
    accord_app::outbox::check_from(&cli.mail_from).map_err(|e| anyhow!("ACCORD_MAIL_FROM (--mail-from): {e}"))?;
    let mail = accord_app::outbox::MailConfig {
        smtp,
        from: cli.mail_from.clone(),
        lease: std::time::Duration::from_secs(cli.mail_lease_seconds),
        ..Default::default()
    };
    Ok((
        AppConfig {
            data_key,
            retention_months: cli.retention_months,
            job_poll,
            public_url: cli.public_url.trim_end_matches('/').to_owned(),
            time_zone: cli.time_zone,
            mail,
            ..AppConfig::default()
        },
        source,
    ))
}

/// The database (for the commands that work on it as a whole: backup, the SQL benchmarks) and
/// the application over it.
async fn open(cli: &Cli, config: AppConfig) -> Result<(Db, App)> {
    let db = Db::connect(&cli.database_url, &DbOptions::for_url(&cli.database_url, cli.db_max_connections))
        .await
        .with_context(|| format!("cannot open the database {}", accord_db::redact_url(&cli.database_url)))?;
    db.migrate().await.context("cannot apply the database migrations")?;
    Ok((db.clone(), App::new(db, config)))
}

/// Logs where the data key came from, or that there is none; and checks the key opens the
/// personal data already stored.
async fn check_data_key(app: &App, database_url: &str, source: Option<&config::KeySource>) {
    match source {
        Some(config::KeySource::Demo(path)) => tracing::warn!(
            file = %path.display(),
            "no data key configured: using the demo's own key file. It is for demo data only; set ACCORD_DATA_KEY or ACCORD_DATA_KEY_FILE for real workers' data"
        ),
        Some(config::KeySource::Ephemeral) => tracing::warn!(
            "no data key configured: using a throw-away key for the in-memory demo database, for demo data only"
        ),
        Some(config::KeySource::File(path)) => tracing::info!(file = %path.display(), "data key read from file"),
        Some(config::KeySource::Variable) => tracing::info!("data key read from ACCORD_DATA_KEY"),
        None => {
            let demo = config::demo_key_path(database_url).filter(|p| p.exists());
            match demo {
                Some(p) => tracing::warn!(
                    "no data key configured: worker cases cannot be registered or opened until ACCORD_DATA_KEY (or ACCORD_DATA_KEY_FILE) is set; this database has a demo key at {} (used by `accord serve --demo`)",
                    p.display()
                ),
                None => tracing::warn!(
                    "no data key configured: worker cases cannot be registered or opened until ACCORD_DATA_KEY (or ACCORD_DATA_KEY_FILE) is set"
                ),
            }
            return;
        }
    }
    match accord_app::cases::data_key_opens_stored(app).await {
        Ok(false) => tracing::error!(
            "the data key does not open the personal data stored in this database: worker cases will not open. Is it the key they were sealed with?"
        ),
        Ok(true) => {}
        Err(e) => tracing::warn!(error = %e, "cannot check the data key against the stored personal data"),
    }
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    init_tracing(&cli.log_format);
    if let Err(e) = run(cli).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<()> {
    if let Command::DataKey(DataKeyCmd::Generate) = cli.command {
        println!("{}", accord_app::sealed::DataKey::generate_hex());
        return Ok(());
    }
    let demo = matches!(&cli.command, Command::Serve(a) if a.demo);
    let (config, key_source) = app_config(&cli, demo)?;
    let (db, app) = open(&cli, config).await?;
    let system = Actor::system();
    match cli.command {
        Command::Migrate => {
            println!("migrations applied");
        }
        Command::Serve(args) => {
            let listener = tokio::net::TcpListener::bind(&args.bind)
                .await
                .with_context(|| format!("cannot listen on {}", args.bind))?;
            let addr = listener.local_addr()?;
            check_data_key(&app, &cli.database_url, key_source.as_ref()).await;
            if args.demo {
                let started = std::time::Instant::now();
                match accord_app::demo::load(&app).await.map_err(explain)? {
                    Some(logins) => {
                        tracing::info!(seconds = started.elapsed().as_secs_f64(), "demo data loaded");
                        println!(
                            "Demo data loaded. Sign in with any of these (password: {}):",
                            accord_app::demo::DEMO_PASSWORD
                        );
                        for l in logins {
                            println!("  {:<34} {}", l.email, l.role);
                        }
                    }
                    None => println!(
                        "The database already has users; demo data not loaded. Demo logins, if it was made with --demo, use the password {}.",
                        accord_app::demo::DEMO_PASSWORD
                    ),
                }
            } else if accord_app::users::count(&app).await.map_err(explain)? == 0 {
                println!(
                    "The database has no users yet: create one with `accord user add --email … --name … --role admin --password-stdin`."
                );
            }
            println!("Accord is listening on http://{addr}/");
            let state = accord_web::AppState::new(app, accord_web::WebConfig { tls_proxy: args.tls_proxy });
            accord_web::serve(state, listener).await?;
        }
        Command::District(DistrictCmd::Add { code, name }) => {
            let d = accord_app::districts::create(&app, &system, &code, &name).await.map_err(explain)?;
            println!("district {} created ({})", d.code, d.name);
        }
        Command::District(DistrictCmd::List) => {
            for d in accord_app::districts::list(&app, &system).await.map_err(explain)? {
                println!("{}\t{}", d.code, d.name);
            }
        }
        Command::User(UserCmd::Add { email, name, role, district, organisation, password_stdin }) => {
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input).context("cannot read the password from standard input")?;
            let password = input.lines().next().unwrap_or("").to_owned();
            let u = accord_app::users::create(
                &app,
                &system,
                &accord_app::users::UserInput {
                    email,
                    name,
                    roles: role,
                    districts: district,
                    password: Some(password),
                    organisation,
                    ..Default::default()
                },
            )
            .await
            .map_err(explain)?;
            eprintln!("user {} created", u.email);
        }
        Command::Token(TokenCmd::Add { email, name }) => {
            let user = accord_app::users::find_by_email(&app, &email)
                .await
                .map_err(explain)?
                .ok_or_else(|| anyhow!("there is no user with the e-mail address {email}"))?;
            let (token, _) = accord_app::auth::create_token(&app, &system, user.id, &name).await.map_err(explain)?;
            println!("{token}");
        }
        Command::Import { kind, file, line: Some(line), dry_run, .. } if kind == "spend" => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {file}"))?;
            match accord_app::programmes::import_spend(&app, &system, line, &bytes, dry_run).await {
                Ok((rows, total)) => println!(
                    "{}{rows} rows of spend, {} in all",
                    if dry_run { "dry run, nothing written: " } else { "" },
                    accord_domain::programme::plain(total)
                ),
                Err(AppError::Invalid(errors)) => {
                    for e in &errors.0 {
                        eprintln!("{}: {}", e.field, accord_web::i18n::field_error(accord_domain::Lang::En, e));
                    }
                    bail!("{file}: {} problems; nothing was written", errors.0.len());
                }
                Err(AppError::NotFound) => bail!("there is no budget line {line}"),
                Err(e) => return Err(explain(e)),
            }
        }
        Command::Import { kind, .. } if kind == "spend" => bail!("importing spend needs --line ID"),
        Command::Import { kind, file, district, dry_run, .. } => {
            let k =
                accord_app::import::Kind::parse(&kind).map_err(|_| anyhow!("cannot import \"{kind}\": use {KINDS}"))?;
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {file}"))?;
            let name = std::path::Path::new(&file).file_name().map(|n| n.to_string_lossy().into_owned());
            let mut bar = progress::Bar::new(&bytes);
            let report = accord_app::import::import_file(
                &app,
                &system,
                k,
                district.as_deref(),
                &bytes,
                name.as_deref().unwrap_or("file"),
                dry_run,
                |rows| bar.show(rows),
            )
            .await
            .map_err(explain)?;
            bar.done();
            if !report.errors.is_empty() {
                for e in &report.errors {
                    eprintln!(
                        "line {}, column {}: {}",
                        e.line,
                        e.error.field,
                        accord_web::i18n::import_problem(accord_domain::Lang::En, k, &e.error)
                    );
                }
                if report.more_errors > 0 {
                    eprintln!("… and {} more problems", report.more_errors);
                }
                bail!("{file}: {} problems; nothing was written", report.errors.len() + report.more_errors);
            }
            println!(
                "{}{} rows: {} added, {} updated, {} unchanged",
                if dry_run { "dry run, nothing written: " } else { "" },
                report.rows,
                report.added,
                report.updated,
                report.unchanged
            );
        }
        Command::Export { kind, survey, format, output, district } => {
            let f = accord_app::files::Format::parse(&format)
                .map_err(|_| anyhow!("unknown format \"{format}\": use csv, json or xlsx"))?;
            let bytes = if kind == "survey-results" {
                let id = survey.ok_or_else(|| anyhow!("survey-results needs --survey ID"))?;
                accord_app::surveys::export(&app, &system, id, f).await.map_err(explain)?
            } else {
                let k = accord_app::import::Kind::parse(&kind)
                    .map_err(|_| anyhow!("cannot export \"{kind}\": use {KINDS} or survey-results"))?;
                accord_app::import::export(&app, &system, k, f, district.as_deref()).await.map_err(explain)?
            };
            match output {
                Some(path) => std::fs::write(&path, bytes).with_context(|| format!("cannot write {path}"))?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
        }
        Command::Report(ReportCmd::Progress { plan, quarter, lang, format, output }) => {
            let lang = accord_domain::Lang::parse(&lang)
                .ok_or_else(|| anyhow!("unknown language \"{lang}\": use en or da"))?;
            let q = accord_domain::Quarter::parse(&quarter)
                .map_err(|_| anyhow!("quarter: \"{quarter}\" is not a quarter; write it as 2004-Q3"))?;
            let r = accord_app::plans::progress(&app, &system, plan, q).await.map_err(explain)?;
            let bytes = match format.as_str() {
                "table" => accord_web::views::plans::progress_text(lang, &r).into_bytes(),
                "json" => {
                    let mut v = serde_json::to_vec_pretty(&r)?;
                    v.push(b'\n');
                    v
                }
                "xlsx" => accord_web::views::plans::workbook(lang, &r).map_err(|e| anyhow!("{}", e.0))?,
                other => bail!("unknown format \"{other}\": use table, json or xlsx"),
            };
            match output {
                Some(path) => std::fs::write(&path, bytes).with_context(|| format!("cannot write {path}"))?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
        }
        Command::Report(ReportCmd::Programme { programme, format, output }) => {
            if !matches!(format.as_str(), "json" | "csv") {
                bail!("unknown format \"{format}\": use json or csv");
            }
            let r = accord_app::programmes::report(&app, &system, programme).await.map_err(|e| match e {
                AppError::NotFound => anyhow!("there is no programme {programme}"),
                e => explain(e),
            })?;
            let bytes = if format == "csv" {
                accord_app::programmes::report_csv(&r).into_bytes()
            } else {
                let mut v = serde_json::to_vec_pretty(&r)?;
                v.push(b'\n');
                v
            };
            match output {
                Some(path) => std::fs::write(&path, bytes).with_context(|| format!("cannot write {path}"))?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
        }
        Command::Report(ReportCmd::NationalAccount { account, from, to, format, output }) => {
            if !matches!(format.as_str(), "json" | "csv") {
                bail!("unknown format \"{format}\": use json or csv");
            }
            let day = |field: &str, v: Option<String>| -> anyhow::Result<Option<chrono::NaiveDate>> {
                v.map(|s| {
                    accord_domain::values::parse_date(&s)
                        .map_err(|_| anyhow!("{field}: \"{s}\" is not a date; write it as 2025-01-31"))
                })
                .transpose()
            };
            let (from, to) = (day("from", from)?, day("to", to)?);
            let r = accord_app::national::rollup(&app, &system, account, from, to).await.map_err(|e| match e {
                AppError::NotFound => anyhow!("there is no national account {account}"),
                e => explain(e),
            })?;
            let bytes = if format == "json" {
                let mut v = serde_json::to_vec_pretty(&r)?;
                v.push(b'\n');
                v
            } else {
                national_csv(&r)
            };
            match output {
                Some(path) => std::fs::write(&path, bytes).with_context(|| format!("cannot write {path}"))?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
        }
        Command::Report(ReportCmd::Redundancy { district, event, lang, format, output }) => {
            let lang = accord_domain::Lang::parse(&lang)
                .ok_or_else(|| anyhow!("unknown language \"{lang}\": use en or da"))?;
            if !matches!(format.as_str(), "table" | "csv" | "json" | "xlsx") {
                bail!("unknown format \"{format}\": use table, csv, json or xlsx");
            }
            let r =
                accord_app::redundancy::outcomes(&app, &system, district.as_deref(), event).await.map_err(
                    |e| match (e, event) {
                        (AppError::NotFound, Some(id)) => anyhow!("there is no redundancy event {id}"),
                        (e, _) => explain(e),
                    },
                )?;
            let bytes = outcomes::render(&r, lang, &format)?;
            match output {
                Some(path) => std::fs::write(&path, bytes).with_context(|| format!("cannot write {path}"))?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
        }
        Command::Report(cmd) => {
            let (args, format, committee) = match cmd {
                ReportCmd::Activities { args, format } => (args, format, false),
                ReportCmd::Committee { args, format } => (args, format, true),
                ReportCmd::Progress { .. }
                | ReportCmd::Redundancy { .. }
                | ReportCmd::Programme { .. }
                | ReportCmd::NationalAccount { .. } => {
                    unreachable!("handled above")
                }
            };
            let lang = accord_domain::Lang::parse(&args.lang)
                .ok_or_else(|| anyhow!("unknown language \"{}\": use en or da", args.lang))?;
            let q = accord_app::reports::ReportQuery::parse(
                &args.year,
                args.as_of.as_deref().unwrap_or(""),
                args.district.as_deref().unwrap_or(""),
                &args.unit,
            )
            .map_err(explain)?;
            let bytes = if committee {
                let today = chrono::Utc::now().date_naive();
                let r = accord_app::reports::committee(&app, &system, &q, today, lang).await.map_err(explain)?;
                match format.as_str() {
                    "json" => serde_json::to_vec_pretty(&r)?,
                    "xlsx" => {
                        accord_app::reports::committee_workbook(&r, &accord_web::views::reports::workbook_text(lang))
                            .map_err(explain)?
                    }
                    other => bail!("unknown format \"{other}\": use json or xlsx"),
                }
            } else {
                let r = accord_app::reports::activity_report(&app, &system, &q, lang).await.map_err(explain)?;
                match format.as_str() {
                    "table" => report_table(&r, lang).into_bytes(),
                    "json" => {
                        let mut v = serde_json::to_vec_pretty(&r)?;
                        v.push(b'\n');
                        v
                    }
                    "csv" => accord_app::reports::report_csv(&r).map_err(explain)?,
                    "xlsx" => {
                        accord_app::reports::report_workbook(&r, &accord_web::views::reports::workbook_text(lang))
                            .map_err(explain)?
                    }
                    other => bail!("unknown format \"{other}\": use table, csv, json or xlsx"),
                }
            };
            match args.output {
                Some(path) => std::fs::write(&path, bytes).with_context(|| format!("cannot write {path}"))?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
        }
        Command::Generate {
            district,
            organisations,
            contacts_per_organisation,
            interactions_per_organisation,
            activities,
            requests,
            agreement_every,
            seed,
        } => {
            let spec = accord_app::scale::Spec {
                district,
                organisations,
                contacts_per_org: contacts_per_organisation,
                interactions_per_org: interactions_per_organisation,
                activities,
                requests,
                agreement_every,
                seed,
            };
            let started = std::time::Instant::now();
            accord_app::scale::generate(&app, &spec, |done| {
                if done % 20_000 == 0 || done == organisations {
                    eprintln!("{done} organisations written ({:.0} s)", started.elapsed().as_secs_f64());
                }
            })
            .await
            .map_err(explain)?;
            println!("generated {organisations} organisations in {:.1} s", started.elapsed().as_secs_f64());
        }
        Command::BenchSql { query, iterations, arg, district } => {
            let (p50, p95) = bench_sql::run(&app, &db, &query, iterations, &arg, &district).await?;
            println!("{p50:.3} {p95:.3}");
        }
        Command::BenchReport { year, iterations } => {
            let (a50, a95, b50, b95) = bench_sql::report(&app, &db, year, iterations).await?;
            println!("{a50:.1} {a95:.1} {b50:.1} {b95:.1}");
        }
        Command::Backup { file } => {
            if std::path::Path::new(&file).exists() {
                bail!("{file} exists already; choose a new file name");
            }
            if db.is_sqlite() {
                db.backup_sqlite(&file).await.context("backup failed")?;
                eprintln!("backup written to {file}");
            } else {
                // The password goes to pg_dump in its environment, never on its command line,
                // where every user of the machine could read it.
                let mut target = url::Url::parse(&cli.database_url).context("the database URL is not a URL")?;
                let password = target.password().map(|p| {
                    url::form_urlencoded::parse(format!("p={}", p.replace('+', "%2B")).as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned())
                        .unwrap_or_default()
                });
                let _ = target.set_password(None);
                let mut cmd = tokio::process::Command::new("pg_dump");
                cmd.arg("--format=custom").arg("--file").arg(&file).arg(target.as_str());
                if let Some(p) = password {
                    cmd.env("PGPASSWORD", p);
                }
                let status = cmd.status().await.context("cannot run pg_dump (install the PostgreSQL client tools)")?;
                if !status.success() {
                    bail!("pg_dump failed ({status})");
                }
                eprintln!("backup written to {file} (pg_dump custom format; restore with pg_restore)");
            }
        }
        Command::EraseExpired => {
            let today = chrono::Utc::now().date_naive();
            let n = accord_app::cases::erase_expired(&app, today).await.map_err(explain)?;
            let months = app.config.retention_months;
            println!(
                "{n} {} erased (closed more than {months} {} ago)",
                if n == 1 { "case" } else { "cases" },
                if months == 1 { "month" } else { "months" }
            );
        }
        Command::DataKey(DataKeyCmd::Generate) => unreachable!("handled before the database is opened"),
    }
    Ok(())
}

/// A national account's roll-up as CSV: one line for the whole, then per region, district and
/// month, each with its four figures.
fn national_csv(r: &accord_app::national::Rollup) -> Vec<u8> {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
    };
    let mut out = String::from("level,name,region,activities,placings,vacancies,filled\n");
    let mut line = |level: &str, name: &str, region: &str, f: &accord_app::national::Figures| {
        out.push_str(&format!(
            "{level},{},{},{},{},{},{}\n",
            field(name),
            field(region),
            f.activities,
            f.placings,
            f.vacancies,
            f.filled
        ));
    };
    line("total", &r.account.organisation.name, "", &r.total);
    for g in &r.regions {
        line("region", g.region.as_deref().unwrap_or(""), g.region.as_deref().unwrap_or(""), &g.figures);
    }
    for d in &r.districts {
        line("district", &d.district, d.region.as_deref().unwrap_or(""), &d.figures);
    }
    for m in &r.months {
        line("month", &m.month, "", &m.figures);
    }
    out.into_bytes()
}
