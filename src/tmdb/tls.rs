//! TLS for the API client and the export downloads: the built-in web PKI roots, plus the
//! certificates of the PEM file named by `SSL_CERT_FILE` when it is set (the usual variable for
//! a TLS-inspecting proxy's or a private mirror's CA). HTTP/2 is offered first, as awc does.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};

pub const CA_FILE_VAR: &str = "SSL_CERT_FILE";

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the certificates of {CA_FILE_VAR} ({path}): {reason}")]
    CaFile { path: String, reason: String },
    #[error("{CA_FILE_VAR} ({path}) holds no certificate")]
    NoCertificate { path: String },
}

type Loaded = Result<Option<Arc<ClientConfig>>, TlsError>;

static CONFIG: OnceLock<Loaded> = OnceLock::new();

/// The TLS configuration to give awc; `None` when awc's own (web PKI roots) will do. Read once
/// per process: the command checks it at start (a bad file is a configuration error) and every
/// HTTP client then uses the same.
pub fn client_config() -> &'static Loaded {
    CONFIG.get_or_init(
        || match std::env::var_os(CA_FILE_VAR).filter(|v| !v.is_empty()) {
            Some(path) => with_extra_roots(&PathBuf::from(path)).map(Some),
            None => Ok(None),
        },
    )
}

/// The extra roots' configuration, when `SSL_CERT_FILE` names any (else awc's own).
pub fn extra_roots() -> Option<Arc<ClientConfig>> {
    client_config().as_ref().ok().cloned().flatten()
}

fn with_extra_roots(path: &Path) -> Result<Arc<ClientConfig>, TlsError> {
    let failed = |reason: String| TlsError::CaFile {
        path: path.display().to_string(),
        reason,
    };
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let mut added = 0;
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| failed(e.to_string()))? {
        let cert = cert.map_err(|e| failed(e.to_string()))?;
        roots.add(cert).map_err(|e| failed(e.to_string()))?;
        added += 1;
    }
    if added == 0 {
        return Err(TlsError::NoCertificate {
            path: path.display().to_string(),
        });
    }
    let mut config = ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
