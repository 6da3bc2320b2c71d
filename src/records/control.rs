//! Control records: the transaction markers a coordinator writes into control batches.
//!
//! The key of a control record is `version int16, type int16` (type 0 ABORT, 1 COMMIT); the
//! value of a transaction marker is `version int16, coordinatorEpoch int32`.

use super::RecordsError;
use crate::protocol::primitives::{get_i16, get_i32, put_i16, put_i32};
use bytes::{Bytes, BytesMut};

/// What a control record marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ControlRecordType {
    /// A transaction was aborted (type 0).
    Abort,
    /// A transaction was committed (type 1).
    Commit,
    /// A type this client does not know; consumers skip it.
    Unknown(i16),
}

impl ControlRecordType {
    /// The wire id.
    pub fn id(self) -> i16 {
        match self {
            ControlRecordType::Abort => 0,
            ControlRecordType::Commit => 1,
            ControlRecordType::Unknown(id) => id,
        }
    }

    /// The type with wire id `id`.
    pub fn from_id(id: i16) -> Self {
        match id {
            0 => ControlRecordType::Abort,
            1 => ControlRecordType::Commit,
            other => ControlRecordType::Unknown(other),
        }
    }
}

/// The decoded key of a control record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ControlRecord {
    /// Key schema version (0 today).
    pub version: i16,
    /// ABORT or COMMIT.
    pub record_type: ControlRecordType,
}

impl ControlRecord {
    /// Decodes a control record key. A missing key or fewer than four bytes is an error; extra
    /// bytes (a newer key version) are ignored.
    pub fn decode(key: Option<&Bytes>) -> Result<Self, RecordsError> {
        let mut buf = key.cloned().ok_or_else(|| super::malformed("control record without a key"))?;
        let version = get_i16(&mut buf)?;
        let record_type = ControlRecordType::from_id(get_i16(&mut buf)?);
        Ok(ControlRecord { version, record_type })
    }

    /// Encodes the key.
    pub fn encode_key(&self) -> Bytes {
        let mut buf = BytesMut::with_capacity(4);
        put_i16(&mut buf, self.version);
        put_i16(&mut buf, self.record_type.id());
        buf.freeze()
    }

    /// Encodes the value of a transaction marker (version 0 and the coordinator epoch).
    pub fn encode_marker_value(coordinator_epoch: i32) -> Bytes {
        let mut buf = BytesMut::with_capacity(6);
        put_i16(&mut buf, 0);
        put_i32(&mut buf, coordinator_epoch);
        buf.freeze()
    }

    /// Decodes a transaction marker value: `(version, coordinator_epoch)`.
    pub fn decode_marker_value(value: Option<&Bytes>) -> Result<(i16, i32), RecordsError> {
        let mut buf = value.cloned().ok_or_else(|| super::malformed("transaction marker without a value"))?;
        Ok((get_i16(&mut buf)?, get_i32(&mut buf)?))
    }
}
