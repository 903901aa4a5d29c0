use crate::metrics::Metrics;
use accord_app::App;
use std::sync::Arc;

/// How the web layer is deployed.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Served to browsers over HTTPS by a TLS-terminating proxy: cookies get `Secure` and the
    /// `__Host-` prefix, HSTS is sent, and `X-Forwarded-For` / `X-Forwarded-Proto` from the
    /// proxy are believed.
    pub tls_proxy: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
}

/// The request counters, for the handlers that need only them.
impl axum::extract::FromRef<AppState> for Arc<Metrics> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.metrics)
    }
}

impl AppState {
    pub fn new(app: App, config: WebConfig) -> Self {
        Self { app: Arc::new(app), config: Arc::new(config), metrics: Arc::default() }
    }
}
