//! [`RecordBatch`]: a decoded batch, and the header writer shared with the builder.

use super::attributes::{TimestampType, CONTROL_FLAG, TRANSACTIONAL_FLAG};
use super::record::RecordFields;
use super::{offsets, Record, RecordsError, LOG_OVERHEAD, MAGIC, RECORD_BATCH_OVERHEAD};
use crate::compression::{compress_with_level, Compression, CompressionError};
use crate::protocol::primitives::{put_i16, put_i32, put_i64, put_i8, put_u32};
use bytes::BytesMut;

/// A decoded RecordBatch v2 with every header field and its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordBatch {
    /// Offset of the first record.
    pub base_offset: i64,
    /// Bytes after the `batchLength` field.
    pub batch_length: i32,
    /// Epoch of the leader that appended the batch (-1 from producers).
    pub partition_leader_epoch: i32,
    /// Format version: always 2 here.
    pub magic: i8,
    /// Stored CRC-32C of the bytes from `attributes` to the end.
    pub crc: u32,
    /// Codec, timestamp type, transactional and control bits.
    pub attributes: i16,
    /// Offset of the last record minus `base_offset`.
    pub last_offset_delta: i32,
    /// Timestamp of the first record (CreateTime batches).
    pub base_timestamp: i64,
    /// Largest record timestamp, or the broker's append time in LOG_APPEND_TIME batches.
    pub max_timestamp: i64,
    /// Idempotent/transactional producer id, -1 if none.
    pub producer_id: i64,
    /// Producer epoch, -1 if none.
    pub producer_epoch: i16,
    /// Sequence number of the first record, -1 if none.
    pub base_sequence: i32,
    /// The records, with absolute offsets and timestamps.
    pub records: Vec<Record>,
}

impl RecordBatch {
    /// The codec named in `attributes`.
    pub fn compression(&self) -> Result<Compression, CompressionError> {
        Compression::from_attributes(self.attributes)
    }

    /// CreateTime or LogAppendTime.
    pub fn timestamp_type(&self) -> TimestampType {
        TimestampType::from_attributes(self.attributes)
    }

    /// Whether the batch belongs to a transaction.
    pub fn is_transactional(&self) -> bool {
        self.attributes & TRANSACTIONAL_FLAG != 0
    }

    /// Whether the batch holds control records (transaction markers) rather than data.
    pub fn is_control(&self) -> bool {
        self.attributes & CONTROL_FLAG != 0
    }

    /// Offset of the last record in the batch (even if compaction removed it).
    pub fn last_offset(&self) -> i64 {
        self.base_offset.wrapping_add(i64::from(self.last_offset_delta))
    }

    /// The offset after this batch: where the next fetch starts.
    pub fn next_offset(&self) -> i64 {
        self.last_offset().wrapping_add(1)
    }

    /// Serialized size of the batch, header included.
    pub fn size_in_bytes(&self) -> usize {
        usize::try_from(self.batch_length).map_or(0, |n| n + LOG_OVERHEAD)
    }

    /// Appends this batch in wire form to `out`: the header fields as stored (except magic, which
    /// is 2, and `batchLength` and `crc`, which are recomputed), records re-encoded relative to
    /// `base_offset` and `base_timestamp` and compressed with the codec in `attributes`.
    pub fn encode(&self, out: &mut BytesMut) -> Result<(), RecordsError> {
        let mut records = BytesMut::new();
        for r in &self.records {
            let offset_delta = i32::try_from(r.offset.wrapping_sub(self.base_offset))
                .map_err(|_| RecordsError::TooLarge("offset delta"))?;
            RecordFields {
                offset_delta,
                timestamp_delta: r.timestamp.wrapping_sub(self.base_timestamp),
                key: r.key.as_deref(),
                value: r.value.as_deref(),
                headers: &r.headers,
            }
            .write(&mut records)?;
        }
        let header = BatchHeader {
            base_offset: self.base_offset,
            partition_leader_epoch: self.partition_leader_epoch,
            attributes: self.attributes,
            last_offset_delta: self.last_offset_delta,
            base_timestamp: self.base_timestamp,
            max_timestamp: self.max_timestamp,
            producer_id: self.producer_id,
            producer_epoch: self.producer_epoch,
            base_sequence: self.base_sequence,
            record_count: i32::try_from(self.records.len())
                .map_err(|_| RecordsError::TooLarge("record count"))?,
        };
        write_batch(out, &header, &records, None)
    }
}

/// The header fields a writer chooses (length, magic and CRC are derived).
pub(crate) struct BatchHeader {
    pub base_offset: i64,
    pub partition_leader_epoch: i32,
    pub attributes: i16,
    pub last_offset_delta: i32,
    pub base_timestamp: i64,
    pub max_timestamp: i64,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub record_count: i32,
}

/// Appends a complete batch to `out`: header, `records` (compressed with the codec in the
/// attributes, at `level`), then patches `batchLength` and the CRC-32C.
pub(crate) fn write_batch(
    out: &mut BytesMut,
    h: &BatchHeader,
    records: &[u8],
    level: Option<i32>,
) -> Result<(), RecordsError> {
    let codec = Compression::from_attributes(h.attributes)?;
    let start = out.len();
    out.reserve(RECORD_BATCH_OVERHEAD + records.len());
    put_i64(out, h.base_offset);
    put_i32(out, 0); // batchLength, patched below
    put_i32(out, h.partition_leader_epoch);
    put_i8(out, MAGIC);
    put_u32(out, 0); // crc, patched below
    put_i16(out, h.attributes);
    put_i32(out, h.last_offset_delta);
    put_i64(out, h.base_timestamp);
    put_i64(out, h.max_timestamp);
    put_i64(out, h.producer_id);
    put_i16(out, h.producer_epoch);
    put_i32(out, h.base_sequence);
    put_i32(out, h.record_count);
    compress_with_level(codec, records, level, out)?;

    let batch = out.get_mut(start..).ok_or(RecordsError::TooLarge("batch"))?;
    let length = batch.len() - LOG_OVERHEAD;
    let length = i32::try_from(length).map_err(|_| RecordsError::TooLarge("batch"))?;
    let crc = crc32c::crc32c(batch.get(offsets::ATTRIBUTES..).unwrap_or_default());
    patch(batch, offsets::BATCH_LENGTH, &length.to_be_bytes());
    patch(batch, offsets::CRC, &crc.to_be_bytes());
    Ok(())
}

fn patch(batch: &mut [u8], at: usize, bytes: &[u8]) {
    if let Some(slot) = batch.get_mut(at..at + bytes.len()) {
        slot.copy_from_slice(bytes);
    }
}
