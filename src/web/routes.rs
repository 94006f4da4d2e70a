//! The console's addresses. Only the stylesheet, the signed-out page and
//! the sign-in link's pages answer without a session; every other page
//! takes [`super::session::Admin`] and every action [`super::session::Posted`].

use super::session::Admin;
use super::{Console, actions, assets, pages, signin};
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub fn router(console: Console) -> Router {
    Router::new()
        .route("/", get(pages::dashboard::show))
        .route("/cases", get(pages::cases::list))
        .route("/cases/{reference}", get(pages::case::show))
        .route("/cases/{reference}/approve", post(actions::approve))
        .route("/cases/{reference}/reject", post(actions::reject))
        .route("/cases/{reference}/pack.csv", post(actions::pack_csv))
        .route("/sign-in", get(signin::confirm).post(signin::sign_in))
        .route("/sign-out", post(signin::sign_out))
        .route("/signed-out", get(signin::signed_out))
        .route("/assets/nhsuk-frontend.min.css", get(assets::stylesheet))
        .route("/assets/images/{name}", get(assets::image))
        .fallback(unknown)
        .layer(axum::middleware::map_response(headers))
        .with_state(console)
}

/// An address we do not serve: a session first, then 404.
async fn unknown(State(console): State<Console>, admin: Admin) -> Response {
    let mut c = pages::context(&admin);
    c.insert("reference", "");
    console
        .pages
        .page(StatusCode::NOT_FOUND, "not_found.html", &c)
        .unwrap_or_else(IntoResponse::into_response)
}

/// Headers on every answer: no caching of case data, no framing, no
/// sniffing, and no scripts or styles from anywhere but here (the NHS.UK
/// fonts excepted).
async fn headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.entry(header::CACHE_CONTROL)
        .or_insert(header::HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    h.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'self'; font-src 'self' https://assets.nhs.uk; script-src 'none'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    response
}
