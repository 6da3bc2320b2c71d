//! Turning the `records` of a Fetch response partition into [`FetchedBatch`]es: decode (with
//! optional CRC checks), drop records before the fetch offset (a compressed batch is returned
//! whole), skip control batches and, for read_committed, batches of aborted transactions.

use std::collections::{BTreeMap, HashSet, VecDeque};

use bytes::Bytes;

use super::subscription::FetchedBatch;
use crate::protocol::messages::AbortedTransaction;
use crate::records::{ControlRecord, ControlRecordType, RecordBatchDecoder, RecordsError};

/// Largest decompressed size of one batch we accept.
pub const MAX_DECOMPRESSED: usize = 256 * 1024 * 1024;

/// The decoded records of one partition and where the next fetch starts.
#[derive(Debug, Default)]
pub struct PartitionRecords {
    pub batches: Vec<FetchedBatch>,
    /// Offset after the last complete batch (the fetch offset if there was none).
    pub next_fetch: i64,
    /// Records handed out (for metrics).
    pub record_count: usize,
}

/// Decodes `records` fetched from `fetch_offset`. A partial batch at the end is left for the next
/// fetch. With `read_committed`, batches of transactions listed in `aborted` are dropped.
pub fn parse_partition_records(
    records: Option<Bytes>,
    fetch_offset: i64,
    check_crcs: bool,
    read_committed: bool,
    aborted: Option<&[AbortedTransaction]>,
) -> Result<PartitionRecords, RecordsError> {
    let mut out = PartitionRecords { next_fetch: fetch_offset, ..Default::default() };
    let Some(records) = records.filter(|r| !r.is_empty()) else {
        return Ok(out);
    };
    // Aborted transactions ordered by first offset (several per producer are possible).
    let mut pending: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    if read_committed {
        for a in aborted.unwrap_or_default() {
            pending.insert((a.first_offset, a.producer_id), a.producer_id);
        }
    }
    let mut aborted_producers: HashSet<i64> = HashSet::new();
    for batch in RecordBatchDecoder::new(records, check_crcs, MAX_DECOMPRESSED) {
        let batch = match batch {
            Ok(b) => b,
            // Data already decoded is kept; the error surfaces if nothing was.
            Err(e) if out.batches.is_empty() && out.next_fetch == fetch_offset => return Err(e),
            Err(_) => break,
        };
        let next_offset = batch.next_offset();
        if next_offset <= fetch_offset {
            continue;
        }
        out.next_fetch = next_offset;
        if read_committed && batch.producer_id >= 0 {
            let last = batch.last_offset();
            while let Some((&(first, pid), _)) = pending.iter().next() {
                if first > last {
                    break;
                }
                pending.remove(&(first, pid));
                aborted_producers.insert(pid);
            }
            if batch.is_control() {
                let is_abort = batch
                    .records
                    .first()
                    .and_then(|r| ControlRecord::decode(r.key.as_ref()).ok())
                    .is_some_and(|c| c.record_type == ControlRecordType::Abort);
                if is_abort {
                    aborted_producers.remove(&batch.producer_id);
                }
            } else if batch.is_transactional() && aborted_producers.contains(&batch.producer_id) {
                push_empty(&mut out, batch.partition_leader_epoch, next_offset);
                continue;
            }
        }
        if batch.is_control() {
            push_empty(&mut out, batch.partition_leader_epoch, next_offset);
            continue;
        }
        let timestamp_type = i8::from(batch.timestamp_type().id() != 0);
        let bytes = batch.size_in_bytes();
        let leader_epoch = batch.partition_leader_epoch;
        let records: VecDeque<_> = batch.records.into_iter().filter(|r| r.offset >= fetch_offset).collect();
        out.record_count += records.len();
        out.batches.push(FetchedBatch { leader_epoch, timestamp_type, records, next_offset, bytes });
    }
    Ok(out)
}

/// Records that skip offsets without data (control or aborted batches): an empty batch that still
/// moves the position once consumed. Consecutive empty batches are merged.
fn push_empty(out: &mut PartitionRecords, leader_epoch: i32, next_offset: i64) {
    if let Some(last) = out.batches.last_mut() {
        if last.records.is_empty() {
            last.next_offset = next_offset;
            return;
        }
    }
    out.batches.push(FetchedBatch {
        leader_epoch,
        timestamp_type: 0,
        records: VecDeque::new(),
        next_offset,
        bytes: 0,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compression::Compression;
    use crate::records::{Record, RecordBatch, CONTROL_FLAG, TRANSACTIONAL_FLAG};
    use bytes::BytesMut;

    fn batch(base: i64, values: Vec<(Option<Bytes>, Option<Bytes>)>, attributes: i16, pid: i64) -> Vec<u8> {
        let records: Vec<Record> = values
            .into_iter()
            .enumerate()
            .map(|(i, (key, value))| Record {
                offset: base + i as i64,
                timestamp: 1000 + i as i64,
                key,
                value,
                headers: vec![],
                size_in_bytes: 0,
            })
            .collect();
        let b = RecordBatch {
            base_offset: base,
            batch_length: 0,
            partition_leader_epoch: 0,
            magic: 2,
            crc: 0,
            attributes,
            last_offset_delta: records.len() as i32 - 1,
            base_timestamp: 1000,
            max_timestamp: 1000,
            producer_id: pid,
            producer_epoch: 0,
            base_sequence: if pid >= 0 { 0 } else { -1 },
            records,
        };
        let mut out = BytesMut::new();
        b.encode(&mut out).unwrap();
        out.to_vec()
    }

    fn build(base: i64, n: usize, compression: Compression, pid: i64, transactional: bool) -> Vec<u8> {
        let values = (0..n).map(|i| (None, Some(Bytes::from(format!("v{}", base + i as i64))))).collect();
        let attrs = compression.attribute_bits() | if transactional { TRANSACTIONAL_FLAG } else { 0 };
        batch(base, values, attrs, pid)
    }

    fn control(base: i64, pid: i64, kind: ControlRecordType) -> Vec<u8> {
        let key = ControlRecord { version: 0, record_type: kind }.encode_key();
        let value = ControlRecord::encode_marker_value(0);
        batch(base, vec![(Some(key), Some(value))], TRANSACTIONAL_FLAG | CONTROL_FLAG, pid)
    }

    fn offsets(p: &PartitionRecords) -> Vec<i64> {
        p.batches.iter().flat_map(|b| b.records.iter().map(|r| r.offset)).collect()
    }

    #[test]
    fn partial_batch_at_the_end_is_left_for_the_next_fetch() {
        let mut buf = BytesMut::new();
        buf.extend_from_slice(&build(0, 3, Compression::None, -1, false));
        let second = build(3, 3, Compression::None, -1, false);
        buf.extend_from_slice(&second[..second.len() - 5]);
        let p = parse_partition_records(Some(buf.freeze()), 0, true, false, None).unwrap();
        assert_eq!(offsets(&p), vec![0, 1, 2]);
        assert_eq!(p.next_fetch, 3);
        // Only a partial batch: nothing, and the fetch offset stays.
        let p =
            parse_partition_records(Some(Bytes::from(second[..20].to_vec())), 3, true, false, None).unwrap();
        assert!(p.batches.is_empty());
        assert_eq!(p.next_fetch, 3);
    }

    #[test]
    fn records_before_the_fetch_offset_are_dropped() {
        for c in
            [Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd]
        {
            let buf = Bytes::from(build(10, 5, c, -1, false));
            let p = parse_partition_records(Some(buf), 12, true, false, None).unwrap();
            assert_eq!(offsets(&p), vec![12, 13, 14], "{c:?}");
            assert_eq!(p.next_fetch, 15);
        }
    }

    #[test]
    fn corrupt_crc_is_an_error_only_when_checked() {
        let mut b = build(0, 2, Compression::None, -1, false);
        let n = b.len();
        b[n - 2] ^= 0x01; // a value byte
        assert!(matches!(
            parse_partition_records(Some(Bytes::from(b.clone())), 0, true, false, None),
            Err(RecordsError::CrcMismatch { .. })
        ));
        assert!(parse_partition_records(Some(Bytes::from(b)), 0, false, false, None).is_ok());
    }

    #[test]
    fn read_committed_skips_aborted_transactions_and_control_batches() {
        let mut buf = Vec::new();
        buf.extend(build(0, 2, Compression::None, 7, true)); // aborted: 0,1
        buf.extend(control(2, 7, ControlRecordType::Abort)); // 2
        buf.extend(build(3, 2, Compression::None, 8, true)); // committed: 3,4
        buf.extend(control(5, 8, ControlRecordType::Commit)); // 5
        buf.extend(build(6, 1, Compression::None, -1, false)); // 6
        let aborted = [AbortedTransaction { producer_id: 7, first_offset: 0 }];
        let buf = Bytes::from(buf);
        let p = parse_partition_records(Some(buf.clone()), 0, true, true, Some(&aborted)).unwrap();
        assert_eq!(offsets(&p), vec![3, 4, 6]);
        assert_eq!(p.next_fetch, 7);
        let p = parse_partition_records(Some(buf), 0, true, false, Some(&aborted)).unwrap();
        assert_eq!(offsets(&p), vec![0, 1, 3, 4, 6]);
    }

    #[test]
    fn control_only_response_moves_the_position() {
        let buf = Bytes::from(control(5, 8, ControlRecordType::Commit));
        let p = parse_partition_records(Some(buf), 5, true, true, Some(&[])).unwrap();
        assert!(offsets(&p).is_empty());
        assert_eq!(p.batches.len(), 1);
        assert_eq!(p.batches[0].next_offset, 6);
        assert_eq!(p.next_fetch, 6);
    }
}
