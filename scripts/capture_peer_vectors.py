"""Capture byte-exact protocol vectors from real peers talking to Apache Kafka (``make vectors``).

Starts one Apache Kafka node with the test harness (``tests/brokers/apache_kafka.py``) whose
``EXTERNAL`` listener is advertised at a *recording* proxy, then drives two real peers through it:

- the Java client (kafka-clients from the harness jars, ``scripts/java/CapturePeer.java``, compiled
  with ``javac`` into a temporary folder): Admin calls, idempotent producers with every
  compression, a transactional producer, classic and KIP-848 consumer group members;
- confluent-kafka (librdkafka, from the virtualenv): the same kinds of calls.

Both also authenticate with SASL PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 through a second recording
proxy in front of the SASL_PLAINTEXT listener (the node is started with ``secure=True``).

The proxy splits each connection into 4-byte-size-framed requests and responses and pairs them by
correlation id. For each (peer, api key, api version) it keeps at most three pairs of different
sizes (frames over 64 KiB dropped) and writes them to ``src/protocol/messages/peer_vectors.txt``:
one line per frame, ``<peer> <api key> <api version> <req|resp> <header version> <hex>``, the hex
being the frame without its size prefix (header included). Header versions come from the Java
client's ``ApiKeys`` table. ``peer_vector_tests.rs`` checks every frame against our declarations.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, ClassVar

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / 'tests'))

from brokers import apache_kafka
from brokers.fault_proxy import FaultProxy

OUT = REPO / 'src' / 'protocol' / 'messages' / 'peer_vectors.txt'
JAVA_SRC = REPO / 'scripts' / 'java' / 'CapturePeer.java'
MAX_FRAME = 64 * 1024
KEEP = 3
#: Candidates remembered per (peer, key, version), each of a different (request, response) size.
CANDIDATES = 200

Pair = tuple[bytes, bytes | None]


class RecordingProxy(FaultProxy):
    """A :class:`FaultProxy` that also parses and pairs the frames it forwards."""

    #: The peer that new connections belong to (set by the driver before each phase).
    peer = 'unknown'

    #: What every proxy recorded: (peer, key, version) -> {(len req, len resp): (request, response)}
    pairs: ClassVar[dict[tuple[str, int, int], dict[tuple[int, int], Pair]]] = defaultdict(dict)
    #: Request/response pairs seen per peer.
    frames: ClassVar[dict[str, int]] = defaultdict(int)
    _rec_lock = threading.Lock()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._conns: dict[int, dict[str, Any]] = {}
        super().__init__(*args, **kwargs)

    def _conn(self, client: socket.socket) -> dict[str, Any]:
        with self._rec_lock:
            state = self._conns.get(id(client))
            if state is None:
                state = {'peer': RecordingProxy.peer, 'up': bytearray(), 'down': bytearray(), 'pending': {}}
                self._conns[id(client)] = state
            return state

    def _pump(self, src: socket.socket, dst: socket.socket, up: bool) -> None:
        state = self._conn(src if up else dst)
        try:
            while True:
                data = src.recv(256 * 1024)
                if not data:
                    break
                self._feed(state, up, data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _feed(self, state: dict[str, Any], up: bool, data: bytes) -> None:
        buf: bytearray = state['up' if up else 'down']
        buf += data
        while len(buf) >= 4:
            size = struct.unpack('>i', buf[:4])[0]
            if len(buf) < 4 + size:
                return
            frame = bytes(buf[4:4 + size])
            del buf[:4 + size]
            if up:
                key, version, corr = struct.unpack('>hhi', frame[:8])
                state['pending'][corr] = (key, version, frame)
            else:
                corr = struct.unpack('>i', frame[:4])[0]
                request = state['pending'].pop(corr, None)
                if request is not None:
                    self._record(state['peer'], *request, frame)

    def _record(self, peer: str, key: int, version: int, request: bytes, response: bytes) -> None:
        with self._rec_lock:
            self.frames[peer] += 1
            seen = self.pairs[(peer, key, version)]
            sig = (len(request), len(response))
            if sig not in seen and len(seen) < CANDIDATES:
                seen[sig] = (request, response)


def choose(candidates: dict[tuple[int, int], Pair]) -> list[Pair]:
    """Up to :data:`KEEP` pairs of varied sizes; a response over MAX_FRAME is left out (its request
    kept) when no pair fits whole."""
    whole = sorted((p for p in candidates.values() if len(p[0]) <= MAX_FRAME and len(p[1] or b'') <= MAX_FRAME),
                   key=lambda p: len(p[0]) + len(p[1] or b''))
    if not whole:
        small = sorted((p for p in candidates.values() if len(p[0]) <= MAX_FRAME), key=lambda p: len(p[0]))
        return [(p[0], None) for p in small[:1]]
    if len(whole) <= KEEP:
        return whole
    picks = sorted({0, len(whole) // 2, len(whole) - 1})
    return [whole[i] for i in picks]


def java_classpath(classes: Path) -> str:
    return f'{apache_kafka.ensure_jars()}/*:{classes}'


def compile_java(classes: Path) -> None:
    if shutil.which('javac') is None:
        raise SystemExit('javac not found: install a JDK 17+ (Debian: openjdk-17-jdk-headless)')
    subprocess.run(['javac', '-nowarn', '-d', str(classes), '-cp', f'{apache_kafka.ensure_jars()}/*',
                    str(JAVA_SRC)], check=True)


def header_versions(classes: Path) -> dict[tuple[int, int], tuple[int, int]]:
    out = subprocess.run(['java', '-cp', java_classpath(classes), 'CapturePeer', 'headers'],
                         check=True, capture_output=True, text=True).stdout
    table = {}
    for line in out.splitlines():
        key, version, req, resp = map(int, line.split())
        table[(key, version)] = (req, resp)
    return table


def java_sasl(classes: Path, bootstrap: str) -> None:
    """The Java Admin authenticating with each SASL mechanism (the bootstrap connection is the
    recorded one: ApiVersions, SaslHandshake, SaslAuthenticate)."""
    for mechanism in ('PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'):
        subprocess.run(['java', '-cp', java_classpath(classes), 'CapturePeer', 'sasl', bootstrap, mechanism,
                        'alice', apache_kafka.USERS['alice']], check=False, timeout=120)


def librdkafka_sasl(bootstrap: str) -> None:
    from confluent_kafka.admin import AdminClient

    for mechanism in ('PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'):
        admin = AdminClient({'bootstrap.servers': bootstrap, 'security.protocol': 'SASL_PLAINTEXT',
                             'sasl.mechanism': mechanism, 'sasl.username': 'alice',
                             'sasl.password': apache_kafka.USERS['alice']})
        step(f'sasl {mechanism}', lambda admin=admin: admin.list_topics(timeout=20))
        del admin


def run_java(classes: Path, bootstrap: str) -> None:
    log4j = classes / 'log4j2.properties'
    log4j.write_text('rootLogger.level = warn\nrootLogger.appenderRef.stderr.ref = STDERR\n'
                     'appender.stderr.type = Console\nappender.stderr.name = STDERR\n'
                     'appender.stderr.target = SYSTEM_ERR\nappender.stderr.layout.type = PatternLayout\n'
                     'appender.stderr.layout.pattern = [java %p] %c{1}: %m%n\n'
                     'logger.kafka.name = org.apache.kafka\nlogger.kafka.level = error\n')
    subprocess.run(['java', f'-Dlog4j2.configurationFile={log4j}', '-cp', java_classpath(classes),
                    'CapturePeer', 'run', bootstrap], check=False, timeout=600)


def step(name: str, fn: Any) -> None:
    t0 = time.monotonic()
    try:
        fn()
        print(f'librdkafka: {name} ok ({(time.monotonic() - t0) * 1000:.0f} ms)', file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - best effort: the frames are what counts
        print(f'librdkafka: {name} failed: {e!r}', file=sys.stderr)


def run_librdkafka(bootstrap: str) -> None:
    from confluent_kafka import (
        Consumer,
        ConsumerGroupTopicPartitions,
        Producer,
        TopicCollection,
        TopicPartition,
    )
    from confluent_kafka.admin import (
        AdminClient,
        AlterConfigOpType,
        ConfigEntry,
        ConfigResource,
        NewPartitions,
        NewTopic,
        OffsetSpec,
        ResourceType,
    )

    prefix = 'pv-rdk-'
    compressions = ('none', 'gzip', 'lz4', 'zstd', 'snappy')
    admin = AdminClient({'bootstrap.servers': bootstrap})

    def wait(futures: dict[Any, Any]) -> None:
        for f in futures.values():
            f.result(timeout=30)

    def admin_calls() -> None:
        topics = [NewTopic(prefix + c, num_partitions=2, replication_factor=1) for c in compressions]
        topics.append(NewTopic(prefix + 'txn', num_partitions=1, replication_factor=1,
                               config={'cleanup.policy': 'compact'}))
        topics.append(NewTopic(prefix + 'scratch', num_partitions=3, replication_factor=1))
        wait(admin.create_topics(topics, operation_timeout=20))
        for f in admin.describe_topics(TopicCollection([prefix + 'none', prefix + 'txn'])).values():
            f.result(timeout=30)
        admin.describe_cluster().result(timeout=30)
        topic = ConfigResource(ResourceType.TOPIC, prefix + 'txn')
        wait(admin.describe_configs([topic]))
        wait(admin.describe_configs([ConfigResource(ResourceType.BROKER, '1')]))
        alter = ConfigResource(ResourceType.TOPIC, prefix + 'txn', incremental_configs=[
            ConfigEntry('retention.ms', '86400000', incremental_operation=AlterConfigOpType.SET)])
        wait(admin.incremental_alter_configs([alter]))
        wait(admin.create_partitions([NewPartitions(prefix + 'scratch', 4)]))
        wait(admin.list_offsets({TopicPartition(prefix + 'scratch', 0): OffsetSpec.latest(),
                                 TopicPartition(prefix + 'scratch', 1): OffsetSpec.earliest(),
                                 TopicPartition(prefix + 'scratch', 2): OffsetSpec.max_timestamp()}))
        list(admin.list_topics(timeout=10).topics)

    def produce(compression: str) -> None:
        p = Producer({'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'acks': 'all',
                      'compression.type': compression, 'linger.ms': 20})
        for i in range(24):
            headers = [(f'h{i % 3}', f'header-value-{i}'.encode())]
            if i % 4 == 0:
                headers.append(('empty', b''))
            p.produce(prefix + compression, key=None if i % 5 == 0 else f'key-{i % 7}'.encode(),
                      value=None if i % 9 == 8 else f'value {i} {"x" * (i * 3)}'.encode(),
                      partition=i % 2, timestamp=0 if i % 3 == 0 else 1_700_000_000_000 + i, headers=headers)
            if i % 8 == 7:
                p.flush(30)
        assert p.flush(30) == 0

    def transactions() -> None:
        group = Consumer({'bootstrap.servers': bootstrap, 'group.id': prefix + 'txn-group'})
        p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': prefix + 'tid',
                      'compression.type': 'lz4', 'linger.ms': 20})
        p.init_transactions(30)
        p.begin_transaction()
        for i in range(6):
            p.produce(prefix + 'txn', key=f'k{i}'.encode(), value=f'v{i}'.encode(), partition=0)
        p.send_offsets_to_transaction([TopicPartition(prefix + 'none', 0, 3)],
                                      group.consumer_group_metadata(), 30)
        p.commit_transaction(30)
        p.begin_transaction()
        p.produce(prefix + 'txn', key=b'aborted', value=b'x', partition=0)
        p.flush(30)
        p.abort_transaction(30)
        group.close()

    def consume(protocol: str) -> None:
        conf = {'bootstrap.servers': bootstrap, 'group.id': prefix + protocol,
                'group.protocol': 'classic' if protocol.startswith('classic') else protocol,
                'auto.offset.reset': 'earliest', 'enable.auto.commit': False, 'isolation.level': 'read_committed',
                'client.rack': 'rack-a'}
        if protocol == 'classic':
            conf['group.instance.id'] = prefix + 'static-1'
        c = Consumer(conf)
        c.subscribe([prefix + 'none', prefix + 'gzip', prefix + 'zstd', prefix + 'txn'])
        dynamic = protocol == 'classic-dynamic'  # polls past a heartbeat (every 3 s), leaves on close
        seen, deadline = 0, time.monotonic() + (4 if dynamic else 30)
        while (seen < 60 or dynamic) and time.monotonic() < deadline:
            seen += sum(1 for m in c.consume(100, 0.5) if m.error() is None)
        c.commit(asynchronous=False)
        assigned = c.assignment()
        c.commit(offsets=[TopicPartition(tp.topic, tp.partition, 1) for tp in assigned], asynchronous=False)
        c.committed(assigned, timeout=10)
        c.position(assigned)
        c.offsets_for_times([TopicPartition(tp.topic, tp.partition, 1_700_000_000_005) for tp in assigned],
                            timeout=10)
        for tp in assigned:
            c.get_watermark_offsets(tp, timeout=10)
            # A position with a leader epoch is validated (OffsetForLeaderEpoch).
            c.seek(TopicPartition(tp.topic, tp.partition, 1, leader_epoch=0))
        c.consume(100, 0.5)
        c.close()
        print(f'librdkafka: {protocol} consumer saw {seen} records on {len(assigned)} partitions', file=sys.stderr)

    def admin_groups() -> None:
        admin.list_consumer_groups().result(timeout=30)
        for f in admin.describe_consumer_groups([prefix + 'classic', prefix + 'consumer']).values():
            f.result(timeout=30)
        for f in admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(prefix + 'classic')]).values():
            f.result(timeout=30)
        wait(admin.delete_records([TopicPartition(prefix + 'none', 0, 1)]))
        wait(admin.delete_consumer_groups([prefix + 'txn-group']))
        wait(admin.delete_topics([prefix + 'scratch'], operation_timeout=20))

    def admin_more() -> None:
        from confluent_kafka import ElectionType
        from confluent_kafka.admin import (
            AclBinding,
            AclBindingFilter,
            AclOperation,
            AclPermissionType,
            ResourcePatternType,
            ScramCredentialInfo,
            ScramMechanism,
            UserScramCredentialUpsertion,
        )

        tp = TopicPartition(prefix + 'none', 0)
        acl = AclBinding(ResourceType.TOPIC, prefix + 'none', ResourcePatternType.LITERAL, 'User:alice', '*',
                         AclOperation.READ, AclPermissionType.ALLOW)
        any_acl = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, None, None,
                                   AclOperation.ANY, AclPermissionType.ANY)
        calls = {
            'describe_acls': lambda: admin.describe_acls(any_acl).result(timeout=30),
            'create_acls': lambda: wait(admin.create_acls([acl])),
            'delete_acls': lambda: wait(admin.delete_acls([any_acl])),
            'alter_configs': lambda: wait(admin.alter_configs([ConfigResource(
                ResourceType.TOPIC, prefix + 'txn', set_config={'retention.ms': '3600000'})])),
            'alter_user_scram_credentials': lambda: wait(admin.alter_user_scram_credentials([
                UserScramCredentialUpsertion('alice', ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                                             b'alice-secret')])),
            'describe_user_scram_credentials': lambda: admin.describe_user_scram_credentials().result(timeout=30),
            'elect_leaders': lambda: admin.elect_leaders(ElectionType.PREFERRED, [tp]).result(timeout=30),
            'alter_consumer_group_offsets': lambda: wait(admin.alter_consumer_group_offsets([
                ConsumerGroupTopicPartitions(prefix + 'offsets', [TopicPartition(tp.topic, 0, 2)])])),
            'list_groups': lambda: admin.list_groups(timeout=10),
        }
        for name, call in calls.items():
            step(name, call)

    step('admin', admin_calls)
    for c in compressions:
        step(f'produce {c}', lambda c=c: produce(c))
    step('transactions', transactions)
    step('consumer classic', lambda: consume('classic'))
    step('consumer consumer', lambda: consume('consumer'))
    step('consumer classic dynamic', lambda: consume('classic-dynamic'))
    step('admin more', admin_more)
    step('admin groups', admin_groups)


def write(headers: dict[tuple[int, int], tuple[int, int]], out: Path) -> tuple[int, int]:
    lines = [
        '# Frames captured from real peers on Apache Kafka 4.4 by scripts/capture_peer_vectors.py (make vectors).',
        '# <peer> <api key> <api version> <req|resp> <header version> <hex of the frame after its size prefix>',
    ]
    pairs = frames = 0
    for (peer, key, version), candidates in sorted(RecordingProxy.pairs.items()):
        req_hdr, resp_hdr = headers.get((key, version), (-1, -1))
        for request, response in choose(candidates):
            pairs += 1
            lines.append(f'{peer} {key} {version} req {req_hdr} {request.hex()}')
            frames += 1
            if response is not None:
                lines.append(f'{peer} {key} {version} resp {resp_hdr} {response.hex()}')
                frames += 1
    out.write_text('\n'.join(lines) + '\n')
    return pairs, frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', type=Path, default=OUT)
    parser.add_argument('--peers', default='java,librdkafka')
    args = parser.parse_args()
    peers = args.peers.split(',')

    # The harness builds its EXTERNAL proxy through this name: make it a recording one.
    apache_kafka.FaultProxy = RecordingProxy  # type: ignore[misc]
    classes = Path(tempfile.mkdtemp(prefix='capture-peer-'))
    cluster = None
    try:
        compile_java(classes)
        headers = header_versions(classes)
        cluster = apache_kafka.KafkaCluster(nodes=1, proxied=True, secure=True).start()
        bootstrap = cluster.bootstrap('EXTERNAL')
        # SASL: only the bootstrap connection goes through this proxy (the broker advertises its
        # own SASL_PLAINTEXT address), which is the one that authenticates first.
        sasl_proxy = RecordingProxy('localhost', cluster.node(1).ports['SASL_PLAINTEXT'])
        sasl_bootstrap = f'127.0.0.1:{sasl_proxy.port}'
        if 'java' in peers:
            RecordingProxy.peer = 'java'
            run_java(classes, bootstrap)
            java_sasl(classes, sasl_bootstrap)
        if 'librdkafka' in peers:
            time.sleep(1)
            RecordingProxy.peer = 'librdkafka'
            run_librdkafka(bootstrap)
            librdkafka_sasl(sasl_bootstrap)
        time.sleep(1)
        sasl_proxy.close()
        pairs, frames = write(headers, args.out)
        seen = ', '.join(f'{peer}: {n}' for peer, n in sorted(RecordingProxy.frames.items()))
        print(f'{seen} request/response pairs seen; kept {pairs} pairs ({frames} frames, '
              f'{args.out.stat().st_size // 1024} KiB) in {args.out}', file=sys.stderr)
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(classes, ignore_errors=True)


if __name__ == '__main__':
    main()
