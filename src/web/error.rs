//! Why the console could not start or answer a request.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What went wrong in the console.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("templates.directory: the web console's pages in {dir}: {reason}")]
    Templates { dir: String, reason: String },
    #[error("cannot show the page {name}: {reason}")]
    Render { name: String, reason: String },
    #[error("web.listen: cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the web console stopped: {source}")]
    Serve {
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Email(#[from] crate::emails::EmailError),
}

/// A request that failed on our side: logged once here, and a plain page
/// that says so (never the error itself, which may hold a care home's data).
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        tracing::error!(error = %self, "web console request failed");
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Sorry, something went wrong on our side. The error is in the daemon's log; please try again in a moment.",
        )
            .into_response()
    }
}
