//! Compression codecs for record batches: gzip, snappy, lz4, zstd.
