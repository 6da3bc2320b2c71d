//! SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677), client side, with the server
//! signature checked: a broker that does not know the password cannot finish the exchange.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Mac, SimpleHmac};
use sha2::{Digest, Sha256, Sha512};

use super::{auth_failed, Exchange};
use crate::error::{Error, Result};
use crate::security::Secret;

/// Kafka's (and Java's) lower bound on iterations; fewer would make a downgrade cheap.
const MIN_ITERATIONS: u32 = 4096;
/// Upper bound, so a hostile broker cannot make us spin.
const MAX_ITERATIONS: u32 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScramHash {
    Sha256,
    Sha512,
}

impl ScramHash {
    pub fn mechanism(self) -> &'static str {
        match self {
            ScramHash::Sha256 => "SCRAM-SHA-256",
            ScramHash::Sha512 => "SCRAM-SHA-512",
        }
    }

    fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            ScramHash::Sha256 => Sha256::digest(data).to_vec(),
            ScramHash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        // SimpleHmac accepts keys of any length; new_from_slice cannot fail for it.
        match self {
            ScramHash::Sha256 => match SimpleHmac::<Sha256>::new_from_slice(key) {
                Ok(mut m) => {
                    m.update(data);
                    m.finalize().into_bytes().to_vec()
                }
                Err(_) => Vec::new(),
            },
            ScramHash::Sha512 => match SimpleHmac::<Sha512>::new_from_slice(key) {
                Ok(mut m) => {
                    m.update(data);
                    m.finalize().into_bytes().to_vec()
                }
                Err(_) => Vec::new(),
            },
        }
    }

    fn salted_password(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        match self {
            ScramHash::Sha256 => pbkdf2::pbkdf2_hmac_array::<Sha256, 32>(password, salt, iterations).to_vec(),
            ScramHash::Sha512 => pbkdf2::pbkdf2_hmac_array::<Sha512, 64>(password, salt, iterations).to_vec(),
        }
    }
}

enum State {
    Initial,
    SentFirst { client_first_bare: String },
    SentFinal { server_signature: Vec<u8> },
    Done,
}

pub(super) struct Scram {
    hash: ScramHash,
    username: String,
    password: Secret,
    nonce: String,
    state: State,
}

/// RFC 5802 saslname: `=` and `,` escaped.
fn saslname(s: &str) -> String {
    s.replace('=', "=3D").replace(',', "=2C")
}

fn client_nonce() -> String {
    let mut raw = [0u8; 24];
    if getrandom::getrandom(&mut raw).is_err() {
        // No OS randomness: still unique per exchange, though predictable.
        for b in raw.iter_mut() {
            *b = fastrand::u8(..);
        }
    }
    B64.encode(raw)
}

impl Scram {
    pub(super) fn new(hash: ScramHash, username: &str, password: Secret) -> Scram {
        Scram::with_nonce(hash, username, password, client_nonce())
    }

    fn with_nonce(hash: ScramHash, username: &str, password: Secret, nonce: String) -> Scram {
        Scram { hash, username: username.to_string(), password, nonce, state: State::Initial }
    }

    fn client_final(&mut self, client_first_bare: &str, server_first: &[u8]) -> Result<Vec<u8>> {
        let server_first = std::str::from_utf8(server_first)
            .map_err(|_| auth_failed("SCRAM: server-first-message is not UTF-8"))?;
        let mut nonce = None;
        let mut salt = None;
        let mut iterations = None;
        for attr in server_first.split(',') {
            match attr.split_once('=') {
                Some(("r", v)) => nonce = Some(v),
                Some(("s", v)) => salt = Some(v),
                Some(("i", v)) => iterations = v.parse::<u32>().ok(),
                Some(("e", v)) => return Err(auth_failed(format!("SCRAM: server error {v}"))),
                Some(("m", _)) => return Err(auth_failed("SCRAM: unsupported mandatory extension")),
                _ => {}
            }
        }
        let (Some(nonce), Some(salt), Some(iterations)) = (nonce, salt, iterations) else {
            return Err(auth_failed("SCRAM: malformed server-first-message"));
        };
        if !nonce.starts_with(&self.nonce) || nonce.len() <= self.nonce.len() {
            return Err(auth_failed("SCRAM: the server nonce does not extend ours"));
        }
        if !(MIN_ITERATIONS..=MAX_ITERATIONS).contains(&iterations) {
            return Err(auth_failed(format!("SCRAM: iteration count {iterations} out of range")));
        }
        let salt = B64.decode(salt).map_err(|_| auth_failed("SCRAM: salt is not base64"))?;
        let h = self.hash;
        let salted =
            zeroize::Zeroizing::new(h.salted_password(self.password.expose().as_bytes(), &salt, iterations));
        let client_key = zeroize::Zeroizing::new(h.hmac(&salted, b"Client Key"));
        let stored_key = h.hash(&client_key);
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
        let client_signature = h.hmac(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key.iter().zip(&client_signature).map(|(a, b)| a ^ b).collect();
        let server_key = h.hmac(&salted, b"Server Key");
        let server_signature = h.hmac(&server_key, auth_message.as_bytes());
        self.state = State::SentFinal { server_signature };
        Ok(format!("{without_proof},p={}", B64.encode(proof)).into_bytes())
    }
}

impl Exchange for Scram {
    fn initial(&mut self) -> Result<Vec<u8>> {
        let bare = format!("n={},r={}", saslname(&self.username), self.nonce);
        let first = format!("n,,{bare}");
        self.state = State::SentFirst { client_first_bare: bare };
        Ok(first.into_bytes())
    }

    fn receive(&mut self, server: &[u8]) -> Result<Option<Vec<u8>>> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::SentFirst { client_first_bare } => self.client_final(&client_first_bare, server).map(Some),
            State::SentFinal { server_signature } => {
                let text = std::str::from_utf8(server)
                    .map_err(|_| auth_failed("SCRAM: bad server-final-message"))?;
                if let Some(e) = text.strip_prefix("e=") {
                    return Err(auth_failed(format!("SCRAM: server error {e}")));
                }
                let v = text
                    .split(',')
                    .find_map(|a| a.strip_prefix("v="))
                    .ok_or_else(|| auth_failed("SCRAM: server-final-message has no signature"))?;
                let got = B64.decode(v).map_err(|_| auth_failed("SCRAM: server signature is not base64"))?;
                if !constant_time_eq(&got, &server_signature) {
                    return Err(auth_failed(
                        "SCRAM: the broker's signature is wrong (it does not know the password)",
                    ));
                }
                Ok(None)
            }
            State::Initial | State::Done => Err(Error::Other("SCRAM: unexpected message".into())),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7677 section 3's example (SCRAM-SHA-256, user "user", password "pencil").
    #[test]
    fn rfc7677_vector() {
        let mut s = Scram::with_nonce(
            ScramHash::Sha256,
            "user",
            Secret::new("pencil"),
            "rOprNGfwEbeRWgbNEkqO".into(),
        );
        assert_eq!(s.initial().unwrap(), b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        let server_first =
            b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        let fin = s.receive(server_first).unwrap().unwrap();
        assert_eq!(
            std::str::from_utf8(&fin).unwrap(),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        assert_eq!(s.receive(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=").unwrap(), None);
    }

    #[test]
    fn bad_server_signature_and_nonce() {
        let mut s = Scram::with_nonce(
            ScramHash::Sha256,
            "user",
            Secret::new("pencil"),
            "rOprNGfwEbeRWgbNEkqO".into(),
        );
        s.initial().unwrap();
        let server_first =
            b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        s.receive(server_first).unwrap();
        assert!(s.receive(b"v=AAAA").is_err());
        let mut s = Scram::with_nonce(ScramHash::Sha512, "u,=", Secret::new("p"), "abc".into());
        assert_eq!(s.initial().unwrap(), b"n,,n=u=2C=3D,r=abc");
        assert!(s.receive(b"r=xyz123,s=AAAA,i=4096").is_err());
        let mut s = Scram::with_nonce(ScramHash::Sha512, "u", Secret::new("p"), "abc".into());
        s.initial().unwrap();
        assert!(s.receive(b"r=abcdef,s=AAAA,i=1").is_err());
    }
}
