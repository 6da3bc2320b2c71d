//! PEM files: certificates, CRLs and private keys, including the two encrypted key forms Python's
//! `ssl` accepts with a password: PKCS#8 `ENCRYPTED PRIVATE KEY` (PBES2) and the traditional
//! OpenSSL form (`Proc-Type: 4,ENCRYPTED` + `DEK-Info`, key from `EVP_BytesToKey` with MD5).
//!
//! Errors name the file and what was wrong with it, never the password or key bytes.

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
use base64::Engine;
use md5::{Digest, Md5};
use rustls_pki_types::{
    CertificateDer, CertificateRevocationListDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer,
    PrivateSec1KeyDer,
};

use super::Secret;
use crate::error::{Error, Result};

/// One `-----BEGIN <label>----- ... -----END <label>-----` section.
#[derive(Clone)]
pub struct PemBlock {
    pub label: String,
    /// RFC 1421 headers (`Proc-Type`, `DEK-Info`), in order.
    pub headers: Vec<(String, String)>,
    pub der: Vec<u8>,
}

/// Every PEM block in `text`; text outside blocks is ignored (as OpenSSL does).
pub fn parse_pem(text: &str) -> Result<Vec<PemBlock>> {
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let line = line.trim();
        let Some(label) = line.strip_prefix("-----BEGIN ").and_then(|l| l.strip_suffix("-----")) else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut headers = Vec::new();
        let mut body = String::new();
        let mut closed = false;
        for l in lines.by_ref() {
            let l = l.trim();
            if l == end {
                closed = true;
                break;
            }
            if body.is_empty() {
                if let Some((k, v)) = l.split_once(':') {
                    headers.push((k.trim().to_string(), v.trim().to_string()));
                    continue;
                }
            }
            body.push_str(l);
        }
        if !closed {
            return Err(Error::InvalidArgument(format!("PEM block {label} has no END line")));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|_| Error::InvalidArgument(format!("PEM block {label} is not valid base64")))?;
        blocks.push(PemBlock { label: label.to_string(), headers, der });
    }
    Ok(blocks)
}

fn read_file(path: &str, what: &str) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::InvalidArgument(format!("cannot read {what} {path:?}: {e}")))
}

/// The certificates (`CERTIFICATE` / `TRUSTED CERTIFICATE` blocks) in PEM text.
pub fn certs_from_pem(text: &str) -> Result<Vec<CertificateDer<'static>>> {
    Ok(parse_pem(text)?
        .into_iter()
        .filter(|b| b.label == "CERTIFICATE" || b.label == "TRUSTED CERTIFICATE")
        .map(|b| CertificateDer::from(b.der))
        .collect())
}

/// The certificates of a PEM file; an error if there are none.
pub fn load_certs(path: &str, what: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certs = certs_from_pem(&read_file(path, what)?)?;
    if certs.is_empty() {
        return Err(Error::InvalidArgument(format!("{what} {path:?} holds no PEM certificate")));
    }
    Ok(certs)
}

/// The CRLs (`X509 CRL` blocks) of a PEM file; an error if there are none.
pub fn load_crls(path: &str) -> Result<Vec<CertificateRevocationListDer<'static>>> {
    let crls: Vec<_> = parse_pem(&read_file(path, "ssl_crlfile")?)?
        .into_iter()
        .filter(|b| b.label == "X509 CRL")
        .map(|b| CertificateRevocationListDer::from(b.der))
        .collect();
    if crls.is_empty() {
        return Err(Error::InvalidArgument(format!("ssl_crlfile {path:?} holds no PEM CRL (X509 CRL)")));
    }
    Ok(crls)
}

/// The first private key of a PEM file, decrypted with `password` if it is encrypted.
pub fn load_private_key(path: &str, password: Option<&Secret>) -> Result<Option<PrivateKeyDer<'static>>> {
    private_key_from_pem(&read_file(path, "ssl_keyfile")?, password)
        .map_err(|e| Error::InvalidArgument(format!("ssl_keyfile {path:?}: {e}")))
}

/// The first private key in PEM text (None if there is no key block).
pub fn private_key_from_pem(text: &str, password: Option<&Secret>) -> Result<Option<PrivateKeyDer<'static>>> {
    for block in parse_pem(text)? {
        let encrypted = block.headers.iter().any(|(k, v)| k == "Proc-Type" && v.contains("ENCRYPTED"));
        let der = if encrypted {
            let dek = block
                .headers
                .iter()
                .find(|(k, _)| k == "DEK-Info")
                .map(|(_, v)| v.as_str())
                .ok_or_else(|| Error::InvalidArgument("encrypted PEM key without DEK-Info".into()))?;
            decrypt_traditional(&block.der, dek, need_password(password)?)?
        } else {
            block.der
        };
        let key = match block.label.as_str() {
            "PRIVATE KEY" => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der)),
            "RSA PRIVATE KEY" => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(der)),
            "EC PRIVATE KEY" => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(der)),
            "ENCRYPTED PRIVATE KEY" => {
                let password = need_password(password)?;
                let info = pkcs8::EncryptedPrivateKeyInfo::try_from(der.as_slice())
                    .map_err(|_| Error::InvalidArgument("malformed ENCRYPTED PRIVATE KEY".into()))?;
                let doc = info.decrypt(password.expose().as_bytes()).map_err(|_| {
                    Error::InvalidArgument(
                        "cannot decrypt the key: wrong ssl_password or unsupported encryption".into(),
                    )
                })?;
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(doc.as_bytes().to_vec()))
            }
            _ => continue,
        };
        return Ok(Some(key));
    }
    Ok(None)
}

fn need_password(password: Option<&Secret>) -> Result<&Secret> {
    password.ok_or_else(|| Error::InvalidArgument("the key is encrypted: set ssl_password".into()))
}

/// OpenSSL's `EVP_BytesToKey(cipher, MD5, salt, password, count=1)`: the key bytes only.
fn evp_bytes_to_key(password: &[u8], salt: &[u8], len: usize) -> Vec<u8> {
    let mut key = Vec::with_capacity(len + 16);
    let mut prev: Vec<u8> = Vec::new();
    while key.len() < len {
        let mut h = Md5::new();
        h.update(&prev);
        h.update(password);
        h.update(salt);
        prev = h.finalize().to_vec();
        key.extend_from_slice(&prev);
    }
    key.truncate(len);
    key
}

/// Decrypts the body of a traditional encrypted PEM key (`DEK-Info: <cipher>,<hex iv>`).
fn decrypt_traditional(data: &[u8], dek_info: &str, password: &Secret) -> Result<Vec<u8>> {
    let (cipher, iv_hex) =
        dek_info.split_once(',').ok_or_else(|| Error::InvalidArgument("malformed DEK-Info header".into()))?;
    let iv =
        decode_hex(iv_hex.trim()).ok_or_else(|| Error::InvalidArgument("malformed DEK-Info IV".into()))?;
    let bad = || Error::InvalidArgument("cannot decrypt the key: wrong ssl_password?".into());
    let pw = password.expose().as_bytes();
    let mut buf = data.to_vec();
    let plain_len = match cipher.trim().to_ascii_uppercase().as_str() {
        c @ ("AES-128-CBC" | "AES-192-CBC" | "AES-256-CBC") => {
            if iv.len() != 16 {
                return Err(Error::InvalidArgument("DEK-Info IV must be 16 bytes for AES".into()));
            }
            let key = evp_bytes_to_key(
                pw,
                &iv[..8],
                if c == "AES-128-CBC" {
                    16
                } else if c == "AES-192-CBC" {
                    24
                } else {
                    32
                },
            );
            let out = match c {
                "AES-128-CBC" => cbc::Decryptor::<aes::Aes128>::new_from_slices(&key, &iv)
                    .map_err(|_| bad())?
                    .decrypt_padded_mut::<Pkcs7>(&mut buf)
                    .map(|p| p.len()),
                "AES-192-CBC" => cbc::Decryptor::<aes::Aes192>::new_from_slices(&key, &iv)
                    .map_err(|_| bad())?
                    .decrypt_padded_mut::<Pkcs7>(&mut buf)
                    .map(|p| p.len()),
                _ => cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, &iv)
                    .map_err(|_| bad())?
                    .decrypt_padded_mut::<Pkcs7>(&mut buf)
                    .map(|p| p.len()),
            };
            out.map_err(|_| bad())?
        }
        "DES-EDE3-CBC" => {
            if iv.len() != 8 {
                return Err(Error::InvalidArgument("DEK-Info IV must be 8 bytes for DES-EDE3-CBC".into()));
            }
            let key = evp_bytes_to_key(pw, &iv, 24);
            cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                .map_err(|_| bad())?
                .decrypt_padded_mut::<Pkcs7>(&mut buf)
                .map(|p| p.len())
                .map_err(|_| bad())?
        }
        other => {
            return Err(Error::InvalidArgument(format!(
                "encrypted PEM key cipher {other} is not supported (AES-128/192/256-CBC, DES-EDE3-CBC are)"
            )))
        }
    };
    buf.truncate(plain_len);
    // A wrong password usually fails the padding check; when it does not, the result is not DER.
    if buf.first() != Some(&0x30) {
        return Err(bad());
    }
    Ok(buf)
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evp_bytes_to_key_matches_openssl() {
        // `openssl enc -aes-256-cbc -k pass -S 0102030405060708 -P -md md5`
        let key = evp_bytes_to_key(b"pass", &[1, 2, 3, 4, 5, 6, 7, 8], 32);
        assert_eq!(key.len(), 32);
        let again = evp_bytes_to_key(b"pass", &[1, 2, 3, 4, 5, 6, 7, 8], 16);
        assert_eq!(&key[..16], &again[..]);
    }

    #[test]
    fn pem_parsing() {
        let text = "junk\n-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAEC\n-----END EC PRIVATE KEY-----\n";
        let blocks = parse_pem(text).unwrap();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].label, "EC PRIVATE KEY");
        assert_eq!(blocks[0].headers.len(), 2);
        assert_eq!(blocks[0].der, [0, 1, 2]);
        assert!(parse_pem("-----BEGIN X-----\nAAEC\n").is_err());
        assert!(private_key_from_pem(text, None).unwrap_err().to_string().contains("ssl_password"));
        let wrong = private_key_from_pem(text, Some(&Secret::new("nope"))).unwrap_err().to_string();
        assert!(!wrong.contains("nope"));
    }
}
