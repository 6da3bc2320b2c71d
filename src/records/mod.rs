//! RecordBatch v2 (magic 2): encoding, decoding, CRC-32C.
