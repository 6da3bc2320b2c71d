//! Decoding the `records` field of a Fetch response: consecutive batches, the last of which may
//! be cut short by the broker's size limit.

use super::attributes::TimestampType;
use super::record::{decode_record, BatchContext};
use super::{malformed, offsets, RecordBatch, RecordsError, LOG_OVERHEAD, MAGIC, RECORD_BATCH_OVERHEAD};
use crate::compression::{decompress, Compression};
use crate::protocol::primitives::{get_i16, get_i32, get_i64, get_i8, get_u32};
use bytes::{Buf, Bytes};

/// Smallest record: length, attributes, timestamp delta, offset delta, key, value and header
/// count, one byte each.
const MIN_RECORD_SIZE: usize = 7;

/// Decodes every complete batch in `buf`. A partial batch at the end (brokers truncate the
/// response at the fetch size) is not an error: decoding stops there. CRC-32C mismatches are
/// errors when `check_crcs`; a compressed records section may expand to at most
/// `max_decompressed` bytes.
pub fn decode_batches(
    buf: Bytes,
    check_crcs: bool,
    max_decompressed: usize,
) -> Result<Vec<RecordBatch>, RecordsError> {
    RecordBatchDecoder::new(buf, check_crcs, max_decompressed).collect()
}

/// An iterator over the batches in a `records` buffer; see [`decode_batches`]. After an error it
/// yields nothing more.
#[derive(Debug, Clone)]
pub struct RecordBatchDecoder {
    buf: Bytes,
    check_crcs: bool,
    max_decompressed: usize,
    done: bool,
}

impl RecordBatchDecoder {
    /// Iterates over the batches in `buf`.
    pub fn new(buf: Bytes, check_crcs: bool, max_decompressed: usize) -> Self {
        RecordBatchDecoder { buf, check_crcs, max_decompressed, done: false }
    }

    /// The bytes not consumed yet: after iteration ends without error, the partial batch at the
    /// end of the buffer (empty if there was none).
    pub fn remaining(&self) -> &Bytes {
        &self.buf
    }

    /// Splits the next complete batch off the buffer, `None` if only a partial batch is left.
    fn next_frame(&mut self) -> Result<Option<Bytes>, RecordsError> {
        let mut peek = self.buf.clone();
        if peek.len() < LOG_OVERHEAD {
            return Ok(None);
        }
        let base_offset = get_i64(&mut peek)?;
        let length = get_i32(&mut peek)?;
        // Enough for the magic byte of any format; smaller is corrupt, not partial.
        let min = offsets::MAGIC + 1 - LOG_OVERHEAD;
        let length = usize::try_from(length).ok().filter(|&n| n >= min);
        let length =
            length.ok_or_else(|| malformed(format!("invalid batch length at offset {base_offset}")))?;
        let total = length.saturating_add(LOG_OVERHEAD);
        if self.buf.len() < total {
            return Ok(None);
        }
        Ok(Some(self.buf.split_to(total)))
    }
}

impl Iterator for RecordBatchDecoder {
    type Item = Result<RecordBatch, RecordsError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let result = match self.next_frame() {
            Ok(Some(frame)) => decode_batch(frame, self.check_crcs, self.max_decompressed),
            Ok(None) => {
                self.done = true;
                return None;
            }
            Err(e) => Err(e),
        };
        if result.is_err() {
            self.done = true;
        }
        Some(result)
    }
}

/// Decodes one complete batch (`frame` holds exactly `batchLength + 12` bytes).
fn decode_batch(
    frame: Bytes,
    check_crcs: bool,
    max_decompressed: usize,
) -> Result<RecordBatch, RecordsError> {
    let mut buf = frame.clone();
    let base_offset = get_i64(&mut buf)?;
    let batch_length = get_i32(&mut buf)?;
    let partition_leader_epoch = get_i32(&mut buf)?;
    let magic = get_i8(&mut buf)?;
    if magic != MAGIC {
        return Err(RecordsError::UnsupportedMagic { magic, base_offset });
    }
    if frame.len() < RECORD_BATCH_OVERHEAD {
        return Err(malformed(format!("batch at offset {base_offset} is shorter than its header")));
    }
    let crc = get_u32(&mut buf)?;
    if check_crcs {
        let computed = crc32c::crc32c(frame.get(offsets::ATTRIBUTES..).unwrap_or_default());
        if computed != crc {
            return Err(RecordsError::CrcMismatch { base_offset, stored: crc, computed });
        }
    }
    let attributes = get_i16(&mut buf)?;
    let last_offset_delta = get_i32(&mut buf)?;
    let base_timestamp = get_i64(&mut buf)?;
    let max_timestamp = get_i64(&mut buf)?;
    let producer_id = get_i64(&mut buf)?;
    let producer_epoch = get_i16(&mut buf)?;
    let base_sequence = get_i32(&mut buf)?;
    let count = get_i32(&mut buf)?;
    let count = usize::try_from(count).map_err(|_| malformed(format!("negative record count {count}")))?;

    let codec = Compression::from_attributes(attributes)?;
    let mut data = match codec {
        Compression::None => buf,
        _ => Bytes::from(decompress(codec, &buf, max_decompressed)?),
    };
    let ctx = BatchContext {
        base_offset,
        base_timestamp,
        log_append_time: match TimestampType::from_attributes(attributes) {
            TimestampType::LogAppendTime => Some(max_timestamp),
            TimestampType::CreateTime => None,
        },
    };
    let mut records = Vec::with_capacity(count.min(data.len() / MIN_RECORD_SIZE));
    for _ in 0..count {
        records.push(decode_record(&mut data, &ctx)?);
    }
    if data.has_remaining() {
        return Err(malformed(format!(
            "{} bytes left after the last record of batch {base_offset}",
            data.len()
        )));
    }
    Ok(RecordBatch {
        base_offset,
        batch_length,
        partition_leader_epoch,
        magic,
        crc,
        attributes,
        last_offset_delta,
        base_timestamp,
        max_timestamp,
        producer_id,
        producer_epoch,
        base_sequence,
        records,
    })
}
