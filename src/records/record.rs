//! One record inside a batch: its decoded form and the varint encoding shared by the builder
//! and [`super::RecordBatch::encode`].

use super::{malformed, RecordsError};
use crate::protocol::primitives::{
    ensure, get_i8, get_varint, get_varlong, put_i8, put_varint, put_varlong, varint_len, varlong_len,
};
use bytes::{BufMut, Bytes, BytesMut};

/// A decoded record. Keys, values and header values share the batch's (decompressed) buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Absolute offset: the batch's `baseOffset` plus the record's `offsetDelta`.
    pub offset: i64,
    /// Absolute timestamp in ms: `baseTimestamp + timestampDelta`, or the batch's
    /// `maxTimestamp` in LOG_APPEND_TIME batches.
    pub timestamp: i64,
    /// The key, `None` when null.
    pub key: Option<Bytes>,
    /// The value, `None` when null (a tombstone).
    pub value: Option<Bytes>,
    /// Headers in order: UTF-8 key and nullable value.
    pub headers: Vec<(String, Option<Bytes>)>,
    /// Serialized size of the whole record, including its length prefix.
    pub size_in_bytes: usize,
}

impl Record {
    /// Key length, or -1 for a null key (kafka-python's `serialized_key_size`).
    pub fn serialized_key_size(&self) -> i64 {
        self.key.as_ref().map_or(-1, |k| k.len() as i64)
    }

    /// Value length, or -1 for a null value (kafka-python's `serialized_value_size`).
    pub fn serialized_value_size(&self) -> i64 {
        self.value.as_ref().map_or(-1, |v| v.len() as i64)
    }

    /// Sum of header key and value lengths (kafka-python's `serialized_header_size`).
    pub fn serialized_header_size(&self) -> usize {
        self.headers.iter().map(|(k, v)| k.len() + v.as_ref().map_or(0, Bytes::len)).sum()
    }
}

/// A record header as either side sees it: the builder's borrowed pairs or decoded records.
pub(crate) trait HeaderRef {
    fn key(&self) -> &str;
    fn value(&self) -> Option<&[u8]>;
}

impl HeaderRef for (&str, Option<&[u8]>) {
    fn key(&self) -> &str {
        self.0
    }
    fn value(&self) -> Option<&[u8]> {
        self.1
    }
}

impl HeaderRef for (String, Option<Bytes>) {
    fn key(&self) -> &str {
        &self.0
    }
    fn value(&self) -> Option<&[u8]> {
        self.1.as_deref()
    }
}

/// Wire length of a length-prefixed field; saturates (the caller rejects records that large).
fn len_i32(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

fn nullable_len(v: Option<&[u8]>) -> usize {
    v.map_or(1, |b| varint_len(len_i32(b.len())) + b.len())
}

fn put_nullable(buf: &mut BytesMut, v: Option<&[u8]>) {
    match v {
        None => put_varint(buf, -1),
        Some(b) => {
            put_varint(buf, len_i32(b.len()));
            buf.put_slice(b);
        }
    }
}

/// What follows a record's length prefix.
pub(crate) struct RecordFields<'a, H> {
    pub offset_delta: i32,
    pub timestamp_delta: i64,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: &'a [H],
}

impl<H: HeaderRef> RecordFields<'_, H> {
    /// Size of the record body (what the length prefix counts).
    pub fn body_len(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|h| varint_len(len_i32(h.key().len())) + h.key().len() + nullable_len(h.value()))
            .sum();
        1 + varlong_len(self.timestamp_delta)
            + varint_len(self.offset_delta)
            + nullable_len(self.key)
            + nullable_len(self.value)
            + varint_len(len_i32(self.headers.len()))
            + headers
    }

    /// Size of the whole record: length prefix plus body.
    pub fn encoded_len(&self) -> usize {
        let body = self.body_len();
        varint_len(len_i32(body)) + body
    }

    /// Writes the record; fails if any size exceeds the wire format's i32.
    pub fn write(&self, buf: &mut BytesMut) -> Result<(), RecordsError> {
        let body = self.body_len();
        let body_i32 = i32::try_from(body).map_err(|_| RecordsError::TooLarge("record"))?;
        buf.reserve(varint_len(body_i32) + body);
        put_varint(buf, body_i32);
        put_i8(buf, 0);
        put_varlong(buf, self.timestamp_delta);
        put_varint(buf, self.offset_delta);
        put_nullable(buf, self.key);
        put_nullable(buf, self.value);
        put_varint(buf, len_i32(self.headers.len()));
        for h in self.headers {
            put_varint(buf, len_i32(h.key().len()));
            buf.put_slice(h.key().as_bytes());
            put_nullable(buf, h.value());
        }
        Ok(())
    }
}

/// What a record needs from its batch to become absolute.
pub(crate) struct BatchContext {
    pub base_offset: i64,
    pub base_timestamp: i64,
    /// `Some(maxTimestamp)` in LOG_APPEND_TIME batches.
    pub log_append_time: Option<i64>,
}

fn get_nullable(buf: &mut Bytes, what: &str) -> Result<Option<Bytes>, RecordsError> {
    let len = get_varint(buf)?;
    if len == -1 {
        return Ok(None);
    }
    let len = usize::try_from(len).map_err(|_| malformed(format!("negative {what} length {len}")))?;
    ensure(buf, len)?;
    Ok(Some(buf.split_to(len)))
}

/// Reads one record from `data`, which advances past it.
pub(crate) fn decode_record(data: &mut Bytes, ctx: &BatchContext) -> Result<Record, RecordsError> {
    let before = data.len();
    let len = get_varint(data)?;
    let len = usize::try_from(len).map_err(|_| malformed(format!("negative record length {len}")))?;
    ensure(data, len)?;
    let mut body = data.split_to(len);
    let size_in_bytes = before - data.len();

    let _attributes = get_i8(&mut body)?;
    let timestamp_delta = get_varlong(&mut body)?;
    let offset_delta = get_varint(&mut body)?;
    let key = get_nullable(&mut body, "key")?;
    let value = get_nullable(&mut body, "value")?;
    let count = get_varint(&mut body)?;
    let count = usize::try_from(count).map_err(|_| malformed(format!("negative header count {count}")))?;
    // Every header takes at least two bytes, so this bounds the allocation by the input.
    let mut headers = Vec::with_capacity(count.min(body.len() / 2));
    for _ in 0..count {
        let key_len = get_varint(&mut body)?;
        let key_len = usize::try_from(key_len)
            .map_err(|_| malformed(format!("negative header key length {key_len}")))?;
        ensure(&body, key_len)?;
        let raw = body.split_to(key_len);
        let key = std::str::from_utf8(&raw).map_err(|_| malformed("header key is not UTF-8"))?.to_owned();
        headers.push((key, get_nullable(&mut body, "header value")?));
    }
    if !body.is_empty() {
        return Err(malformed(format!("{} unread bytes at the end of a record", body.len())));
    }
    Ok(Record {
        offset: ctx.base_offset.wrapping_add(i64::from(offset_delta)),
        timestamp: ctx.log_append_time.unwrap_or_else(|| ctx.base_timestamp.wrapping_add(timestamp_delta)),
        key,
        value,
        headers,
        size_in_bytes,
    })
}
