//! The Kafka wire protocol: primitive types, request/response headers, API keys, error codes and
//! one module per API message under [`messages`].
//!
//! Every message type implements [`Message`] (encode/decode for each version in its range, both
//! directions, so round-trip tests cover all of them) and requests implement [`Request`], which
//! ties a request to its response type, API key and version range.

pub mod api_key;
pub mod declare;
pub mod error_code;
pub mod header;
pub mod messages;
pub mod primitives;
pub mod wire;

pub use api_key::ApiKey;
pub use primitives::{DecodeError, DecodeResult, EncodeError, EncodeResult};

use bytes::{Bytes, BytesMut};

/// A protocol struct that can be written and read at a given API version.
pub trait Message: Sized {
    /// Writes `self` as version `version` of the message.
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult;
    /// Reads version `version` of the message.
    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self>;
}

/// A request: a message with an API key, a supported version range and a response type.
pub trait Request: Message {
    const API_KEY: ApiKey;
    /// Lowest version we can send.
    const MIN_VERSION: i16;
    /// Highest declared version: we encode and decode every version up to it.
    const MAX_VERSION: i16;
    /// Highest version the client negotiates: the client's logic fills in every field up to it
    /// (`kafka_api!`'s `client ..=c` clause; `MAX_VERSION` when absent).
    const CLIENT_MAX_VERSION: i16 = Self::MAX_VERSION;
    /// First version that uses flexible (compact, tagged-field) encoding; `i16::MAX` if none.
    const FLEXIBLE_FROM: i16;
    type Response: Message;

    /// Whether `version` uses flexible encoding.
    fn is_flexible(version: i16) -> bool {
        version >= Self::FLEXIBLE_FROM
    }
}

/// Rejects a version outside `min..=max` before encoding.
pub fn check_version(api: &'static str, version: i16, min: i16, max: i16) -> EncodeResult {
    if version < min || version > max {
        Err(EncodeError::UnsupportedVersion { api, version })
    } else {
        Ok(())
    }
}
