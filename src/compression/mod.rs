//! Compression codecs for record batches: gzip, snappy, lz4 and zstd.
//!
//! In a RecordBatch v2 the codec is named by the low three bits of the batch `attributes`
//! (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd) and the whole records section — everything after
//! the 61-byte batch header — is compressed as one block. Each codec's wire form matches what the
//! Java client and librdkafka write and read:
//!
//! - [`gzip`]: an RFC 1952 gzip stream (concatenated members are accepted when reading);
//! - [`snappy`]: written in the xerial framing of snappy-java's `SnappyOutputStream`; read in
//!   that framing or as one raw snappy block (librdkafka may send either);
//! - [`lz4`]: the standard LZ4 frame format (magic `0x184D2204`), 64 KiB independent blocks;
//! - [`zstd`]: standard zstd frames, decoded in streaming mode so frames without a content size
//!   are fine.
//!
//! Decompression takes a `max_output` bound: a "decompression bomb" whose output would exceed it
//! is rejected with [`CompressionError::TooLarge`] instead of exhausting memory, and no codec
//! allocates from a length field beyond that bound.

pub mod gzip;
pub mod lz4;
pub mod snappy;
pub mod zstd;

use bytes::BytesMut;
use std::io::Read;

/// Why data could not be compressed or decompressed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompressionError {
    /// The compressed input is corrupt or truncated.
    #[error("{codec}: corrupt compressed data: {message}")]
    Corrupt { codec: &'static str, message: String },
    /// Decompressing would produce more than the allowed number of bytes.
    #[error("decompressed size exceeds the limit of {limit} bytes")]
    TooLarge { limit: usize },
    /// The encoder failed.
    #[error("{codec}: compression failed: {message}")]
    Encode { codec: &'static str, message: String },
    /// The attribute bits or the configuration name a codec we do not know.
    #[error("unknown compression codec {0}")]
    UnknownCodec(String),
}

impl CompressionError {
    pub(crate) fn corrupt(codec: &'static str, message: impl ToString) -> Self {
        CompressionError::Corrupt { codec, message: message.to_string() }
    }

    pub(crate) fn encode(codec: &'static str, message: impl ToString) -> Self {
        CompressionError::Encode { codec, message: message.to_string() }
    }
}

/// A record batch compression codec (`compression_type` in kafka-python).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Compression {
    /// No compression (attribute bits 0).
    #[default]
    None,
    /// gzip (attribute bits 1).
    Gzip,
    /// snappy (attribute bits 2).
    Snappy,
    /// lz4 (attribute bits 3).
    Lz4,
    /// zstd (attribute bits 4).
    Zstd,
}

/// The attribute bits that hold the codec.
pub const COMPRESSION_CODEC_MASK: i16 = 0x07;

impl Compression {
    /// The codec named by the low three bits of a batch's `attributes`.
    pub fn from_attributes(attributes: i16) -> Result<Self, CompressionError> {
        match attributes & COMPRESSION_CODEC_MASK {
            0 => Ok(Compression::None),
            1 => Ok(Compression::Gzip),
            2 => Ok(Compression::Snappy),
            3 => Ok(Compression::Lz4),
            4 => Ok(Compression::Zstd),
            other => Err(CompressionError::UnknownCodec(format!("attribute bits {other}"))),
        }
    }

    /// The value of this codec in the low three bits of a batch's `attributes`.
    pub fn attribute_bits(self) -> i16 {
        match self {
            Compression::None => 0,
            Compression::Gzip => 1,
            Compression::Snappy => 2,
            Compression::Lz4 => 3,
            Compression::Zstd => 4,
        }
    }

    /// Parses a `compression_type` setting: `"none"`, `"gzip"`, `"snappy"`, `"lz4"` or `"zstd"`
    /// (ASCII case-insensitive).
    pub fn from_name(name: &str) -> Result<Self, CompressionError> {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "none" => Ok(Compression::None),
            "gzip" => Ok(Compression::Gzip),
            "snappy" => Ok(Compression::Snappy),
            "lz4" => Ok(Compression::Lz4),
            "zstd" => Ok(Compression::Zstd),
            _ => Err(CompressionError::UnknownCodec(name.to_owned())),
        }
    }

    /// The configuration name of this codec.
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Snappy => "snappy",
            Compression::Lz4 => "lz4",
            Compression::Zstd => "zstd",
        }
    }
}

/// Compresses `input` with `codec` at its default level, appending the result to `out`.
///
/// [`Compression::None`] copies `input` unchanged.
pub fn compress(codec: Compression, input: &[u8], out: &mut BytesMut) -> Result<(), CompressionError> {
    compress_with_level(codec, input, None, out)
}

/// Like [`compress`], with an optional codec-specific level: gzip 0..=9 (default 6), zstd
/// 1..=22 or negative for faster modes (default 3). Snappy and lz4 have no levels and ignore it.
pub fn compress_with_level(
    codec: Compression,
    input: &[u8],
    level: Option<i32>,
    out: &mut BytesMut,
) -> Result<(), CompressionError> {
    match codec {
        Compression::None => {
            out.extend_from_slice(input);
            Ok(())
        }
        Compression::Gzip => gzip::compress(input, level, out),
        Compression::Snappy => snappy::compress(input, out),
        Compression::Lz4 => lz4::compress(input, out),
        Compression::Zstd => zstd::compress(input, level, out),
    }
}

/// Decompresses `input`, failing with [`CompressionError::TooLarge`] if the output would exceed
/// `max_output` bytes. [`Compression::None`] returns a copy of `input` (same bound).
pub fn decompress(codec: Compression, input: &[u8], max_output: usize) -> Result<Vec<u8>, CompressionError> {
    match codec {
        Compression::None => {
            if input.len() > max_output {
                return Err(CompressionError::TooLarge { limit: max_output });
            }
            Ok(input.to_vec())
        }
        Compression::Gzip => gzip::decompress(input, max_output),
        Compression::Snappy => snappy::decompress(input, max_output),
        Compression::Lz4 => lz4::decompress(input, max_output),
        Compression::Zstd => zstd::decompress(input, max_output),
    }
}

/// Drains a decoding reader into a vector, reading at most `max_output + 1` bytes so an oversized
/// output is detected without being buffered. `size_hint` pre-sizes the vector (capped by the
/// limit).
pub(crate) fn read_bounded(
    codec: &'static str,
    reader: impl Read,
    size_hint: usize,
    max_output: usize,
) -> Result<Vec<u8>, CompressionError> {
    let cap = size_hint.min(max_output).min(1 << 20);
    let mut out = Vec::with_capacity(cap);
    let limit = u64::try_from(max_output).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(limit).read_to_end(&mut out).map_err(|e| CompressionError::corrupt(codec, e))?;
    if out.len() > max_output {
        return Err(CompressionError::TooLarge { limit: max_output });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
