"""The delivery future of ``AIOKafkaProducer.send()`` (the core's ``DeliveryFuture``) honours
asyncio's future protocol: everything asyncio offers for futures works with it.

Every test runs under the default event loop and under uvloop (see conftest.py).
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import weakref
from typing import Any, Callable

import pytest
from kafka import errors as Errors
from kafka._compat import NullRecordError, SerializedTypeError
from kafka.aio import AIOKafkaProducer, RecordMetadata

request_id: contextvars.ContextVar[str] = contextvars.ContextVar('request_id', default='-')


@pytest.mark.asyncio
async def test_future_protocol(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(partitions=1)
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=50) as producer:
        loop = asyncio.get_running_loop()
        fut = await producer.send(t, b'a')
        assert asyncio.isfuture(fut)
        assert fut.get_loop() is loop
        assert not fut.done() and not fut.cancelled()
        with pytest.raises(asyncio.InvalidStateError):
            fut.result()
        with pytest.raises(asyncio.InvalidStateError):
            fut.exception()
        seen: list[tuple[str, bool]] = []

        def cb(f: Any) -> None:
            seen.append((request_id.get(), f.done()))

        def removed(f: Any) -> None:
            seen.append(('removed', True))

        request_id.set('at-registration')
        fut.add_done_callback(cb)
        fut.add_done_callback(removed)
        fut.add_done_callback(removed)
        assert fut.remove_done_callback(removed) == 2
        request_id.set('later')
        md = await fut
        assert isinstance(md, RecordMetadata) and md.offset == 0
        assert fut.result() is md and fut.exception() is None
        await asyncio.sleep(0)
        # Run once, in the context current at registration.
        assert seen == [('at-registration', True)]
        # A callback added to a done future runs on a later loop iteration, not inside the call.
        fut.add_done_callback(cb)
        assert len(seen) == 1
        await asyncio.sleep(0)
        assert seen == [('at-registration', True), ('later', True)]
        assert fut.cancel() is False
        # Awaiting a done future again returns the same result.
        assert await fut is md
        assert 'finished' in repr(fut)


@pytest.mark.asyncio
async def test_asyncio_combinators(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(partitions=3)
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=5) as producer:
        futs = [await producer.send(t, b'%d' % i) for i in range(300)]
        results = await asyncio.gather(*futs)
        assert [r.offset for r in results] == [f.result().offset for f in futs]
        assert len({(r.partition, r.offset) for r in results}) == 300

        futs = [await producer.send(t, b'w%d' % i) for i in range(10)]
        done, pending = await asyncio.wait(futs, timeout=30)
        assert len(done) == 10 and not pending
        f = await producer.send(t, b'as-completed')
        for coro in asyncio.as_completed([f]):
            assert (await coro).topic == t
        assert (await asyncio.wait_for(await producer.send(t, b'wait-for'), timeout=30)).topic == t
        assert (await asyncio.shield(await producer.send(t, b'shield'))).topic == t
        # A task can be created straight from send() (it is a coroutine-like awaitable).
        task = asyncio.create_task(producer.send(t, b'task'))
        assert (await (await task)).topic == t
        assert asyncio.iscoroutine(producer.send(t, b'coroutine'))
        assert (await asyncio.ensure_future(await producer.send(t, b'ensure'))).topic == t


@pytest.mark.asyncio
async def test_cancelling_the_future_does_not_withdraw_the_record(
        bootstrap_servers: str, topic: Callable[..., str], consume: Callable[..., Any]) -> None:
    t = topic(partitions=1)
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=200) as producer:
        fut = await producer.send(t, b'still-sent')
        states: list[bool] = []
        fut.add_done_callback(lambda f: states.append(f.cancelled()))
        assert fut.cancel('no longer needed') is True
        assert fut.cancelled() and fut.done()
        with pytest.raises(asyncio.CancelledError):
            fut.result()
        with pytest.raises(asyncio.CancelledError):
            await fut
        await asyncio.sleep(0)
        assert states == [True]
        # wait_for on a future that does not complete in time cancels it (the record stays).
        slow = await producer.send(t, b'wait-for-timeout')
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(slow, timeout=0.001)
        assert slow.cancelled()
        await producer.flush()
        # A task awaiting the future and then cancelled gets CancelledError.
        waiting = await producer.send(t, b'task-cancelled')

        async def waiter() -> Any:
            return await waiting

        task = asyncio.create_task(waiter())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert waiting.cancelled()
    values = sorted(r.value for r in consume(t, 3))
    assert values == [b'still-sent', b'task-cancelled', b'wait-for-timeout']


@pytest.mark.asyncio
async def test_exception_in_a_callback_goes_to_the_loop_handler(bootstrap_servers: str,
                                                                 topic: Callable[..., str]) -> None:
    t = topic(partitions=1)
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers) as producer:
            fut = await producer.send(t, b'x')
            after: list[int] = []

            def boom(f: Any) -> None:
                raise RuntimeError('callback failed')

            fut.add_done_callback(boom)
            fut.add_done_callback(lambda f: after.append(1))
            await fut
            await asyncio.sleep(0)
            assert after == [1]  # the next callback still ran
    finally:
        loop.set_exception_handler(None)
    assert len(reported) == 1
    assert isinstance(reported[0]['exception'], RuntimeError)
    assert 'Exception in callback' in reported[0]['message']


@pytest.mark.asyncio
async def test_errors_are_raised_by_await(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(partitions=1)
    async with AIOKafkaProducer(bootstrap_servers=bootstrap_servers,
                                value_serializer=lambda v: v if v != 'raise' else 1 / 0) as producer:
        pending = producer.send(t)  # nothing raised until awaited
        with pytest.raises(NullRecordError):
            await pending
        with pytest.raises(SerializedTypeError):
            await producer.send(t, 'not-bytes')
        with pytest.raises(ZeroDivisionError):
            await producer.send(t, 'raise')
        with pytest.raises(Errors.MessageSizeTooLargeError):
            await producer.send(t, b'x' * 2_000_000)
        with pytest.raises(ValueError):
            await producer.send('bad topic!', b'x')
        md = await (await producer.send(t, b'ok', headers=[('h', None), ('i', b'1')]))
        assert md.offset == 0
    with pytest.raises(Errors.ProducerClosed):
        await producer.send(t, b'closed')


@pytest.mark.asyncio
async def test_failed_delivery_fails_every_future_of_the_batch() -> None:
    from conftest import create_topic, tansu_broker

    with tansu_broker() as (bootstrap, proc):
        name = create_topic(bootstrap, 'aio-fail-topic', 1)
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0, request_timeout_ms=500,
                                    delivery_timeout_ms=2000, retry_backoff_ms=50)
        await producer.start()
        try:
            await producer.send_and_wait(name, b'first')
            proc.kill()
            proc.wait()
            futs = [await producer.send(name, b'%d' % i) for i in range(5)]
            results = await asyncio.wait_for(asyncio.gather(*futs, return_exceptions=True), timeout=30)
        finally:
            await producer._shutdown()
    assert all(isinstance(r, Errors.KafkaError) for r in results), results
    assert all(f.exception() is r for f, r in zip(futs, results))
    with pytest.raises(Errors.KafkaError):
        futs[0].result()

    # A cycle through a failed future (future -> exception -> holder -> future) is collected:
    # the future shows its references to the cyclic GC.
    class Holder:
        fut: Any = None

    holder = Holder()
    holder.fut = futs[0]
    futs[0].exception().holder = holder
    alive = weakref.ref(holder)
    del holder, futs, results
    gc.collect()
    assert alive() is None
