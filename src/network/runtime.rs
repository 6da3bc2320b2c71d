//! The one tokio runtime every client in the process shares.

use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// The process-wide runtime (created on first use). Worker threads are named `kafka-rs-io`.
pub fn runtime() -> &'static Runtime {
    RUNTIME.get_or_init(|| {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
        match Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("kafka-rs-io")
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            // Without a runtime nothing can work; this only fails if the OS refuses threads.
            Err(e) => panic!("cannot start the kafka-python-rs I/O runtime: {e}"),
        }
    })
}
