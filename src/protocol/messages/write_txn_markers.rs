//! WriteTxnMarkers (key 27): write transaction markers to partitions. Normally sent by the
//! transaction coordinator; the admin client uses it to abort a hanging transaction (KIP-664).
//!
//! Versions 0..=1; v1 is flexible.

use bytes::{Bytes, BytesMut};

use super::{put_tags, skip_tags};
use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 1;
const FLEXIBLE_FROM: i16 = 1;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WritableTxnMarkerTopic {
    pub name: String,
    pub partition_indexes: Vec<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WritableTxnMarker {
    pub producer_id: i64,
    pub producer_epoch: i16,
    /// True: commit, false: abort.
    pub transaction_result: bool,
    pub topics: Vec<WritableTxnMarkerTopic>,
    pub coordinator_epoch: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteTxnMarkersRequest {
    pub markers: Vec<WritableTxnMarker>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WritableTxnMarkerPartitionResult {
    pub partition_index: i32,
    pub error_code: i16,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WritableTxnMarkerTopicResult {
    pub name: String,
    pub partitions: Vec<WritableTxnMarkerPartitionResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WritableTxnMarkerResult {
    pub producer_id: i64,
    pub topics: Vec<WritableTxnMarkerTopicResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteTxnMarkersResponse {
    pub markers: Vec<WritableTxnMarkerResult>,
}

impl Message for WriteTxnMarkersRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("WriteTxnMarkersRequest", version, 0, MAX)?;
        let f = version >= FLEXIBLE_FROM;
        put_array(buf, &self.markers, f, |b, m| {
            put_i64(b, m.producer_id);
            put_i16(b, m.producer_epoch);
            put_bool(b, m.transaction_result);
            put_array(b, &m.topics, f, |b, t| {
                put_string(b, &t.name, f)?;
                put_array(b, &t.partition_indexes, f, |b, p| {
                    put_i32(b, *p);
                    Ok(())
                })?;
                put_tags(b, f);
                Ok(())
            })?;
            put_i32(b, m.coordinator_epoch);
            put_tags(b, f);
            Ok(())
        })?;
        put_tags(buf, f);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let f = version >= FLEXIBLE_FROM;
        let markers = get_array(buf, f, |b| {
            let producer_id = get_i64(b)?;
            let producer_epoch = get_i16(b)?;
            let transaction_result = get_bool(b)?;
            let topics = get_array(b, f, |b| {
                let name = get_string(b, f)?;
                let partition_indexes = get_array(b, f, get_i32)?;
                skip_tags(b, f)?;
                Ok(WritableTxnMarkerTopic { name, partition_indexes })
            })?;
            let coordinator_epoch = get_i32(b)?;
            skip_tags(b, f)?;
            Ok(WritableTxnMarker {
                producer_id,
                producer_epoch,
                transaction_result,
                topics,
                coordinator_epoch,
            })
        })?;
        skip_tags(buf, f)?;
        Ok(Self { markers })
    }
}

impl Message for WriteTxnMarkersResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("WriteTxnMarkersResponse", version, 0, MAX)?;
        let f = version >= FLEXIBLE_FROM;
        put_array(buf, &self.markers, f, |b, m| {
            put_i64(b, m.producer_id);
            put_array(b, &m.topics, f, |b, t| {
                put_string(b, &t.name, f)?;
                put_array(b, &t.partitions, f, |b, p| {
                    put_i32(b, p.partition_index);
                    put_i16(b, p.error_code);
                    put_tags(b, f);
                    Ok(())
                })?;
                put_tags(b, f);
                Ok(())
            })?;
            put_tags(b, f);
            Ok(())
        })?;
        put_tags(buf, f);
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        let f = version >= FLEXIBLE_FROM;
        let markers = get_array(buf, f, |b| {
            let producer_id = get_i64(b)?;
            let topics = get_array(b, f, |b| {
                let name = get_string(b, f)?;
                let partitions = get_array(b, f, |b| {
                    let partition_index = get_i32(b)?;
                    let error_code = get_i16(b)?;
                    skip_tags(b, f)?;
                    Ok(WritableTxnMarkerPartitionResult { partition_index, error_code })
                })?;
                skip_tags(b, f)?;
                Ok(WritableTxnMarkerTopicResult { name, partitions })
            })?;
            skip_tags(b, f)?;
            Ok(WritableTxnMarkerResult { producer_id, topics })
        })?;
        skip_tags(buf, f)?;
        Ok(Self { markers })
    }
}

impl Request for WriteTxnMarkersRequest {
    const API_KEY: ApiKey = ApiKey::WriteTxnMarkers;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE_FROM;
    type Response = WriteTxnMarkersResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = WriteTxnMarkersRequest> {
        let t = (string(), vec(any::<i32>(), 3))
            .prop_map(|(name, partition_indexes)| WritableTxnMarkerTopic { name, partition_indexes });
        let m = (any::<i64>(), any::<i16>(), any::<bool>(), vec(t, 2), any::<i32>()).prop_map(
            |(a, b, c, d, e)| WritableTxnMarker {
                producer_id: a,
                producer_epoch: b,
                transaction_result: c,
                topics: d,
                coordinator_epoch: e,
            },
        );
        vec(m, 2).prop_map(|markers| WriteTxnMarkersRequest { markers })
    }

    fn arb_response() -> impl Strategy<Value = WriteTxnMarkersResponse> {
        let p = (any::<i32>(), any::<i16>()).prop_map(|(partition_index, error_code)| {
            WritableTxnMarkerPartitionResult { partition_index, error_code }
        });
        let t = (string(), vec(p, 2))
            .prop_map(|(name, partitions)| WritableTxnMarkerTopicResult { name, partitions });
        let m = (any::<i64>(), vec(t, 2))
            .prop_map(|(producer_id, topics)| WritableTxnMarkerResult { producer_id, topics });
        vec(m, 2).prop_map(|markers| WriteTxnMarkersResponse { markers })
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 128);
}
