//! Kafka's primitive wire types: fixed-width integers, (un)signed varints, strings, bytes,
//! arrays (classic and compact), nullable forms, UUIDs and tagged fields.
//!
//! Readers take `&mut Bytes` and advance it; every read checks the remaining length first, so a
//! truncated or malformed buffer yields [`DecodeError`] instead of a panic, and no length field can
//! make a reader allocate more than the bytes that are actually there.

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// Why a buffer could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("truncated input: needed {needed} more bytes, {remaining} left")]
    Truncated { needed: usize, remaining: usize },
    #[error("invalid varint")]
    InvalidVarint,
    #[error("negative length {0} for a non-nullable field")]
    NegativeLength(i64),
    #[error("invalid UTF-8 in string field")]
    InvalidUtf8,
    #[error("malformed: {0}")]
    Malformed(String),
}

/// Why a value could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("{what} too long for the wire format ({len})")]
    TooLong { what: &'static str, len: usize },
    #[error("field {field} is not supported in version {version}")]
    UnsupportedField { field: &'static str, version: i16 },
    #[error("version {version} of {api} is not supported")]
    UnsupportedVersion { api: &'static str, version: i16 },
}

pub type DecodeResult<T> = Result<T, DecodeError>;
pub type EncodeResult<T = ()> = Result<T, EncodeError>;

#[inline]
pub fn ensure(buf: &Bytes, needed: usize) -> DecodeResult<()> {
    if buf.remaining() < needed {
        Err(DecodeError::Truncated { needed, remaining: buf.remaining() })
    } else {
        Ok(())
    }
}

macro_rules! fixed {
    ($get:ident, $put:ident, $ty:ty, $n:expr, $bget:ident, $bput:ident) => {
        #[inline]
        pub fn $get(buf: &mut Bytes) -> DecodeResult<$ty> {
            ensure(buf, $n)?;
            Ok(buf.$bget())
        }
        #[inline]
        pub fn $put(buf: &mut BytesMut, v: $ty) {
            buf.$bput(v);
        }
    };
}

fixed!(get_i8, put_i8, i8, 1, get_i8, put_i8);
fixed!(get_i16, put_i16, i16, 2, get_i16, put_i16);
fixed!(get_i32, put_i32, i32, 4, get_i32, put_i32);
fixed!(get_i64, put_i64, i64, 8, get_i64, put_i64);
fixed!(get_u16, put_u16, u16, 2, get_u16, put_u16);
fixed!(get_u32, put_u32, u32, 4, get_u32, put_u32);
fixed!(get_f64, put_f64, f64, 8, get_f64, put_f64);

#[inline]
pub fn get_bool(buf: &mut Bytes) -> DecodeResult<bool> {
    Ok(get_i8(buf)? != 0)
}

#[inline]
pub fn put_bool(buf: &mut BytesMut, v: bool) {
    buf.put_i8(v as i8);
}

/// Unsigned LEB128 varint, at most 5 bytes (u32).
pub fn get_uvarint(buf: &mut Bytes) -> DecodeResult<u32> {
    let mut value: u32 = 0;
    for i in 0..5 {
        ensure(buf, 1)?;
        let b = buf.get_u8();
        if i == 4 && b > 0x0f {
            return Err(DecodeError::InvalidVarint);
        }
        value |= u32::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(DecodeError::InvalidVarint)
}

/// Unsigned LEB128 varlong, at most 10 bytes (u64).
pub fn get_uvarlong(buf: &mut Bytes) -> DecodeResult<u64> {
    let mut value: u64 = 0;
    for i in 0..10 {
        ensure(buf, 1)?;
        let b = buf.get_u8();
        if i == 9 && b > 0x01 {
            return Err(DecodeError::InvalidVarint);
        }
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(DecodeError::InvalidVarint)
}

#[inline]
pub fn put_uvarint(buf: &mut BytesMut, mut v: u32) {
    while v >= 0x80 {
        buf.put_u8((v as u8) | 0x80);
        v >>= 7;
    }
    buf.put_u8(v as u8);
}

#[inline]
pub fn put_uvarlong(buf: &mut BytesMut, mut v: u64) {
    while v >= 0x80 {
        buf.put_u8((v as u8) | 0x80);
        v >>= 7;
    }
    buf.put_u8(v as u8);
}

/// Zig-zag signed varint (i32).
pub fn get_varint(buf: &mut Bytes) -> DecodeResult<i32> {
    let u = get_uvarint(buf)?;
    Ok(((u >> 1) as i32) ^ -((u & 1) as i32))
}

/// Zig-zag signed varlong (i64).
pub fn get_varlong(buf: &mut Bytes) -> DecodeResult<i64> {
    let u = get_uvarlong(buf)?;
    Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
}

#[inline]
pub fn put_varint(buf: &mut BytesMut, v: i32) {
    put_uvarint(buf, ((v << 1) ^ (v >> 31)) as u32);
}

#[inline]
pub fn put_varlong(buf: &mut BytesMut, v: i64) {
    put_uvarlong(buf, ((v << 1) ^ (v >> 63)) as u64);
}

/// Number of bytes `put_varint(v)` writes.
#[inline]
pub fn varint_len(v: i32) -> usize {
    uvarint_len(((v << 1) ^ (v >> 31)) as u32)
}

#[inline]
pub fn uvarint_len(v: u32) -> usize {
    match v {
        0..=0x7f => 1,
        0x80..=0x3fff => 2,
        0x4000..=0x1f_ffff => 3,
        0x20_0000..=0x0fff_ffff => 4,
        _ => 5,
    }
}

/// Number of bytes `put_varlong(v)` writes.
#[inline]
pub fn varlong_len(v: i64) -> usize {
    let mut u = ((v << 1) ^ (v >> 63)) as u64;
    let mut n = 1;
    while u >= 0x80 {
        u >>= 7;
        n += 1;
    }
    n
}

/// Reads a length prefix: classic (i16 or i32) or compact (uvarint N+1). Returns `None` for null.
#[inline]
fn get_len(buf: &mut Bytes, flexible: bool, wide: bool) -> DecodeResult<Option<usize>> {
    let len: i64 = if flexible {
        i64::from(get_uvarint(buf)?) - 1
    } else if wide {
        i64::from(get_i32(buf)?)
    } else {
        i64::from(get_i16(buf)?)
    };
    if len < 0 {
        if len == -1 {
            Ok(None)
        } else {
            Err(DecodeError::NegativeLength(len))
        }
    } else {
        Ok(Some(len as usize))
    }
}

fn put_len(
    buf: &mut BytesMut,
    len: Option<usize>,
    flexible: bool,
    wide: bool,
    what: &'static str,
) -> EncodeResult {
    match (len, flexible) {
        (None, true) => put_uvarint(buf, 0),
        (None, false) => {
            if wide {
                buf.put_i32(-1)
            } else {
                buf.put_i16(-1)
            }
        }
        (Some(n), true) => {
            let n1 = u32::try_from(n)
                .ok()
                .and_then(|n| n.checked_add(1))
                .ok_or(EncodeError::TooLong { what, len: n })?;
            put_uvarint(buf, n1)
        }
        (Some(n), false) => {
            if wide {
                let n = i32::try_from(n).map_err(|_| EncodeError::TooLong { what, len: n })?;
                buf.put_i32(n)
            } else {
                let n = i16::try_from(n).map_err(|_| EncodeError::TooLong { what, len: n })?;
                buf.put_i16(n)
            }
        }
    }
    Ok(())
}

/// Nullable string (classic: i16 length; flexible: compact).
pub fn get_nullable_string(buf: &mut Bytes, flexible: bool) -> DecodeResult<Option<String>> {
    match get_len(buf, flexible, false)? {
        None => Ok(None),
        Some(n) => {
            ensure(buf, n)?;
            let raw = buf.split_to(n);
            String::from_utf8(raw.to_vec()).map(Some).map_err(|_| DecodeError::InvalidUtf8)
        }
    }
}

/// Non-nullable string.
pub fn get_string(buf: &mut Bytes, flexible: bool) -> DecodeResult<String> {
    get_nullable_string(buf, flexible)?.ok_or(DecodeError::NegativeLength(-1))
}

pub fn put_nullable_string(buf: &mut BytesMut, v: Option<&str>, flexible: bool) -> EncodeResult {
    put_len(buf, v.map(str::len), flexible, false, "string")?;
    if let Some(s) = v {
        buf.put_slice(s.as_bytes());
    }
    Ok(())
}

pub fn put_string(buf: &mut BytesMut, v: &str, flexible: bool) -> EncodeResult {
    put_nullable_string(buf, Some(v), flexible)
}

/// Nullable bytes (classic: i32 length; flexible: compact). Zero-copy: the result shares `buf`.
#[inline]
pub fn get_nullable_bytes(buf: &mut Bytes, flexible: bool) -> DecodeResult<Option<Bytes>> {
    match get_len(buf, flexible, true)? {
        None => Ok(None),
        Some(n) => {
            ensure(buf, n)?;
            Ok(Some(buf.split_to(n)))
        }
    }
}

pub fn get_bytes(buf: &mut Bytes, flexible: bool) -> DecodeResult<Bytes> {
    get_nullable_bytes(buf, flexible)?.ok_or(DecodeError::NegativeLength(-1))
}

pub fn put_nullable_bytes(buf: &mut BytesMut, v: Option<&[u8]>, flexible: bool) -> EncodeResult {
    put_len(buf, v.map(<[u8]>::len), flexible, true, "bytes")?;
    if let Some(b) = v {
        buf.put_slice(b);
    }
    Ok(())
}

pub fn put_bytes(buf: &mut BytesMut, v: &[u8], flexible: bool) -> EncodeResult {
    put_nullable_bytes(buf, Some(v), flexible)
}

/// Writes a nullable array: classic i32 count or compact uvarint count+1, then each element by
/// `item`. (Arrays are read by [`Wire`](super::wire::Wire) for `Vec`.)
pub fn put_nullable_array<T>(
    buf: &mut BytesMut,
    v: Option<&[T]>,
    flexible: bool,
    mut item: impl FnMut(&mut BytesMut, &T) -> EncodeResult,
) -> EncodeResult {
    put_len(buf, v.map(<[T]>::len), flexible, true, "array")?;
    if let Some(items) = v {
        for it in items {
            item(buf, it)?;
        }
    }
    Ok(())
}

pub fn put_array<T>(
    buf: &mut BytesMut,
    v: &[T],
    flexible: bool,
    item: impl FnMut(&mut BytesMut, &T) -> EncodeResult,
) -> EncodeResult {
    put_nullable_array(buf, Some(v), flexible, item)
}

/// A 16-byte UUID (topic ids).
pub fn get_uuid(buf: &mut Bytes) -> DecodeResult<[u8; 16]> {
    ensure(buf, 16)?;
    let mut out = [0u8; 16];
    buf.copy_to_slice(&mut out);
    Ok(out)
}

pub fn put_uuid(buf: &mut BytesMut, v: &[u8; 16]) {
    buf.put_slice(v);
}

/// Tagged fields of a flexible struct: (tag, raw bytes). Unknown tags are kept so they round-trip.
pub type TaggedFields = Vec<(u32, Bytes)>;

/// Reads a tagged-field section, handing each (tag, payload) to `read`; unknown tags are for
/// `read` to skip. Tags must increase.
#[inline]
pub fn get_tag_section(
    buf: &mut Bytes,
    mut read: impl FnMut(u32, &mut Bytes) -> DecodeResult<()>,
) -> DecodeResult<()> {
    let n = get_uvarint(buf)?;
    let mut last: Option<u32> = None;
    for _ in 0..n {
        let tag = get_uvarint(buf)?;
        if last.is_some_and(|l| tag <= l) {
            return Err(DecodeError::Malformed(format!("tagged field {tag} out of order")));
        }
        last = Some(tag);
        let len = get_uvarint(buf)? as usize;
        ensure(buf, len)?;
        let mut payload = buf.split_to(len);
        read(tag, &mut payload)?;
    }
    Ok(())
}

/// Reads a tagged-field section, keeping every field.
pub fn get_tagged_fields(buf: &mut Bytes) -> DecodeResult<TaggedFields> {
    let mut out = TaggedFields::new();
    get_tag_section(buf, |tag, data| {
        out.push((tag, data.clone()));
        Ok(())
    })?;
    Ok(out)
}

pub fn put_tagged_fields(buf: &mut BytesMut, fields: &[(u32, Bytes)]) -> EncodeResult {
    let n = u32::try_from(fields.len())
        .map_err(|_| EncodeError::TooLong { what: "tagged fields", len: fields.len() })?;
    put_uvarint(buf, n);
    for (tag, data) in fields {
        put_uvarint(buf, *tag);
        let len = u32::try_from(data.len())
            .map_err(|_| EncodeError::TooLong { what: "tagged field", len: data.len() })?;
        put_uvarint(buf, len);
        buf.put_slice(data);
    }
    Ok(())
}

/// Writes an empty tagged-field section (the common case).
#[inline]
pub fn put_empty_tagged_fields(buf: &mut BytesMut) {
    buf.put_u8(0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn roundtrip<T: PartialEq + std::fmt::Debug>(
        v: T,
        put: impl Fn(&mut BytesMut, &T),
        get: impl Fn(&mut Bytes) -> DecodeResult<T>,
    ) {
        let mut b = BytesMut::new();
        put(&mut b, &v);
        let mut r = b.freeze();
        assert_eq!(get(&mut r).unwrap(), v);
        assert_eq!(r.remaining(), 0);
    }

    proptest! {
        #[test]
        fn ints(a: i8, b: i16, c: i32, d: i64, e: u32) {
            roundtrip(a, |b, v| put_i8(b, *v), get_i8);
            roundtrip(b, |b, v| put_i16(b, *v), get_i16);
            roundtrip(c, |b, v| put_i32(b, *v), get_i32);
            roundtrip(d, |b, v| put_i64(b, *v), get_i64);
            roundtrip(e, |b, v| put_u32(b, *v), get_u32);
        }

        #[test]
        fn varints(a: i32, b: i64, c: u32, d: u64) {
            roundtrip(a, |b, v| put_varint(b, *v), get_varint);
            roundtrip(b, |b, v| put_varlong(b, *v), get_varlong);
            roundtrip(c, |b, v| put_uvarint(b, *v), get_uvarint);
            roundtrip(d, |b, v| put_uvarlong(b, *v), get_uvarlong);
            let mut x = BytesMut::new();
            put_varint(&mut x, a);
            prop_assert_eq!(x.len(), varint_len(a));
            let mut y = BytesMut::new();
            put_varlong(&mut y, b);
            prop_assert_eq!(y.len(), varlong_len(b));
        }

        #[test]
        fn strings(s in proptest::option::of(".{0,40}"), flexible: bool) {
            roundtrip(s.clone(), |b, v| put_nullable_string(b, v.as_deref(), flexible).unwrap(), |b| get_nullable_string(b, flexible));
        }

        #[test]
        fn bytes_(v in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)), flexible: bool) {
            roundtrip(v.clone(), |b, v| put_nullable_bytes(b, v.as_deref(), flexible).unwrap(),
                |b| get_nullable_bytes(b, flexible).map(|o| o.map(|x| x.to_vec())));
        }

        #[test]
        fn arrays(v in proptest::collection::vec(any::<i32>(), 0..32), flexible: bool) {
            roundtrip(v.clone(), |b, v| put_array(b, v, flexible, |b, x| { put_i32(b, *x); Ok(()) }).unwrap(),
                |b| <Vec<i32> as crate::protocol::wire::Wire>::get(b, 0, flexible));
        }

        #[test]
        fn tagged(v in proptest::collection::btree_map(any::<u32>(), proptest::collection::vec(any::<u8>(), 0..16), 0..5)) {
            let fields: TaggedFields = v.into_iter().map(|(k, d)| (k, Bytes::from(d))).collect();
            roundtrip(fields, |b, v| put_tagged_fields(b, v).unwrap(), get_tagged_fields);
        }

        #[test]
        fn garbage_never_panics(data in proptest::collection::vec(any::<u8>(), 0..64), flexible: bool) {
            let b = Bytes::from(data);
            let _ = get_nullable_string(&mut b.clone(), flexible);
            let _ = get_nullable_bytes(&mut b.clone(), flexible);
            let _ = <Vec<i64> as crate::protocol::wire::Wire>::get(&mut b.clone(), 0, flexible);
            let _ = get_tagged_fields(&mut b.clone());
            let _ = get_varlong(&mut b.clone());
            let _ = get_uuid(&mut b.clone());
        }
    }

    #[test]
    fn huge_array_count_does_not_allocate() {
        let mut b = Bytes::from_static(&[0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 1]);
        assert!(<Vec<i64> as crate::protocol::wire::Wire>::get(&mut b, 0, false).is_err());
    }

    #[test]
    fn overlong_varint_is_error() {
        let mut b = Bytes::from_static(&[0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
        assert_eq!(get_uvarint(&mut b), Err(DecodeError::InvalidVarint));
    }
}
