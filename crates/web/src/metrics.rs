//! `/metrics` in Prometheus' text format: requests by route and status, and their latency.

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Counters kept in memory per process; each node exposes its own.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Series>>,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, secs: f64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        }
        if let Ok(mut m) = self.latency.lock() {
            let s = m.entry(route.to_owned()).or_default();
            s.count += 1;
            s.sum += secs;
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    s.buckets[i] += 1;
                }
            }
        }
    }
}

pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned()).unwrap_or_else(|| "other".into());
    let res = next.run(req).await;
    metrics.record(&method, &route, res.status().as_u16(), start.elapsed().as_secs_f64());
    res
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

pub async fn render(State(metrics): State<Arc<Metrics>>) -> Response {
    let mut out = String::new();
    let _ = writeln!(out, "# HELP accord_build_info Build information.\n# TYPE accord_build_info gauge");
    let _ = writeln!(out, "accord_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(
        out,
        "# HELP accord_http_requests_total HTTP requests answered.\n# TYPE accord_http_requests_total counter"
    );
    if let Ok(m) = metrics.requests.lock() {
        for ((method, route, status), n) in m.iter() {
            let _ = writeln!(
                out,
                "accord_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(method),
                escape(route)
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP accord_http_request_duration_seconds Time to answer.\n# TYPE accord_http_request_duration_seconds histogram"
    );
    if let Ok(m) = metrics.latency.lock() {
        for (route, s) in m.iter() {
            let r = escape(route);
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "accord_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{b}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ =
                writeln!(out, "accord_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(out, "accord_http_request_duration_seconds_sum{{route=\"{r}\"}} {}", s.sum);
            let _ = writeln!(out, "accord_http_request_duration_seconds_count{{route=\"{r}\"}} {}", s.count);
        }
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out).into_response()
}
