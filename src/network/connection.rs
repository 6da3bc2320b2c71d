//! One TCP connection to one broker, with pipelined requests.
//!
//! Requests are framed (size prefix + header + body) by the caller's task and handed to a writer
//! task; a reader task matches responses to requests. Kafka answers requests on a connection in
//! the order it received them, so pending requests wait in a FIFO and each response's correlation
//! id is checked against the head. `max_in_flight` bounds the number of unanswered requests.
//! On any I/O or framing error the connection is marked dead and every pending request fails with
//! a retriable connection error; the client then opens a new connection.
//!
//! The stream is plain TCP or TLS (`security_protocol` SSL / SASL_SSL); with SASL the connection
//! authenticates right after ApiVersions, before it is handed out, and re-authenticates on the
//! same stream before the broker's session lifetime ends (KIP-368), holding new requests back
//! meanwhile (requests already in flight are answered as usual).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use parking_lot::Mutex;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit, RwLock as AsyncRwLock, Semaphore};

use crate::error::{Error, Result};
use crate::protocol::header::{response_header_version, RequestHeader, ResponseHeader};
use crate::protocol::messages::{ApiVersionsRequest, ApiVersionsResponse};
use crate::protocol::{error_code, ApiKey, Message, Request};
use crate::security::{sasl, SaslMechanism, SecurityConfig};

/// A response is read in pieces of at most this size: memory grows with the bytes that
/// arrive, never with what a length field claims.
const READ_CHUNK: usize = 256 * 1024;
const UNSUPPORTED_VERSION: i16 = 35;

/// Settings a connection needs.
#[derive(Debug, Clone)]
pub struct ConnectionConfig {
    pub client_id: String,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub max_in_flight: usize,
    /// Largest response frame accepted (`receive_message_max_bytes`); larger ones end the
    /// connection with an error instead of being read.
    pub max_response_size: usize,
    /// TLS and SASL (default: PLAINTEXT).
    pub security: SecurityConfig,
}

struct Pending {
    correlation_id: i32,
    header_version: i16,
    reply: oneshot::Sender<Result<Bytes>>,
    _permit: OwnedSemaphorePermit,
}

struct Outgoing {
    frame: Bytes,
    pending: Option<Pending>,
}

/// A live connection to a broker.
pub struct Connection {
    addr: String,
    config: ConnectionConfig,
    tx: mpsc::UnboundedSender<Outgoing>,
    queue: Arc<Mutex<VecDeque<Pending>>>,
    in_flight: Arc<Semaphore>,
    next_correlation_id: AtomicI32,
    dead: Arc<AtomicBool>,
    versions: HashMap<i16, (i16, i16)>,
    /// The cluster's finalized feature levels (KIP-584) as this broker reported them:
    /// name -> max version level (`transaction.version`, `metadata.version`, ...).
    features: Vec<(String, i16)>,
    /// With SASL: new requests take it shared; re-authentication takes it exclusively.
    auth_gate: Option<Arc<AsyncRwLock<()>>>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("addr", &self.addr).finish()
    }
}

impl Connection {
    /// Connects to `addr` ("host:port"), secures the stream (TLS), negotiates API versions and
    /// authenticates (SASL) as `config.security` says.
    pub async fn connect(addr: &str, config: ConnectionConfig) -> Result<Arc<Connection>> {
        let stream = tokio::time::timeout(config.connect_timeout, TcpStream::connect(addr))
            .await
            .map_err(|_| Error::Connection(format!("connect to {addr} timed out")))?
            .map_err(|e| Error::Connection(format!("connect to {addr}: {e}")))?;
        let _ = stream.set_nodelay(true);
        let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h).to_string();
        let (tx, rx) = mpsc::unbounded_channel();
        let queue = Arc::new(Mutex::new(VecDeque::new()));
        let dead = Arc::new(AtomicBool::new(false));
        let max_response_size = config.max_response_size;
        let mut conn = Connection {
            addr: addr.to_string(),
            in_flight: Arc::new(Semaphore::new(config.max_in_flight.max(1))),
            config,
            tx,
            queue: queue.clone(),
            next_correlation_id: AtomicI32::new(0),
            dead: dead.clone(),
            versions: HashMap::new(),
            features: Vec::new(),
            auth_gate: None,
        };
        match conn.config.security.tls.clone() {
            Some(tls) => {
                let tls_stream =
                    tokio::time::timeout(conn.config.connect_timeout, tls.connect(&host, stream))
                        .await
                        .map_err(|_| Error::Connection(format!("SSL handshake with {addr} timed out")))??;
                let (rd, wr) = tokio::io::split(tls_stream);
                tokio::spawn(write_loop(wr, rx, queue.clone(), dead.clone()));
                tokio::spawn(read_loop(rd, queue, dead, max_response_size));
            }
            None => {
                let (rd, wr) = stream.into_split();
                tokio::spawn(write_loop(wr, rx, queue.clone(), dead.clone()));
                tokio::spawn(read_loop(rd, queue, dead, max_response_size));
            }
        }
        (conn.versions, conn.features) = conn.negotiate_versions().await?;
        let Some(mech) = conn.config.security.sasl.clone() else {
            return Ok(Arc::new(conn));
        };
        let lifetime = sasl::authenticate(&conn, &mech, &host).await.inspect_err(|_| conn.close())?;
        conn.auth_gate = Some(Arc::new(AsyncRwLock::new(())));
        let conn = Arc::new(conn);
        if let Some(lifetime) = lifetime {
            tokio::spawn(reauthenticate(Arc::downgrade(&conn), mech, host, lifetime));
        }
        Ok(conn)
    }

    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// Whether the connection has failed or closed.
    pub fn is_dead(&self) -> bool {
        self.dead.load(Ordering::Acquire)
    }

    /// Closes the connection; pending requests fail.
    pub fn close(&self) {
        self.dead.store(true, Ordering::Release);
        fail_all(&self.queue, "connection closed");
    }

    /// Every API the broker supports: key -> (min, max) version.
    pub fn api_versions(&self) -> &HashMap<i16, (i16, i16)> {
        &self.versions
    }

    /// The broker's (min, max) versions for an API, if it supports it.
    pub fn broker_versions(&self, key: ApiKey) -> Option<(i16, i16)> {
        self.versions.get(&key.as_i16()).copied()
    }

    /// The version to use for `R`: min(the client's cap, broker max), or an error if the ranges
    /// do not meet. The cap is [`Request::CLIENT_MAX_VERSION`], not the declared maximum: versions
    /// above it are declared (decodable) but the client does not fill in what they add.
    pub fn version_for<R: Request>(&self) -> Result<i16> {
        self.version_in::<R>(R::MIN_VERSION, R::CLIENT_MAX_VERSION)
    }

    /// Like [`version_for`](Self::version_for) with our range narrowed to `min..=max`.
    pub fn version_in<R: Request>(&self, min: i16, max: i16) -> Result<i16> {
        let (bmin, bmax) = self.broker_versions(R::API_KEY).ok_or_else(|| {
            Error::UnsupportedVersion(format!("broker {} does not support {}", self.addr, R::API_KEY.name()))
        })?;
        let v = max.min(bmax);
        if v < min.max(bmin) {
            return Err(Error::UnsupportedVersion(format!(
                "no common version of {}: ours {min}..{max}, broker {bmin}..{bmax}",
                R::API_KEY.name()
            )));
        }
        Ok(v)
    }

    /// Sends `req` at the negotiated version and waits for its response.
    pub async fn send<R: Request>(&self, req: &R) -> Result<R::Response> {
        let v = self.version_for::<R>()?;
        self.send_version(req, v).await
    }

    /// Sends `req` at `version` and waits for its response (within request_timeout).
    pub async fn send_version<R: Request>(&self, req: &R, version: i16) -> Result<R::Response> {
        let mut body = self.request_raw::<R>(req, version, true).await?;
        Ok(R::Response::decode(&mut body, version)?)
    }

    /// Sends a request that gets no response (Produce with acks=0).
    pub async fn send_no_response<R: Request>(&self, req: &R, version: i16) -> Result<()> {
        self.request_raw::<R>(req, version, false).await.map(|_| ())
    }

    /// Like [`send_version`](Self::send_version), bypassing the re-authentication gate: only for
    /// the SASL exchange itself.
    pub(crate) async fn send_version_ungated<R: Request>(
        &self,
        req: &R,
        version: i16,
    ) -> Result<R::Response> {
        let mut body = self.submit_ungated(req, version).await?.await?;
        Ok(R::Response::decode(&mut body, version)?)
    }

    async fn request_raw<R: Request>(&self, req: &R, version: i16, expect_response: bool) -> Result<Bytes> {
        if !expect_response {
            let _gate = match &self.auth_gate {
                Some(g) => Some(g.read().await),
                None => None,
            };
            let frame = self.frame(req, version)?;
            let _permit = self.acquire().await?;
            return self
                .tx
                .send(Outgoing { frame: frame.0, pending: None })
                .map(|_| Bytes::new())
                .map_err(|_| Error::Connection(format!("connection to {} is closed", self.addr)));
        }
        self.submit(req, version).await?.await
    }

    fn frame<R: Request>(&self, req: &R, version: i16) -> Result<(Bytes, i32)> {
        if self.is_dead() {
            return Err(Error::Connection(format!("connection to {} is closed", self.addr)));
        }
        let flexible = R::is_flexible(version);
        let correlation_id = self.next_correlation_id.fetch_add(1, Ordering::Relaxed) & i32::MAX;
        let header = RequestHeader {
            api_key: R::API_KEY.as_i16(),
            api_version: version,
            correlation_id,
            client_id: Some(self.config.client_id.clone()),
        };
        let mut frame = BytesMut::with_capacity(64);
        frame.put_i32(0);
        header.encode(&mut frame, RequestHeader::version_for(flexible))?;
        req.encode(&mut frame, version)?;
        let size = i32::try_from(frame.len() - 4)
            .map_err(|_| Error::InvalidArgument("request larger than 2 GiB".into()))?;
        frame[..4].copy_from_slice(&size.to_be_bytes());
        Ok((frame.freeze(), correlation_id))
    }

    async fn acquire(&self) -> Result<OwnedSemaphorePermit> {
        self.in_flight
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Connection("connection closed".into()))
    }

    /// Writes `req` (waiting for an in-flight slot) and returns a future for its response body.
    /// Requests submitted one after another from one task go out in that order.
    pub async fn submit<R: Request>(
        &self,
        req: &R,
        version: i16,
    ) -> Result<impl std::future::Future<Output = Result<Bytes>> + Send + 'static> {
        let _gate = match &self.auth_gate {
            Some(g) => Some(g.read().await),
            None => None,
        };
        self.submit_ungated(req, version).await
    }

    async fn submit_ungated<R: Request>(
        &self,
        req: &R,
        version: i16,
    ) -> Result<impl std::future::Future<Output = Result<Bytes>> + Send + 'static> {
        let (frame, correlation_id) = self.frame(req, version)?;
        let permit = self.acquire().await?;
        let (reply_tx, reply_rx) = oneshot::channel();
        let pending = Pending {
            correlation_id,
            header_version: response_header_version(R::API_KEY, R::is_flexible(version)),
            reply: reply_tx,
            _permit: permit,
        };
        self.tx
            .send(Outgoing { frame, pending: Some(pending) })
            .map_err(|_| Error::Connection(format!("connection to {} is closed", self.addr)))?;
        let timeout = self.config.request_timeout;
        let addr = self.addr.clone();
        let dead = self.dead.clone();
        let queue = self.queue.clone();
        Ok(async move {
            match tokio::time::timeout(timeout, reply_rx).await {
                Ok(Ok(r)) => r,
                Ok(Err(_)) => Err(Error::Connection(format!("connection to {addr} closed"))),
                Err(_) => {
                    // A request that timed out leaves the stream in an unknown state: drop it.
                    dead.store(true, Ordering::Release);
                    fail_all(&queue, "request timed out");
                    Err(Error::Timeout(format!(
                        "{} request to {addr} timed out after {} ms",
                        R::API_KEY.name(),
                        timeout.as_millis()
                    )))
                }
            }
        })
    }

    /// The finalized level of cluster feature `name` (KIP-584) when this connection was made;
    /// `None` when the broker finalizes no such feature (or predates ApiVersions v3).
    pub fn finalized_feature(&self, name: &str) -> Option<i16> {
        self.features.iter().find(|(n, _)| n == name).map(|(_, level)| *level)
    }

    /// ApiVersions: the broker's version ranges and the finalized features it reports.
    #[allow(clippy::type_complexity)]
    async fn negotiate_versions(&self) -> Result<(HashMap<i16, (i16, i16)>, Vec<(String, i16)>)> {
        let req = ApiVersionsRequest {
            client_software_name: "kafka-python-rs".into(),
            client_software_version: env!("CARGO_PKG_VERSION").into(),
            ..ApiVersionsRequest::default()
        };
        let mut resp: ApiVersionsResponse = {
            let mut body = self.request_raw::<ApiVersionsRequest>(&req, 3, true).await?;
            ApiVersionsResponse::decode(&mut body.clone(), 3)
                .or_else(|_| ApiVersionsResponse::decode(&mut body, 0))?
        };
        if resp.error_code == UNSUPPORTED_VERSION {
            // The broker answered in v0 with the versions it knows; retry with v0 as Java does.
            let mut body =
                self.request_raw::<ApiVersionsRequest>(&ApiVersionsRequest::default(), 0, true).await?;
            resp = ApiVersionsResponse::decode(&mut body, 0)?;
        }
        if resp.error_code != 0 {
            return Err(Error::broker(
                resp.error_code,
                format!("ApiVersions failed: {}", error_code::name(resp.error_code)),
            ));
        }
        let versions = resp.api_keys.iter().map(|k| (k.api_key, (k.min_version, k.max_version))).collect();
        let features =
            resp.finalized_features.iter().map(|f| (f.name.clone(), f.max_version_level)).collect();
        Ok((versions, features))
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.dead.store(true, Ordering::Release);
    }
}

/// KIP-368: re-authenticates `conn` at 85-95% of each session lifetime (as the Java client does);
/// a failed re-authentication closes the connection, so the next request reconnects and reports
/// the failure.
async fn reauthenticate(
    conn: std::sync::Weak<Connection>,
    mech: Arc<SaslMechanism>,
    host: String,
    lifetime: Duration,
) {
    let mut lifetime = lifetime;
    loop {
        let wait = lifetime.mul_f64(0.85 + fastrand::f64() * 0.10);
        tokio::time::sleep(wait).await;
        let Some(c) = conn.upgrade() else { return };
        if c.is_dead() {
            return;
        }
        let Some(gate) = c.auth_gate.clone() else { return };
        let result = {
            let _exclusive = gate.write().await;
            sasl::authenticate(&c, &mech, &host).await
        };
        match result {
            Ok(Some(next)) => {
                log::debug!("re-authenticated to {} (session lifetime {} ms)", c.addr, next.as_millis());
                lifetime = next;
            }
            Ok(None) => return,
            Err(e) => {
                log::warn!("re-authentication to {} failed: {e}; closing the connection", c.addr);
                c.close();
                return;
            }
        }
    }
}

fn fail_all(queue: &Mutex<VecDeque<Pending>>, why: &str) {
    let drained: Vec<Pending> = queue.lock().drain(..).collect();
    for p in drained {
        let _ = p.reply.send(Err(Error::Connection(why.to_string())));
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(
    wr: W,
    mut rx: mpsc::UnboundedReceiver<Outgoing>,
    queue: Arc<Mutex<VecDeque<Pending>>>,
    dead: Arc<AtomicBool>,
) {
    let mut wr = BufWriter::with_capacity(256 * 1024, wr);
    while let Some(out) = rx.recv().await {
        if dead.load(Ordering::Acquire) {
            break;
        }
        let mut batch = vec![out];
        // Coalesce everything already queued into one flush.
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        let mut failed = false;
        for out in batch {
            if let Some(p) = out.pending {
                queue.lock().push_back(p);
            }
            if failed {
                continue;
            }
            if wr.write_all(&out.frame).await.is_err() {
                failed = true;
            }
        }
        if failed || wr.flush().await.is_err() {
            dead.store(true, Ordering::Release);
            fail_all(&queue, "write to broker failed");
            break;
        }
    }
    let _ = wr.shutdown().await;
    dead.store(true, Ordering::Release);
    fail_all(&queue, "connection closed");
}

/// Whether `e` is a TLS alert in which the peer refused our certificate (or its absence).
fn refused_by_peer(e: &std::io::Error) -> bool {
    use rustls::AlertDescription as A;
    matches!(
        e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()),
        Some(rustls::Error::AlertReceived(
            A::BadCertificate
                | A::CertificateRequired
                | A::UnknownCA
                | A::CertificateRevoked
                | A::CertificateExpired
                | A::CertificateUnknown
                | A::UnsupportedCertificate
                | A::AccessDenied
        ))
    )
}

/// Reads a `size`-byte frame body, growing the buffer with the bytes that actually arrive.
async fn read_frame<R: AsyncRead + Unpin>(rd: &mut R, size: usize) -> std::io::Result<BytesMut> {
    let mut buf = BytesMut::with_capacity(size.min(READ_CHUNK));
    while buf.len() < size {
        let want = (size - buf.len()).min(READ_CHUNK);
        buf.reserve(want);
        let n = (&mut *rd).take(want as u64).read_buf(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    }
    Ok(buf)
}

async fn read_loop<R: AsyncRead + Unpin>(
    mut rd: R,
    queue: Arc<Mutex<VecDeque<Pending>>>,
    dead: Arc<AtomicBool>,
    max_response_size: usize,
) {
    let why = loop {
        let size = match rd.read_i32().await {
            Ok(s) => s,
            Err(e) if refused_by_peer(&e) => {
                // The broker refused our TLS identity (e.g. no or an untrusted client certificate
                // with ssl.client.auth=required): an authentication failure, not worth retrying.
                let why = format!("SSL authentication failed: {e}");
                let drained: Vec<Pending> = queue.lock().drain(..).collect();
                for p in drained {
                    let _ = p.reply.send(Err(Error::Authentication(why.clone())));
                }
                break why;
            }
            Err(e) => break format!("read from broker failed: {e}"),
        };
        let size = match usize::try_from(size) {
            Ok(s) if s >= 4 && s <= max_response_size => s,
            Ok(s) if s > max_response_size => {
                break format!(
                    "response of {s} bytes is larger than receive_message_max_bytes ({max_response_size})"
                )
            }
            _ => break format!("invalid response size {size}"),
        };
        let buf = match read_frame(&mut rd, size).await {
            Ok(b) => b,
            Err(e) => break format!("read from broker failed: {e}"),
        };
        let mut body = buf.freeze();
        let pending = queue.lock().pop_front();
        let Some(p) = pending else {
            break "response without a pending request".to_string();
        };
        let header = match ResponseHeader::decode(&mut body, p.header_version) {
            Ok(h) => h,
            Err(e) => {
                let _ = p.reply.send(Err(e.into()));
                break "bad response header".to_string();
            }
        };
        if header.correlation_id != p.correlation_id {
            let _ = p.reply.send(Err(Error::Connection("correlation id mismatch".into())));
            break format!(
                "correlation id mismatch: expected {}, got {}",
                p.correlation_id, header.correlation_id
            );
        }
        let _ = p.reply.send(Ok(body));
        if dead.load(Ordering::Acquire) && queue.lock().is_empty() {
            break "connection closed".to_string();
        }
    };
    log::debug!("connection reader stopped: {why}");
    dead.store(true, Ordering::Release);
    fail_all(&queue, &why);
}
