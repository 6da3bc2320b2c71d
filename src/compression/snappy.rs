//! snappy (attribute bits 2): xerial framing when writing, xerial or raw when reading.
//!
//! The Java client compresses with snappy-java's `SnappyOutputStream`, whose "xerial" framing is:
//!
//! ```text
//! header:  0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00   magic, 8 bytes
//!          i32 BE version = 1
//!          i32 BE compatible version = 1
//! blocks:  i32 BE compressed length, then one raw snappy block (of at most 32 KiB input)
//! ```
//!
//! We write exactly that. librdkafka may produce either that framing or a single raw snappy
//! block (varint uncompressed length followed by snappy elements), so reading accepts both —
//! input starting with the magic is framed, anything else is raw — and, like snappy-java, skips a
//! repeated header between blocks (concatenated streams).
//!
//! Every raw block declares its uncompressed length up front; it is checked against the output
//! budget and against snappy's maximum expansion ratio before anything is allocated.

use super::CompressionError;
use bytes::{BufMut, BytesMut};

const CODEC: &str = "snappy";

/// The xerial stream magic.
pub const XERIAL_MAGIC: [u8; 8] = [0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0];
/// The xerial header version and minimum compatible version we write.
pub const XERIAL_VERSION: i32 = 1;
/// Length of the xerial header: magic, version, compatible version.
pub const XERIAL_HEADER_LEN: usize = 16;
/// Input bytes per block, snappy-java's default block size.
pub const XERIAL_BLOCK_SIZE: usize = 32 * 1024;

/// A snappy element of n input bytes yields at most this many output bytes per input byte (a
/// 3-byte copy of 64 bytes is the best case), plus slack for the length header.
const MAX_EXPANSION: usize = 22;

/// Appends the xerial-framed snappy stream of `input` to `out`.
pub fn compress(input: &[u8], out: &mut BytesMut) -> Result<(), CompressionError> {
    out.reserve(XERIAL_HEADER_LEN + snap::raw::max_compress_len(input.len().min(XERIAL_BLOCK_SIZE)));
    out.put_slice(&XERIAL_MAGIC);
    out.put_i32(XERIAL_VERSION);
    out.put_i32(XERIAL_VERSION);
    let mut encoder = snap::raw::Encoder::new();
    let mut scratch = vec![0u8; snap::raw::max_compress_len(input.len().min(XERIAL_BLOCK_SIZE))];
    for block in input.chunks(XERIAL_BLOCK_SIZE) {
        let n = encoder.compress(block, &mut scratch).map_err(|e| CompressionError::encode(CODEC, e))?;
        let written = scratch.get(..n).ok_or_else(|| CompressionError::encode(CODEC, "bad block size"))?;
        let len = i32::try_from(n).map_err(|_| CompressionError::encode(CODEC, "block too large"))?;
        out.put_i32(len);
        out.put_slice(written);
    }
    Ok(())
}

/// Appends `input` as one raw (unframed) snappy block, the form librdkafka may send.
pub fn compress_raw(input: &[u8], out: &mut BytesMut) -> Result<(), CompressionError> {
    let compressed =
        snap::raw::Encoder::new().compress_vec(input).map_err(|e| CompressionError::encode(CODEC, e))?;
    out.put_slice(&compressed);
    Ok(())
}

/// Whether `input` starts with the xerial header magic.
pub fn is_xerial(input: &[u8]) -> bool {
    input.starts_with(&XERIAL_MAGIC)
}

/// Decompresses xerial-framed or raw snappy, at most `max_output` bytes.
pub fn decompress(input: &[u8], max_output: usize) -> Result<Vec<u8>, CompressionError> {
    let mut out = Vec::new();
    if is_xerial(input) {
        decompress_xerial(input, max_output, &mut out)?;
    } else {
        decompress_block(input, max_output, &mut out)?;
    }
    Ok(out)
}

fn decompress_xerial(mut input: &[u8], max_output: usize, out: &mut Vec<u8>) -> Result<(), CompressionError> {
    while !input.is_empty() {
        if is_xerial(input) {
            input = input
                .get(XERIAL_HEADER_LEN..)
                .ok_or_else(|| CompressionError::corrupt(CODEC, "truncated xerial header"))?;
            continue;
        }
        let (len_bytes, rest) = input
            .split_first_chunk::<4>()
            .ok_or_else(|| CompressionError::corrupt(CODEC, "truncated block length"))?;
        let len = usize::try_from(i32::from_be_bytes(*len_bytes))
            .map_err(|_| CompressionError::corrupt(CODEC, "negative block length"))?;
        if len > rest.len() {
            return Err(CompressionError::corrupt(CODEC, "truncated block"));
        }
        let (block, rest) = rest.split_at(len);
        decompress_block(block, max_output, out)?;
        input = rest;
    }
    Ok(())
}

/// Appends one raw snappy block to `out`, keeping `out` within `max_output` bytes.
fn decompress_block(block: &[u8], max_output: usize, out: &mut Vec<u8>) -> Result<(), CompressionError> {
    let len = snap::raw::decompress_len(block).map_err(|e| CompressionError::corrupt(CODEC, e))?;
    if len > block.len().saturating_mul(MAX_EXPANSION).saturating_add(1) {
        return Err(CompressionError::corrupt(CODEC, "declared length exceeds snappy's maximum ratio"));
    }
    let start = out.len();
    let end = start.checked_add(len).filter(|&end| end <= max_output);
    let end = end.ok_or(CompressionError::TooLarge { limit: max_output })?;
    out.resize(end, 0);
    let target = out.get_mut(start..).ok_or_else(|| CompressionError::corrupt(CODEC, "bad output slice"))?;
    let n = snap::raw::Decoder::new()
        .decompress(block, target)
        .map_err(|e| CompressionError::corrupt(CODEC, e))?;
    if n != len {
        return Err(CompressionError::corrupt(CODEC, "block shorter than its declared length"));
    }
    Ok(())
}
