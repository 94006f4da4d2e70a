//! Sign-in with a one-time link (`sponsor-intake admin-link EMAIL`), for the
//! embedded default and small sites: the link holds a random token kept
//! hashed, works for 15 minutes and once. Opening it shows a page with a
//! "Sign in" button (so that a mail scanner fetching the link uses nothing,
//! and the session cookie, SameSite=Strict, is set by a request from the
//! console itself); pressing it opens the session.

use super::session::{self, Fields};
use super::{Console, WebError, token};
use crate::app::App;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Why no sign-in link was made.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("the web console is off: add a [web] section to the configuration")]
    Off,
    #[error(
        "{0} is not among the administrators (web.administrators, else administrators.addresses); no link was made"
    )]
    NotAdministrator(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// Makes a sign-in link for `email`, one of the administrators.
pub async fn sign_in_link(app: &App, email: &str) -> Result<String, SignInError> {
    let Some(web) = &app.config.web else {
        return Err(SignInError::Off);
    };
    let email = email.trim().to_ascii_lowercase();
    if !app.config.web_administrators().contains(&email) {
        return Err(SignInError::NotAdministrator(email));
    }
    let secret = token::random_token();
    let now = app.clock.now();
    app.store
        .insert_sign_in_link(
            &token::digest(&secret),
            &email,
            now,
            token::link_expiry(now),
        )
        .await?;
    Ok(format!("{}/sign-in?token={secret}", web.base_url()))
}

#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    token: Option<String>,
}

/// `GET /sign-in?token=...`: the page with the "Sign in" button.
pub async fn confirm(
    State(console): State<Console>,
    Query(q): Query<LinkQuery>,
) -> Result<Response, WebError> {
    let mut c = tera::Context::new();
    c.insert("token", &q.token.unwrap_or_default());
    console.pages.page(StatusCode::OK, "sign_in.html", &c)
}

/// `POST /sign-in`: uses the link and opens the session.
pub async fn sign_in(State(console): State<Console>, body: Bytes) -> Result<Response, WebError> {
    let fields = Fields::parse(&body);
    let secret = fields.get("token").unwrap_or_default();
    let email = if token::well_formed(secret) {
        console
            .app
            .store
            .use_sign_in_link(&token::digest(secret), console.app.clock.now())
            .await?
    } else {
        None
    };
    let Some(email) = email.filter(|e| console.is_administrator(e)) else {
        tracing::info!("a sign-in link was refused (unknown, expired or used before)");
        return console.pages.page(
            StatusCode::FORBIDDEN,
            "sign_in_refused.html",
            &tera::Context::new(),
        );
    };
    let cookie = session::open(&console, &email).await?;
    tracing::info!("an administrator signed in to the web console");
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}

/// `POST /sign-out`: ends the session.
pub async fn sign_out(
    State(console): State<Console>,
    posted: session::Posted,
) -> Result<Response, WebError> {
    console
        .app
        .store
        .delete_session(&posted.admin.session)
        .await?;
    let cookie = session::clear_cookie(console.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/signed-out")).into_response())
}

/// `GET /signed-out`: where every page sends a request without a session.
pub async fn signed_out(State(console): State<Console>) -> Result<Response, WebError> {
    console
        .pages
        .page(StatusCode::OK, "signed_out.html", &tera::Context::new())
}
