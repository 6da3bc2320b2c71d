//! [`RecordBatchBuilder`]: the producer's hot path, accumulating records for one partition.
//!
//! Records are varint-encoded straight into one growing buffer as they are appended (no
//! per-record allocation); [`RecordBatchBuilder::build`] adds the 61-byte header, compresses the
//! records as one block if a codec is set, and computes the CRC-32C.

use super::attributes::TRANSACTIONAL_FLAG;
use super::batch::{write_batch, BatchHeader};
use super::record::RecordFields;
use super::{RecordsError, NO_PARTITION_LEADER_EPOCH, NO_TIMESTAMP, RECORD_BATCH_OVERHEAD};
use crate::compression::Compression;
use bytes::{Bytes, BytesMut};

/// Accumulates records into an uncompressed records buffer and builds a RecordBatch v2 from it.
///
/// The first record's timestamp is the batch's base timestamp; later records store a (possibly
/// negative) delta from it. Timestamps are CreateTime.
#[derive(Debug, Clone)]
pub struct RecordBatchBuilder {
    compression: Compression,
    level: Option<i32>,
    records: BytesMut,
    record_count: i32,
    base_timestamp: i64,
    max_timestamp: i64,
    /// Set when a record or the count no longer fits the wire format; `build` then fails.
    too_large: bool,
}

impl RecordBatchBuilder {
    /// An empty builder for `compression`.
    pub fn new(compression: Compression) -> Self {
        Self::with_capacity(compression, 0)
    }

    /// An empty builder whose records buffer starts with `capacity` bytes (e.g. `batch_size`).
    pub fn with_capacity(compression: Compression, capacity: usize) -> Self {
        RecordBatchBuilder {
            compression,
            level: None,
            records: BytesMut::with_capacity(capacity),
            record_count: 0,
            base_timestamp: NO_TIMESTAMP,
            max_timestamp: NO_TIMESTAMP,
            too_large: false,
        }
    }

    /// Sets the codec-specific compression level (see
    /// [`crate::compression::compress_with_level`]); `None` is the codec's default.
    pub fn set_compression_level(&mut self, level: Option<i32>) {
        self.level = level;
    }

    /// The codec the batch will be compressed with.
    pub fn compression(&self) -> Compression {
        self.compression
    }

    fn fields<'a>(
        &self,
        timestamp_ms: i64,
        key: Option<&'a [u8]>,
        value: Option<&'a [u8]>,
        headers: &'a [(&'a str, Option<&'a [u8]>)],
    ) -> RecordFields<'a, (&'a str, Option<&'a [u8]>)> {
        let timestamp_delta =
            if self.is_empty() { 0 } else { timestamp_ms.wrapping_sub(self.base_timestamp) };
        RecordFields { offset_delta: self.record_count, timestamp_delta, key, value, headers }
    }

    /// Appends a record and returns its offset delta (its index in the batch).
    ///
    /// A record too large for the wire format (over 2 GiB) makes [`Self::build`] fail; callers
    /// normally reject such records earlier against `max_request_size`.
    pub fn append(
        &mut self,
        timestamp_ms: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[(&str, Option<&[u8]>)],
    ) -> i32 {
        let offset_delta = self.record_count;
        if self.too_large {
            return offset_delta;
        }
        if self.is_empty() {
            self.base_timestamp = timestamp_ms;
            self.max_timestamp = timestamp_ms;
        }
        let written = self.fields(timestamp_ms, key, value, headers).write(&mut self.records);
        match (written, offset_delta.checked_add(1)) {
            (Ok(()), Some(count)) => {
                self.record_count = count;
                self.max_timestamp = self.max_timestamp.max(timestamp_ms);
            }
            _ => self.too_large = true,
        }
        offset_delta
    }

    /// The exact number of bytes [`Self::append`] would add to the records for this record.
    pub fn estimate_record_size(
        &self,
        timestamp_ms: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[(&str, Option<&[u8]>)],
    ) -> usize {
        self.fields(timestamp_ms, key, value, headers).encoded_len()
    }

    /// Whether the record still fits in `batch_size` bytes of uncompressed batch. An empty
    /// builder always accepts one record, however large, as the Java producer does.
    pub fn has_room_for(
        &self,
        batch_size: usize,
        timestamp_ms: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[(&str, Option<&[u8]>)],
    ) -> bool {
        self.is_empty()
            || self.uncompressed_size().saturating_add(self.estimate_record_size(
                timestamp_ms,
                key,
                value,
                headers,
            )) <= batch_size
    }

    /// Size of the batch if built without compression: header plus records.
    pub fn uncompressed_size(&self) -> usize {
        RECORD_BATCH_OVERHEAD + self.records.len()
    }

    /// Number of records appended.
    pub fn record_count(&self) -> i32 {
        self.record_count
    }

    /// Whether no record was appended.
    pub fn is_empty(&self) -> bool {
        self.record_count == 0
    }

    /// The first record's timestamp, or -1 ([`NO_TIMESTAMP`]) when empty.
    pub fn base_timestamp(&self) -> i64 {
        self.base_timestamp
    }

    /// The largest timestamp appended, or -1 ([`NO_TIMESTAMP`]) when empty.
    pub fn max_timestamp(&self) -> i64 {
        self.max_timestamp
    }

    /// Forgets all records, keeping the buffer's capacity.
    pub fn clear(&mut self) {
        self.records.clear();
        self.record_count = 0;
        self.base_timestamp = NO_TIMESTAMP;
        self.max_timestamp = NO_TIMESTAMP;
        self.too_large = false;
    }

    /// Builds the complete batch: baseOffset 0, partitionLeaderEpoch -1, magic 2, CreateTime,
    /// the codec and transactional bits, the producer fields as given (-1 / -1 / -1 without
    /// idempotence), the records compressed as one block, and the CRC-32C. The builder is left
    /// unchanged, so a batch can be rebuilt (e.g. with another sequence number).
    pub fn build(
        &self,
        producer_id: i64,
        producer_epoch: i16,
        base_sequence: i32,
        is_transactional: bool,
    ) -> Result<Bytes, RecordsError> {
        if self.too_large {
            return Err(RecordsError::TooLarge("record"));
        }
        if self.is_empty() {
            return Err(RecordsError::EmptyBatch);
        }
        let mut attributes = self.compression.attribute_bits();
        if is_transactional {
            attributes |= TRANSACTIONAL_FLAG;
        }
        let header = BatchHeader {
            base_offset: 0,
            partition_leader_epoch: NO_PARTITION_LEADER_EPOCH,
            attributes,
            last_offset_delta: self.record_count - 1,
            base_timestamp: self.base_timestamp,
            max_timestamp: self.max_timestamp,
            producer_id,
            producer_epoch,
            base_sequence,
            record_count: self.record_count,
        };
        let capacity = match self.compression {
            Compression::None => self.uncompressed_size(),
            _ => RECORD_BATCH_OVERHEAD + self.records.len() / 2 + 64,
        };
        let mut out = BytesMut::with_capacity(capacity);
        write_batch(&mut out, &header, &self.records, self.level)?;
        Ok(out.freeze())
    }
}
