//! lz4 (attribute bits 3): the standard LZ4 frame format.
//!
//! A frame is the magic number `0x184D2204` (little-endian), a frame descriptor (FLG, BD, an
//! optional content size, a header checksum byte), data blocks each prefixed by a little-endian
//! u32 size (high bit set = stored uncompressed), an end mark of four zero bytes and an optional
//! content checksum. RecordBatch v2 uses the correct header checksum (the broken checksum of
//! magic 0 messages is not involved).
//!
//! We write what Java's `KafkaLZ4BlockOutputStream` writes: 64 KiB independent blocks, no block
//! or content checksums, no content size — the Java reader decompresses each block on its own,
//! so linked blocks must not be used. Reading accepts any standard frame.

use super::{read_bounded, CompressionError};
use bytes::{BufMut, BytesMut};
use lz4_flex::frame::{BlockMode, BlockSize, FrameDecoder, FrameEncoder, FrameInfo};
use std::io::Write;

const CODEC: &str = "lz4";

/// The LZ4 frame magic number.
pub const FRAME_MAGIC: u32 = 0x184D_2204;

/// Appends one LZ4 frame holding `input` to `out`.
pub fn compress(input: &[u8], out: &mut BytesMut) -> Result<(), CompressionError> {
    let info = FrameInfo::new()
        .block_size(BlockSize::Max64KB)
        .block_mode(BlockMode::Independent)
        .block_checksums(false)
        .content_checksum(false);
    let mut encoder = FrameEncoder::with_frame_info(info, out.writer());
    encoder.write_all(input).map_err(|e| CompressionError::encode(CODEC, e))?;
    encoder.finish().map_err(|e| CompressionError::encode(CODEC, e))?;
    Ok(())
}

/// Decompresses LZ4 frames, at most `max_output` bytes.
pub fn decompress(input: &[u8], max_output: usize) -> Result<Vec<u8>, CompressionError> {
    read_bounded(CODEC, FrameDecoder::new(input), input.len().saturating_mul(4), max_output)
}
