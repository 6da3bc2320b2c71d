//! RecordBatch v2 (magic 2): encoding, decoding, CRC-32C.
//!
//! Since Kafka 0.11 a partition's log — and the `records` field of Produce and Fetch — is a
//! sequence of record batches. Every batch starts with a fixed 61-byte header (all integers
//! big-endian):
//!
//! ```text
//! offset  field                 type
//!      0  baseOffset            int64
//!      8  batchLength           int32   bytes after this field (total size - 12)
//!     12  partitionLeaderEpoch  int32
//!     16  magic                 int8    2
//!     17  crc                   uint32  CRC-32C of everything from attributes to the end
//!     21  attributes            int16   bits 0-2 codec, 3 timestamp type, 4 transactional,
//!                                       5 control
//!     23  lastOffsetDelta       int32
//!     27  baseTimestamp         int64
//!     35  maxTimestamp          int64
//!     43  producerId            int64   -1 without idempotence
//!     51  producerEpoch         int16
//!     53  baseSequence          int32
//!     57  recordCount           int32
//!     61  records               the records, compressed as one block when a codec is set
//! ```
//!
//! Each record is length-prefixed and variable-length (zig-zag varints):
//!
//! ```text
//! length varint, attributes int8 (unused), timestampDelta varlong, offsetDelta varint,
//! keyLength varint (-1 = null), key, valueLength varint (-1 = null), value,
//! headerCount varint, then per header: keyLength varint, key (UTF-8), valueLength varint
//! (-1 = null), value
//! ```
//!
//! A record's offset is `baseOffset + offsetDelta` and its timestamp `baseTimestamp +
//! timestampDelta`, except in LOG_APPEND_TIME batches where every record carries the batch's
//! `maxTimestamp`. Control batches (transaction markers) hold one control record whose key is
//! `version int16, type int16` (0 ABORT, 1 COMMIT) — see [`ControlRecord`].
//!
//! [`RecordBatchBuilder`] is the producer's side, [`decode_batches`] / [`RecordBatchDecoder`]
//! the consumer's. Legacy message sets (magic 0 and 1) are not supported.

mod attributes;
mod batch;
mod builder;
mod control;
mod decode;
mod record;

pub use attributes::{
    TimestampType, COMPRESSION_MASK, CONTROL_FLAG, TIMESTAMP_TYPE_FLAG, TRANSACTIONAL_FLAG,
};
pub use batch::RecordBatch;
pub use builder::RecordBatchBuilder;
pub use control::{ControlRecord, ControlRecordType};
pub use decode::{decode_batches, RecordBatchDecoder};
pub use record::Record;

use crate::compression::CompressionError;
use crate::protocol::DecodeError;

/// The magic byte of RecordBatch v2.
pub const MAGIC: i8 = 2;
/// baseOffset + batchLength: the bytes not counted by `batchLength`.
pub const LOG_OVERHEAD: usize = 12;
/// Size of the batch header, i.e. of a batch with no records.
pub const RECORD_BATCH_OVERHEAD: usize = 61;
/// `producerId` of a batch written without idempotence.
pub const NO_PRODUCER_ID: i64 = -1;
/// `producerEpoch` of a batch written without idempotence.
pub const NO_PRODUCER_EPOCH: i16 = -1;
/// `baseSequence` of a batch written without idempotence.
pub const NO_SEQUENCE: i32 = -1;
/// `partitionLeaderEpoch` as written by producers.
pub const NO_PARTITION_LEADER_EPOCH: i32 = -1;
/// The timestamp of an empty batch.
pub const NO_TIMESTAMP: i64 = -1;

/// Byte offsets of the batch header fields, per the Kafka protocol.
pub mod offsets {
    /// `baseOffset` (int64).
    pub const BASE_OFFSET: usize = 0;
    /// `batchLength` (int32).
    pub const BATCH_LENGTH: usize = 8;
    /// `partitionLeaderEpoch` (int32).
    pub const PARTITION_LEADER_EPOCH: usize = 12;
    /// `magic` (int8).
    pub const MAGIC: usize = 16;
    /// `crc` (uint32).
    pub const CRC: usize = 17;
    /// `attributes` (int16); the CRC covers from here to the end of the batch.
    pub const ATTRIBUTES: usize = 21;
    /// `lastOffsetDelta` (int32).
    pub const LAST_OFFSET_DELTA: usize = 23;
    /// `baseTimestamp` (int64).
    pub const BASE_TIMESTAMP: usize = 27;
    /// `maxTimestamp` (int64).
    pub const MAX_TIMESTAMP: usize = 35;
    /// `producerId` (int64).
    pub const PRODUCER_ID: usize = 43;
    /// `producerEpoch` (int16).
    pub const PRODUCER_EPOCH: usize = 51;
    /// `baseSequence` (int32).
    pub const BASE_SEQUENCE: usize = 53;
    /// `recordCount` (int32).
    pub const RECORD_COUNT: usize = 57;
    /// First record.
    pub const RECORDS: usize = 61;
}

/// Why record batches could not be built or decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordsError {
    /// Truncated or malformed bytes inside a batch.
    #[error("corrupt record batch: {0}")]
    Decode(#[from] DecodeError),
    /// The stored CRC-32C does not match the batch contents.
    #[error("record batch at offset {base_offset} is corrupt: stored CRC {stored:#010x}, computed {computed:#010x}")]
    CrcMismatch { base_offset: i64, stored: u32, computed: u32 },
    /// A legacy message set (magic 0 or 1) or an unknown format.
    #[error(
        "message format magic {magic} at offset {base_offset} is not supported (only RecordBatch v2, magic 2)"
    )]
    UnsupportedMagic { magic: i8, base_offset: i64 },
    /// The records section could not be (de)compressed.
    #[error(transparent)]
    Compression(#[from] CompressionError),
    /// A batch needs at least one record.
    #[error("cannot build an empty record batch")]
    EmptyBatch,
    /// A record or batch does not fit the wire format's 32-bit sizes and counts.
    #[error("{0} is too large for a record batch")]
    TooLarge(&'static str),
}

pub(crate) fn malformed(message: impl Into<String>) -> RecordsError {
    RecordsError::Decode(DecodeError::Malformed(message.into()))
}

#[cfg(test)]
mod tests;
