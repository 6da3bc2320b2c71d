"""One benchmark run of one client, executed by that client's own virtualenv python.

Usage: ``python runner.py '<json spec>'``.  The spec names the client, the scenario and its sizes
(see ``bench/run.py``).  The last line printed on stdout is ``RESULT <json>``.

This file imports only the standard library at module level, so any of the venvs can run it; the
client library is imported inside the scenario function.  When our package lacks a class
(``KafkaConsumer`` or ``kafka.aio`` not built yet) the result is ``status: "n/a"`` instead of a
crash.

Record layout (every scenario): the first 8 bytes of each value are the record's sequence number
(big-endian), so a consumer verifies count and checksum (sum of sequence numbers) cheaply.  The
latency scenario adds the send time (monotonic ns) in bytes 8..16.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import sys
import threading
import time
import traceback
import uuid
from typing import Any, Callable

WARMUP_SEQ = (1 << 64) - 1
_WARMUP_PREFIX = WARMUP_SEQ.to_bytes(8, 'big')
STALL_TIMEOUT_S = 30.0

# Producer settings applied to every client (translated to each client's own names), so the
# comparison is like for like.  See bench/README.md.
LINGER_MS = 5
BATCH_BYTES = 131072
BUFFER_BYTES = 32 * 1024 * 1024
MAX_IN_FLIGHT = 5
FETCH_MAX_WAIT_MS = 100
MAX_POLL_RECORDS = 500


class NotImplementedInClient(Exception):
    """The client under test lacks the API this scenario needs (our consumer / kafka.aio)."""


# ---------------------------------------------------------------------------------------------
# payloads


def _pad(size: int) -> bytes:
    return (b'kafka-python-rs-bench-' * (size // 22 + 1))[:size]


def _compressible_text(size: int) -> bytes:
    """Deterministic, moderately compressible text (lowercase words), identical in every venv."""
    rng = random.Random(6)
    words = [''.join(rng.choice('etaoinshrdlucmfw') for _ in range(rng.randint(2, 9))) for _ in range(500)]
    out = ' '.join(rng.choice(words) for _ in range(size // 3)).encode()
    return out[:size]


class Payloads:
    """Builds value(i) / key(i) for a spec; the same bytes for every client."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.value_size: int = spec['value_size']
        self.key_size: int = spec.get('key_size', 0)
        self.compressible: bool = bool(spec.get('compression'))
        body = self.value_size - 8
        self.pad = _pad(body)
        self.text = _compressible_text(body + 4096)

    def make_value(self) -> Callable[[int], bytes]:
        pad = self.pad
        if self.compressible:
            text = self.text
            body = self.value_size - 8

            def value(i: int) -> bytes:
                off = (i * 61) & 4095
                return i.to_bytes(8, 'big') + text[off:off + body]

            return value

        def plain(i: int) -> bytes:
            return i.to_bytes(8, 'big') + pad

        return plain

    def make_key(self) -> Callable[[int], bytes | None]:
        if not self.key_size:
            return lambda i: None
        fmt = b'k%0' + str(self.key_size - 1).encode() + b'd'
        return lambda i: fmt % i

    def total_bytes(self, n: int) -> int:
        return n * (self.value_size + self.key_size)


# ---------------------------------------------------------------------------------------------
# measurement


class Meter:
    """Wall time and process CPU (user+sys of every thread: RUSAGE_SELF) of the timed section."""

    def __enter__(self) -> Meter:  # noqa: PYI034 - runs on Python 3.9 without typing_extensions
        self._ru = resource.getrusage(resource.RUSAGE_SELF)
        self._t = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.perf_counter() - self._t
        ru = resource.getrusage(resource.RUSAGE_SELF)
        self.cpu = (ru.ru_utime - self._ru.ru_utime) + (ru.ru_stime - self._ru.ru_stime)


def _result(meter: Meter, records: int, nbytes: int, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        'status': 'ok',
        'records': records,
        'bytes': nbytes,
        'elapsed_s': meter.elapsed,
        'cpu_s': meter.cpu,
    }
    out.update(extra)
    return out


class Tally:
    """Count, checksum (sum of sequence numbers) and payload bytes of consumed records."""

    __slots__ = ('checksum', 'count', 'nbytes')

    def __init__(self) -> None:
        self.count = 0
        self.checksum = 0
        self.nbytes = 0

    def as_dict(self) -> dict[str, int]:
        return {'count': self.count, 'checksum': self.checksum, 'consumed_bytes': self.nbytes}


def _percentiles(samples_ns: list[int]) -> dict[str, float]:
    if not samples_ns:
        return {}
    s = sorted(samples_ns)

    def pct(p: float) -> float:
        idx = min(len(s) - 1, max(0, round(p / 100.0 * len(s) + 0.5) - 1))
        return s[idx] / 1e6

    return {'p50_ms': pct(50), 'p99_ms': pct(99), 'p99_9_ms': pct(99.9), 'max_ms': s[-1] / 1e6,
            'samples': len(s)}


def _import_ours_consumer() -> Any:
    try:
        from kafka import KafkaConsumer  # type: ignore[attr-defined]
    except ImportError as exc:
        raise NotImplementedInClient(f'kafka.KafkaConsumer: {exc}') from exc
    return KafkaConsumer


def _import_ours_aio() -> Any:
    try:
        from kafka import aio  # type: ignore[import-not-found]
        aio.AIOKafkaProducer  # noqa: B018
        aio.AIOKafkaConsumer  # noqa: B018
    except (ImportError, AttributeError) as exc:
        raise NotImplementedInClient(f'kafka.aio: {exc}') from exc
    return aio


# ---------------------------------------------------------------------------------------------
# TLS: a spec with ``ssl_cafile`` (the TLS scenarios) connects to the broker's SSL listener,
# verifying the broker's certificate (chain and host name) against that CA, no client certificate.


def _kp_security(spec: dict[str, Any]) -> dict[str, Any]:
    if not spec.get('ssl_cafile'):
        return {}
    return {'security_protocol': 'SSL', 'ssl_cafile': spec['ssl_cafile']}


def _ck_security(spec: dict[str, Any]) -> dict[str, Any]:
    if not spec.get('ssl_cafile'):
        return {}
    return {'security.protocol': 'SSL', 'ssl.ca.location': spec['ssl_cafile']}


# ---------------------------------------------------------------------------------------------
# kafka-python API clients (ours and kafka-python)


def _kp_producer_config(spec: dict[str, Any], linger_ms: int = LINGER_MS) -> dict[str, Any]:
    return {
        **_kp_security(spec),
        'bootstrap_servers': spec['bootstrap'],
        'acks': spec.get('acks', 1),
        'linger_ms': linger_ms,
        'batch_size': BATCH_BYTES,
        'compression_type': spec.get('compression'),
        'enable_idempotence': False,
        'max_in_flight_requests_per_connection': MAX_IN_FLIGHT,
    }


def _kp_producer_class(client: str) -> Any:
    from kafka import KafkaProducer

    return KafkaProducer


def kp_produce(spec: dict[str, Any]) -> dict[str, Any]:
    producer = _kp_producer_class(spec['client'])(**_kp_producer_config(spec))
    topic, n = spec['topic'], spec['records']
    payloads = Payloads(spec)
    value_of, key_of = payloads.make_value(), payloads.make_key()
    producer.partitions_for(topic)  # metadata fetched before the clock starts, for every client
    send = producer.send
    with Meter() as m:
        if payloads.key_size:
            for i in range(n):
                send(topic, value=value_of(i), key=key_of(i))
        else:
            for i in range(n):
                send(topic, value=value_of(i))
        producer.flush()
    producer.close()
    return _result(m, n, payloads.total_bytes(n))


def _kp_consumer(spec: dict[str, Any]) -> tuple[Any, list[Any]]:
    if spec['client'] == 'ours':
        consumer_cls = _import_ours_consumer()
        from kafka import TopicPartition
    else:
        from kafka import KafkaConsumer as consumer_cls
        from kafka import TopicPartition
    consumer = consumer_cls(
        bootstrap_servers=spec['bootstrap'],
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset='earliest',
        fetch_max_wait_ms=spec.get('fetch_max_wait_ms', FETCH_MAX_WAIT_MS),
        max_poll_records=MAX_POLL_RECORDS,
        consumer_timeout_ms=int(STALL_TIMEOUT_S * 1000),
        **_kp_security(spec),
    )
    topic = spec['topic']
    parts = None
    deadline = time.monotonic() + 30
    while not parts and time.monotonic() < deadline:
        parts = consumer.partitions_for_topic(topic)
        if not parts:
            time.sleep(0.1)
    tps = [TopicPartition(topic, p) for p in sorted(parts or ())]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    return consumer, tps


def kp_consume(spec: dict[str, Any]) -> dict[str, Any]:
    consumer, _ = _kp_consumer(spec)
    n = spec['records']
    tally = Tally()
    from_bytes = int.from_bytes
    with Meter() as m:
        if spec['mode'] == 'iter':
            for msg in consumer:
                v = msg.value
                tally.checksum += from_bytes(v[:8], 'big')
                tally.nbytes += len(v)
                tally.count += 1
                if tally.count >= n:
                    break
        else:
            last_progress = time.monotonic()
            while tally.count < n:
                batches = consumer.poll(timeout_ms=1000)
                if not batches:
                    if time.monotonic() - last_progress > STALL_TIMEOUT_S:
                        break
                    continue
                last_progress = time.monotonic()
                for records in batches.values():
                    for msg in records:
                        v = msg.value
                        tally.checksum += from_bytes(v[:8], 'big')
                        tally.nbytes += len(v)
                    tally.count += len(records)
    consumer.close()
    return _result(m, tally.count, tally.nbytes, **tally.as_dict())


def _paced_send(send_one: Callable[[int], None], n: int, rate: float, after_each: Callable[[], None]) -> None:
    interval = 1.0 / rate
    start = time.perf_counter()
    for i in range(n):
        target = start + i * interval
        now = time.perf_counter()
        if target > now:
            time.sleep(target - now)
        send_one(i)
        after_each()


def _latency_value(i: int, pad: bytes) -> bytes:
    return i.to_bytes(8, 'big') + time.monotonic_ns().to_bytes(8, 'big') + pad


def _latency_run(spec: dict[str, Any], start_consumer: Callable[[threading.Event, threading.Event, Tally,
                                                                  list[int]], threading.Thread],
                 warmup: Callable[[], None], send_one: Callable[[int], None],
                 after_each: Callable[[], None], finish: Callable[[], None]) -> dict[str, Any]:
    """Shared driver: a consumer thread, a warm-up record, then ``rate`` records/s for ``seconds``."""
    n = int(spec['rate'] * spec['seconds'])
    seen_warmup, stop = threading.Event(), threading.Event()
    tally, lat = Tally(), []
    thread = start_consumer(seen_warmup, stop, tally, lat)
    deadline = time.monotonic() + 60
    while not seen_warmup.is_set() and time.monotonic() < deadline:
        warmup()
        seen_warmup.wait(1.0)
    if not seen_warmup.is_set():
        stop.set()
        raise RuntimeError('consumer never saw the warm-up record')
    with Meter() as m:
        _paced_send(send_one, n, spec['rate'], after_each)
        finish()
        end = time.monotonic() + STALL_TIMEOUT_S
        while tally.count < n and time.monotonic() < end:
            time.sleep(0.01)
    stop.set()
    thread.join(10)
    return _result(m, tally.count, tally.nbytes, latency=_percentiles(lat), **tally.as_dict())


def _on_latency_value(v: bytes, now_ns: int, seen_warmup: threading.Event, tally: Tally,
                      lat: list[int]) -> None:
    if v[:8] == _WARMUP_PREFIX:
        seen_warmup.set()
        return
    lat.append(now_ns - int.from_bytes(v[8:16], 'big'))
    tally.checksum += int.from_bytes(v[:8], 'big')
    tally.nbytes += len(v)
    tally.count += 1


def kp_latency(spec: dict[str, Any]) -> dict[str, Any]:
    consumer, _ = _kp_consumer(spec)
    producer = _kp_producer_class(spec['client'])(**_kp_producer_config(spec, linger_ms=0))
    topic = spec['topic']
    pad = _pad(spec['value_size'] - 16)

    def consume_loop(seen_warmup: threading.Event, stop: threading.Event, tally: Tally,
                     lat: list[int]) -> None:
        while not stop.is_set():
            for records in consumer.poll(timeout_ms=100).values():
                now = time.monotonic_ns()
                for msg in records:
                    _on_latency_value(msg.value, now, seen_warmup, tally, lat)

    def start(*args: Any) -> threading.Thread:
        t = threading.Thread(target=consume_loop, args=args, daemon=True)
        t.start()
        return t

    def warmup() -> None:
        producer.send(topic, value=_WARMUP_PREFIX + pad + bytes(8), partition=0).get(timeout=10)

    def send_one(i: int) -> None:
        producer.send(topic, value=_latency_value(i, pad), partition=0)

    try:
        return _latency_run(spec, start, warmup, send_one, lambda: None, producer.flush)
    finally:
        producer.close()
        consumer.close()


# ---------------------------------------------------------------------------------------------
# confluent-kafka


def _ck_producer_config(spec: dict[str, Any], linger_ms: int = LINGER_MS) -> dict[str, Any]:
    acks = spec.get('acks', 1)
    return {
        **_ck_security(spec),
        'bootstrap.servers': spec['bootstrap'],
        'acks': 'all' if acks in ('all', -1) else str(acks),
        'linger.ms': linger_ms,
        'batch.size': BATCH_BYTES,
        'batch.num.messages': 1000000,
        'queue.buffering.max.kbytes': BUFFER_BYTES // 1024,
        'compression.type': spec.get('compression') or 'none',
        'enable.idempotence': False,
        'max.in.flight.requests.per.connection': MAX_IN_FLIGHT,
    }


def _ck_consumer_config(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        **_ck_security(spec),
        'bootstrap.servers': spec['bootstrap'],
        'group.id': f'bench-{uuid.uuid4().hex}',
        'enable.auto.commit': False,
        'auto.offset.reset': 'earliest',
        'fetch.wait.max.ms': spec.get('fetch_max_wait_ms', FETCH_MAX_WAIT_MS),
        'enable.partition.eof': False,
    }


def ck_produce(spec: dict[str, Any]) -> dict[str, Any]:
    from confluent_kafka import Producer

    producer = Producer(_ck_producer_config(spec))
    topic, n = spec['topic'], spec['records']
    payloads = Payloads(spec)
    value_of, key_of = payloads.make_value(), payloads.make_key()
    producer.list_topics(topic, timeout=10)
    produce, poll = producer.produce, producer.poll
    with Meter() as m:
        for i in range(n):
            v, k = value_of(i), key_of(i)
            while True:
                try:
                    produce(topic, v, k)
                    break
                except BufferError:
                    # The local queue is full: serve delivery reports until there is room (as the
                    # confluent-kafka docs recommend), then retry the same record.
                    poll(0.05)
        remaining = producer.flush(120)
    if remaining:
        raise RuntimeError(f'{remaining} records still queued after flush')
    return _result(m, n, payloads.total_bytes(n))


def _ck_assign(consumer: Any, topic: str) -> None:
    from confluent_kafka import OFFSET_BEGINNING, TopicPartition

    md = consumer.list_topics(topic, timeout=10)
    parts = sorted(md.topics[topic].partitions)
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])


def ck_consume(spec: dict[str, Any]) -> dict[str, Any]:
    from confluent_kafka import Consumer

    consumer = Consumer(_ck_consumer_config(spec))
    _ck_assign(consumer, spec['topic'])
    n = spec['records']
    tally = Tally()
    from_bytes = int.from_bytes
    last_progress = time.monotonic()
    with Meter() as m:
        while tally.count < n:
            # consume() returns early only when it has num_messages: never ask for more than remain.
            msgs = consumer.consume(num_messages=min(MAX_POLL_RECORDS, n - tally.count), timeout=1.0)
            if not msgs:
                if time.monotonic() - last_progress > STALL_TIMEOUT_S:
                    break
                continue
            last_progress = time.monotonic()
            for msg in msgs:
                if msg.error():
                    raise RuntimeError(str(msg.error()))
                v = msg.value()
                tally.checksum += from_bytes(v[:8], 'big')
                tally.nbytes += len(v)
            tally.count += len(msgs)
    consumer.close()
    return _result(m, tally.count, tally.nbytes, **tally.as_dict())


def ck_verify(spec: dict[str, Any]) -> dict[str, Any]:
    """Read a whole topic up to its high watermarks: count, checksum and bytes of the values."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer(_ck_consumer_config(spec))
    topic = spec['topic']
    md = consumer.list_topics(topic, timeout=10)
    parts = sorted(md.topics[topic].partitions)
    high = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in parts}
    # Tansu's high watermark can lag what a fetch returns, so read at least the expected count and
    # then keep reading until the topic has been quiet for a moment (catches duplicates).
    expected = max(sum(high.values()), spec.get('expect', 0))
    _ck_assign(consumer, topic)
    tally = Tally()
    last_progress = time.monotonic()
    with Meter() as m:
        while time.monotonic() - last_progress < (STALL_TIMEOUT_S if tally.count < expected else 0.5):
            msgs = consumer.consume(num_messages=10000, timeout=0.2)
            if msgs:
                last_progress = time.monotonic()
            for msg in msgs:
                if msg.error():
                    raise RuntimeError(str(msg.error()))
                v = msg.value() or b''
                tally.checksum += int.from_bytes(v[:8], 'big')
                tally.nbytes += len(v) + len(msg.key() or b'')
                tally.count += 1
    consumer.close()
    return _result(m, tally.count, tally.nbytes, high_watermark_total=expected, **tally.as_dict())


def ck_latency(spec: dict[str, Any]) -> dict[str, Any]:
    from confluent_kafka import Consumer, Producer

    consumer = Consumer(_ck_consumer_config(spec))
    _ck_assign(consumer, spec['topic'])
    producer = Producer(_ck_producer_config(spec, linger_ms=0))
    topic = spec['topic']
    pad = _pad(spec['value_size'] - 16)

    def consume_loop(seen_warmup: threading.Event, stop: threading.Event, tally: Tally,
                     lat: list[int]) -> None:
        # poll() returns as soon as one record is there (consume() would wait for a full batch).
        while not stop.is_set():
            msg = consumer.poll(0.1)
            if msg is not None and not msg.error():
                _on_latency_value(msg.value(), time.monotonic_ns(), seen_warmup, tally, lat)

    def start(*args: Any) -> threading.Thread:
        t = threading.Thread(target=consume_loop, args=args, daemon=True)
        t.start()
        return t

    def warmup() -> None:
        producer.produce(topic, _WARMUP_PREFIX + pad + bytes(8), partition=0)
        producer.flush(10)

    def send_one(i: int) -> None:
        producer.produce(topic, _latency_value(i, pad), partition=0)

    try:
        return _latency_run(spec, start, warmup, send_one, lambda: producer.poll(0),
                            lambda: producer.flush(30))
    finally:
        consumer.close()


# ---------------------------------------------------------------------------------------------
# asyncio clients


def _aio_module(client: str) -> Any:
    if client == 'ours':
        return _import_ours_aio()
    import aiokafka

    return aiokafka


async def _aio_produce(spec: dict[str, Any]) -> dict[str, Any]:
    topic, n = spec['topic'], spec['records']
    payloads = Payloads(spec)
    value_of = payloads.make_value()
    if spec['client'] == 'confluent-kafka':
        from confluent_kafka.aio import AIOProducer

        cprod = AIOProducer(_ck_producer_config(spec))
        await cprod.list_topics(topic, timeout=10)
        with Meter() as m:
            futs = [await cprod.produce(topic, value=value_of(i)) for i in range(n)]
            await cprod.flush()
            await asyncio.gather(*futs)
        await cprod.close()
        return _result(m, n, payloads.total_bytes(n))
    mod = _aio_module(spec['client'])
    producer = mod.AIOKafkaProducer(
        bootstrap_servers=spec['bootstrap'], acks=spec.get('acks', 1), linger_ms=LINGER_MS,
        max_batch_size=BATCH_BYTES, enable_idempotence=False,
    )
    await producer.start()
    try:
        await producer.partitions_for(topic)
        send = producer.send
        with Meter() as m:
            futs = [await send(topic, value=value_of(i)) for i in range(n)]
            await asyncio.gather(*futs)
    finally:
        await producer.stop()
    return _result(m, n, payloads.total_bytes(n))


def _tally_values(tally: Tally, values: Any) -> None:
    from_bytes = int.from_bytes
    for v in values:
        tally.checksum += from_bytes(v[:8], 'big')
        tally.nbytes += len(v)
        tally.count += 1


async def _aio_consume(spec: dict[str, Any]) -> dict[str, Any]:
    topic, n = spec['topic'], spec['records']
    tally = Tally()
    if spec['client'] == 'confluent-kafka':
        from confluent_kafka.aio import AIOConsumer

        cons = AIOConsumer(_ck_consumer_config(spec))
        from confluent_kafka import OFFSET_BEGINNING, TopicPartition

        md = await cons.list_topics(topic, timeout=10)
        await cons.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in sorted(md.topics[topic].partitions)])
        last = time.monotonic()
        with Meter() as m:
            while tally.count < n and time.monotonic() - last < STALL_TIMEOUT_S:
                msgs = await cons.consume(num_messages=min(MAX_POLL_RECORDS, n - tally.count), timeout=1.0)
                if msgs:
                    last = time.monotonic()
                _tally_values(tally, (msg.value() for msg in msgs))
        await cons.close()
        return _result(m, tally.count, tally.nbytes, **tally.as_dict())
    mod = _aio_module(spec['client'])
    consumer = mod.AIOKafkaConsumer(
        bootstrap_servers=spec['bootstrap'], group_id=None, enable_auto_commit=False,
        auto_offset_reset='earliest', fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
    )
    await consumer.start()
    try:
        # The driver says how many partitions the topic has: aiokafka without a group keeps metadata
        # only for the topics it was asked about, so partitions_for_topic() can stay empty.
        parts = set(range(spec['partitions'])) if spec.get('partitions') else None
        deadline = time.monotonic() + 30
        while not parts and time.monotonic() < deadline:
            parts = consumer.partitions_for_topic(topic)
            if not parts:
                await asyncio.sleep(0.1)
        tp_cls = mod.TopicPartition if hasattr(mod, 'TopicPartition') else __import__('kafka').TopicPartition
        tps = [tp_cls(topic, p) for p in sorted(parts or ())]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        with Meter() as m:
            if spec['mode'] == 'iter':
                async def drain() -> None:
                    async for msg in consumer:
                        _tally_values(tally, (msg.value,))
                        if tally.count >= n:
                            return

                try:
                    await asyncio.wait_for(drain(), timeout=spec.get('timeout_s', 600))
                except asyncio.TimeoutError:
                    pass
            else:
                last = time.monotonic()
                while tally.count < n and time.monotonic() - last < STALL_TIMEOUT_S:
                    batches = await consumer.getmany(timeout_ms=1000, max_records=MAX_POLL_RECORDS)
                    if batches:
                        last = time.monotonic()
                    for records in batches.values():
                        _tally_values(tally, (msg.value for msg in records))
    finally:
        await consumer.stop()
    return _result(m, tally.count, tally.nbytes, **tally.as_dict())


def aio_produce(spec: dict[str, Any]) -> dict[str, Any]:
    if spec['client'] == 'ours':
        _import_ours_aio()
    return asyncio.run(_aio_produce(spec))


def aio_consume(spec: dict[str, Any]) -> dict[str, Any]:
    if spec['client'] == 'ours':
        _import_ours_aio()
    return asyncio.run(_aio_consume(spec))


# ---------------------------------------------------------------------------------------------

KP_API = {'produce': kp_produce, 'consume': kp_consume, 'latency': kp_latency,
          'aio_produce': aio_produce, 'aio_consume': aio_consume}
DISPATCH: dict[str, dict[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    'ours': KP_API,
    'kafka-python': KP_API,
    'confluent-kafka': {'produce': ck_produce, 'consume': ck_consume, 'latency': ck_latency,
                        'verify': ck_verify, 'count': ck_verify, 'aio_produce': aio_produce, 'aio_consume': aio_consume},
    'aiokafka': {'aio_produce': aio_produce, 'aio_consume': aio_consume},
}


def main() -> int:
    spec = json.loads(sys.argv[1])
    try:
        fn = DISPATCH[spec['client']][spec['kind']]
        result = fn(spec)
    except NotImplementedInClient as exc:
        result = {'status': 'n/a', 'reason': f'not implemented ({exc})'}
    except Exception as exc:  # noqa: BLE001 - reported to the driver, which marks the cell as an error
        traceback.print_exc()
        result = {'status': 'error', 'reason': f'{type(exc).__name__}: {exc}'}
    result['peak_rss_kb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print('RESULT ' + json.dumps(result), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
