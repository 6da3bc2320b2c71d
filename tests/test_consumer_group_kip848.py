"""KIP-848's ``group_protocol='consumer'`` against Apache Kafka 4.4: broker-side assignment,
incremental revocation, static membership, fencing, commits with the member epoch, mixed
groups with librdkafka's next-generation consumer, and the upgrade of a classic group.

Tansu has no ConsumerGroupHeartbeat (KIP-848): every test here is Kafka-only.  The broker's
default ``group.consumer.heartbeat.interval.ms`` is 5 s (also its minimum), so a rebalance
takes one or two heartbeats: the waits below are generous.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from typing import Any, Callable

import pytest
from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.aio import AIOKafkaConsumer

NO_KIP848 = 'no ConsumerGroupHeartbeat (KIP-848)'

KIP848 = {'group_protocol': 'consumer', 'auto_offset_reset': 'earliest', 'auto_commit_interval_ms': 500}
CLASSIC = {'session_timeout_ms': 6000, 'heartbeat_interval_ms': 1000, 'auto_offset_reset': 'earliest',
           'auto_commit_interval_ms': 500}


def produce(bootstrap: str, topic: str, start: int, n: int, partitions: int) -> None:
    from confluent_kafka import Producer

    producer = Producer({'bootstrap.servers': bootstrap, 'linger.ms': 5})
    for i in range(start, start + n):
        producer.produce(topic, value=b'%d' % i, partition=i % partitions)
        if i % 10000 == 0:
            producer.poll(0)
    assert producer.flush(60) == 0


def wait_for(cond: Callable[[], bool], timeout: float = 90.0, what: str = 'condition') -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f'{what} not reached in {timeout}s'
        time.sleep(0.1)


class Recorder(ConsumerRebalanceListener):
    """Records listener calls and checks that they are incremental as they happen."""

    def __init__(self) -> None:
        self.events: list[tuple[str, frozenset[TopicPartition]]] = []
        self.owned: set[TopicPartition] = set()
        self.violations: list[str] = []
        # Revocations after which this member still owned partitions (kept, not revoked).
        self.partial_revocations = 0
        # The test's scaling step each event happened in (bumped by the test between steps).
        self.phase = 0
        self.phases: list[int] = []

    def on_partitions_revoked(self, revoked: Any) -> None:
        revoked = frozenset(revoked)
        if not revoked <= self.owned:
            self.violations.append(f'revoked {revoked - self.owned} not owned')
        self.owned -= revoked
        self.partial_revocations += bool(revoked and self.owned)
        self.events.append(('revoked', revoked))
        self.phases.append(self.phase)

    def on_partitions_assigned(self, assigned: Any) -> None:
        assigned = frozenset(assigned)
        if assigned & self.owned:
            self.violations.append(f'assigned {assigned & self.owned} already owned')
        self.owned |= assigned
        self.events.append(('assigned', assigned))
        self.phases.append(self.phase)

    def on_partitions_lost(self, lost: Any) -> None:
        lost = frozenset(lost)
        self.owned -= lost
        self.events.append(('lost', lost))
        self.phases.append(self.phase)

    def revoked_then_reassigned(self) -> list[frozenset[TopicPartition]]:
        """Partitions revoked and handed back in the same scaling step (an eager rebalance)."""
        out = []
        steps = list(zip(self.events, self.phases))
        for ((k1, s1), p1), ((k2, s2), p2) in zip(steps, steps[1:]):
            if k1 == 'revoked' and k2 == 'assigned' and s1 & s2 and p1 == p2:
                out.append(s1 & s2)
        return out


def next_phase(listeners: list[Recorder]) -> None:
    for lst in listeners:
        lst.phase += 1


class Member(threading.Thread):
    """One of our KafkaConsumers polling in its own thread; records (partition, offset)."""

    def __init__(self, bootstrap: str, topic: str, group: str, sink: list[Any], lock: threading.Lock,
                 **config: Any) -> None:
        super().__init__(daemon=True)
        self.listener = Recorder()
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, **{**KIP848, **config})
        self.consumer.subscribe([topic], listener=self.listener)
        self.sink, self.lock = sink, lock
        self.stop = threading.Event()
        self.assigned: set[TopicPartition] = set()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                records = self.consumer.poll(timeout_ms=200)
                with self.lock:
                    for recs in records.values():
                        self.sink.extend((self.name, r.partition, r.offset) for r in recs)
                    self.assigned = self.consumer.assignment()
            self.consumer.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def owned(self) -> set[TopicPartition]:
        with self.lock:
            return set(self.assigned)

    def shutdown(self) -> None:
        self.stop.set()
        self.join(60)
        assert self.error is None, self.error


class ConfluentMember(threading.Thread):
    """librdkafka's next-generation consumer (``group.protocol: consumer``), committing
    synchronously after every batch it processed."""

    def __init__(self, bootstrap: str, topic: str, group: str, sink: list[Any], lock: threading.Lock) -> None:
        from confluent_kafka import Consumer

        super().__init__(daemon=True)
        self.consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'group.protocol': 'consumer',
                                  'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
        self.consumer.subscribe([topic])
        self.sink, self.lock = sink, lock
        self.stop = threading.Event()
        self.assigned: set[TopicPartition] = set()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                msgs = [m for m in self.consumer.consume(num_messages=500, timeout=0.2) if m.error() is None]
                if msgs:
                    self.consumer.commit(asynchronous=False)
                with self.lock:
                    self.sink.extend(('confluent', m.partition(), m.offset()) for m in msgs)
                    self.assigned = {TopicPartition(p.topic, p.partition) for p in self.consumer.assignment()}
            self.consumer.close()
        except BaseException as exc:  # noqa: BLE001
            self.error = exc

    def owned(self) -> set[TopicPartition]:
        with self.lock:
            return set(self.assigned)

    def shutdown(self) -> None:
        self.stop.set()
        self.join(60)
        assert self.error is None, self.error


def balanced(members: list[Any], all_parts: set[TopicPartition]) -> bool:
    sets = [m.owned() for m in members]
    sizes = [len(s) for s in sets]
    disjoint = sum(sizes) == len(set().union(*sets))
    return disjoint and set().union(*sets) == all_parts and max(sizes) - min(sizes) <= 1


def check_sink(sink: list[Any], partitions: int, per_partition: int) -> None:
    seen = sorted((p, o) for _, p, o in sink)
    expected = [(p, o) for p in range(partitions) for o in range(per_partition)]
    dupes = len(seen) - len(set(seen))
    missing = set(expected) - set(seen)
    assert not missing, f'{len(missing)} records never processed'
    assert dupes == 0, f'{dupes} records processed twice'


@pytest.mark.tansu_skip(NO_KIP848)
def test_scale_up_and_down_with_librdkafka_member(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """3 of ours + librdkafka join and leave while 60k records (200k under make chaos) flow: every record is processed
    once (commits happen before a partition moves), and revocations are incremental."""
    parts = 12
    t = topic(parts)
    all_parts = {TopicPartition(t, p) for p in range(parts)}
    group = f'kip848-scale-{uuid.uuid4().hex[:8]}'
    sink: list[Any] = []
    lock = threading.Lock()
    total = 200_000 if os.environ.get('KAFKA_CHAOS') == 'long' else 60_000  # 200k under make chaos
    def feed() -> None:
        for i in range(0, total, 5000):
            produce(bootstrap_servers, t, i, 5000, parts)
            time.sleep(0.5)

    producer = threading.Thread(target=feed, daemon=True)
    a = Member(bootstrap_servers, t, group, sink, lock, group_remote_assignor='uniform')
    a.start()
    wait_for(lambda: a.owned() == all_parts, what='first member owns everything')
    producer.start()
    b = Member(bootstrap_servers, t, group, sink, lock, group_remote_assignor='uniform')
    next_phase([a.listener])
    b.start()
    wait_for(lambda: balanced([a, b], all_parts), what='two members balanced')
    c = Member(bootstrap_servers, t, group, sink, lock, group_remote_assignor='uniform')
    next_phase([a.listener, b.listener])
    c.start()
    wait_for(lambda: balanced([a, b, c], all_parts), what='three members balanced')
    d = ConfluentMember(bootstrap_servers, t, group, sink, lock)
    next_phase([a.listener, b.listener, c.listener])
    d.start()
    wait_for(lambda: balanced([a, b, c, d], all_parts), what='four members balanced')
    next_phase([a.listener, b.listener, c.listener])
    b.shutdown()
    wait_for(lambda: balanced([a, c, d], all_parts), what='b left')
    next_phase([a.listener, c.listener])
    d.shutdown()
    wait_for(lambda: balanced([a, c], all_parts), what='librdkafka left')
    producer.join(120)
    wait_for(lambda: len(sink) >= total, timeout=120, what='every record processed')
    time.sleep(2.0)
    a.shutdown()
    c.shutdown()
    check_sink(sink, parts, total // parts)
    for m in (a, b, c):
        assert not m.listener.violations, m.listener.violations
        assert not m.listener.revoked_then_reassigned(), m.listener.events
    # a gave up partitions three times (b, c, librdkafka joined) and kept the others each time.
    assert a.listener.partial_revocations >= 3, a.listener.events


@pytest.mark.tansu_skip(NO_KIP848)
def test_asyncio_members_incremental(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    parts = 6
    t = topic(parts)
    all_parts = {TopicPartition(t, p) for p in range(parts)}
    group = f'kip848-aio-{uuid.uuid4().hex[:8]}'
    produce(bootstrap_servers, t, 0, 600, parts)

    async def main() -> None:
        seen: list[tuple[int, int]] = []
        consumers = []
        listeners = []
        stop = asyncio.Event()

        async def run(c: AIOKafkaConsumer) -> None:
            while not stop.is_set():
                got = await c.getmany(timeout_ms=200)
                for recs in got.values():
                    seen.extend((r.partition, r.offset) for r in recs)
                await c.commit() if got else None

        async def add() -> None:
            next_phase(listeners)
            c = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False,
                                 **{**KIP848, 'group_remote_assignor': 'range'})
            listener = Recorder()
            c.subscribe([t], listener=listener)
            await c.start()
            consumers.append(c)
            listeners.append(listener)
            tasks.append(asyncio.ensure_future(run(c)))

        async def until(cond: Callable[[], bool], what: str) -> None:
            deadline = time.monotonic() + 90
            while not cond():
                assert time.monotonic() < deadline, what
                await asyncio.sleep(0.1)

        def balanced_now() -> bool:
            sets = [c.assignment() for c in consumers]
            return sum(map(len, sets)) == parts and set().union(*sets) == all_parts and \
                max(map(len, sets)) - min(map(len, sets)) <= 1

        tasks: list[asyncio.Future[None]] = []
        await add()
        await until(lambda: len(seen) >= 600, 'first member read everything')
        await add()
        await until(balanced_now, 'two balanced')
        await add()
        await until(balanced_now, 'three balanced')
        produce(bootstrap_servers, t, 600, 600, parts)
        await until(lambda: len(seen) >= 1200, 'all read')
        # Scale down: the second member stops (commits, leaves); the others take its partitions.
        next_phase(listeners)
        leaver, leaver_task = consumers.pop(1), tasks.pop(1)
        leaver_task.cancel()
        await asyncio.gather(leaver_task, return_exceptions=True)
        await leaver.stop()
        await until(balanced_now, 'two balanced after one left')
        produce(bootstrap_servers, t, 1200, 600, parts)
        await until(lambda: len(seen) >= 1800, 'all read after scale-down')
        stop.set()
        await asyncio.gather(*tasks)
        for c in consumers:
            await c.stop()
        assert sorted(seen) == sorted((p, o) for p in range(parts) for o in range(300))
        for lst in listeners:
            assert not lst.violations, lst.violations
            assert not lst.revoked_then_reassigned(), lst.events

    asyncio.run(main())


@pytest.mark.tansu_skip(NO_KIP848)
def test_static_member_restart_keeps_assignment(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """A static member leaves with epoch -2 on close; its replacement (same group_instance_id)
    gets the same partitions back and the other member sees no rebalance."""
    parts = 4
    t = topic(parts)
    group = f'kip848-static-{uuid.uuid4().hex[:8]}'
    all_parts = {TopicPartition(t, p) for p in range(parts)}
    sink: list[Any] = []
    lock = threading.Lock()
    a = Member(bootstrap_servers, t, group, sink, lock, group_instance_id='static-a')
    b = Member(bootstrap_servers, t, group, sink, lock, group_instance_id='static-b')
    a.start()
    b.start()
    wait_for(lambda: balanced([a, b], all_parts), what='balanced')
    held = a.owned()
    events_b = len(b.listener.events)
    a.shutdown()
    a2 = Member(bootstrap_servers, t, group, sink, lock, group_instance_id='static-a')
    a2.start()
    wait_for(lambda: a2.owned() == held, what='static member got its partitions back')
    time.sleep(6)  # a heartbeat later, b still has not rebalanced
    assert len(b.listener.events) == events_b, b.listener.events
    a2.shutdown()
    b.shutdown()


@pytest.mark.tansu_skip(NO_KIP848)
def test_poll_timeout_loses_partitions_and_rejoins(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """Not polling within max_poll_interval_ms makes the member leave; the next poll reports the
    partitions lost (on_partitions_lost) and rejoins under a new epoch."""
    t = topic(2)
    group = f'kip848-lost-{uuid.uuid4().hex[:8]}'
    produce(bootstrap_servers, t, 0, 10, 2)
    listener = Recorder()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=group, max_poll_interval_ms=3000,
                             **KIP848)
    consumer.subscribe([t], listener=listener)
    try:
        wait_for(lambda: bool(consumer.poll(timeout_ms=200)) or len(consumer.assignment()) == 2)
        epoch_before = consumer.group_metadata().generation_id
        time.sleep(5)
        wait_for(lambda: not consumer.poll(timeout_ms=200) and len(listener.owned) == 2
                 and any(k == 'lost' for k, _ in listener.events), what='lost then reassigned')
        lost = [s for k, s in listener.events if k == 'lost']
        assert lost == [frozenset({TopicPartition(t, 0), TopicPartition(t, 1)})]
        assert listener.events[-1][0] == 'assigned'
        assert consumer.group_metadata().generation_id != epoch_before
    finally:
        consumer.close()


@pytest.mark.tansu_skip(NO_KIP848)
def test_commit_uses_member_epoch_and_resumes(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """commit() of a consumer-protocol member (OffsetCommit v9 with the member epoch) is what
    the next member resumes from; committed() reads it back."""
    from kafka import OffsetAndMetadata

    t = topic(1)
    tp = TopicPartition(t, 0)
    group = f'kip848-commit-{uuid.uuid4().hex[:8]}'
    produce(bootstrap_servers, t, 0, 10, 1)
    with KafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False,
                       **KIP848) as c:
        got: list[int] = []
        wait_for(lambda: bool(got.extend(r.offset for rs in c.poll(timeout_ms=200).values() for r in rs))
                 or len(got) >= 10)
        c.commit({tp: OffsetAndMetadata(6, 'meta', -1)})
        assert c.committed(tp) == 6
    with KafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False,
                       **KIP848) as again:
        got2: list[int] = []
        wait_for(lambda: bool(got2.extend(r.offset for rs in again.poll(timeout_ms=200).values() for r in rs))
                 or len(got2) >= 4)
        assert got2[:4] == [6, 7, 8, 9]


@pytest.mark.tansu_skip(NO_KIP848)
def test_pattern_subscription(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    prefix = f'kip848pat{uuid.uuid4().hex[:6]}'
    t1 = topic(1, prefix=prefix)
    t2 = topic(1, prefix=prefix)
    produce(bootstrap_servers, t1, 0, 3, 1)
    produce(bootstrap_servers, t2, 0, 3, 1)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=f'{prefix}-g', **KIP848)
    consumer.subscribe(pattern=f'^{prefix}-.*')
    try:
        topics: set[str] = set()
        wait_for(lambda: bool(topics.update(tp.topic for tp in consumer.poll(timeout_ms=200)))
                 or topics == {t1, t2}, what='records of both topics')
    finally:
        consumer.close()


@pytest.mark.tansu_skip(NO_KIP848)
def test_classic_group_upgrades_to_consumer_protocol(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """Kafka 4's online migration (group.consumer.migration.policy): a classic group gets a
    consumer-protocol member, which converts it; the classic members keep working through the
    broker's classic-in-consumer-group support and leave; no record is lost or read twice."""
    from confluent_kafka.admin import AdminClient

    parts = 4
    t = topic(parts)
    all_parts = {TopicPartition(t, p) for p in range(parts)}
    group = f'kip848-upgrade-{uuid.uuid4().hex[:8]}'
    sink: list[Any] = []
    lock = threading.Lock()
    old = [Member(bootstrap_servers, t, group, sink, lock, **{**CLASSIC, 'group_protocol': 'classic'})
           for _ in range(2)]
    for m in old:
        m.start()
    wait_for(lambda: balanced(old, all_parts), what='classic group balanced')
    produce(bootstrap_servers, t, 0, 400, parts)
    wait_for(lambda: len(sink) >= 400, what='classic group read')
    new = Member(bootstrap_servers, t, group, sink, lock)
    new.start()
    wait_for(lambda: balanced([*old, new], all_parts), what='mixed group balanced')
    admin = AdminClient({'bootstrap.servers': bootstrap_servers})
    described = admin.describe_consumer_groups([group])[group].result(timeout=30)
    assert str(described.type).endswith('CONSUMER'), described.type
    produce(bootstrap_servers, t, 400, 400, parts)
    for m in old:
        m.shutdown()
    wait_for(lambda: new.owned() == all_parts, what='upgraded member owns everything')
    wait_for(lambda: len(sink) >= 800, what='all read')
    time.sleep(1)
    new.shutdown()
    check_sink(sink, parts, 200)


def test_broker_without_kip848_raises_unsupported_version(broker: Any, topic: Callable[..., str]) -> None:
    """A broker without ConsumerGroupHeartbeat (Tansu): poll() raises UnsupportedVersionError."""
    from kafka import errors as Errors

    if broker.is_kafka:
        pytest.skip('Apache Kafka supports KIP-848')
    t = topic(1)
    consumer = KafkaConsumer(t, bootstrap_servers=broker.bootstrap, group_id=f'kip848-{uuid.uuid4().hex[:8]}',
                             **KIP848)
    try:
        with pytest.raises(Errors.UnsupportedVersionError):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                consumer.poll(timeout_ms=200)
    finally:
        consumer.close()


@pytest.mark.tansu_skip(NO_KIP848)
def test_transactional_offsets_with_member_epoch(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """send_offsets_to_transaction(offsets, consumer.group_metadata()) of a consumer-protocol
    member: TxnOffsetCommit carries the member epoch as the generation (KIP-447 fencing)."""
    from kafka import KafkaProducer, OffsetAndMetadata

    t = topic(1)
    tp = TopicPartition(t, 0)
    group = f'kip848-txn-{uuid.uuid4().hex[:8]}'
    produce(bootstrap_servers, t, 0, 5, 1)
    producer = KafkaProducer(bootstrap_servers=bootstrap_servers, transactional_id=f'txn-{group}')
    producer.init_transactions()
    with KafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False,
                       isolation_level='read_committed', **KIP848) as c:
        got: list[int] = []
        wait_for(lambda: bool(got.extend(r.offset for rs in c.poll(timeout_ms=200).values() for r in rs))
                 or len(got) >= 5)
        meta = c.group_metadata()
        assert meta.generation_id > 0 and meta.member_id
        producer.begin_transaction()
        producer.send_offsets_to_transaction({tp: OffsetAndMetadata(5, '', -1)}, meta)
        producer.commit_transaction()
        wait_for(lambda: c.committed(tp) == 5, what='transactional offset visible')
    producer.close()


@pytest.mark.tansu_skip(NO_KIP848)
def test_subscription_change_is_incremental(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """subscribe() to a new topic set: only the partitions of the dropped topic are revoked and
    only the new topic's are assigned; unsubscribe() then subscribe() rejoins."""
    t1, t2, t3 = topic(2), topic(2), topic(1)
    listener = Recorder()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=f'kip848-sub-{uuid.uuid4().hex[:8]}',
                             **KIP848)
    try:
        consumer.subscribe([t1, t2], listener=listener)
        wait_for(lambda: not consumer.poll(timeout_ms=200) and len(listener.owned) == 4, what='t1+t2')
        consumer.subscribe([t2, t3], listener=listener)
        wait_for(lambda: not consumer.poll(timeout_ms=200) and {tp.topic for tp in listener.owned} == {t2, t3},
                 what='t2+t3')
        assert ('revoked', frozenset({TopicPartition(t1, 0), TopicPartition(t1, 1)})) in listener.events
        assert listener.events[-1] == ('assigned', frozenset({TopicPartition(t3, 0)}))
        assert not listener.violations, listener.violations
        consumer.unsubscribe()
        assert consumer.assignment() == set()
        consumer.subscribe([t3])
        wait_for(lambda: not consumer.poll(timeout_ms=200) and consumer.assignment() == {TopicPartition(t3, 0)},
                 what='rejoined after unsubscribe')
    finally:
        consumer.close()


@pytest.mark.tansu_skip(NO_KIP848)
def test_unknown_remote_assignor_raises(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """The broker's UNSUPPORTED_ASSIGNOR reaches poll() as kafka-python's error class."""
    from kafka import errors as Errors

    t = topic(1)
    consumer = KafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=f'kip848-{uuid.uuid4().hex[:8]}',
                             group_remote_assignor='no-such-assignor', **KIP848)
    try:
        with pytest.raises(Errors.UnsupportedAssignorError):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                consumer.poll(timeout_ms=200)
    finally:
        consumer.close()
