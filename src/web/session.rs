//! Signed-in sessions. The browser holds a random id in a cookie (HttpOnly,
//! SameSite=Strict, and Secure when the console is served over https); the
//! database holds its digest, the administrator's email and the session's
//! CSRF token. [`Admin`] is what every page takes and [`Posted`] what every
//! action takes: without a live session a page redirects to the signed-out
//! page and an action is refused (403), before the handler runs.

use super::{Console, WebError, csrf, token};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;

/// The session cookie's name.
pub const COOKIE: &str = "si_session";

/// The signed-in administrator of a request.
#[derive(Clone, Debug)]
pub struct Admin {
    pub email: String,
    pub csrf_token: String,
    /// The digest of the session id (to sign out).
    pub(super) session: String,
}

/// The session id the request's cookies carry, if any.
pub fn cookie_value(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
}

/// The `Set-Cookie` value that keeps session `id` for `max_age` seconds.
pub fn set_cookie(id: &str, secure: bool, max_age: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={id}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
}

/// The `Set-Cookie` value that makes the browser forget the session.
pub fn clear_cookie(secure: bool) -> String {
    set_cookie("", secure, 0)
}

/// Opens a session for `email`; returns the `Set-Cookie` value.
pub async fn open(console: &Console, email: &str) -> Result<String, WebError> {
    let id = token::random_token();
    let now = console.app.clock.now();
    let lifetime = Duration::hours(i64::from(console.session_hours));
    console
        .app
        .store
        .create_session(
            &token::digest(&id),
            email,
            &token::random_token(),
            now,
            now + lifetime,
        )
        .await?;
    Ok(set_cookie(
        &id,
        console.secure_cookies,
        lifetime.num_seconds(),
    ))
}

/// The administrator signed in by this request's cookie, if any. A session
/// of someone no longer among the administrators counts for nothing.
async fn signed_in(console: &Console, headers: &HeaderMap) -> Result<Option<Admin>, WebError> {
    let Some(id) = cookie_value(headers).filter(|id| token::well_formed(id)) else {
        return Ok(None);
    };
    let digest = token::digest(id);
    let now = console.app.clock.now();
    let Some(found) = console.app.store.session(&digest, now).await? else {
        return Ok(None);
    };
    if !console.is_administrator(&found.email) {
        return Ok(None);
    }
    Ok(Some(Admin {
        email: found.email,
        csrf_token: found.csrf_token,
        session: digest,
    }))
}

/// No session: a page goes to the signed-out page, anything else is refused.
fn signed_out(console: &Console, method: &Method) -> Response {
    if method == Method::GET || method == Method::HEAD {
        return Redirect::to("/signed-out").into_response();
    }
    forbidden(
        console,
        "You are signed out, so this was not done. Please sign in again.",
    )
}

/// A 403 page saying why.
pub(super) fn forbidden(console: &Console, why: &str) -> Response {
    let mut c = tera::Context::new();
    c.insert("why", why);
    console
        .pages
        .page(StatusCode::FORBIDDEN, "forbidden.html", &c)
        .unwrap_or_else(IntoResponse::into_response)
}

impl FromRequestParts<Console> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, console: &Console) -> Result<Self, Response> {
        match signed_in(console, &parts.headers).await {
            Ok(Some(admin)) => Ok(admin),
            Ok(None) => Err(signed_out(console, &parts.method)),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// The fields of a posted form (`application/x-www-form-urlencoded`).
#[derive(Clone, Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Fields {
        Fields(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An action: a POST from a signed-in administrator whose form carries the
/// session's CSRF token. Anything else is refused with 403.
#[derive(Clone, Debug)]
pub struct Posted {
    pub admin: Admin,
    pub fields: Fields,
}

impl FromRequest<Console> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, console: &Console) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let admin = Admin::from_request_parts(&mut parts, console).await?;
        let req = Request::from_parts(parts, body);
        let body = Bytes::from_request(req, console)
            .await
            .map_err(IntoResponse::into_response)?;
        let fields = Fields::parse(&body);
        if !csrf::matches(&admin.csrf_token, fields.get(csrf::FIELD)) {
            return Err(forbidden(
                console,
                "This form had expired or did not come from this console, so nothing was done. Please go back, reload the page and try again.",
            ));
        }
        Ok(Posted { admin, fields })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_over_https() {
        let c = set_cookie("abc", true, 3600);
        assert_eq!(
            c,
            "si_session=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict; Secure"
        );
        assert!(!set_cookie("abc", false, 60).contains("Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn the_session_id_is_found_among_other_cookies() {
        let mut h = HeaderMap::new();
        assert_eq!(cookie_value(&h), None);
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; si_session=xyz ; b=2"),
        );
        assert_eq!(cookie_value(&h), Some("xyz"));
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("si_sessionx=1"));
        h.append(header::COOKIE, HeaderValue::from_static("si_session=2"));
        assert_eq!(cookie_value(&h), Some("2"));
    }

    #[test]
    fn form_fields_are_decoded() {
        let f = Fields::parse(b"csrf_token=ab&note=Set+up+by+Friday%21&note=second");
        assert_eq!(f.get("csrf_token"), Some("ab"));
        assert_eq!(f.get("note"), Some("Set up by Friday!"));
        assert_eq!(f.get("reason"), None);
    }
}
