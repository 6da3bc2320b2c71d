"""Transactions (issue 13): KafkaProducer's transactional API on Apache Kafka, checked by
read_committed consumers (ours and confluent-kafka's).
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
import uuid
from typing import TYPE_CHECKING, Any, Callable

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka import errors as Errors
from kafka.structs import ConsumerGroupMetadata, OffsetAndMetadata

if TYPE_CHECKING:
    from conftest import Broker

pytestmark = pytest.mark.tansu_skip('transactions are checked on Apache Kafka')


def _txn_producer(bootstrap: str, txn_id: str | None = None, **configs: Any) -> KafkaProducer:
    producer = KafkaProducer(bootstrap_servers=bootstrap, transactional_id=txn_id or f'txn-{uuid.uuid4().hex[:8]}',
                             **configs)
    producer.init_transactions()
    return producer


def _read(bootstrap: str, topic: str, isolation: str, timeout: float = 10.0) -> list[tuple[int, int, bytes]]:
    """(partition, offset, value) of every record confluent-kafka returns at ``isolation``."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer
    from confluent_kafka import TopicPartition as CTopicPartition

    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': f'read-{uuid.uuid4().hex}',
                         'enable.auto.commit': False, 'isolation.level': isolation,
                         'enable.partition.eof': True})
    try:
        md = consumer.list_topics(topic, timeout=10)
        parts = sorted(md.topics[topic].partitions)
        consumer.assign([CTopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
        out: list[tuple[int, int, bytes]] = []
        eof: set[int] = set()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(eof) < len(parts):
            for msg in consumer.consume(num_messages=1000, timeout=0.2):
                if msg.error() is not None:
                    if msg.error().code() == -191:  # _PARTITION_EOF
                        eof.add(msg.partition())
                        continue
                    raise RuntimeError(str(msg.error()))
                eof.discard(msg.partition())
                out.append((msg.partition(), msg.offset(), msg.value()))
        return out
    finally:
        consumer.close()


def _read_ours(bootstrap: str, topic: str, isolation: str, expected: int, timeout: float = 20.0) -> list[bytes]:
    """Values our KafkaConsumer returns at ``isolation`` (until ``expected`` or idle)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level=isolation,
                             auto_offset_reset='earliest', enable_auto_commit=False)
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(parts)
        consumer.seek_to_beginning()
        values: list[bytes] = []
        deadline = time.monotonic() + timeout
        idle_since = time.monotonic()
        while time.monotonic() < deadline:
            got = consumer.poll(timeout_ms=200)
            for recs in got.values():
                values.extend(r.value for r in recs)
            if got:
                idle_since = time.monotonic()
            elif len(values) >= expected and time.monotonic() - idle_since > 1.0:
                break
        # Past the last batch (aborted data and control records included): at the end offset.
        ends = consumer.end_offsets(parts)
        for tp in parts:
            assert consumer.position(tp) == ends[tp], (tp, consumer.position(tp), ends[tp])
            assert consumer.highwater(tp) in (None, ends[tp])
        return values
    finally:
        consumer.close()


def test_config_rules(broker: Broker) -> None:
    """kafka-python's rules: transactional_id implies idempotence and conflicts raise."""
    with pytest.raises(Errors.KafkaConfigurationError, match='without enable_idempotence'):
        KafkaProducer(bootstrap_servers=broker.bootstrap, transactional_id='x', enable_idempotence=False)
    with pytest.raises(Errors.KafkaConfigurationError, match='incompatible'):
        KafkaProducer(bootstrap_servers=broker.bootstrap, transactional_id='x', acks=1)
    with KafkaProducer(bootstrap_servers=broker.bootstrap) as plain:
        with pytest.raises(Errors.IllegalStateError):
            plain.init_transactions()
        with pytest.raises(Errors.IllegalStateError):
            plain.begin_transaction()
        with pytest.raises(Errors.IllegalStateError):
            plain.commit_transaction()


def test_send_outside_transaction_raises(broker: Broker, topic: Callable[..., str]) -> None:
    name = topic()
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, transactional_id=f't-{uuid.uuid4().hex[:8]}')
    try:
        with pytest.raises(Errors.IllegalStateError, match='init_transactions'):
            producer.send(name, b'x')
        producer.init_transactions()
        producer.init_transactions()  # a second call does nothing
        with pytest.raises(Errors.IllegalStateError, match='READY'):
            producer.send(name, b'x')
        with pytest.raises(Errors.KafkaError, match='not in an active transaction'):
            producer.send_offsets_to_transaction({TopicPartition(name, 0): OffsetAndMetadata(1, '', -1)}, 'g')
        producer.begin_transaction()
        with pytest.raises(Errors.KafkaError, match='Invalid transition'):
            producer.begin_transaction()
        producer.commit_transaction()  # empty transaction: nothing to end
    finally:
        producer.close()


def test_commit_and_abort_across_partitions_and_topics(broker: Broker, topic: Callable[..., str]) -> None:
    """Committed records are visible to read_committed, aborted ones never (ours and confluent's)."""
    a, b = topic(partitions=3), topic(partitions=2)
    producer = _txn_producer(broker.bootstrap)
    try:
        producer.begin_transaction()
        for i in range(300):
            producer.send(a, b'c1-%d' % i, key=b'%d' % i)
            producer.send(b, b'c1-%d' % i, key=b'%d' % i)
        producer.commit_transaction()

        producer.begin_transaction()
        futures = [producer.send(t, b'ab-%d' % i, key=b'%d' % i) for i in range(200) for t in (a, b)]
        producer.flush()
        assert all(f.succeeded() for f in futures)  # written, then aborted
        producer.abort_transaction()

        producer.begin_transaction()
        for i in range(100):
            producer.send(a, b'c2-%d' % i, key=b'%d' % i)
        producer.commit_transaction()
    finally:
        producer.close()

    for name, committed in ((a, 400), (b, 300)):
        confluent = _read(broker.bootstrap, name, 'read_committed')
        values = sorted(v for _, _, v in confluent)
        assert len(values) == committed
        assert not any(v.startswith(b'ab-') for v in values)
        uncommitted = _read(broker.bootstrap, name, 'read_uncommitted')
        assert sum(1 for _, _, v in uncommitted if v.startswith(b'ab-')) == 200
        ours = _read_ours(broker.bootstrap, name, 'read_committed', committed)
        assert sorted(ours) == values
        ours_all = _read_ours(broker.bootstrap, name, 'read_uncommitted', committed + 200)
        assert len(ours_all) == committed + 200


def test_aborted_transactions_of_confluent_are_skipped(broker: Broker, topic: Callable[..., str]) -> None:
    """read_committed against aborted transactions written by confluent-kafka (librdkafka)."""
    from confluent_kafka import Producer

    name = topic(partitions=2)
    p = Producer({'bootstrap.servers': broker.bootstrap, 'transactional.id': f'c-{uuid.uuid4().hex[:8]}'})
    p.init_transactions(30)
    for round_ in range(3):
        p.begin_transaction()
        for i in range(50):
            p.produce(name, b'r%d-%d' % (round_, i), key=b'%d' % i)
        if round_ == 1:
            p.abort_transaction(30)
        else:
            p.commit_transaction(30)
    ours = _read_ours(broker.bootstrap, name, 'read_committed', 100)
    assert sorted(ours) == sorted(b'r%d-%d' % (r, i) for r in (0, 2) for i in range(50))


def test_zombie_is_fenced(broker: Broker, topic: Callable[..., str]) -> None:
    """A second producer with the same transactional id fences the first; its open transaction is aborted."""
    name = topic()
    txn_id = f'z-{uuid.uuid4().hex[:8]}'
    old = _txn_producer(broker.bootstrap, txn_id)
    try:
        old.begin_transaction()
        old.send(name, b'zombie').get(timeout=30)
        new = _txn_producer(broker.bootstrap, txn_id)
        try:
            with pytest.raises(Errors.ProducerFencedError):
                old.commit_transaction()
            with pytest.raises(Errors.KafkaError):  # fatal: every later call fails
                old.begin_transaction()
            new.begin_transaction()
            new.send(name, b'new')
            new.commit_transaction()
        finally:
            new.close()
    finally:
        old.close()
    assert [v for _, _, v in _read(broker.bootstrap, name, 'read_committed')] == [b'new']


def test_close_aborts_open_transaction(broker: Broker, topic: Callable[..., str]) -> None:
    name = topic()
    producer = _txn_producer(broker.bootstrap)
    producer.begin_transaction()
    producer.send(name, b'never').get(timeout=30)
    producer.close()
    after = _txn_producer(broker.bootstrap)
    try:
        after.begin_transaction()
        after.send(name, b'visible')
        after.commit_transaction()
    finally:
        after.close()
    assert [v for _, _, v in _read(broker.bootstrap, name, 'read_committed')] == [b'visible']


def test_group_metadata(broker: Broker, topic: Callable[..., str]) -> None:
    name = topic()
    group = f'g-{uuid.uuid4().hex[:8]}'
    consumer = KafkaConsumer(name, bootstrap_servers=broker.bootstrap, group_id=group)
    try:
        assert consumer.group_metadata().generation_id == -1
        deadline = time.monotonic() + 30
        while not consumer.assignment() and time.monotonic() < deadline:
            consumer.poll(timeout_ms=200)
        md = consumer.group_metadata()
        assert isinstance(md, ConsumerGroupMetadata)
        assert md.group_id == group and md.generation_id >= 1 and md.member_id
    finally:
        consumer.close()


_COPY_SCRIPT = r'''
import sys
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

import time

bootstrap, src, dst, group, txn_id, pause = sys.argv[1:7]
consumer = KafkaConsumer(src, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                         auto_offset_reset='earliest', isolation_level='read_committed',
                         session_timeout_ms=6000, heartbeat_interval_ms=1000)
producer = KafkaProducer(bootstrap_servers=bootstrap, transactional_id=txn_id, linger_ms=5)
producer.init_transactions()
print('ready', flush=True)
partitions = [TopicPartition(src, p) for p in consumer.partitions_for_topic(src)]
ends = consumer.end_offsets(partitions)
while True:
    batch = consumer.poll(timeout_ms=500, max_records=400)
    if not batch:
        assigned = consumer.assignment()
        if len(assigned) == len(partitions) and all(consumer.position(tp) >= ends[tp] for tp in assigned):
            break
        continue
    producer.begin_transaction()
    offsets = {}
    for tp, records in batch.items():
        for r in records:
            producer.send(dst, key=r.key, value=b'out-' + r.value)
        offsets[tp] = OffsetAndMetadata(records[-1].offset + 1, '', -1)
    producer.flush()
    print('in-txn', flush=True)  # records written, transaction open
    time.sleep(float(pause))
    producer.send_offsets_to_transaction(offsets, consumer.group_metadata())
    producer.commit_transaction()
    print('committed', sum(len(r) for r in batch.values()), flush=True)
producer.close()
consumer.close()
print('done', flush=True)
'''


@pytest.mark.timeout(600)
def test_consume_transform_produce_exactly_once_through_kill(broker: Broker, topic: Callable[..., str]) -> None:
    """A copy through two processes (the first killed mid-way): exactly the input in the output."""
    n = 20000
    src, dst = topic(partitions=4), topic(partitions=4)
    with KafkaProducer(bootstrap_servers=broker.bootstrap) as producer:
        for i in range(n):
            producer.send(src, b'%d' % i, key=b'%d' % i)
    group, txn_id = f'copy-{uuid.uuid4().hex[:8]}', f'copy-{uuid.uuid4().hex[:8]}'
    args = [sys.executable, '-c', _COPY_SCRIPT, broker.bootstrap, src, dst, group, txn_id]

    # The first process pauses inside each transaction after its records are written: it is
    # killed in the sixth one, which the second process's init_transactions() aborts.
    first = subprocess.Popen([*args, '0.2'], stdout=subprocess.PIPE, text=True)
    assert first.stdout is not None
    commits = 0
    for line in first.stdout:
        if line.startswith('committed'):
            commits += 1
        elif line.startswith('in-txn') and commits == 5:
            break
    first.send_signal(signal.SIGKILL)
    first.wait()

    second = subprocess.run([*args, '0'], capture_output=True, text=True, timeout=400, check=False)
    assert second.returncode == 0, second.stderr[-3000:]
    assert 'done' in second.stdout

    out = [v for _, _, v in _read(broker.bootstrap, dst, 'read_committed', timeout=30)]
    expected = [b'out-%d' % i for i in range(n)]
    missing = len(set(expected) - set(out))
    duplicates = len(out) - len(set(out))
    digest = hashlib.sha256(b''.join(sorted(out))).hexdigest()
    aborted = len(_read(broker.bootstrap, dst, 'read_uncommitted', timeout=30)) - len(out)
    print(f'copy: {n} in, {len(out)} out, missing {missing}, duplicates {duplicates};'
          f' {aborted} records of aborted transactions in the log')
    assert (missing, duplicates, len(out)) == (0, 0, n)
    assert aborted > 0  # the killed process's open transaction was written, then aborted
    assert digest == hashlib.sha256(b''.join(sorted(expected))).hexdigest()
    ours = _read_ours(broker.bootstrap, dst, 'read_committed', n, timeout=60)
    assert sorted(ours) == sorted(out)


def test_admin_transactions(broker: Broker, topic: Callable[..., str]) -> None:
    """list/describe transactions, describe_producers, find_hanging and abort_transaction (KIP-664)."""
    from kafka.admin import (
        AbortTransactionSpec,
        KafkaAdminClient,
        TransactionDescription,
        TransactionState,
    )

    name = topic(partitions=2)
    txn_id = f'adm-{uuid.uuid4().hex[:8]}'
    producer = _txn_producer(broker.bootstrap, txn_id)
    try:
        producer.begin_transaction()
        producer.send(name, b'open', partition=1).get(timeout=30)
        tp = TopicPartition(name, 1)
        with KafkaAdminClient(bootstrap_servers=broker.bootstrap) as admin:
            listed = admin.list_transactions()
            ours = [t for rows in listed.values() for t in rows if t.transactional_id == txn_id]
            assert len(ours) == 1 and ours[0].state is TransactionState.ONGOING
            desc = admin.describe_transactions([txn_id])[txn_id]
            assert isinstance(desc, TransactionDescription)
            assert desc.state is TransactionState.ONGOING and tp in desc.topic_partitions
            assert desc.producer_id == ours[0].producer_id
            producers = admin.describe_producers([tp])[tp].active_producers
            mine = [p for p in producers if p.producer_id == desc.producer_id]
            assert mine and mine[0].current_transaction_start_offset == 0
            hanging = admin.find_hanging_transactions(max_transaction_timeout_ms=-10 * 60 * 1000)
            assert txn_id in [h['transactional_id'] for h in hanging]
            assert admin.find_hanging_transactions() == [] or txn_id not in [
                h['transactional_id'] for h in admin.find_hanging_transactions()]
            admin.abort_transaction(AbortTransactionSpec(tp, desc.producer_id, desc.producer_epoch))
            after = admin.describe_producers([tp])[tp].active_producers
            assert all(p.current_transaction_start_offset == -1 for p in after if p.producer_id == desc.producer_id)
    finally:
        producer.close()
    assert _read(broker.bootstrap, name, 'read_committed') == []


@pytest.mark.timeout(600)
def test_transactions_follow_coordinator_moves(broker: Broker) -> None:
    """3 nodes: the transaction coordinator is stopped and restarted between and during
    transactions; every committed transaction is visible once, nothing else."""
    from brokers.apache_kafka import KafkaCluster
    from kafka.admin import KafkaAdminClient

    cluster = KafkaCluster(nodes=3).start()
    try:
        bootstrap = cluster.bootstrap_servers
        name = f'txn-moves-{uuid.uuid4().hex[:8]}'
        txn_id = f'moves-{uuid.uuid4().hex[:8]}'
        with KafkaAdminClient(bootstrap_servers=bootstrap) as admin:
            admin.create_topics({name: {'num_partitions': 3, 'replication_factor': 3}}, timeout_ms=30000)
            admin.wait_for_topics([name], timeout_ms=30000)
        producer = _txn_producer(bootstrap, txn_id, request_timeout_ms=10000)
        committed: list[bytes] = []
        aborted = 0
        try:
            for round_ in range(12):
                if round_ in (3, 8):
                    with KafkaAdminClient(bootstrap_servers=bootstrap) as admin:
                        coordinator = admin.describe_transactions([txn_id])[txn_id].coordinator_id
                    cluster.stop_node(coordinator)
                values = [b'%d-%d' % (round_, i) for i in range(200)]
                try:
                    producer.begin_transaction()
                    for v in values:
                        producer.send(name, v, key=v)
                    producer.commit_transaction()
                    committed.extend(values)
                except Errors.KafkaError:
                    producer.abort_transaction()  # abortable: the producer carries on
                    aborted += 1
                if round_ in (5, 10):
                    for node in (1, 2, 3):
                        if not cluster.node(node).running():
                            cluster.start_node(node)
        finally:
            producer.close()
        out = [v for _, _, v in _read(bootstrap, name, 'read_committed', timeout=60)]
        print(f'coordinator moves: {len(committed)} committed records, {aborted} aborted transactions,'
              f' {len(out)} read')
        assert len(committed) >= 200 * 8
        assert sorted(out) == sorted(committed)
    finally:
        cluster.stop()


def test_read_committed_consumer_waits_for_pending_transactional_offsets(
        broker: Broker, topic: Callable[..., str]) -> None:
    """KIP-447: a read_committed consumer fetches offsets with require_stable, so while a
    transaction that commits the group's offsets is open, ``committed()`` waits for its outcome
    instead of answering with the older offset; a read_uncommitted one answers at once."""
    import threading

    src = topic(partitions=1)
    tp = TopicPartition(src, 0)
    group = f'stable-{uuid.uuid4().hex[:8]}'
    setup = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=group, enable_auto_commit=False)
    try:
        setup.commit({tp: OffsetAndMetadata(5, '', -1)})
    finally:
        setup.close()
    producer = _txn_producer(broker.bootstrap)
    committed = threading.Event()
    try:
        producer.begin_transaction()
        producer.send(src, b'x')
        producer.send_offsets_to_transaction({tp: OffsetAndMetadata(42, '', -1)}, group)
        producer.flush()

        def commit_later() -> None:
            time.sleep(2.0)
            committed.set()
            producer.commit_transaction()

        plain = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=group, enable_auto_commit=False)
        try:
            assert plain.committed(tp) == 5  # the pending offset is not visible yet
        finally:
            plain.close()
        stable = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=group, enable_auto_commit=False,
                               isolation_level='read_committed')
        worker = threading.Thread(target=commit_later)
        worker.start()
        try:
            assert stable.committed(tp, timeout_ms=60000) == 42
            assert committed.is_set(), 'committed() answered before the transaction ended'
        finally:
            worker.join()
            stable.close()
    finally:
        producer.close()


def _set_transaction_version(bootstrap: str, level: int) -> None:
    """Finalizes ``transaction.version`` at ``level`` and waits until a broker reports it."""
    from kafka.admin import KafkaAdminClient

    with KafkaAdminClient(bootstrap_servers=bootstrap) as admin:
        current = admin.describe_features().get('transaction.version', {}).get('finalized', (0, 0))[1]
        if current == level:
            return
        kind = 'UPGRADE' if level > current else 'SAFE_DOWNGRADE'
        result = admin.update_features({'transaction.version': (kind, level)})
        assert result == {'transaction.version': 'OK'}, result
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if admin.describe_features().get('transaction.version', {}).get('finalized', (0, 0))[1] == level:
                return
            time.sleep(0.2)
    raise AssertionError(f'transaction.version did not reach {level}')


@pytest.mark.parametrize('protocol', [2, 1], ids=['transactions-v2', 'transactions-v1'])
def test_transaction_protocol_versions(broker: Broker, topic: Callable[..., str], protocol: int) -> None:
    """KIP-890: with ``transaction.version`` 2 every transaction ends with a bumped epoch (EndTxn v5)
    and Produce / TxnOffsetCommit add partitions and the group themselves; with 1 the epoch stays
    and AddPartitionsToTxn / AddOffsetsToTxn do. Both commit and abort exactly, offsets included."""
    from kafka.admin import KafkaAdminClient

    if broker.name != 'kafka':
        pytest.skip('needs a broker whose transaction.version can be changed')
    src, dst = topic(partitions=2), topic(partitions=3)
    group = f'g-{uuid.uuid4().hex[:8]}'
    txn_id = f'tv{protocol}-{uuid.uuid4().hex[:8]}'
    _set_transaction_version(broker.bootstrap, protocol)
    try:
        producer = _txn_producer(broker.bootstrap, txn_id)
        epochs: list[int] = []
        expected: list[bytes] = []
        try:
            with KafkaAdminClient(bootstrap_servers=broker.bootstrap) as admin:
                for n, commit in enumerate([True, False, True, True]):
                    producer.begin_transaction()
                    values = [f'{protocol}-{n}-{i}'.encode() for i in range(9)]
                    for i, v in enumerate(values):
                        producer.send(dst, v, partition=i % 3)
                    producer.send_offsets_to_transaction(
                        {TopicPartition(src, 0): OffsetAndMetadata(10 * (n + 1), '', -1)}, group)
                    if commit:
                        producer.commit_transaction()
                        expected.extend(values)
                    else:
                        producer.abort_transaction()
                    epochs.append(admin.describe_transactions([txn_id])[txn_id].producer_epoch)
                # The commit markers reach __consumer_offsets after EndTxn returns.
                deadline = time.monotonic() + 30
                while True:
                    committed = admin.list_consumer_group_offsets(group)
                    if committed.get(TopicPartition(src, 0), OffsetAndMetadata(-1, '', -1)).offset == 40:
                        break
                    assert time.monotonic() < deadline, committed
                    time.sleep(0.2)
        finally:
            producer.close()
        if protocol == 2:
            # Each EndTxn bumps the epoch the coordinator keeps (the first one from init's epoch).
            assert epochs == list(range(epochs[0], epochs[0] + 4)), epochs
        else:
            assert len(set(epochs)) == 1, epochs
        got = sorted(v for _, _, v in _read(broker.bootstrap, dst, 'read_committed'))
        assert got == sorted(expected)
        assert sorted(_read_ours(broker.bootstrap, dst, 'read_committed', len(expected))) == sorted(expected)
    finally:
        _set_transaction_version(broker.bootstrap, 2)
