//! TLS for IMAP: rustls with the ring provider, the system's roots, and an
//! optional extra CA file (a private CA, as in tests).

use super::MailboxError;
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{
    self, ClientConfig, RootCertStore, pki_types::CertificateDer, pki_types::pem::PemObject,
};

pub fn connector(ca_file: Option<&Path>) -> Result<TlsConnector, MailboxError> {
    let mut roots = RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_file {
        let setup = |reason: String| MailboxError::Setup {
            key: "mailbox.imap.ca_file".into(),
            reason,
        };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| setup(format!("cannot read {}: {e}", path.display())))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| setup(format!("{}: {e}", path.display())))?;
        for cert in certs {
            roots.add(cert).map_err(|e| setup(e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| MailboxError::Setup {
            key: "mailbox.imap.tls".into(),
            reason: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}
