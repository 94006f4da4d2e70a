//! The vendored NHS.UK frontend stylesheet and the icons it refers to
//! (`vendor/nhsuk-frontend/`, MIT licence), embedded in the binary so the
//! console needs no files beside its templates.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("../../vendor/nhsuk-frontend/nhsuk-frontend.min.css");

const ICONS: &[(&str, &str)] = &[
    (
        "nhsuk-icon-arrow-down.svg",
        include_str!("../../vendor/nhsuk-frontend/images/nhsuk-icon-arrow-down.svg"),
    ),
    (
        "nhsuk-icon-arrow-up-down.svg",
        include_str!("../../vendor/nhsuk-frontend/images/nhsuk-icon-arrow-up-down.svg"),
    ),
    (
        "nhsuk-icon-arrow-up.svg",
        include_str!("../../vendor/nhsuk-frontend/images/nhsuk-icon-arrow-up.svg"),
    ),
    (
        "nhsuk-icon-cross.svg",
        include_str!("../../vendor/nhsuk-frontend/images/nhsuk-icon-cross.svg"),
    ),
];

const CACHE: &str = "public, max-age=86400";

/// `/assets/nhsuk-frontend.min.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        CSS,
    )
        .into_response()
}

/// `/assets/images/{name}`.
pub async fn image(Path(name): Path<String>) -> Response {
    match ICONS.iter().find(|(n, _)| *n == name) {
        Some((_, svg)) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, CACHE),
            ],
            *svg,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
