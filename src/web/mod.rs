//! The administrators' web console (issue 19): served by the daemon itself
//! when `[web]` is configured, from the same store as everything else, so
//! SQLite and PostgreSQL both work and several instances can each serve it.
//!
//! Server-rendered HTML from the Tera templates in `templates/web/` (HTML
//! autoescaped), styled with the vendored NHS.UK frontend; no JavaScript.
//! Every page and action needs a signed-in session ([`session::Admin`]);
//! every POST carries the session's CSRF token ([`csrf`]). Actions call the
//! same library functions as the command line ([`crate::actions`]), so a
//! decision on the web sends exactly what `cases approve` would.
//!
//! Sign-in for this slice is the one-time link of `sponsor-intake
//! admin-link EMAIL` ([`signin`]).
//!
//! TODO(issue 19): OpenID Connect sign-in against Microsoft Entra ID
//! (authorisation code with PKCE, Entra groups), which NHSmail accounts use;
//! it will open the same kind of session as the link does.

mod actions;
mod assets;
pub mod csrf;
mod error;
mod filters;
mod pages;
mod render;
mod routes;
pub mod session;
pub mod signin;
pub mod token;

pub use error::WebError;
pub use signin::{SignInError, sign_in_link};

use crate::app::App;
use render::Pages;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// What every request handler shares.
#[derive(Clone, Debug)]
pub struct Console {
    pub app: App,
    pages: Arc<Pages>,
    secure_cookies: bool,
    session_hours: u32,
}

impl Console {
    /// The console of `app`, its page templates loaded; `None` when `[web]` is not configured.
    pub fn new(app: &App) -> Result<Option<Console>, WebError> {
        let Some(web) = &app.config.web else {
            return Ok(None);
        };
        let pages = Pages::load(&app.config.path(&app.config.templates.directory))?;
        Ok(Some(Console {
            app: app.clone(),
            pages: Arc::new(pages),
            secure_cookies: web.secure_cookies(),
            session_hours: web.session_hours,
        }))
    }

    /// Whether this address may sign in (`web.administrators`, else `administrators.addresses`).
    pub fn is_administrator(&self, email: &str) -> bool {
        let email = email.trim().to_ascii_lowercase();
        self.app.config.web_administrators().contains(&email)
    }
}

/// Loads the console's page templates from `templates_dir`, to check them (`check-config`).
pub fn check_pages(templates_dir: &std::path::Path) -> Result<(), WebError> {
    Pages::load(templates_dir).map(|_| ())
}

/// Binds the console's address, so that a port already taken is an error at
/// start rather than later in a task. `None` when `[web]` is not configured.
pub async fn bind(app: &App) -> Result<Option<(Console, TcpListener)>, WebError> {
    let Some(console) = Console::new(app)? else {
        return Ok(None);
    };
    let Some(web) = &app.config.web else {
        return Ok(None);
    };
    let addr = web.listen_addr()?;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| WebError::Bind {
            addr: addr.to_string(),
            source,
        })?;
    Ok(Some((console, listener)))
}

/// Serves the console until `shutdown` turns true.
pub async fn serve(
    console: Console,
    listener: TcpListener,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), WebError> {
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    tracing::info!(web.listen = %addr, "web console listening");
    let stop = async move {
        while !*shutdown.borrow() {
            if shutdown.changed().await.is_err() {
                break;
            }
        }
    };
    axum::serve(listener, routes::router(console))
        .with_graceful_shutdown(stop)
        .await
        .map_err(|source| WebError::Serve { source })
}
