//! Decodes arbitrary bytes as every declared response (and request) at every version: the first
//! byte picks the API (`APIS[b % len]`), the second the version within its range, the rest is the
//! body (OffsetFetch's entry spans its single-group 1..=7 and multi-group 8..=10 declarations).
//! A decoder must return, never panic or hang, and no single allocation may be out of
//! proportion to the input (a length field must never make us allocate for bytes that are not
//! there). The consumer protocol's embedded messages are decoded too.
//!
//! ```sh
//! make fuzz   # cargo +nightly fuzz run decode_messages corpus/decode_messages -- -max_len=512
//! ```
//!
//! `corpus/decode_messages` keeps one input per API version (the largest of a set-cover merge of a
//! 10.5M-execution run, which found nothing).

#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use kafka_core::protocol::messages::{ConsumerProtocolAssignment, ConsumerProtocolSubscription, APIS};
use libfuzzer_sys::fuzz_target;

/// The largest single allocation (or reallocation) since the last reset.
static LARGEST: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, recording the largest request.
struct Tracking;

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the only
// addition is an atomic maximum of the requested size.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc_zeroed(layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Tracking = Tracking;

/// The most one allocation may take for `n` input bytes: decoded values are larger in memory
/// than on the wire (a struct per element), but only by a constant factor.
fn allocation_bound(n: usize) -> usize {
    4096 + 256 * n
}

fuzz_target!(|data: &[u8]| {
    let [which, version, body @ ..] = data else { return };
    let api = &APIS[usize::from(*which) % APIS.len()];
    let span = (api.max_version - api.min_version + 1) as u8;
    let version = api.min_version + i16::from(*version % span);
    let input = Bytes::copy_from_slice(body);
    LARGEST.store(0, Ordering::Relaxed);
    let _ = (api.decode_response)(&mut input.clone(), version);
    let _ = (api.decode_request)(&mut input.clone(), version);
    let _ = ConsumerProtocolSubscription::from_bytes(input.clone());
    let _ = ConsumerProtocolAssignment::from_bytes(input);
    let largest = LARGEST.load(Ordering::Relaxed);
    assert!(
        largest <= allocation_bound(body.len()),
        "{:?} v{version}: allocated {largest} bytes for {} input bytes",
        api.key,
        body.len()
    );
});
