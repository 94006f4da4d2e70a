//! The SASL initial responses for signing in with a bearer token (before
//! base64, which the IMAP and SMTP clients add).

/// XOAUTH2 (Google's and Microsoft's): `user=U^Aauth=Bearer T^A^A`.
pub fn xoauth2(user: &str, token: &str) -> String {
    format!("user={user}\x01auth=Bearer {token}\x01\x01")
}

/// OAUTHBEARER (RFC 7628): a GS2 header naming the user, then host, port and token.
pub fn oauthbearer(user: &str, host: &str, port: u16, token: &str) -> String {
    // RFC 5801: ',' and '=' in the authzid are escaped as =2C and =3D.
    let user = user.replace('=', "=3D").replace(',', "=2C");
    format!("n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoauth2_is_the_documented_string() {
        assert_eq!(
            xoauth2("someone@example.com", "ya29.abc"),
            "user=someone@example.com\x01auth=Bearer ya29.abc\x01\x01"
        );
    }

    #[test]
    fn oauthbearer_follows_rfc_7628() {
        assert_eq!(
            oauthbearer(
                "user@example.com",
                "server.example.com",
                143,
                "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="
            ),
            "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
        assert!(oauthbearer("a,b=c@x", "h", 1, "t").starts_with("n,a=a=2Cb=3Dc@x,"));
    }
}
