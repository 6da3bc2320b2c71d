//! pyo3-async-runtimes on the process runtime of the current fork generation.
//!
//! `pyo3_async_runtimes::tokio` keeps the runtime it was first given for the life of the
//! process, which in a forked child has no threads. [`ForkAwareTokio`] implements its generic
//! runtime traits on [`crate::network::runtime::runtime`] instead, so awaitables created in a
//! child run on the child's runtime.

use std::future::Future;
use std::pin::Pin;

use pyo3::prelude::*;
use pyo3_async_runtimes::generic::{ContextExt, JoinError, Runtime};
use pyo3_async_runtimes::TaskLocals;
use tokio::task;

use crate::network::runtime::runtime;

tokio::task_local! {
    static TASK_LOCALS: TaskLocals;
}

/// The generic-runtime adapter (a type only; the runtime itself is looked up per spawn).
pub(crate) struct ForkAwareTokio;

/// `tokio::task::JoinError` seen through pyo3-async-runtimes' trait.
pub(crate) struct TaskJoinError(task::JoinError);

impl JoinError for TaskJoinError {
    fn is_panic(&self) -> bool {
        self.0.is_panic()
    }

    fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        self.0.into_panic()
    }
}

/// A spawned task's handle with the error mapped.
pub(crate) struct Handle(task::JoinHandle<()>);

impl Future for Handle {
    type Output = Result<(), TaskJoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|r| r.map_err(TaskJoinError))
    }
}

impl Runtime for ForkAwareTokio {
    type JoinError = TaskJoinError;
    type JoinHandle = Handle;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        Handle(runtime().spawn(fut))
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        Handle(runtime().spawn_blocking(f))
    }
}

impl ContextExt for ForkAwareTokio {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        Box::pin(TASK_LOCALS.scope(locals, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS.try_with(Clone::clone).ok()
    }
}

/// A Python awaitable for `fut`, run on the current generation's runtime.
pub(crate) fn future_into_py<F, T>(py: Python<'_>, fut: F) -> PyResult<Bound<'_, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'py> IntoPyObject<'py> + Send + 'static,
{
    pyo3_async_runtimes::generic::future_into_py::<ForkAwareTokio, F, T>(py, fut)
}
