//! A certificate authority of the fake's own and a `localhost` certificate it signed, so the
//! fake can speak HTTPS (and HTTP/2, which clients only offer over TLS).

use std::path::PathBuf;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

pub(crate) struct SelfSigned {
    pub(crate) server: rustls::ServerConfig,
    /// The authority's certificate (PEM), for clients to trust.
    pub(crate) ca_file: PathBuf,
    pub(crate) dir: tempfile::TempDir,
}

pub(crate) fn self_signed() -> SelfSigned {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("CA certificate");
    let leaf_key = KeyPair::generate().expect("server key");
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .expect("server parameters")
        .signed_by(&leaf_key, &ca, &ca_key)
        .expect("server certificate");
    let dir = tempfile::tempdir().expect("temporary directory");
    let ca_file = dir.path().join("fake-tmdb-ca.pem");
    std::fs::write(&ca_file, ca.pem()).expect("write the CA certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let server = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(vec![leaf.der().clone(), ca.der().clone()], key)
    .expect("server TLS configuration");
    SelfSigned {
        server,
        ca_file,
        dir,
    }
}
