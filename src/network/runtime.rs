//! The tokio runtime every client of a process shares, re-created in a child after `fork()`.
//!
//! A forked child inherits the parent's memory but none of its threads: the parent's runtime
//! exists in the child with no worker to run anything. [`after_fork_in_child`] (called by the
//! Python package's `os.register_at_fork` hook) starts a new *generation*; the next [`runtime`]
//! call in the child builds a fresh runtime for it, and the parent's copy is left untouched
//! (never dropped: dropping would wait for threads that do not exist in the child). Clients
//! remember the generation they were created in ([`generation`]), so one inherited from the
//! parent can refuse to work instead of waiting forever on tasks that no longer run.

use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering};

use tokio::runtime::{Builder, Runtime};

/// Bumped in a forked child; 0 in the process that imported the module.
static GENERATION: AtomicU64 = AtomicU64::new(0);
/// The runtime of generation `OWNER` (a leaked `Box`, so it lives for the rest of the process).
static CURRENT: AtomicPtr<Runtime> = AtomicPtr::new(std::ptr::null_mut());
/// The generation `CURRENT` belongs to; `u64::MAX` before the first runtime exists.
static OWNER: AtomicU64 = AtomicU64::new(u64::MAX);
/// Held while a runtime is built (a spin flag, not a mutex: the child resets it after fork).
static BUILDING: AtomicBool = AtomicBool::new(false);

/// The runtime of this process (created on first use). Worker threads are named `kafka-rs-io`.
pub fn runtime() -> &'static Runtime {
    let generation = GENERATION.load(Ordering::Acquire);
    if OWNER.load(Ordering::Acquire) == generation {
        let ptr = CURRENT.load(Ordering::Acquire);
        if !ptr.is_null() {
            // SAFETY: `ptr` came from `Box::into_raw` below and is never freed, so it is valid
            // for 'static; `OWNER` is stored after `CURRENT` (release/acquire), so this pointer
            // is the runtime of `generation`.
            return unsafe { &*ptr };
        }
    }
    build(generation)
}

/// Runs `fut` on the runtime (from outside it), asking `interrupted` every 100 ms whether to
/// give up; `None` when it did (the future is dropped, i.e. cancelled).
pub fn block_on_until<F: std::future::Future>(
    fut: F,
    interrupted: &mut dyn FnMut() -> bool,
) -> Option<F::Output> {
    runtime().block_on(async move {
        tokio::pin!(fut);
        loop {
            tokio::select! {
                out = &mut fut => return Some(out),
                () = tokio::time::sleep(std::time::Duration::from_millis(100)) => {
                    if interrupted() {
                        return None;
                    }
                }
            }
        }
    })
}

/// The current fork generation (0 unless this process is a forked child).
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

/// Called in a forked child (single-threaded at that point): the next [`runtime`] call builds a
/// runtime of its own.
pub fn after_fork_in_child() {
    BUILDING.store(false, Ordering::Release);
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

#[cold]
fn build(generation: u64) -> &'static Runtime {
    while BUILDING.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        std::thread::yield_now();
    }
    let ptr = CURRENT.load(Ordering::Acquire);
    let runtime = if OWNER.load(Ordering::Acquire) == generation && !ptr.is_null() {
        // SAFETY: as in `runtime`: a leaked, never-freed Box of this generation.
        unsafe { &*ptr }
    } else {
        let leaked: &'static mut Runtime = Box::leak(Box::new(new_runtime()));
        CURRENT.store(leaked as *mut Runtime, Ordering::Release);
        OWNER.store(generation, Ordering::Release);
        &*leaked
    };
    BUILDING.store(false, Ordering::Release);
    runtime
}

thread_local! {
    /// Set on the runtime's worker and blocking threads.
    static RUNTIME_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// True on a thread of the I/O runtime. Such a thread may hold the client's locks, so it must
/// never wait for the GIL (the Python logging bridge queues its records instead).
pub fn on_runtime_thread() -> bool {
    RUNTIME_THREAD.with(std::cell::Cell::get)
}

fn new_runtime() -> Runtime {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
    match Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("kafka-rs-io")
        .on_thread_start(|| RUNTIME_THREAD.with(|t| t.set(true)))
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        // Without a runtime nothing can work; this only fails if the OS refuses threads.
        Err(e) => panic!("cannot start the kafka-python-rs I/O runtime: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_runtime_within_a_generation_new_one_after_fork() {
        let first = runtime() as *const Runtime;
        assert_eq!(first, runtime() as *const Runtime);
        let before = generation();
        after_fork_in_child();
        assert_eq!(generation(), before + 1);
        let second = runtime() as *const Runtime;
        assert_ne!(first, second);
        assert_eq!(runtime().block_on(async { 7 }), 7);
    }
}
