//! zstd (attribute bits 4): standard zstd frames (RFC 8878).
//!
//! We write one frame with its content size; reading is streaming, so frames without a content
//! size (Java's `ZstdOutputStream`, librdkafka) are fine. The decoder's window is limited to
//! zstd's default maximum (128 MiB), which bounds the memory a forged frame header can claim.

use super::{read_bounded, CompressionError};
use bytes::{BufMut, BytesMut};
use std::io::Write;

const CODEC: &str = "zstd";

/// The level Java and librdkafka use by default.
pub const DEFAULT_LEVEL: i32 = 3;

/// Appends one zstd frame holding `input` to `out`; `level` 0 or `None` means the default.
pub fn compress(input: &[u8], level: Option<i32>, out: &mut BytesMut) -> Result<(), CompressionError> {
    let level = match level {
        None | Some(0) => DEFAULT_LEVEL,
        Some(l) => l,
    };
    let err = |e: std::io::Error| CompressionError::encode(CODEC, e);
    let mut encoder = ::zstd::stream::write::Encoder::new(out.writer(), level).map_err(err)?;
    encoder.include_contentsize(true).map_err(err)?;
    encoder.set_pledged_src_size(u64::try_from(input.len()).ok()).map_err(err)?;
    encoder.write_all(input).map_err(err)?;
    encoder.finish().map_err(err)?;
    Ok(())
}

/// Decompresses zstd frames, at most `max_output` bytes.
pub fn decompress(input: &[u8], max_output: usize) -> Result<Vec<u8>, CompressionError> {
    let decoder =
        ::zstd::stream::read::Decoder::with_buffer(input).map_err(|e| CompressionError::corrupt(CODEC, e))?;
    read_bounded(CODEC, decoder, input.len().saturating_mul(4), max_output)
}
