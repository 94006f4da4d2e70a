//! The client-credentials flow with a certificate instead of a secret: a
//! signed JWT (RFC 7523 client assertion, RS256) naming the application,
//! for the token endpoint; its header carries the certificate's SHA-1
//! thumbprint (`x5t`), as the Microsoft identity platform asks.

use super::OAuthError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use std::path::Path;

/// The application's certificate and private key.
pub struct ClientCertificate {
    key: RsaKeyPair,
    x5t: String,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("x5t", &self.x5t)
            .finish_non_exhaustive()
    }
}

fn setup(key: &str, reason: impl std::fmt::Display) -> OAuthError {
    OAuthError::Setup {
        key: key.to_string(),
        reason: reason.to_string(),
    }
}

impl ClientCertificate {
    /// Reads a PEM certificate and its PEM (PKCS#8) RSA private key.
    pub fn load(cert: &Path, key: &Path) -> Result<ClientCertificate, OAuthError> {
        let cert_der = CertificateDer::from_pem_file(cert).map_err(|e| {
            setup(
                "oauth2.client_certificate_file",
                format!("{}: {e}", cert.display()),
            )
        })?;
        let key_der = PrivatePkcs8KeyDer::from_pem_file(key).map_err(|e| {
            setup(
                "oauth2.client_key_file",
                format!(
                    "{}: {e} (a PKCS#8 \"BEGIN PRIVATE KEY\" PEM is needed)",
                    key.display()
                ),
            )
        })?;
        let key = RsaKeyPair::from_pkcs8(key_der.secret_pkcs8_der()).map_err(|e| {
            setup(
                "oauth2.client_key_file",
                format!("not an RSA private key: {e}"),
            )
        })?;
        let thumbprint =
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, cert_der.as_ref());
        Ok(ClientCertificate {
            key,
            x5t: URL_SAFE_NO_PAD.encode(thumbprint.as_ref()),
        })
    }

    /// A signed assertion for `client_id` at `audience` (the token endpoint),
    /// valid from `now` (Unix seconds) for ten minutes.
    pub fn assertion(
        &self,
        client_id: &str,
        audience: &str,
        now: i64,
        jti: &str,
    ) -> Result<String, OAuthError> {
        let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "x5t": self.x5t});
        let claims = serde_json::json!({
            "aud": audience, "iss": client_id, "sub": client_id, "jti": jti,
            "nbf": now, "iat": now, "exp": now + 600,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| setup("oauth2.client_key_file", "signing failed"))?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }
}
