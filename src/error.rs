//! The client-level error type shared by the producer, consumer and admin clients.

use crate::protocol::{error_code, DecodeError, EncodeError};

/// What went wrong, in the categories the Python layer maps onto `kafka.errors` classes.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The broker answered with a non-zero error code.
    #[error("[Error {code}] {}: {message}", error_code::name(*code))]
    Broker { code: i16, message: String },
    /// A deadline passed (max_block_ms, request_timeout_ms, delivery_timeout_ms, ...).
    #[error("{0}")]
    Timeout(String),
    /// No bootstrap server could be reached.
    #[error("NoBrokersAvailable: {0}")]
    NoBrokersAvailable(String),
    /// A connection failed or was closed.
    #[error("KafkaConnectionError: {0}")]
    Connection(String),
    /// A record was larger than max_request_size or buffer_memory.
    #[error("{0}")]
    MessageSizeTooLarge(String),
    /// The client was closed while the operation was pending.
    #[error("{0}")]
    Closed(String),
    /// Bytes from the broker could not be decoded.
    #[error("protocol error: {0}")]
    Decode(#[from] DecodeError),
    /// A request could not be encoded.
    #[error("encode error: {0}")]
    Encode(#[from] EncodeError),
    /// The broker does not support a version of an API we need.
    #[error("{0}")]
    UnsupportedVersion(String),
    /// Bad argument or configuration.
    #[error("{0}")]
    InvalidArgument(String),
    /// A blocking call was interrupted (Ctrl-C); the bindings raise the pending Python exception.
    #[error("interrupted")]
    Interrupted,
    /// A call not allowed in the client's current state (kafka-python's IllegalStateError).
    #[error("{0}")]
    IllegalState(String),
    /// An offset commit was rejected for good (kafka-python's CommitFailedError).
    #[error("{0}")]
    CommitFailed(String),
    /// The broker's certificate (or ours) was refused during the TLS handshake. Not retriable.
    #[error("{0}")]
    Authentication(String),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn broker(code: i16, message: impl Into<String>) -> Self {
        Error::Broker { code, message: message.into() }
    }

    /// A failed TLS or SASL authentication: retrying with the same settings cannot succeed.
    pub fn is_auth_failure(&self) -> bool {
        match self {
            Error::Authentication(_) => true,
            Error::Broker { code, .. } => matches!(
                *code,
                error_code::SASL_AUTHENTICATION_FAILED
                    | error_code::UNSUPPORTED_SASL_MECHANISM
                    | error_code::ILLEGAL_SASL_STATE
            ),
            _ => false,
        }
    }

    /// Whether retrying the same operation can succeed.
    pub fn is_retriable(&self) -> bool {
        match self {
            Error::Broker { code, .. } => error_code::is_retriable(*code),
            Error::Connection(_) | Error::Timeout(_) => true,
            _ => false,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
