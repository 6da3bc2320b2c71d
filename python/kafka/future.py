"""A thread-safe future with callbacks, as kafka-python's ``kafka.future.Future``."""

from __future__ import annotations

import abc
import asyncio
import functools
import logging
import threading
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from collections.abc import Generator

from kafka.errors import RetriableError

log = logging.getLogger(__name__)


class Future(metaclass=abc.ABCMeta):
    """Result of an operation that completes later, possibly on another thread.

    The future is resolved once, with :meth:`success` or :meth:`failure`.
    Callbacks registered with :meth:`add_callback` receive the value;
    errbacks registered with :meth:`add_errback` receive the exception.  A
    callback added after the future is done runs immediately in the calling
    thread.  Exceptions raised by callbacks are logged and swallowed unless
    ``error_on_callbacks`` is true.

    Awaitable (kafka-python 3): ``await future`` in a coroutine returns the
    value or raises the exception, without blocking the event loop.
    ``KafkaProducer.send()``'s future (implemented in Rust) is registered as
    a virtual subclass, so ``isinstance(producer.send(...), Future)`` holds.
    """

    __slots__ = ('_callbacks', '_errbacks', '_lock', 'exception', 'is_done', 'value')
    error_on_callbacks = False

    def __init__(self) -> None:
        self.is_done = False
        self.value: Any = None
        self.exception: BaseException | None = None
        self._callbacks: list[Callable[[Any], Any]] | None = []
        self._errbacks: list[Callable[[BaseException], Any]] | None = []
        self._lock = threading.Lock()

    def succeeded(self) -> bool:
        """True when the future is done and carries a value."""
        return self.is_done and self.exception is None

    def failed(self) -> bool:
        """True when the future is done and carries an exception."""
        return self.is_done and self.exception is not None

    def retriable(self) -> bool:
        """True when the future failed with a retriable error."""
        return self.is_done and isinstance(self.exception, RetriableError)

    def _run(self, fns: list[Callable[[Any], Any]], arg: Any, what: str) -> None:
        for fn in fns:
            try:
                fn(arg)
            except Exception:
                log.exception('Error processing %s', what)
                if self.error_on_callbacks:
                    raise

    def success(self, value: Any) -> Future:
        """Resolve the future with ``value`` and run the callbacks."""
        with self._lock:
            if self.is_done:
                raise AssertionError('Future is already complete')
            self.value = value
            self.is_done = True
            callbacks = self._callbacks
            self._callbacks = self._errbacks = None
        if callbacks:
            self._run(callbacks, value, 'callback')
        return self

    def failure(self, e: BaseException | type[BaseException]) -> Future:
        """Fail the future with exception ``e`` (a class is instantiated) and run the errbacks."""
        exception = e() if isinstance(e, type) else e
        if not isinstance(exception, BaseException):
            raise TypeError('future failed without an exception')
        with self._lock:
            if self.is_done:
                raise AssertionError('Future is already complete')
            self.exception = exception
            self.is_done = True
            errbacks = self._errbacks
            self._callbacks = self._errbacks = None
        if errbacks:
            self._run(errbacks, exception, 'errback')
        return self

    def add_callback(self, f: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        """Call ``f(*args, value, **kwargs)`` once the future succeeds."""
        if args or kwargs:
            f = functools.partial(f, *args, **kwargs)
        with self._lock:
            if not self.is_done:
                assert self._callbacks is not None
                self._callbacks.append(f)
                return self
        if self.exception is None:
            self._run([f], self.value, 'callback')
        return self

    def add_errback(self, f: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        """Call ``f(*args, exception, **kwargs)`` once the future fails."""
        if args or kwargs:
            f = functools.partial(f, *args, **kwargs)
        with self._lock:
            if not self.is_done:
                assert self._errbacks is not None
                self._errbacks.append(f)
                return self
        if self.exception is not None:
            self._run([f], self.exception, 'errback')
        return self

    def add_both(self, f: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        """Register ``f`` as both callback and errback."""
        self.add_callback(f, *args, **kwargs)
        self.add_errback(f, *args, **kwargs)
        return self

    def chain(self, future: Future) -> Future:
        """Resolve ``future`` the same way this future resolves."""
        self.add_callback(future.success)
        self.add_errback(future.failure)
        return self

    def __await__(self) -> Generator[Any, None, Any]:
        return _await(self).__await__()


async def _await(future: Any) -> Any:
    """Wait for a kafka future (completed on any thread) on the running event loop."""
    if not future.is_done:
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()

        def wake(_: Any) -> None:
            loop.call_soon_threadsafe(lambda: waiter.done() or waiter.set_result(None))

        future.add_both(wake)
        await waiter
    if future.exception is not None:
        raise future.exception
    return future.value
