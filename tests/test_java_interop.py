"""Java interop: Apache Kafka's own Java client and tools check our bytes, and we check theirs.

Every test runs against the Apache Kafka broker only (the Java tools come from the same
Maven-resolved jars as the broker, ``tests/brokers/apache_kafka.py``); nothing Java is compiled,
only the stock command-line tools run:

- ``org.apache.kafka.tools.consumer.ConsoleConsumer`` prints, byte for byte, what our
  ``KafkaProducer`` and ``AIOKafkaProducer`` wrote with each codec (timestamps, partitions,
  offsets, headers, keys, values, including arbitrary binary values and header values);
- ``org.apache.kafka.tools.ConsoleProducer`` writes keyed records with headers with each codec,
  which our ``KafkaConsumer`` reads byte for byte (cross-checked with confluent-kafka for
  offsets and timestamps), and whose partitions match our murmur2 partitioner and the
  partitions our producers choose for the same keys;
- ``org.apache.kafka.tools.TransactionalMessageCopier`` copies our records into another topic in
  Java transactions, a third of them aborted at random; our consumers read it with
  ``read_committed`` and ``read_uncommitted``;
- ``org.apache.kafka.tools.DumpLogSegments`` reads the broker's log files to show which codec
  each batch really has, that Java finds every batch's CRC valid, and where the transaction
  markers are.

Every JVM start costs seconds on a 2-core machine, so each test batches its work into one or
two tool runs (the five console producers run concurrently).
"""

from __future__ import annotations

import asyncio
import random
import re
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import Broker, consume_all, create_topic
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.partitioner import DefaultPartitioner, murmur2

if TYPE_CHECKING:
    from collections.abc import Sequence

pytestmark = pytest.mark.tansu_skip('the Java tools run against the Apache Kafka broker')

#: ``compression_type`` of our producers -> the codec name Java's tools use.
CODECS: dict[str | None, str] = {None: 'none', 'gzip': 'gzip', 'snappy': 'snappy', 'lz4': 'lz4', 'zstd': 'zstd'}

CONSOLE_CONSUMER = 'org.apache.kafka.tools.consumer.ConsoleConsumer'
CONSOLE_PRODUCER = 'org.apache.kafka.tools.ConsoleProducer'
DUMP_LOG_SEGMENTS = 'org.apache.kafka.tools.DumpLogSegments'
TRANSACTIONAL_COPIER = 'org.apache.kafka.tools.TransactionalMessageCopier'

# The tools log to stderr only: their stdout is the data under test.
_LOG4J2 = """\
status = error
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
"""

#: Varied printable text: accents, CJK, a 4-byte emoji (a surrogate pair in Java), tabs, controls.
_WORDS = ('kafka', 'héllo', 'wörld', 'naïve', '日本語', 'テキスト', '🎉', 'Ωμέγα', 'ключ', 'tab\there',
          'nul\x00byte', 'del\x7f', 'c1\u0080', 'quote"\'', 'a,b:c', '\\back', 'zero-width\u200b', '∑∫√')


def _text(rng: random.Random, words: int) -> str:
    return ' '.join(rng.choice(_WORDS) for _ in range(words))


# ---------------------------------------------------------------------------------------------
# running the Java tools


class JavaTools:
    """Runs Kafka's Java command-line tools with UTF-8 stdio and logging kept off stdout."""

    def __init__(self, workdir: Path) -> None:
        self.log4j = workdir / 'log4j2-tools.properties'
        self.log4j.write_text(_LOG4J2)

    def command(self, main_class: str, *args: str) -> list[str]:
        """The ``java`` command line running ``main_class`` from the broker's jars."""
        from brokers.apache_kafka import java_command

        cmd = java_command(main_class, *args, heap='256m')
        cmd[1:1] = ['-Dfile.encoding=UTF-8', '-Dstdout.encoding=UTF-8', '-Dsun.stdout.encoding=UTF-8',
                    f'-Dlog4j2.configurationFile={self.log4j}', '-XX:TieredStopAtLevel=1']
        return cmd

    def run(self, main_class: str, *args: str, stdin: bytes | None = None, timeout: float = 240.0) -> bytes:
        """Run a tool to completion; return its stdout (bytes). Fails the test if it exits non-zero."""
        proc = subprocess.run(self.command(main_class, *args), input=stdin, capture_output=True,
                              timeout=timeout, check=False)
        if proc.returncode != 0:
            pytest.fail(f'{main_class} exited with {proc.returncode}:\n'
                        f'{proc.stderr.decode(errors="replace")[-4000:]}')
        return proc.stdout

    def run_many(self, runs: Sequence[tuple[str, Sequence[str], bytes | None]]) -> list[bytes]:
        """Run several tools at once (one JVM each); return their stdouts in order."""
        with ThreadPoolExecutor(max_workers=len(runs)) as pool:
            futures = [pool.submit(self.run, main_class, *args, stdin=stdin) for main_class, args, stdin in runs]
            return [f.result() for f in futures]


@pytest.fixture(scope='module')
def kafka_broker(broker: Broker) -> Broker:
    """The session broker if it is Apache Kafka (module-scoped fixtures run before the marker's skip)."""
    if broker.name != 'kafka' or broker.cluster is None:
        pytest.skip('the Java tools run against the Apache Kafka broker')
    return broker


@pytest.fixture(scope='module')
def java(kafka_broker: Broker, tmp_path_factory: pytest.TempPathFactory) -> JavaTools:
    """The Java tools, configured for byte-exact stdout."""
    return JavaTools(tmp_path_factory.mktemp('java-tools'))


def log_files(broker: Broker, topic: str, partitions: int) -> list[Path]:
    """The broker's segment files of every partition of ``topic`` (single node)."""
    data = broker.cluster.node(1).directory / 'data'
    files = [f for p in range(partitions) for f in sorted((data / f'{topic}-{p}').glob('*.log'))]
    assert len(files) >= partitions, f'no log segments for {topic} under {data}'
    return files


@dataclass
class Batch:
    """One record batch as ``DumpLogSegments --deep-iteration`` describes it."""

    topic: str
    partition: int
    fields: dict[str, str]  # the batch line's ``name: value`` pairs
    records: list[dict[str, str]] = field(default_factory=list)  # each record line's pairs

    def num(self, name: str) -> int:
        return int(self.fields[name])

    @property
    def base_offset(self) -> int:
        return self.num('baseOffset')

    @property
    def last_offset(self) -> int:
        return self.num('lastOffset')

    @property
    def codec(self) -> str:
        return self.fields['compresscodec'].lower()

    @property
    def valid(self) -> bool:
        return self.fields['isvalid'] == 'true'

    @property
    def transactional(self) -> bool:
        return self.fields['isTransactional'] == 'true'

    @property
    def control(self) -> bool:
        return self.fields['isControl'] == 'true'

    @property
    def markers(self) -> list[str]:
        """The ``endTxnMarker`` (COMMIT or ABORT) of each control record."""
        return [r['endTxnMarker'] for r in self.records if 'endTxnMarker' in r]


_PAIR = re.compile(r'(\w+): (\S+)')


def dump_batches(java: JavaTools, files: list[Path]) -> list[Batch]:
    """Every batch of ``files`` (``<topic>-<partition>/*.log``), decoded by Java's DumpLogSegments."""
    out = java.run(DUMP_LOG_SEGMENTS, '--deep-iteration', '--files', ','.join(str(f) for f in files)).decode()
    batches: list[Batch] = []
    topic, partition = '', -1
    for line in out.splitlines():
        if line.startswith('Dumping '):
            topic, _, number = Path(line.split(' ', 1)[1]).parent.name.rpartition('-')
            partition = int(number)
        elif line.startswith('baseOffset:'):
            batches.append(Batch(topic, partition, dict(_PAIR.findall(line))))
        elif line.startswith('| offset:') and batches:
            batches[-1].records.append(dict(_PAIR.findall(line)))
    assert batches, f'DumpLogSegments printed no batch:\n{out[:2000]}'
    return batches


# ---------------------------------------------------------------------------------------------
# our producers -> the Java console consumer


@dataclass
class Sent:
    """A record one of our producers sent, and where the broker put it."""

    producer: str
    codec: str
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes | None]]
    timestamp_ms: int | None
    partition: int | None
    meta_partition: int = -1
    meta_offset: int = -1
    meta_timestamp: int = -1


NULL_LITERAL = b'<null-literal>'
BASE_TS = 1_600_000_000_000


def _records_to_send(producer: str, codec: str, partitions: int, n: int = 40) -> list[Sent]:
    """Keys, values and headers of every shape: text, binary, empty, null, long; explicit and
    default timestamps and partitions."""
    rng = random.Random(f'{producer}-{codec}')
    out: list[Sent] = []
    for i in range(n):
        if i % 4 == 3:  # arbitrary bytes: separators, newlines, invalid UTF-8
            value: bytes | None = rng.randbytes(rng.randrange(0, 3000))
        elif i == 7:
            value = (_text(rng, 20) * 400).encode()  # ~80 KB of text, compresses well
        else:
            value = f'{producer}/{codec}/{i} {_text(rng, rng.randrange(1, 40))}'.encode()
        key: bytes | None = f'key-{i}-{_text(rng, 2)}'.encode()
        if i % 6 == 0:
            key = None
        elif i % 10 == 5:
            key = b''
        elif i % 4 == 3:
            key = rng.randbytes(rng.randrange(1, 40))
        if i % 9 == 4 and key is not None:
            value = None  # a tombstone
        elif i % 13 == 2:
            value = b''
        headers: list[tuple[str, bytes | None]] = []
        if i % 3 != 0:
            headers = [('trace', f'id-{i}'.encode()), ('dup', b'1'), ('dup', b'2')]
        if i % 5 == 1:
            headers += [('empty', b''), ('', b'empty key'), ('ключ', 'значение ✓'.encode()),
                        ('bin', rng.randbytes(16))]
            if producer == 'aio':  # aiokafka accepts null header values, kafka-python does not
                headers.append(('nullable', None))
        out.append(Sent(producer, codec, key, value, headers,
                        timestamp_ms=None if i % 5 == 0 else BASE_TS + i * 1000 + rng.randrange(1000),
                        partition=i % partitions if i % 8 == 1 else None))
    return out


def _produce_sync(bootstrap: str, topic: str, compression: str | None, records: list[Sent]) -> None:
    with KafkaProducer(bootstrap_servers=bootstrap, compression_type=compression, linger_ms=50) as producer:
        futures = [producer.send(topic, r.value, key=r.key, headers=r.headers, partition=r.partition,
                                 timestamp_ms=r.timestamp_ms) for r in records]
        producer.flush()
        for r, f in zip(records, futures):
            md = f.get(timeout=30)
            r.meta_partition, r.meta_offset, r.meta_timestamp = md.partition, md.offset, md.timestamp


def _produce_aio(bootstrap: str, topic: str, compression: str | None, records: list[Sent]) -> None:
    from kafka.aio import AIOKafkaProducer

    async def main() -> None:
        async with AIOKafkaProducer(bootstrap_servers=bootstrap, compression_type=compression,
                                    linger_ms=50) as producer:
            futures = [await producer.send(topic, r.value, key=r.key, headers=r.headers, partition=r.partition,
                                           timestamp_ms=r.timestamp_ms) for r in records]
            for r, md in zip(records, await asyncio.gather(*futures)):
                r.meta_partition, r.meta_offset, r.meta_timestamp = md.partition, md.offset, md.timestamp

    asyncio.run(main())


def _console_line(r: Sent) -> bytes:
    """What the console consumer prints for ``r`` with every print.* option on (byte-exact)."""
    ts = r.timestamp_ms if r.timestamp_ms is not None else r.meta_timestamp
    out = f'CreateTime:{ts}\tPartition:{r.meta_partition}\tOffset:{r.meta_offset}\t'.encode()
    if r.headers:
        out += b','.join(k.encode() + b':' + (NULL_LITERAL if v is None else v) for k, v in r.headers)
    else:
        out += b'NO_HEADERS'
    out += b'\t' + (NULL_LITERAL if r.key is None else r.key)
    return out + b'\t' + (NULL_LITERAL if r.value is None else r.value) + b'\n'


_CONSOLE_PREFIX = re.compile(rb'CreateTime:(-?\d+)\tPartition:(\d+)\tOffset:(\d+)\t')


@dataclass
class OursToJava:
    topic: str
    partitions: int
    sent: list[Sent]
    console_out: bytes


@pytest.fixture(scope='module')
def ours_to_java(kafka_broker: Broker, java: JavaTools) -> OursToJava:
    """Our sync and asyncio producers write every codec into one 4-partition topic (so each
    partition mixes codecs), then one Java console consumer prints the whole topic."""
    partitions = 4
    topic = create_topic(kafka_broker.bootstrap, f'interop-ours-{uuid.uuid4().hex[:8]}', partitions)
    sent: list[Sent] = []
    for compression, codec in CODECS.items():
        for producer, produce in (('sync', _produce_sync), ('aio', _produce_aio)):
            records = _records_to_send(producer, codec, partitions)
            produce(kafka_broker.bootstrap, topic, compression, records)
            sent += records
    out = java.run(
        CONSOLE_CONSUMER, '--bootstrap-server', kafka_broker.bootstrap, '--topic', topic, '--from-beginning',
        '--max-messages', str(len(sent)), '--timeout-ms', '60000', '--group', f'interop-{uuid.uuid4().hex[:8]}',
        *[arg for prop in ('print.timestamp=true', 'print.partition=true', 'print.offset=true',
                           'print.headers=true', 'print.key=true', f'null.literal={NULL_LITERAL.decode()}')
          for arg in ('--formatter-property', prop)])
    return OursToJava(topic, partitions, sent, out)


def test_our_metadata_is_what_we_asked(ours_to_java: OursToJava) -> None:
    """RecordMetadata carries the requested partition and timestamp, and offsets are unique."""
    for r in ours_to_java.sent:
        if r.partition is not None:
            assert r.meta_partition == r.partition, r
        if r.timestamp_ms is not None:
            assert r.meta_timestamp == r.timestamp_ms, r
        else:
            assert r.meta_timestamp > BASE_TS, r
    placed = [(r.meta_partition, r.meta_offset) for r in ours_to_java.sent]
    assert len(set(placed)) == len(placed)


def test_java_console_consumer_reads_our_records_byte_exact(ours_to_java: OursToJava) -> None:
    """Java prints exactly the timestamp, partition, offset, headers, key and value we sent, for
    every record of every codec and of both producers; per partition in offset order."""
    expected = {(r.meta_partition, r.meta_offset): r for r in ours_to_java.sent}
    out = ours_to_java.console_out
    pos = 0
    seen: list[tuple[int, int]] = []
    while pos < len(out):
        m = _CONSOLE_PREFIX.match(out, pos)
        assert m, f'unexpected console output at byte {pos}: {out[pos:pos + 200]!r}'
        where = (int(m[2]), int(m[3]))
        assert where in expected, f'Java printed a record we did not send at {where}: {out[pos:pos + 200]!r}'
        r = expected[where]
        line = _console_line(r)
        got = out[pos:pos + len(line)]
        assert got == line, (f'{r.producer} producer, codec {r.codec}, partition {where[0]} offset {where[1]}:\n'
                             f'expected {line[:300]!r}\n     got {got[:300]!r}')
        seen.append(where)
        pos += len(line)
    assert sorted(seen) == sorted(expected), f'Java read {len(seen)} of {len(expected)} records'
    for p in range(ours_to_java.partitions):
        offsets = [o for q, o in seen if q == p]
        assert offsets == sorted(offsets)


def test_java_sees_the_codec_we_chose_and_valid_crcs(ours_to_java: OursToJava, kafka_broker: Broker,
                                                      java: JavaTools) -> None:
    """DumpLogSegments: every batch is valid (CRC), compressed with its producer's codec, holds the
    records at the offsets our futures reported with their timestamps, and carries the right
    max timestamp, producer id and sequence numbers (idempotent sync producer: contiguous
    sequences from 0 per partition; asyncio producer, not idempotent: none)."""
    batches = dump_batches(java, log_files(kafka_broker, ours_to_java.topic, ours_to_java.partitions))
    assert all(b.valid for b in batches), [b for b in batches if not b.valid]
    sent = {(r.meta_partition, r.meta_offset): r for r in ours_to_java.sent}
    next_sequence: dict[tuple[int, int], int] = {}
    for b in batches:
        members = [sent[(b.partition, o)] for o in range(b.base_offset, b.last_offset + 1)]
        assert b.num('count') == len(members) == len(b.records), b
        assert {(r.producer, r.codec) for r in members} == {(members[0].producer, members[0].codec)}, b
        assert b.codec == members[0].codec, b
        stamps = [r.timestamp_ms if r.timestamp_ms is not None else r.meta_timestamp for r in members]
        assert [(int(rec['offset']), int(rec['CreateTime'])) for rec in b.records] == \
               list(zip(range(b.base_offset, b.last_offset + 1), stamps)), b
        assert b.num('CreateTime') == max(stamps), f'batch max timestamp {b.fields["CreateTime"]} != {max(stamps)}'
        assert not b.transactional and not b.control, b
        if members[0].producer == 'sync':
            pid = b.num('producerId')
            assert pid >= 0, b
            expected = next_sequence.get((pid, b.partition), 0)
            assert (b.num('baseSequence'), b.num('lastSequence')) == (expected, expected + len(members) - 1), b
            assert [int(rec['sequence']) for rec in b.records] == list(range(expected, expected + len(members))), b
            next_sequence[(pid, b.partition)] = expected + len(members)
        else:
            assert (b.num('producerId'), b.num('baseSequence')) == (-1, -1), b
    assert {b.codec for b in batches} == set(CODECS.values())
    assert any(b.last_offset > b.base_offset for b in batches if b.codec != 'none'), \
        'every compressed batch holds one record: compression across records is not exercised'


# ---------------------------------------------------------------------------------------------
# the Java console producer -> our consumer

JAVA_PARTITIONS = 6
# LineMessageReader's separators (headers.separator is a regular expression).
KEY_SEP, HEADERS_DELIM, HEADERS_SEP, HEADER_KEY_SEP, NULL_MARKER = '<<K>>', '<<HD>>', '<<HS>>', '<<HK>>', '<<NULL>>'


@dataclass(frozen=True)
class JavaRecord:
    """A record as the Java console producer's input describes it."""

    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...]

    def line(self) -> str:
        def text(b: bytes | None) -> str:
            return NULL_MARKER if b is None else b.decode()

        headers = HEADERS_SEP.join(f'{k}{HEADER_KEY_SEP}{text(v)}' for k, v in self.headers) or NULL_MARKER
        return f'{headers}{HEADERS_DELIM}{text(self.key)}{KEY_SEP}{text(self.value)}'


def _java_records(codec: str, n: int = 60) -> list[JavaRecord]:
    """Unique records: text keys of every murmur2 tail length, empty and null keys, headers with
    null, empty and duplicate values, tombstones, empty and long values; no CR/LF (line input)."""
    rng = random.Random(f'java-{codec}')
    out: list[JavaRecord] = []
    for i in range(n):
        key: bytes | None = f'{codec}-{i}{"x" * (i % 5)}{rng.choice(_WORDS)}'.encode()
        if i % 15 == 7:
            key = None
        elif i == 11:
            key = b''
        value: bytes | None = f'java/{codec}/{i} {_text(rng, rng.randrange(0, 30))}'.encode()
        if i == 3:
            value = (_text(rng, 30) * 300).encode()  # ~60 KB
        elif i % 17 == 9 and key:
            value = None
        elif i % 19 == 4 and key:
            value = b''
        headers: tuple[tuple[str, bytes | None], ...] = ()
        if i % 3:
            headers = (('trace', f't{i}'.encode()), ('dup', b'a'), ('dup', b'b'))
        if i % 4 == 1:
            headers += (('nullable', None), ('empty', b''), ('ключ', _text(rng, 3).encode()))
        out.append(JavaRecord(key, value, headers))
    assert len(set(out)) == len(out)
    return out


@dataclass
class JavaToOurs:
    topics: dict[str, str]  # codec -> topic
    sent: dict[str, list[JavaRecord]]  # codec -> records in input order


@pytest.fixture(scope='module')
def java_to_ours(kafka_broker: Broker, java: JavaTools) -> JavaToOurs:
    """Five Java console producers (one per codec, run concurrently) write keyed records with
    headers into one 6-partition topic each, partitioned by Java's default partitioner."""
    topics = {codec: create_topic(kafka_broker.bootstrap, f'interop-java-{codec}-{uuid.uuid4().hex[:8]}',
                                  JAVA_PARTITIONS) for codec in CODECS.values()}
    sent = {codec: _java_records(codec) for codec in topics}
    reader = [('parse.key', 'true'), ('parse.headers', 'true'), ('key.separator', KEY_SEP),
              ('headers.delimiter', HEADERS_DELIM), ('headers.separator', HEADERS_SEP),
              ('headers.key.separator', HEADER_KEY_SEP), ('null.marker', NULL_MARKER)]
    runs = []
    for codec, topic in topics.items():
        args = ['--bootstrap-server', kafka_broker.bootstrap, '--topic', topic, '--compression-codec', codec,
                '--producer-property', 'linger.ms=100']
        for k, v in reader:
            args += ['--reader-property', f'{k}={v}']
        stdin = ''.join(r.line() + '\n' for r in sent[codec]).encode()
        runs.append((CONSOLE_PRODUCER, args, stdin))
    java.run_many(runs)
    return JavaToOurs(topics, sent)


def _drain(consumer: Any, n: int, timeout: float = 60.0) -> list[Any]:
    """Poll ``consumer`` until ``n`` records arrived (or ``timeout``); return them."""
    out: list[Any] = []
    deadline = time.monotonic() + timeout
    while len(out) < n and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            out.extend(records)
    return out


def test_our_consumer_reads_java_records_byte_exact(java_to_ours: JavaToOurs, kafka_broker: Broker) -> None:
    """Keys, values (text, empty, null, 60 KB) and headers (duplicates, null, empty) written by the
    Java producer with each codec come out of our KafkaConsumer byte for byte, each partition in
    Java's send order, with the offsets and timestamps librdkafka reads."""
    tps = [TopicPartition(t, p) for t in java_to_ours.topics.values() for p in range(JAVA_PARTITIONS)]
    total = sum(len(v) for v in java_to_ours.sent.values())
    consumer = KafkaConsumer(bootstrap_servers=kafka_broker.bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset='earliest')
    try:
        consumer.assign(tps)
        got = _drain(consumer, total)
    finally:
        consumer.close()
    assert len(got) == total
    for codec, topic in java_to_ours.topics.items():
        sent = java_to_ours.sent[codec]
        index = {r: i for i, r in enumerate(sent)}
        ours = sorted((m for m in got if m.topic == topic), key=lambda m: (m.partition, m.offset))
        placed: dict[int, list[int]] = {}
        for m in ours:
            rec = JavaRecord(m.key, m.value, tuple((k, v) for k, v in m.headers))
            assert rec in index, f'codec {codec}: record not sent by Java: {rec!r:.300}'
            placed.setdefault(m.partition, []).append(index[rec])
        assert sorted(i for ids in placed.values() for i in ids) == list(range(len(sent))), codec
        for ids in placed.values():
            assert ids == sorted(ids), f'codec {codec}: partition order differs from Java send order'
        peer = consume_all(kafka_broker.bootstrap, topic, len(sent))
        assert [(m.partition, m.offset, m.timestamp, m.timestamp_type, m.key, m.value, list(m.headers))
                for m in ours] == \
               [(r.partition, r.offset, r.timestamp, 0, r.key, r.value, r.headers)
                for r in sorted(peer, key=lambda r: (r.partition, r.offset))], codec


def test_java_batches_carry_each_codec(java_to_ours: JavaToOurs, kafka_broker: Broker, java: JavaTools) -> None:
    """The records our consumer decoded really were compressed by Java with each codec."""
    files = [f for t in java_to_ours.topics.values() for f in log_files(kafka_broker, t, JAVA_PARTITIONS)]
    batches = dump_batches(java, files)
    assert all(b.valid for b in batches), [b for b in batches if not b.valid]
    for codec, topic in java_to_ours.topics.items():
        assert {b.codec for b in batches if b.topic == topic} == {codec}, codec


def test_java_and_our_partitioners_agree(java_to_ours: JavaToOurs, kafka_broker: Broker) -> None:
    """Java's default partitioner put every keyed record on murmur2(key) % partitions, which our
    murmur2, DefaultPartitioner, KafkaProducer and AIOKafkaProducer all compute for the same keys."""
    from kafka.aio import AIOKafkaProducer

    java_partition: dict[bytes, int] = {}
    peer: list[Any] = []
    for codec, topic in java_to_ours.topics.items():
        peer = consume_all(kafka_broker.bootstrap, topic, len(java_to_ours.sent[codec]))
        for r in peer:
            if r.key is not None:
                assert java_partition.setdefault(r.key, r.partition) == r.partition
    assert len(java_partition) > 250 and b'' in java_partition
    assert len(set(java_partition.values())) == JAVA_PARTITIONS
    partitioner = DefaultPartitioner()
    every = list(range(JAVA_PARTITIONS))
    for key, partition in java_partition.items():
        assert (murmur2(key) & 0x7FFFFFFF) % JAVA_PARTITIONS == partition, key
        assert partitioner(key, every, every) == partition, key

    keys = list(java_partition)
    topic = create_topic(kafka_broker.bootstrap, f'interop-partitioner-{uuid.uuid4().hex[:8]}', JAVA_PARTITIONS)
    with KafkaProducer(bootstrap_servers=kafka_broker.bootstrap) as producer:
        futures = [producer.send(topic, b'v', key=k) for k in keys]
        ours = [f.get(timeout=30).partition for f in futures]
    assert dict(zip(keys, ours)) == java_partition

    async def aio() -> list[int]:
        async with AIOKafkaProducer(bootstrap_servers=kafka_broker.bootstrap) as producer:
            futures = [await producer.send(topic, b'v', key=k) for k in keys]
            return [md.partition for md in await asyncio.gather(*futures)]

    assert dict(zip(keys, asyncio.run(aio()))) == java_partition


# ---------------------------------------------------------------------------------------------
# Java transactions -> our consumers


@dataclass
class JavaTransactions:
    topic: str
    values: list[bytes]  # what the copier read, in order: what read_committed must return
    committed: list[int]  # offsets of committed data records
    aborted: list[int]  # offsets of aborted data records
    end_offset: int


def _transaction_outcome(batches: list[Batch]) -> tuple[list[int], list[int]]:
    """Committed and aborted data offsets of one partition with one transactional producer."""
    committed: list[int] = []
    aborted: list[int] = []
    pending: list[int] = []
    for b in sorted(batches, key=lambda b: b.base_offset):
        if b.control:
            assert b.markers in (['COMMIT'], ['ABORT']), b
            (committed if b.markers == ['COMMIT'] else aborted).extend(pending)
            pending = []
        else:
            assert b.transactional, b
            pending.extend(range(b.base_offset, b.last_offset + 1))
    assert not pending, 'transaction left open'
    return committed, aborted


@pytest.fixture(scope='module')
def java_transactions(kafka_broker: Broker, java: JavaTools) -> JavaTransactions:
    """Our producer writes 300 records; Java's TransactionalMessageCopier copies them into another
    topic in transactions of at most 5 records, aborting a third of them at random (and copying
    the aborted records again); DumpLogSegments tells which offsets were committed and aborted."""
    bootstrap = kafka_broker.bootstrap
    source = create_topic(bootstrap, f'interop-txn-in-{uuid.uuid4().hex[:8]}', 1)
    target = create_topic(bootstrap, f'interop-txn-out-{uuid.uuid4().hex[:8]}', 1)
    rng = random.Random('txn')
    values = [f'txn-{i} {_text(rng, rng.randrange(1, 12))}'.encode() for i in range(300)]
    with KafkaProducer(bootstrap_servers=bootstrap, compression_type='lz4') as producer:
        for i, v in enumerate(values):
            producer.send(source, v, key=f'k{i}'.encode())
        producer.flush()
    java.run(TRANSACTIONAL_COPIER, '--broker-list', bootstrap, '--input-topic', source, '--input-partition', '0',
             '--output-topic', target, '--transactional-id', f'interop-{uuid.uuid4().hex[:8]}',
             '--consumer-group', f'interop-copier-{uuid.uuid4().hex[:8]}', '--transaction-size', '5',
             '--enable-random-aborts')
    batches = dump_batches(java, log_files(kafka_broker, target, 1))
    committed, aborted = _transaction_outcome(batches)
    end = max(b.last_offset for b in batches) + 1
    return JavaTransactions(target, values, committed, aborted, end)


def _read_all(bootstrap: str, topic: str, isolation: str, n: int) -> tuple[list[Any], int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset='earliest', isolation_level=isolation)
    tp = TopicPartition(topic, 0)
    try:
        consumer.assign([tp])
        records = _drain(consumer, n)
        return records, consumer.position(tp)
    finally:
        consumer.close()


def test_java_transactions_read_committed(java_transactions: JavaTransactions, kafka_broker: Broker) -> None:
    """read_committed returns each copied record exactly once, in order, without the aborted copies
    and control records; the position ends past the last commit marker, as Java's does."""
    txn = java_transactions
    assert txn.aborted, 'no transaction was aborted: the copier aborts a third of them at random'
    assert len(txn.committed) == len(txn.values)
    records, position = _read_all(kafka_broker.bootstrap, txn.topic, 'read_committed', len(txn.committed))
    assert [r.offset for r in records] == txn.committed
    assert [r.value for r in records] == txn.values
    assert [r.key for r in records] == [f'k{i}'.encode() for i in range(len(txn.values))]
    assert position == txn.end_offset


def test_java_transactions_read_uncommitted(java_transactions: JavaTransactions, kafka_broker: Broker) -> None:
    """read_uncommitted returns every data record, committed and aborted, never a control record."""
    txn = java_transactions
    data = sorted(txn.committed + txn.aborted)
    records, position = _read_all(kafka_broker.bootstrap, txn.topic, 'read_uncommitted', len(data))
    assert [r.offset for r in records] == data
    assert {r.value for r in records} == set(txn.values)
    assert position == txn.end_offset


def test_java_transactions_aio_read_committed(java_transactions: JavaTransactions, kafka_broker: Broker) -> None:
    """The asyncio consumer's read_committed returns the same records as the sync one."""
    from kafka.aio import AIOKafkaConsumer

    txn = java_transactions
    tp = TopicPartition(txn.topic, 0)

    async def main() -> list[Any]:
        consumer = AIOKafkaConsumer(bootstrap_servers=kafka_broker.bootstrap, auto_offset_reset='earliest',
                                    enable_auto_commit=False, isolation_level='read_committed')
        await consumer.start()
        try:
            consumer.assign([tp])
            out: list[Any] = []
            deadline = time.monotonic() + 60
            while len(out) < len(txn.committed) and time.monotonic() < deadline:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    out.extend(records)
            return out
        finally:
            await consumer.stop()

    records = asyncio.run(main())
    assert [r.offset for r in records] == txn.committed
    assert [r.value for r in records] == txn.values



def test_java_read_committed_matches_ours_on_our_transactions(kafka_broker: Broker, java: JavaTools) -> None:
    """Our sync and asyncio transactional producers write 3 partitions in 24 transactions, every
    third one aborted, with plain (non-transactional) records in between; Java's console consumer
    with isolation.level=read_committed and our read_committed consumer see the same records, record
    for record (partition, offset, key, value), and neither sees an aborted one."""
    from kafka.aio import AIOKafkaProducer

    bootstrap = kafka_broker.bootstrap
    topic = create_topic(bootstrap, f'interop-rc-{uuid.uuid4().hex[:8]}', 3)
    committed: set[bytes] = set()
    aborted: set[bytes] = set()
    producer = KafkaProducer(bootstrap_servers=bootstrap, transactional_id=f'rc-{uuid.uuid4().hex[:8]}')
    plain = KafkaProducer(bootstrap_servers=bootstrap)
    try:
        producer.init_transactions()
        for t in range(12):
            producer.begin_transaction()
            values = [f'sync-{t}-{i}'.encode() for i in range(10)]
            for i, v in enumerate(values):
                producer.send(topic, v, key=b'k%d' % i, partition=i % 3)
            if t % 3 == 2:
                producer.abort_transaction()
                aborted.update(values)
            else:
                producer.commit_transaction()
                committed.update(values)
            v = f'plain-{t}'.encode()
            plain.send(topic, v, partition=t % 3).get(timeout=30)
            committed.add(v)
    finally:
        producer.close()
        plain.close()

    async def aio() -> None:
        async with AIOKafkaProducer(bootstrap_servers=bootstrap,
                                    transactional_id=f'rc-aio-{uuid.uuid4().hex[:8]}') as p:
            for t in range(12):
                values = [f'aio-{t}-{i}'.encode() for i in range(10)]
                if t % 3 == 2:
                    await p.begin_transaction()
                    for i, v in enumerate(values):
                        await p.send(topic, v, key=b'k%d' % i, partition=i % 3)
                    await p.abort_transaction()
                    aborted.update(values)
                else:
                    async with p.transaction():
                        for i, v in enumerate(values):
                            await p.send(topic, v, key=b'k%d' % i, partition=i % 3)
                    committed.update(values)

    asyncio.run(aio())
    out = java.run(
        CONSOLE_CONSUMER, '--bootstrap-server', bootstrap, '--topic', topic, '--from-beginning',
        '--max-messages', str(len(committed)), '--timeout-ms', '60000', '--group', f'rc-{uuid.uuid4().hex[:8]}',
        '--consumer-property', 'isolation.level=read_committed',
        *[arg for prop in ('print.partition=true', 'print.offset=true', 'print.key=true',
                           f'null.literal={NULL_LITERAL.decode()}') for arg in ('--formatter-property', prop)])
    line = re.compile(rb'Partition:(\d+)\tOffset:(\d+)\t([^\t]*)\t([^\n]*)\n')
    java_view = sorted((int(m[1]), int(m[2]), m[3], m[4]) for m in line.finditer(out))
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset='earliest', enable_auto_commit=False,
                             isolation_level='read_committed')
    try:
        consumer.assign([TopicPartition(topic, p) for p in range(3)])
        records = _drain(consumer, len(committed))
    finally:
        consumer.close()
    ours = sorted((r.partition, r.offset, NULL_LITERAL if r.key is None else r.key, r.value) for r in records)
    assert {v for *_, v in java_view} == committed
    assert not {v for *_, v in java_view} & aborted
    assert ours == java_view, f'ours {len(ours)} records, Java {len(java_view)}'


# ---------------------------------------------------------------------------------------------
# a consumer group with a Java member


@pytest.mark.parametrize('protocol', ['classic', 'consumer'])
def test_consumer_group_with_a_java_member(kafka_broker: Broker, java: JavaTools, protocol: str) -> None:
    """Our KafkaConsumer (classic protocol, range assignor) and Java's console consumer share a
    group; each member then reads exactly its own two partitions, byte for byte.

    ``classic``: both speak the classic protocol; our member joined first, so it normally leads and
    our range assignor computes the Java member's assignment, which Java decodes.
    ``consumer``: the Java member speaks KIP-848's protocol, so the broker turns the group into a
    consumer group, computes every assignment itself and serves our member through JoinGroup and
    SyncGroup (the path of a mixed group while its members migrate).
    """
    from kafka.coordinator.assignors.range import RangePartitionAssignor

    bootstrap = kafka_broker.bootstrap
    partitions, per_partition = 4, 50
    topic = create_topic(bootstrap, f'interop-group-{uuid.uuid4().hex[:8]}', partitions)
    group = f'interop-group-{uuid.uuid4().hex[:8]}'
    ours = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                         partition_assignment_strategy=[RangePartitionAssignor], session_timeout_ms=10000,
                         heartbeat_interval_ms=1000)
    java_proc: subprocess.Popen[bytes] | None = None
    try:
        deadline = time.monotonic() + 60
        while len(ours.assignment()) != partitions:
            ours.poll(timeout_ms=200)
            assert time.monotonic() < deadline, 'our consumer got no assignment'
        java_proc = subprocess.Popen(java.command(
            CONSOLE_CONSUMER, '--bootstrap-server', bootstrap, '--topic', topic, '--group', group,
            '--from-beginning', '--max-messages', str(2 * per_partition), '--timeout-ms', '60000',
            *(['--command-property', 'group.protocol=classic', '--command-property',
               'partition.assignment.strategy=org.apache.kafka.clients.consumer.RangeAssignor']
              if protocol == 'classic' else ['--command-property', 'group.protocol=consumer']),
            '--formatter-property', 'print.partition=true', '--formatter-property', 'print.offset=true'),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while len(ours.assignment()) != partitions // 2:  # the Java member joined: we rebalanced
            ours.poll(timeout_ms=200)
            assert java_proc.poll() is None, java_proc.stderr.read().decode(errors='replace')[-3000:]  # type: ignore[union-attr]
            assert time.monotonic() < deadline, 'no rebalance after the Java member started'
        mine = sorted(tp.partition for tp in ours.assignment())
        values = {(p, i): f'group {p}/{i} {_WORDS[(p + i) % len(_WORDS)]}'.encode()
                  for p in range(partitions) for i in range(per_partition)}
        with KafkaProducer(bootstrap_servers=bootstrap) as producer:
            for (p, _i), v in sorted(values.items()):
                producer.send(topic, v, partition=p)
        got: list[Any] = []
        deadline = time.monotonic() + 120
        while java_proc.poll() is None or len(got) < 2 * per_partition:  # keep heartbeating while Java reads
            for records in ours.poll(timeout_ms=200).values():
                got.extend(records)
            assert time.monotonic() < deadline, f'ours read {len(got)}, Java still running'
        java_out, java_err = java_proc.communicate()
        assert java_proc.returncode == 0, java_err.decode(errors='replace')[-3000:]
    finally:
        if java_proc is not None and java_proc.poll() is None:
            java_proc.kill()
            java_proc.communicate()
        ours.close()
    theirs = sorted({int(m[1]) for m in re.finditer(rb'^Partition:(\d+)\t', java_out, re.MULTILINE)})
    if protocol == 'classic':
        assert sorted([mine, theirs]) == [[0, 1], [2, 3]], (mine, theirs)
    else:
        assert len(theirs) == 2 and sorted(mine + theirs) == list(range(partitions)), (mine, theirs)
    assert sorted((m.partition, m.offset, m.value) for m in got) == \
           [(p, i, values[(p, i)]) for p in mine for i in range(per_partition)]
    java_lines = java_out.decode().splitlines()
    assert sorted(java_lines) == sorted(f'Partition:{p}\tOffset:{i}\t{values[(p, i)].decode()}'
                                        for p in theirs for i in range(per_partition))
