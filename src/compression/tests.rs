use super::*;
use proptest::prelude::*;

const ALL: [Compression; 5] =
    [Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd];

fn packed(codec: Compression, input: &[u8]) -> Vec<u8> {
    let mut out = BytesMut::new();
    compress(codec, input, &mut out).unwrap();
    out.to_vec()
}

fn sample(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8 ^ (i / 1000) as u8).collect()
}

#[test]
fn codec_bits_and_names() {
    for (bits, codec) in ALL.iter().enumerate() {
        assert_eq!(codec.attribute_bits(), bits as i16);
        assert_eq!(Compression::from_attributes(bits as i16 | 0x30).unwrap(), *codec);
        assert_eq!(Compression::from_name(codec.name()).unwrap(), *codec);
    }
    assert_eq!(Compression::from_name("GZIP").unwrap(), Compression::Gzip);
    assert!(Compression::from_name("brotli").is_err());
    assert!(Compression::from_attributes(5).is_err());
    assert!(Compression::from_attributes(7).is_err());
}

#[test]
fn every_codec_round_trips_large_input() {
    let input = sample(300_000);
    for codec in ALL {
        let c = packed(codec, &input);
        assert_eq!(decompress(codec, &c, input.len()).unwrap(), input, "{codec:?}");
        assert_eq!(
            decompress(codec, &c, input.len() - 1),
            Err(CompressionError::TooLarge { limit: input.len() - 1 }),
            "{codec:?}"
        );
    }
}

#[test]
fn empty_input_round_trips() {
    for codec in ALL {
        let c = packed(codec, &[]);
        assert_eq!(decompress(codec, &c, 0).unwrap(), Vec::<u8>::new(), "{codec:?}");
    }
}

#[test]
fn levels() {
    let input = sample(50_000);
    for level in [Some(1), Some(9), Some(42), Some(-3), None] {
        for codec in ALL {
            let mut out = BytesMut::new();
            compress_with_level(codec, &input, level, &mut out).unwrap();
            assert_eq!(decompress(codec, &out, usize::MAX).unwrap(), input);
        }
    }
}

#[test]
fn snappy_writes_xerial_framing() {
    let input = sample(70_000);
    let c = packed(Compression::Snappy, &input);
    assert_eq!(&c[..8], &[0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0]);
    assert_eq!(&c[8..16], &[0, 0, 0, 1, 0, 0, 0, 1]);
    // Three blocks of at most 32 KiB input, each an i32 BE length and a raw snappy block.
    let mut rest = &c[16..];
    let mut decoded = Vec::new();
    while !rest.is_empty() {
        let len = i32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        let block = snap::raw::Decoder::new().decompress_vec(&rest[4..4 + len]).unwrap();
        assert!(block.len() <= XERIAL_BLOCK_SIZE_FOR_TEST);
        decoded.extend_from_slice(&block);
        rest = &rest[4 + len..];
    }
    assert_eq!(decoded, input);
}

const XERIAL_BLOCK_SIZE_FOR_TEST: usize = snappy::XERIAL_BLOCK_SIZE;

#[test]
fn snappy_reads_raw_and_framed() {
    let input = b"hello hello hello hello kafka kafka kafka".repeat(100);
    let raw = snap::raw::Encoder::new().compress_vec(&input).unwrap();
    assert!(!snappy::is_xerial(&raw));
    assert_eq!(decompress(Compression::Snappy, &raw, usize::MAX).unwrap(), input);
    let mut via_helper = BytesMut::new();
    snappy::compress_raw(&input, &mut via_helper).unwrap();
    assert_eq!(decompress(Compression::Snappy, &via_helper, usize::MAX).unwrap(), input);
    let framed = packed(Compression::Snappy, &input);
    assert_eq!(decompress(Compression::Snappy, &framed, usize::MAX).unwrap(), input);
    // Concatenated xerial streams (snappy-java accepts a repeated header between blocks).
    let mut twice = framed.clone();
    twice.extend_from_slice(&framed);
    assert_eq!(
        decompress(Compression::Snappy, &twice, usize::MAX).unwrap(),
        [&input[..], &input[..]].concat()
    );
}

#[test]
fn snappy_hand_built_xerial_stream() {
    // A stream built by hand from the framing spec: header, then two blocks.
    let mut s = vec![0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1];
    for part in [&b"abc"[..], &b"defg"[..]] {
        let block = snap::raw::Encoder::new().compress_vec(part).unwrap();
        s.extend_from_slice(&(block.len() as i32).to_be_bytes());
        s.extend_from_slice(&block);
    }
    assert_eq!(decompress(Compression::Snappy, &s, 100).unwrap(), b"abcdefg");
    assert!(decompress(Compression::Snappy, &s[..s.len() - 1], 100).is_err());
    assert!(decompress(Compression::Snappy, &s[..12], 100).is_err());
}

#[test]
fn snappy_declared_length_is_not_trusted() {
    // Raw block claiming 2^32-1 bytes of output from a 5-byte input.
    let bomb = [0xff, 0xff, 0xff, 0xff, 0x0f];
    assert!(decompress(Compression::Snappy, &bomb, usize::MAX).is_err());
    // A real highly compressible block over the budget.
    let input = vec![0u8; 100_000];
    let raw = snap::raw::Encoder::new().compress_vec(&input).unwrap();
    assert_eq!(
        decompress(Compression::Snappy, &raw, 99_999),
        Err(CompressionError::TooLarge { limit: 99_999 })
    );
}

#[test]
fn lz4_output_is_a_standard_frame() {
    let input = sample(200_000);
    let c = packed(Compression::Lz4, &input);
    assert_eq!(u32::from_le_bytes(c[..4].try_into().unwrap()), lz4::FRAME_MAGIC);
    let flg = c[4];
    assert_eq!(flg >> 6, 0b01, "version 01");
    assert_ne!(flg & 0x20, 0, "independent blocks");
    assert_eq!(flg & 0x10, 0, "no block checksum");
    assert_eq!(flg & 0x08, 0, "no content size");
    assert_eq!(c[5], 0x40, "BD: 64 KiB max block size");
    assert_eq!(&c[c.len() - 4..], &[0, 0, 0, 0], "end mark, no content checksum");
    // Header checksum: second byte of xxh32(FLG..BD) — checked by decoding.
    assert_eq!(decompress(Compression::Lz4, &c, usize::MAX).unwrap(), input);
}

#[test]
fn zstd_reads_frames_without_content_size() {
    let input = sample(100_000);
    let mut enc = ::zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    std::io::Write::write_all(&mut enc, &input).unwrap();
    let c = enc.finish().unwrap();
    assert_eq!(&c[..4], &[0x28, 0xb5, 0x2f, 0xfd]);
    assert_eq!(decompress(Compression::Zstd, &c, usize::MAX).unwrap(), input);
    assert!(decompress(Compression::Zstd, &c, 1000).is_err());
}

#[test]
fn gzip_is_standard_and_accepts_concatenated_members() {
    let c = packed(Compression::Gzip, b"abc");
    assert_eq!(&c[..3], &[0x1f, 0x8b, 0x08]);
    let mut two = c.clone();
    two.extend_from_slice(&packed(Compression::Gzip, b"def"));
    assert_eq!(decompress(Compression::Gzip, &two, 6).unwrap(), b"abcdef");
}

#[test]
fn bombs_are_rejected() {
    let zeros = vec![0u8; 4 << 20];
    for codec in ALL {
        let c = packed(codec, &zeros);
        assert_eq!(
            decompress(codec, &c, 1 << 20),
            Err(CompressionError::TooLarge { limit: 1 << 20 }),
            "{codec:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn round_trip(data in proptest::collection::vec(any::<u8>(), 0..2048), codec in 0usize..5) {
        let codec = ALL[codec];
        let c = packed(codec, &data);
        prop_assert_eq!(decompress(codec, &c, data.len()).unwrap(), data);
    }

    #[test]
    fn garbage_never_panics(data in proptest::collection::vec(any::<u8>(), 0..256), codec in 0usize..5) {
        let _ = decompress(ALL[codec], &data, 1 << 16);
    }

    #[test]
    fn corrupted_streams_never_panic(
        data in proptest::collection::vec(any::<u8>(), 0..512),
        codec in 1usize..5,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut c = packed(ALL[codec], &data);
        for (at, x) in flips {
            let i = at.index(c.len());
            c[i] ^= x;
        }
        let _ = decompress(ALL[codec], &c, 1 << 16);
        let _ = decompress(ALL[codec], &c[..cut.index(c.len() + 1)], 1 << 16);
    }
}
