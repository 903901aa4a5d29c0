//! The web layer: HTML pages under `/`, the JSON API under `/api/v1`, both thin over
//! `accord-app`. One error type is rendered as a page or as a JSON body by
//! [`middleware::render_errors`].

rust_i18n::i18n!("locales", fallback = "en");

pub mod api;
pub mod charts;
pub mod cookies;
pub mod ctx;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod metrics;
pub mod middleware;
pub mod state;
pub mod views;

pub use state::{AppState, WebConfig};

use axum::Router;
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let api = api::router();
    Router::new()
        .merge(views::router())
        .nest("/api/v1", api)
        .route("/healthz", get(views::health::healthz))
        .route("/metrics", get(metrics::render))
        .fallback(views::not_found)
        .layer(middleware::catch_panic(true))
        .layer(axum::middleware::from_fn(middleware::refuse_control_characters))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::render_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::session))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::origin_check))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(axum::middleware::from_fn_with_state(state.metrics.clone(), metrics::track))
        .layer(axum::middleware::from_fn(timeout))
        .layer(CompressionLayer::new())
        .layer(middleware::catch_panic(false))
        .layer(middleware::trace_layer())
        .with_state(state)
}

/// Answers 408 when a request takes longer than 30 seconds, or 10 minutes for a file import
/// (a million-row file takes under a minute; an import cut off is rolled back).
async fn timeout(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = req.uri().path();
    let import =
        req.method() == axum::http::Method::POST && (path == "/organisations/import" || path == "/api/v1/imports");
    let limit = Duration::from_secs(if import { 600 } else { 30 });
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// Serves until Ctrl-C or SIGTERM, running the background jobs this node is handed
/// ([`accord_app::jobs`]) and delivering the mail outbox ([`accord_app::outbox`]) meanwhile.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let jobs = accord_app::jobs::spawn(Arc::clone(&state.app));
    let outbox = accord_app::outbox::spawn(Arc::clone(&state.app));
    let service = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, service).with_graceful_shutdown(shutdown_signal()).await;
    jobs.abort();
    outbox.stop(std::time::Duration::from_secs(30)).await;
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
