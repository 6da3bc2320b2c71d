//! The default partitioner: murmur2 for keyed records, exactly as the Java client computes it
//! (so the same key lands on the same partition as with Java, librdkafka's `murmur2_random` and
//! kafka-python), and sticky partitioning for records without a key (KIP-480).

/// Java's `Utils.murmur2`: 32-bit MurmurHash2 with seed 0x9747b28c.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let len = data.len();
    let mut h: u32 = SEED ^ (len as u32);
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = chunks.remainder();
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Java's `Utils.toPositive`.
#[inline]
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// The partition for a keyed record among `num_partitions` partitions.
#[inline]
pub fn partition_for_key(key: &[u8], num_partitions: usize) -> i32 {
    if num_partitions == 0 {
        return 0;
    }
    (to_positive(murmur2(key)) as usize % num_partitions) as i32
}

/// Picks a partition for an unkeyed record: uniformly among `available` (or all if none available).
pub fn random_partition(available: &[i32], num_partitions: usize) -> i32 {
    if available.is_empty() {
        fastrand::usize(..num_partitions.max(1)) as i32
    } else {
        available[fastrand::usize(..available.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_vectors() {
        // Values from the Java client's UtilsTest / kafka-python's test_partitioner.
        assert_eq!(murmur2(b"21"), -973932308);
        assert_eq!(murmur2(b"foobar"), -790332482);
        assert_eq!(murmur2(b"a-little-bit-long-string"), -985981536);
        assert_eq!(murmur2(b"a-little-bit-longer-string"), -1486304829);
        assert_eq!(murmur2(b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
        assert_eq!(murmur2(b"abc"), 479470107);
    }

    #[test]
    fn partition_is_stable() {
        assert_eq!(partition_for_key(b"foobar", 1), 0);
        let p = partition_for_key(b"key-1", 6);
        assert!((0..6).contains(&p));
        assert_eq!(p, partition_for_key(b"key-1", 6));
    }
}
