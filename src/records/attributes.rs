//! The batch `attributes` bit field.

/// Bits 0-2: the compression codec (see [`crate::compression::Compression`]).
pub const COMPRESSION_MASK: i16 = 0x07;
/// Bit 3: set when timestamps are LOG_APPEND_TIME (assigned by the broker).
pub const TIMESTAMP_TYPE_FLAG: i16 = 0x08;
/// Bit 4: the batch belongs to a transaction.
pub const TRANSACTIONAL_FLAG: i16 = 0x10;
/// Bit 5: the batch holds a control record (a transaction marker).
pub const CONTROL_FLAG: i16 = 0x20;

/// Who assigned a batch's timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampType {
    /// Set by the producer (`CreateTime`, type 0).
    CreateTime,
    /// Set by the broker when appending (`LogAppendTime`, type 1).
    LogAppendTime,
}

impl TimestampType {
    /// The timestamp type encoded in `attributes`.
    pub fn from_attributes(attributes: i16) -> Self {
        if attributes & TIMESTAMP_TYPE_FLAG != 0 {
            TimestampType::LogAppendTime
        } else {
            TimestampType::CreateTime
        }
    }

    /// Kafka's numeric id: 0 for CreateTime, 1 for LogAppendTime (kafka-python's
    /// `timestamp_type`).
    pub fn id(self) -> i32 {
        match self {
            TimestampType::CreateTime => 0,
            TimestampType::LogAppendTime => 1,
        }
    }
}
