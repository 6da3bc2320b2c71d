//! TLS with rustls (ring provider): trust roots, client certificate, CRLs, cipher suites,
//! hostname verification, as kafka-python's keys (or an `ssl.SSLContext`'s settings) ask.
//!
//! Verification follows kafka-python's context: the broker's chain is always verified (against
//! `ssl_cafile`, a context's CA certificates, or the system trust store) unless verification is
//! switched off explicitly (`verify=false`, from a context with `verify_mode=CERT_NONE`);
//! `check_hostname` only controls whether the certificate must name the host. SNI carries the
//! host name we connect to (none for an IP address). TLS 1.2 is the minimum.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{ring as provider, CryptoProvider};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme, SupportedCipherSuite};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::net::TcpStream;

use super::{keys, Secret};
use crate::error::{Error, Result};

/// What the Python layer hands over (kafka-python keys, or what it read from an `SSLContext`).
#[derive(Debug, Clone)]
pub struct TlsOptions {
    /// PEM file of CA certificates (`ssl_cafile`).
    pub cafile: Option<String>,
    /// DER CA certificates (from `SSLContext.get_ca_certs(binary_form=True)`).
    pub ca_certs_der: Vec<Vec<u8>>,
    /// Also trust the system's store (the default when no CA is given).
    pub use_system_roots: bool,
    /// Client certificate chain for mutual TLS (`ssl_certfile`).
    pub certfile: Option<String>,
    /// Its private key (`ssl_keyfile`; if unset, the key is looked for in `certfile`).
    pub keyfile: Option<String>,
    /// Password of an encrypted key (`ssl_password`).
    pub password: Option<Secret>,
    /// Verify the broker's certificate chain at all (false only for CERT_NONE).
    pub verify: bool,
    /// The certificate must name the host (`ssl_check_hostname`).
    pub check_hostname: bool,
    /// PEM CRLs; the broker certificate must not be revoked (`ssl_crlfile`, leaf check).
    pub crlfile: Option<String>,
    /// OpenSSL cipher list (`ssl_ciphers`).
    pub ciphers: Option<String>,
    /// Refuse TLS 1.2 (a context with `minimum_version=TLSv1_3`).
    pub tls13_only: bool,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions {
            cafile: None,
            ca_certs_der: Vec::new(),
            use_system_roots: true,
            certfile: None,
            keyfile: None,
            password: None,
            verify: true,
            check_hostname: true,
            crlfile: None,
            ciphers: None,
            tls13_only: false,
        }
    }
}

/// A ready rustls client configuration.
pub struct TlsConnector {
    config: Arc<rustls::ClientConfig>,
}

impl std::fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsConnector")
    }
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidArgument(msg.into())
}

impl TlsConnector {
    /// Reads every file and builds the configuration; errors name the setting that is wrong.
    pub fn new(opts: &TlsOptions) -> Result<TlsConnector> {
        let suites = cipher_suites(opts.ciphers.as_deref())?;
        let provider = Arc::new(CryptoProvider { cipher_suites: suites, ..provider::default_provider() });
        let versions: &[&rustls::SupportedProtocolVersion] = if opts.tls13_only {
            &[&rustls::version::TLS13]
        } else {
            &[&rustls::version::TLS13, &rustls::version::TLS12]
        };
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(versions)
            .map_err(|e| invalid(format!("ssl_ciphers: {e}")))?;
        let verifier: Arc<dyn ServerCertVerifier> = if opts.verify {
            let roots = Arc::new(root_store(opts)?);
            let mut vb = WebPkiServerVerifier::builder_with_provider(roots, provider.clone());
            if let Some(path) = &opts.crlfile {
                vb = vb.with_crls(keys::load_crls(path)?).only_check_end_entity_revocation();
            }
            let inner = vb.build().map_err(|e| invalid(format!("TLS trust settings: {e}")))?;
            if opts.check_hostname {
                inner
            } else {
                Arc::new(NoHostnameCheck { inner })
            }
        } else {
            Arc::new(NoVerification { provider: provider.clone() })
        };
        let builder = builder.dangerous().with_custom_certificate_verifier(verifier);
        let config = match &opts.certfile {
            Some(certfile) => {
                let chain = keys::load_certs(certfile, "ssl_certfile")?;
                let key = match &opts.keyfile {
                    Some(keyfile) => keys::load_private_key(keyfile, opts.password.as_ref())?,
                    None => keys::load_private_key(certfile, opts.password.as_ref())?,
                }
                .ok_or_else(|| {
                    invalid("ssl_certfile is set but no private key was found: set ssl_keyfile")
                })?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| invalid(format!("ssl_certfile/ssl_keyfile: {e}")))?
            }
            None => builder.with_no_client_auth(),
        };
        Ok(TlsConnector { config: Arc::new(config) })
    }

    /// TLS handshake over `tcp` with `host` (SNI and hostname verification).
    pub async fn connect(
        &self,
        host: &str,
        tcp: TcpStream,
    ) -> Result<tokio_rustls::client::TlsStream<TcpStream>> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host.to_string())
            .map_err(|_| Error::Connection(format!("invalid TLS server name {host:?}")))?;
        let connector = tokio_rustls::TlsConnector::from(self.config.clone());
        connector.connect(name, tcp).await.map_err(|e| {
            let msg = format!("SSL handshake with {host} failed: {e}");
            let is_cert =
                e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()).is_some_and(|r| {
                    matches!(
                        r,
                        rustls::Error::InvalidCertificate(_)
                            | rustls::Error::InvalidCertRevocationList(_)
                            | rustls::Error::AlertReceived(
                                rustls::AlertDescription::BadCertificate
                                    | rustls::AlertDescription::CertificateRequired
                                    | rustls::AlertDescription::UnknownCA
                                    | rustls::AlertDescription::CertificateRevoked
                                    | rustls::AlertDescription::CertificateUnknown
                                    | rustls::AlertDescription::HandshakeFailure
                            )
                    )
                });
            if is_cert {
                Error::Authentication(msg)
            } else {
                Error::Connection(msg)
            }
        })
    }
}

fn root_store(opts: &TlsOptions) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    if let Some(path) = &opts.cafile {
        for cert in keys::load_certs(path, "ssl_cafile")? {
            roots.add(cert).map_err(|e| invalid(format!("ssl_cafile {path:?}: {e}")))?;
        }
    }
    for der in &opts.ca_certs_der {
        // Like OpenSSL, skip a CA that cannot be used rather than failing the client.
        if let Err(e) = roots.add(CertificateDer::from(der.clone())) {
            log::debug!("ignoring a CA certificate of ssl_context: {e}");
        }
    }
    if opts.use_system_roots {
        let native = rustls_native_certs::load_native_certs();
        for e in &native.errors {
            log::debug!("system trust store: {e}");
        }
        let (added, _ignored) = roots.add_parsable_certificates(native.certs);
        if added == 0 && roots.is_empty() {
            return Err(invalid(
                "no CA certificates: the system trust store is empty and ssl_cafile is not set",
            ));
        }
    }
    if roots.is_empty() {
        return Err(invalid("no CA certificates to verify the broker with: set ssl_cafile"));
    }
    Ok(roots)
}

/// The WebPKI verifier without the name check (`ssl_check_hostname=False`).
#[derive(Debug)]
struct NoHostnameCheck {
    inner: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for NoHostnameCheck {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// No certificate verification (a context with `verify_mode=CERT_NONE`); the handshake
/// signatures are still checked.
#[derive(Debug)]
struct NoVerification {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// A suite rustls offers, with its OpenSSL name and the OpenSSL keywords that select it.
struct Suite {
    openssl: &'static str,
    suite: SupportedCipherSuite,
    tags: &'static [&'static str],
}

fn suites() -> Vec<Suite> {
    use provider::cipher_suite as cs;
    vec![
        Suite {
            openssl: "TLS_AES_256_GCM_SHA384",
            suite: cs::TLS13_AES_256_GCM_SHA384,
            tags: &["TLSv1.3", "AESGCM", "AES256", "AES", "SHA384"],
        },
        Suite {
            openssl: "TLS_AES_128_GCM_SHA256",
            suite: cs::TLS13_AES_128_GCM_SHA256,
            tags: &["TLSv1.3", "AESGCM", "AES128", "AES", "SHA256"],
        },
        Suite {
            openssl: "TLS_CHACHA20_POLY1305_SHA256",
            suite: cs::TLS13_CHACHA20_POLY1305_SHA256,
            tags: &["TLSv1.3", "CHACHA20", "SHA256"],
        },
        Suite {
            openssl: "ECDHE-ECDSA-AES256-GCM-SHA384",
            suite: cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            tags: &[
                "TLSv1.2", "ECDHE", "EECDH", "kECDHE", "ECDSA", "aECDSA", "AESGCM", "AES256", "AES", "SHA384",
            ],
        },
        Suite {
            openssl: "ECDHE-ECDSA-AES128-GCM-SHA256",
            suite: cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            tags: &[
                "TLSv1.2", "ECDHE", "EECDH", "kECDHE", "ECDSA", "aECDSA", "AESGCM", "AES128", "AES", "SHA256",
            ],
        },
        Suite {
            openssl: "ECDHE-ECDSA-CHACHA20-POLY1305",
            suite: cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            tags: &["TLSv1.2", "ECDHE", "EECDH", "kECDHE", "ECDSA", "aECDSA", "CHACHA20"],
        },
        Suite {
            openssl: "ECDHE-RSA-AES256-GCM-SHA384",
            suite: cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            tags: &[
                "TLSv1.2", "ECDHE", "EECDH", "kECDHE", "RSA", "aRSA", "AESGCM", "AES256", "AES", "SHA384",
            ],
        },
        Suite {
            openssl: "ECDHE-RSA-AES128-GCM-SHA256",
            suite: cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            tags: &[
                "TLSv1.2", "ECDHE", "EECDH", "kECDHE", "RSA", "aRSA", "AESGCM", "AES128", "AES", "SHA256",
            ],
        },
        Suite {
            openssl: "ECDHE-RSA-CHACHA20-POLY1305",
            suite: cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
            tags: &["TLSv1.2", "ECDHE", "EECDH", "kECDHE", "RSA", "aRSA", "CHACHA20"],
        },
    ]
}

/// Keywords that select every suite we have.
const ALL_KEYWORDS: &[&str] =
    &["ALL", "DEFAULT", "HIGH", "SECURE", "FIPS", "COMPLEMENTOFDEFAULT", "TLSv1.2", "SSLv3"];
/// OpenSSL keywords that select only suites rustls does not offer (fine to exclude, an error to ask for).
const UNOFFERED_KEYWORDS: &[&str] = &[
    "aNULL", "eNULL", "NULL", "MD5", "RC4", "DES", "3DES", "EXPORT", "EXP", "LOW", "MEDIUM", "PSK", "SRP",
    "DSS", "aDSS", "DH", "DHE", "EDH", "kDHE", "kEDH", "ADH", "AECDH", "CAMELLIA", "ARIA", "SEED", "IDEA",
    "CBC", "SHA1", "SHA", "AESCCM", "AESCCM8", "kRSA", "RSAPSK", "ECDHEPSK", "DHEPSK", "SSLv2", "TLSv1",
    "TLSv1.0", "TLSv1.1", "aPSK", "kPSK", "GOST", "kGOST",
];

/// Maps an OpenSSL cipher list (`ssl_ciphers`) onto the suites rustls offers.
///
/// Names (`ECDHE-RSA-AES128-GCM-SHA256`, `TLS_AES_128_GCM_SHA256`), keywords (`HIGH`,
/// `ECDHE+AESGCM`, ...), `!`/`-` exclusions and `@STRENGTH`/`@SECLEVEL` are understood. As in
/// Python, the TLS 1.3 suites stay enabled unless the list names TLS 1.3 suites itself. A suite
/// or keyword we cannot honour is an error naming it.
pub fn cipher_suites(spec: Option<&str>) -> Result<Vec<SupportedCipherSuite>> {
    let all = suites();
    let Some(spec) = spec.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(provider::default_provider().cipher_suites);
    };
    let mut chosen: Vec<usize> = Vec::new();
    let mut removed: Vec<usize> = Vec::new();
    for term in spec.split([':', ',', ' ']).map(str::trim).filter(|t| !t.is_empty()) {
        if term.starts_with('@') {
            continue;
        }
        let (negative, body) = match term.as_bytes()[0] {
            b'!' | b'-' => (true, &term[1..]),
            b'+' => (false, &term[1..]),
            _ => (false, term),
        };
        let mut matched: Option<Vec<usize>> = None;
        let mut unknown = None;
        for part in body.split('+') {
            let hits: Vec<usize> = if ALL_KEYWORDS.contains(&part) {
                (0..all.len()).filter(|&i| part != "TLSv1.2" || all[i].tags.contains(&"TLSv1.2")).collect()
            } else if let Some(i) = all.iter().position(|s| s.openssl == part) {
                vec![i]
            } else {
                let tagged: Vec<usize> = (0..all.len()).filter(|&i| all[i].tags.contains(&part)).collect();
                if tagged.is_empty() && !UNOFFERED_KEYWORDS.contains(&part) && !looks_like_openssl_suite(part)
                {
                    unknown = Some(part);
                }
                tagged
            };
            matched = Some(match matched {
                None => hits,
                Some(prev) => prev.into_iter().filter(|i| hits.contains(i)).collect(),
            });
        }
        let matched = matched.unwrap_or_default();
        if negative {
            if term.starts_with('!') {
                removed.extend(&matched);
            }
            chosen.retain(|i| !matched.contains(i));
            continue;
        }
        if let Some(part) = unknown {
            return Err(invalid(format!("ssl_ciphers: unknown cipher or keyword {part:?}")));
        }
        if matched.is_empty() {
            return Err(invalid(format!(
                "ssl_ciphers: {body:?} selects no cipher suite this client offers (it supports {})",
                all.iter().map(|s| s.openssl).collect::<Vec<_>>().join(", ")
            )));
        }
        for i in matched {
            if !chosen.contains(&i) && !removed.contains(&i) {
                chosen.push(i);
            }
        }
    }
    let names_tls13 = chosen.iter().any(|&i| all[i].tags.contains(&"TLSv1.3"));
    if !names_tls13 {
        // Python's set_ciphers() leaves the TLS 1.3 suites alone.
        chosen.extend((0..all.len()).filter(|&i| all[i].tags.contains(&"TLSv1.3") && !removed.contains(&i)));
    }
    if !chosen.iter().any(|&i| all[i].tags.contains(&"TLSv1.2")) && !names_tls13 {
        return Err(invalid(format!("ssl_ciphers {spec:?} leaves no TLS 1.2 cipher suite")));
    }
    Ok(chosen.into_iter().map(|i| all[i].suite).collect())
}

/// An OpenSSL suite name we recognise but do not offer (CBC, DHE, RSA key exchange, ...).
fn looks_like_openssl_suite(name: &str) -> bool {
    let known = ["AES", "CAMELLIA", "ARIA", "CHACHA20", "DES", "RC4", "SEED", "IDEA", "NULL", "PSK", "SRP"];
    name.contains('-') && known.iter().any(|k| name.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(spec: &str) -> Vec<String> {
        cipher_suites(Some(spec)).unwrap().iter().map(|s| format!("{:?}", s.suite())).collect()
    }

    #[test]
    fn cipher_lists() {
        let one = names("ECDHE-RSA-AES128-GCM-SHA256");
        assert!(one.contains(&"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".to_string()));
        assert!(one.iter().any(|n| n.starts_with("TLS13_")), "TLS 1.3 suites stay on");
        assert_eq!(names("TLS_AES_128_GCM_SHA256"), ["TLS13_AES_128_GCM_SHA256"]);
        let high = names("HIGH:!aNULL:!MD5");
        assert_eq!(high.len(), 9);
        let gcm = names("ECDHE+AESGCM");
        assert!(gcm.iter().all(|n| !n.contains("CHACHA") || n.starts_with("TLS13_")));
        assert!(cipher_suites(Some("NOT-A-CIPHER-XYZ")).is_err());
        let e = cipher_suites(Some("AES128-SHA")).unwrap_err().to_string();
        assert!(e.contains("AES128-SHA"), "{e}");
        assert!(cipher_suites(Some("bogus")).unwrap_err().to_string().contains("unknown"));
        assert!(cipher_suites(None).unwrap().len() >= 9);
    }
}
