//! The local OAuth2 token service (scripts/oauth2-token-service.py, started
//! by start-mail-servers.sh with MAIL_OAUTH2=1): its control endpoints, and
//! the `[oauth2]` section that points the daemon at it. Each test uses its
//! own client id, so tests side by side never touch each other's tokens.

use std::io::{Read, Write};
use std::net::TcpStream;

/// `http://127.0.0.1:PORT` of the token service.
pub fn base_url() -> String {
    std::env::var("MAIL_OAUTH2_URL").unwrap_or_else(|_| {
        panic!(
            "MAIL_OAUTH2_URL is not set: the OAuth2 tests need the local token service. \
             Start the mail servers with MAIL_OAUTH2=1 (scripts/test.sh does)"
        )
    })
}

/// A plain HTTP/1.1 request to the service; returns the JSON it answered.
fn request(method: &str, path: &str, body: &str) -> serde_json::Value {
    let base = base_url();
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("token service {addr}: {e}"));
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write request");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read response");
    let (head, json) = raw.split_once("\r\n\r\n").expect("HTTP response");
    assert!(
        head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"),
        "{method} {path}: {raw}"
    );
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{path}: {e}: {json}"))
}

/// POSTs to a control endpoint.
pub fn control(path: &str, body: serde_json::Value) -> serde_json::Value {
    request("POST", path, &body.to_string())
}

/// What happened so far for this client id (grants, refusals, introspections).
pub fn stats(client_id: &str) -> serde_json::Value {
    request("GET", &format!("/control/stats?client_id={client_id}"), "")
}

/// One counter of [`stats`] (0 when it never happened).
pub fn count(client_id: &str, event: &str) -> u64 {
    stats(client_id)[event].as_u64().unwrap_or(0)
}

/// The `[oauth2]` section for the device-code flow with this client id.
pub fn device_code_section(client_id: &str) -> String {
    format!(
        "\n[oauth2]\nflow = \"device-code\"\nauthority = \"{}\"\ntenant = \"example-tenant\"\nclient_id = \"{client_id}\"\n",
        base_url()
    )
}

/// The `[oauth2]` section for the client-credentials flow (secret in SI_TEST_CLIENT_SECRET).
pub fn client_credentials_section(client_id: &str) -> String {
    format!(
        "\n[oauth2]\nflow = \"client-credentials\"\nauthority = \"{}\"\ntenant = \"example-tenant\"\nclient_id = \"{client_id}\"\nclient_secret_env = \"SI_TEST_CLIENT_SECRET\"\n",
        base_url()
    )
}

/// An access token from the client-credentials grant (for `token_command` tests).
pub fn client_credentials_token(client_id: &str, secret: &str) -> String {
    let body = format!(
        "grant_type=client_credentials&client_id={client_id}&client_secret={secret}&scope=x"
    );
    let v = request("POST", "/example-tenant/oauth2/v2.0/token", &body);
    v["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}
