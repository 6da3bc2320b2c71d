//! What the declared messages are built from: [`Wire`], one wire type's encode/decode at a
//! version, implemented for every primitive, string, bytes, array, UUID and (by
//! [`kafka_struct!`](crate::protocol::declare)) every declared struct; and [`Field`], the per-field
//! facts of a declaration (the versions a field exists in, nullable versions, tag, ignorable).
//!
//! Decoding follows the rules of [`primitives`](crate::protocol::primitives): lengths are checked
//! before reading, no length makes us allocate more than the bytes present, errors never panic.

use bytes::{Buf, Bytes, BytesMut};

pub use super::primitives::get_tag_section;
use super::primitives::*;

/// A value with a Kafka wire encoding. `flexible` selects the compact forms (KIP-482).
pub trait Wire: Sized + Default + PartialEq {
    fn put(&self, buf: &mut BytesMut, version: i16, flexible: bool) -> EncodeResult;
    fn get(buf: &mut Bytes, version: i16, flexible: bool) -> DecodeResult<Self>;
    /// About the encoded size (an upper bound for the common cases), to reserve once.
    fn size_hint(&self) -> usize;
    /// Whether this is a null (only `Option`s can be).
    #[inline]
    fn is_null(&self) -> bool {
        false
    }
    /// Writes the value as the payload of a tagged field: `Option`s are the inner value, their
    /// absence is the tag's absence.
    #[inline]
    fn put_tagged(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        self.put(buf, version, true)
    }
    #[inline]
    fn get_tagged(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        Self::get(buf, version, true)
    }
    /// Replaces a null by the empty value (what a version without nullability carries).
    fn fill_null(&mut self) {}
}

/// A type whose values can be null on the wire when the declaration says so: strings and bytes
/// (length -1), arrays (count -1) and structs (an i8 marker, -1 for null).
pub trait Nullable: Wire {
    fn put_opt(v: Option<&Self>, buf: &mut BytesMut, version: i16, flexible: bool) -> EncodeResult;
    fn get_opt(buf: &mut Bytes, version: i16, flexible: bool) -> DecodeResult<Option<Self>>;
}

macro_rules! fixed_wire {
    ($($ty:ty => $put:ident, $get:ident;)*) => {$(
        impl Wire for $ty {
            #[inline]
            fn put(&self, buf: &mut BytesMut, _: i16, _: bool) -> EncodeResult {
                $put(buf, *self);
                Ok(())
            }
            #[inline]
            fn get(buf: &mut Bytes, _: i16, _: bool) -> DecodeResult<Self> {
                $get(buf)
            }
            #[inline]
            fn size_hint(&self) -> usize {
                std::mem::size_of::<$ty>()
            }
        }
    )*};
}

fixed_wire! {
    bool => put_bool, get_bool;
    i8 => put_i8, get_i8;
    i16 => put_i16, get_i16;
    i32 => put_i32, get_i32;
    i64 => put_i64, get_i64;
    u16 => put_u16, get_u16;
    u32 => put_u32, get_u32;
}

/// UUIDs (topic ids, directory ids) are 16 raw bytes.
impl Wire for [u8; 16] {
    #[inline]
    fn put(&self, buf: &mut BytesMut, _: i16, _: bool) -> EncodeResult {
        put_uuid(buf, self);
        Ok(())
    }
    #[inline]
    fn get(buf: &mut Bytes, _: i16, _: bool) -> DecodeResult<Self> {
        get_uuid(buf)
    }
    fn size_hint(&self) -> usize {
        16
    }
}

impl Wire for String {
    #[inline]
    fn put(&self, buf: &mut BytesMut, _: i16, flexible: bool) -> EncodeResult {
        put_string(buf, self, flexible)
    }
    #[inline]
    fn get(buf: &mut Bytes, _: i16, flexible: bool) -> DecodeResult<Self> {
        get_string(buf, flexible)
    }
    fn size_hint(&self) -> usize {
        self.len() + 3
    }
}

impl Nullable for String {
    fn put_opt(v: Option<&Self>, buf: &mut BytesMut, _: i16, flexible: bool) -> EncodeResult {
        put_nullable_string(buf, v.map(String::as_str), flexible)
    }
    fn get_opt(buf: &mut Bytes, _: i16, flexible: bool) -> DecodeResult<Option<Self>> {
        get_nullable_string(buf, flexible)
    }
}

/// Bytes (record batches among them) are read as zero-copy slices of the input.
impl Wire for Bytes {
    #[inline]
    fn put(&self, buf: &mut BytesMut, _: i16, flexible: bool) -> EncodeResult {
        put_bytes(buf, self, flexible)
    }
    #[inline]
    fn get(buf: &mut Bytes, _: i16, flexible: bool) -> DecodeResult<Self> {
        get_bytes(buf, flexible)
    }
    fn size_hint(&self) -> usize {
        self.len() + 5
    }
}

impl Nullable for Bytes {
    #[inline]
    fn put_opt(v: Option<&Self>, buf: &mut BytesMut, _: i16, flexible: bool) -> EncodeResult {
        put_nullable_bytes(buf, v.map(|b| &b[..]), flexible)
    }
    #[inline]
    fn get_opt(buf: &mut Bytes, _: i16, flexible: bool) -> DecodeResult<Option<Self>> {
        get_nullable_bytes(buf, flexible)
    }
}

impl<T: Wire> Wire for Vec<T> {
    #[inline]
    fn put(&self, buf: &mut BytesMut, version: i16, flexible: bool) -> EncodeResult {
        Self::put_opt(Some(self), buf, version, flexible)
    }
    #[inline]
    fn get(buf: &mut Bytes, version: i16, flexible: bool) -> DecodeResult<Self> {
        match Self::get_opt(buf, version, flexible) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(DecodeError::NegativeLength(-1)),
            Err(e) => Err(e),
        }
    }
    fn size_hint(&self) -> usize {
        5 + self.iter().map(Wire::size_hint).sum::<usize>()
    }
}

impl<T: Wire> Nullable for Vec<T> {
    #[inline]
    fn put_opt(v: Option<&Self>, buf: &mut BytesMut, version: i16, flexible: bool) -> EncodeResult {
        put_nullable_array(buf, v.map(Vec::as_slice), flexible, |b, item| item.put(b, version, flexible))
    }

    /// The capacity reserved up front is bounded by the bytes left (a forged count cannot make us
    /// allocate more than the input), and an element that reads no bytes is an error, so a count
    /// cannot make us loop without consuming input.
    #[inline]
    fn get_opt(buf: &mut Bytes, version: i16, flexible: bool) -> DecodeResult<Option<Self>> {
        let n: i64 = if flexible { i64::from(get_uvarint(buf)?) - 1 } else { i64::from(get_i32(buf)?) };
        if n < 0 {
            return if n == -1 { Ok(None) } else { Err(DecodeError::NegativeLength(n)) };
        }
        let n = n as usize;
        let elem = std::mem::size_of::<T>().max(1);
        let mut out = Vec::with_capacity(n.min(buf.remaining() / elem));
        for _ in 0..n {
            let before = buf.remaining();
            out.push(T::get(buf, version, flexible)?);
            if buf.remaining() == before {
                return Err(DecodeError::Malformed("array element of zero bytes".into()));
            }
        }
        Ok(Some(out))
    }
}

impl<T: Nullable> Wire for Option<T> {
    #[inline]
    fn put(&self, buf: &mut BytesMut, version: i16, flexible: bool) -> EncodeResult {
        T::put_opt(self.as_ref(), buf, version, flexible)
    }
    #[inline]
    fn get(buf: &mut Bytes, version: i16, flexible: bool) -> DecodeResult<Self> {
        T::get_opt(buf, version, flexible)
    }
    fn size_hint(&self) -> usize {
        self.as_ref().map_or(5, Wire::size_hint)
    }
    #[inline]
    fn is_null(&self) -> bool {
        self.is_none()
    }
    fn put_tagged(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        match self {
            Some(v) => v.put_tagged(buf, version),
            None => Ok(()),
        }
    }
    fn get_tagged(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        T::get_tagged(buf, version).map(Some)
    }
    fn fill_null(&mut self) {
        if self.is_none() {
            *self = Some(T::default());
        }
    }
}

/// A field's facts in a declaration: the versions it exists in, those in which it may be null,
/// its tag when it is a tagged field, and whether a non-default value may be dropped silently in
/// versions without it (Kafka's `ignorable`) instead of failing with
/// [`EncodeError::UnsupportedField`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub min: i16,
    pub max: i16,
    pub nullable_min: i16,
    pub tag: Option<u32>,
    pub ignorable: bool,
}

/// A field of every version.
pub const fn always() -> Field {
    since(0)
}

/// A field of versions `min` and up.
pub const fn since(min: i16) -> Field {
    Field { min, max: i16::MAX, nullable_min: i16::MAX, tag: None, ignorable: false }
}

/// A field of versions `min..=max`.
pub const fn versions(min: i16, max: i16) -> Field {
    Field { min, max, nullable_min: i16::MAX, tag: None, ignorable: false }
}

/// A field of versions `0..=max`.
pub const fn until(max: i16) -> Field {
    versions(0, max)
}

/// A field of every version, nullable in all of them.
pub const fn nullable() -> Field {
    always().nullable()
}

impl Field {
    /// Nullable in every version the field exists in.
    pub const fn nullable(self) -> Self {
        self.nullable_since(self.min)
    }

    /// Nullable from version `v` on.
    pub const fn nullable_since(mut self, v: i16) -> Self {
        self.nullable_min = v;
        self
    }

    /// A tagged field with tag `t` (flexible versions only).
    pub const fn tag(mut self, t: u32) -> Self {
        self.tag = Some(t);
        self
    }

    /// Versions without the field drop a non-default value silently.
    pub const fn ignorable(mut self) -> Self {
        self.ignorable = true;
        self
    }

    /// Whether version `v` carries the field (for tagged fields: may carry it).
    #[inline]
    pub const fn has(&self, v: i16) -> bool {
        v >= self.min && v <= self.max
    }

    /// Whether the field may be null at version `v`.
    #[inline]
    pub const fn nullable_at(&self, v: i16) -> bool {
        v >= self.nullable_min
    }

    /// Whether the field is written in the tagged-field section at version `v`.
    #[inline]
    pub const fn tagged_at(&self, v: i16) -> bool {
        self.tag.is_some() && self.has(v)
    }

    /// Whether the field is written in the fixed part at version `v`.
    #[inline]
    pub const fn inline_at(&self, v: i16) -> bool {
        self.tag.is_none() && self.has(v)
    }
}

/// Writes one fixed-position field: nothing when the version lacks it (an error if the caller set
/// it and it is not ignorable), an error for a null the version cannot carry.
#[inline]
pub fn put_field<T: Wire>(
    buf: &mut BytesMut,
    value: &T,
    is_default: impl FnOnce() -> bool,
    spec: Field,
    name: &'static str,
    version: i16,
    flexible: bool,
) -> EncodeResult {
    if spec.inline_at(version) {
        if value.is_null() && !spec.nullable_at(version) {
            return Err(EncodeError::UnsupportedField { field: name, version });
        }
        value.put(buf, version, flexible)
    } else if spec.tagged_at(version) || spec.ignorable || is_default() {
        Ok(())
    } else {
        Err(EncodeError::UnsupportedField { field: name, version })
    }
}

/// Reads one fixed-position field the version carries; a null where the version allows none is an
/// error.
#[inline]
pub fn get_field<T: Wire>(buf: &mut Bytes, spec: Field, version: i16, flexible: bool) -> DecodeResult<T> {
    let v = T::get(buf, version, flexible)?;
    if v.is_null() && !spec.nullable_at(version) {
        return Err(DecodeError::NegativeLength(-1));
    }
    Ok(v)
}
