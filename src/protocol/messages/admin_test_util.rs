//! Test helpers shared by the admin API message modules.

use bytes::{Bytes, BytesMut};

use crate::protocol::messages::test_util::roundtrip;
use crate::protocol::Message;

/// Round-trips `msg` at `version` and checks that every strict prefix of its encoding is
/// rejected with an error (a truncated message must never decode, let alone panic).
pub fn roundtrip_and_truncations<M: Message + PartialEq + std::fmt::Debug>(msg: &M, version: i16) {
    roundtrip(msg, version);
    let mut b = BytesMut::new();
    msg.encode(&mut b, version).expect("encode");
    let full = b.freeze();
    // Every prefix for small messages; a spread of cut points for larger ones.
    let step = (full.len() / 128).max(1);
    for cut in (0..full.len()).step_by(step) {
        let mut prefix: Bytes = full.slice(..cut);
        assert!(M::decode(&mut prefix, version).is_err(), "prefix of {cut}/{} bytes decoded", full.len());
    }
}
