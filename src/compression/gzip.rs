//! gzip (attribute bits 1): an RFC 1952 stream, as Java's `GZIPOutputStream` writes it.
//!
//! Reading accepts concatenated gzip members, like Java's `GZIPInputStream`.

use super::{read_bounded, CompressionError};
use bytes::{BufMut, BytesMut};
use flate2::{read::MultiGzDecoder, write::GzEncoder};
use std::io::Write;

const CODEC: &str = "gzip";

/// Java's `Deflater.DEFAULT_COMPRESSION` level.
pub const DEFAULT_LEVEL: u32 = 6;

/// Appends the gzip stream of `input` to `out`; `level` is clamped to 0..=9.
pub fn compress(input: &[u8], level: Option<i32>, out: &mut BytesMut) -> Result<(), CompressionError> {
    let level = level.map_or(DEFAULT_LEVEL, |l| l.clamp(0, 9).unsigned_abs());
    let mut encoder = GzEncoder::new(out.writer(), flate2::Compression::new(level));
    encoder.write_all(input).map_err(|e| CompressionError::encode(CODEC, e))?;
    encoder.finish().map_err(|e| CompressionError::encode(CODEC, e))?;
    Ok(())
}

/// Decompresses a gzip stream of one or more members, at most `max_output` bytes.
pub fn decompress(input: &[u8], max_output: usize) -> Result<Vec<u8>, CompressionError> {
    read_bounded(CODEC, MultiGzDecoder::new(input), input.len().saturating_mul(4), max_output)
}
