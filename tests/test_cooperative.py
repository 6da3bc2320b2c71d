"""KIP-429 cooperative rebalancing, pluggable assignors and on_partitions_lost, on a real broker.

- a cooperative-sticky group of our consumers and a confluent-kafka (librdkafka) member scales
  up and down while records flow: every record is processed, none is delivered again after its
  offset was committed, and revocations are incremental;
- an application's AbstractPartitionAssignor runs on the group leader (KafkaConsumer and
  kafka.aio's AIOKafkaConsumer), and an invalid result is refused;
- a member that lost its membership reports its partitions through on_partitions_lost.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections import defaultdict
from typing import Any, Callable, ClassVar

import kafka.errors as Errors
import pytest
from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.coordinator.assignors.abstract import AbstractPartitionAssignor, RebalanceProtocol
from kafka.coordinator.assignors.cooperative_sticky import CooperativeStickyAssignor
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment, ConsumerProtocolSubscription

FAST_GROUP = {'session_timeout_ms': 6000, 'heartbeat_interval_ms': 500, 'auto_offset_reset': 'earliest'}


def wait_for(cond: Callable[[], bool], timeout: float = 90.0, what: str = 'condition') -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f'{what} not reached in time'
        time.sleep(0.1)


class Ledger:
    """What the group did: records processed, offsets committed, listener events per member.

    A record delivered below an offset already committed for its partition is a duplicate
    after a commit (``violations``)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.processed: list[tuple[str, int, int]] = []
        self.committed: dict[int, int] = defaultdict(int)
        self.violations: list[tuple[str, int, int, int]] = []
        self.revoked: dict[str, list[TopicPartition]] = defaultdict(list)
        self.assignment: dict[str, set[TopicPartition]] = {}

    def deliver(self, member: str, partition: int, offset: int) -> None:
        with self.lock:
            if offset < self.committed[partition]:
                self.violations.append((member, partition, offset, self.committed[partition]))
            self.processed.append((member, partition, offset))

    def commit(self, positions: dict[int, int]) -> None:
        with self.lock:
            for p, o in positions.items():
                self.committed[p] = max(self.committed[p], o)

    def take_revoked(self) -> dict[str, set[TopicPartition]]:
        with self.lock:
            out = {m: set(r) for m, r in self.revoked.items()}
            self.revoked.clear()
            return out


class OurMember(threading.Thread):
    """A cooperative-sticky KafkaConsumer committing synchronously after every batch."""

    def __init__(self, name: str, bootstrap: str, topic: str, group: str, ledger: Ledger) -> None:
        super().__init__(daemon=True, name=name)
        self.ledger = ledger
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                      partition_assignment_strategy=[CooperativeStickyAssignor], **FAST_GROUP)
        member = self

        class Listener(ConsumerRebalanceListener):
            def on_partitions_revoked(self, revoked: Any) -> None:
                # Commit what was consumed while the partitions are still ours (the usual pattern).
                positions = {tp.partition: member.consumer.position(tp) for tp in revoked}
                try:
                    member.consumer.commit()
                    ledger.commit(positions)
                except Errors.KafkaError:
                    pass
                with ledger.lock:
                    ledger.revoked[name].extend(revoked)
                    ledger.assignment[name] = member.consumer.assignment() - set(revoked)

            def on_partitions_assigned(self, assigned: Any) -> None:
                with ledger.lock:
                    ledger.assignment[name] = member.consumer.assignment()

        self.consumer.subscribe([topic], listener=Listener())
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                records = self.consumer.poll(timeout_ms=200, max_records=2000)
                if not records:
                    continue
                positions = {}
                for tp, recs in records.items():
                    for r in recs:
                        self.ledger.deliver(self.name, r.partition, r.offset)
                    positions[tp.partition] = recs[-1].offset + 1
                try:
                    self.consumer.commit()
                except (Errors.CommitFailedError, Errors.RebalanceInProgressError, Errors.IllegalGenerationError):
                    continue
                self.ledger.commit(positions)
            self.consumer.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def shutdown(self) -> None:
        self.stop.set()
        self.join(60)
        assert self.error is None, self.error


class TheirMember(threading.Thread):
    """A confluent-kafka (librdkafka) cooperative-sticky member, committing after every batch."""

    def __init__(self, name: str, bootstrap: str, topic: str, group: str, ledger: Ledger) -> None:
        from confluent_kafka import Consumer

        super().__init__(daemon=True, name=name)
        self.ledger = ledger
        self.consumer = Consumer({
            'bootstrap.servers': bootstrap, 'group.id': group, 'enable.auto.commit': False,
            'partition.assignment.strategy': 'cooperative-sticky', 'session.timeout.ms': 6000,
            'heartbeat.interval.ms': 500, 'auto.offset.reset': 'earliest'})
        self.topic = topic
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def _assigned(self, consumer: Any, parts: Any) -> None:
        with self.ledger.lock:
            self.ledger.assignment[self.name] = {TopicPartition(p.topic, p.partition) for p in consumer.assignment()} \
                | {TopicPartition(p.topic, p.partition) for p in parts}

    def _revoked(self, consumer: Any, parts: Any) -> None:
        gone = {TopicPartition(p.topic, p.partition) for p in parts}
        with self.ledger.lock:
            self.ledger.revoked[self.name].extend(gone)
            self.ledger.assignment[self.name] = {
                TopicPartition(p.topic, p.partition) for p in consumer.assignment()} - gone

    def run(self) -> None:
        from confluent_kafka import KafkaException

        try:
            self.consumer.subscribe([self.topic], on_assign=self._assigned, on_revoke=self._revoked)
            while not self.stop.is_set():
                msgs = self.consumer.consume(num_messages=2000, timeout=0.2)
                positions = {}
                for m in msgs:
                    if m.error():
                        continue
                    self.ledger.deliver(self.name, m.partition(), m.offset())
                    positions[m.partition()] = m.offset() + 1
                if not positions:
                    continue
                try:
                    self.consumer.commit(asynchronous=False)
                except KafkaException:
                    continue
                self.ledger.commit(positions)
            self.consumer.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def shutdown(self) -> None:
        self.stop.set()
        self.join(60)
        assert self.error is None, self.error


def produce_flow(bootstrap: str, topic: str, total: int, partitions: int, stop: threading.Event) -> threading.Thread:
    """Produces ``total`` records round-robin over the partitions, in bursts, in a thread."""
    from confluent_kafka import Producer

    def run() -> None:
        producer = Producer({'bootstrap.servers': bootstrap, 'linger.ms': 5})
        for i in range(total):
            producer.produce(topic, value=b'%d' % i, partition=i % partitions)
            if i % 2000 == 1999:
                producer.flush(30)
                if stop.wait(0.1):
                    break
        producer.flush(30)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


@pytest.mark.parametrize('first', ['ours', 'theirs'])
def test_cooperative_group_with_librdkafka_scales_while_records_flow(bootstrap_servers: str,
                                                                      topic: Callable[..., str], first: str) -> None:
    """``first`` joins first and leads: our leader assigns to librdkafka, or the other way."""
    # 204k records (a multiple of 12) under `make chaos` (KAFKA_CHAOS=long); 60k in make test.
    partitions, total = 12, 204_000 if os.environ.get('KAFKA_CHAOS') == 'long' else 60_000
    t = topic(partitions)
    group = f'coop-{uuid.uuid4().hex[:8]}'
    ledger = Ledger()
    all_parts = {TopicPartition(t, p) for p in range(partitions)}
    stop = threading.Event()
    producer = produce_flow(bootstrap_servers, t, total, partitions, stop)

    def settled(names: list[str]) -> bool:
        with ledger.lock:
            sets = [ledger.assignment.get(n, set()) for n in names]
        sizes = sorted(len(s) for s in sets)
        return (sum(sizes) == partitions and set().union(*sets) == all_parts
                and sizes[-1] - sizes[0] <= 1)

    members: dict[str, Any] = {}
    try:
        order = ['ours-0', 'ours-1', 'theirs'] if first == 'ours' else ['theirs', 'ours-0', 'ours-1']
        for name in order:
            cls = TheirMember if name == 'theirs' else OurMember
            members[name] = cls(name, bootstrap_servers, t, group, ledger)
            members[name].start()
            if name == order[0]:
                wait_for(lambda: settled([order[0]]), what='the first member assigned')
        wait_for(lambda: settled(list(members)), what='3 members settled')
        time.sleep(2)  # a follow-up rebalance, if any, has run
        wait_for(lambda: settled(list(members)), what='3 members settled')
        ledger.take_revoked()
        before = {n: set(s) for n, s in ledger.assignment.items()}

        # Scale up: a third one of ours joins. Only what it takes is revoked, nothing else.
        members['ours-2'] = OurMember('ours-2', bootstrap_servers, t, group, ledger)
        members['ours-2'].start()
        wait_for(lambda: settled(list(members)), what='4 members settled')
        time.sleep(2)
        wait_for(lambda: settled(list(members)), what='4 members settled')
        revoked = ledger.take_revoked()
        with ledger.lock:
            after = {n: set(s) for n, s in ledger.assignment.items() if n in members}
        moved = sum(len(r) for r in revoked.values())
        assert moved == len(after['ours-2']) == partitions // 4, (revoked, after)
        for name, gone in revoked.items():
            assert not gone & after[name], f'{name} revoked partitions it kept: {gone & after[name]}'
            assert before[name] - gone == after[name], (name, before[name], gone, after[name])

        # Scale down: one of ours leaves (the leader, when ours lead); the others only gain.
        leaver = members.pop('ours-0')
        leaver.shutdown()
        with ledger.lock:
            ledger.assignment.pop('ours-0', None)
        wait_for(lambda: settled(list(members)), what='3 members settled after the leave')
        time.sleep(2)
        wait_for(lambda: settled(list(members)), what='3 members settled after the leave')
        revoked = ledger.take_revoked()
        for name in members:
            assert not revoked.get(name), f'{name} revoked {revoked.get(name)} when a member left'

        producer.join(120)
        ends = total // partitions
        wait_for(lambda: len({(p, o) for _, p, o in list(ledger.processed)}) >= total, timeout=120,
                 what='every record processed')
    finally:
        stop.set()
        for m in members.values():
            m.shutdown()
    seen = {(p, o) for _, p, o in ledger.processed}
    assert seen == {(p, o) for p in range(partitions) for o in range(ends)}, 'records lost'
    print(f'{len(ledger.processed)} deliveries of {total} records '
          f'({len(ledger.processed) - total} uncommitted ones delivered again)')
    assert not ledger.violations, f'records delivered again after their commit: {ledger.violations[:10]}'


class GreedyAssignor(AbstractPartitionAssignor):
    """Gives every partition to the members whose subscription user data says b'greedy'."""

    name = 'greedy-first'

    def __init__(self, mood: bytes = b'greedy') -> None:
        self.mood = mood
        self.assign_calls: list[list[str]] = []
        self.assignments: list[tuple[list[TopicPartition], int]] = []

    def metadata(self, topics: Any) -> ConsumerProtocolSubscription:
        return ConsumerProtocolSubscription(0, sorted(topics), self.mood)

    def assign(self, cluster: Any, members: Any) -> dict[str, ConsumerProtocolAssignment]:
        self.assign_calls.append(sorted(m.member_id for m in members))
        greedy = sorted(m.member_id for m in members if m.metadata.user_data == b'greedy')
        topics = sorted({t for m in members for t in m.metadata.topics})
        out = {m.member_id: ConsumerProtocolAssignment(0, [], b'') for m in members}
        for i, (topic, p) in enumerate((t, p) for t in topics for p in sorted(cluster.partitions_for_topic(t))):
            owner = greedy[i % len(greedy)]
            parts = dict(out[owner].assigned_partitions)
            parts.setdefault(topic, []).append(p)
            out[owner] = ConsumerProtocolAssignment(0, sorted(parts.items()), b'')
        return out

    def on_assignment(self, assignment: ConsumerProtocolAssignment, generation: int) -> None:
        self.assignments.append((assignment.partitions(), generation))


def test_custom_python_assignor_runs_on_the_leader(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(4)
    group = f'custom-{uuid.uuid4().hex[:8]}'
    greedy, modest = GreedyAssignor(b'greedy'), GreedyAssignor(b'modest')
    a = KafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group,
                      partition_assignment_strategy=[greedy, RangePartitionAssignor], **FAST_GROUP)
    b = KafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group,
                      partition_assignment_strategy=[modest], **FAST_GROUP)
    try:
        everything = {TopicPartition(t, p) for p in range(4)}

        def done() -> bool:
            a.poll(timeout_ms=100)
            b.poll(timeout_ms=100)
            return a.assignment() == everything and not b.assignment() and bool(modest.assignments)

        wait_for(done, what='the greedy assignment')
        # The leader ran assign() over both members.
        calls = greedy.assign_calls + modest.assign_calls
        assert calls and len(calls[-1]) == 2, calls
        # Both heard their assignment and its generation.
        assert set(greedy.assignments[-1][0]) == everything and greedy.assignments[-1][1] >= 0
        assert modest.assignments[-1][0] == []
    finally:
        a.close()
        b.close()


class BrokenAssignor(GreedyAssignor):
    name = 'broken'

    def assign(self, cluster: Any, members: Any) -> dict[str, ConsumerProtocolAssignment]:
        return {m.member_id: ConsumerProtocolAssignment(0, [('no-such-topic', [0])], b'') for m in members}


def test_invalid_custom_assignment_is_refused(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(1)
    c = KafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=f'broken-{uuid.uuid4().hex[:8]}',
                      partition_assignment_strategy=[BrokenAssignor], **FAST_GROUP)
    try:
        with pytest.raises(Errors.KafkaError, match='does not exist'):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                c.poll(timeout_ms=200)
        assert not c.assignment()
    finally:
        c.close()


def test_aio_consumer_uses_a_custom_assignor(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    from kafka.aio import AIOKafkaConsumer

    t = topic(3)
    assignor = GreedyAssignor()

    async def main() -> None:
        consumer = AIOKafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=f'aio-{uuid.uuid4().hex[:8]}',
                                    partition_assignment_strategy=(assignor,), session_timeout_ms=6000,
                                    heartbeat_interval_ms=500)
        await consumer.start()
        try:
            assert consumer.assignment() == {TopicPartition(t, p) for p in range(3)}
            assert len(assignor.assign_calls) >= 1 and assignor.assignments
        finally:
            await consumer.stop()

    asyncio.run(main())


def test_strategy_validation() -> None:
    with pytest.raises(Errors.KafkaConfigurationError, match='common'):
        KafkaConsumer(bootstrap_servers='localhost:1', group_id='g', api_version=(4, 0),
                      partition_assignment_strategy=[RangePartitionAssignor, CooperativeStickyAssignor])
    assert CooperativeStickyAssignor().supported_protocols() == [RebalanceProtocol.COOPERATIVE]


class LostRecorder(ConsumerRebalanceListener):
    def __init__(self) -> None:
        self.events: list[tuple[str, set[TopicPartition]]] = []

    def on_partitions_revoked(self, revoked: Any) -> None:
        self.events.append(('revoked', set(revoked)))

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.events.append(('assigned', set(assigned)))

    def on_partitions_lost(self, lost: Any) -> None:
        self.events.append(('lost', set(lost)))


@pytest.mark.parametrize('strategy', [RangePartitionAssignor, CooperativeStickyAssignor])
def test_on_partitions_lost_after_the_member_was_dropped(bootstrap_servers: str, topic: Callable[..., str],
                                                         strategy: Any) -> None:
    """A member that let max_poll_interval_ms pass has left the group: its next poll reports
    the partitions lost (not revoked: they may already belong to someone else), then rejoins."""
    t = topic(2)
    listener = LostRecorder()
    c = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=f'lost-{uuid.uuid4().hex[:8]}',
                      partition_assignment_strategy=[strategy], max_poll_interval_ms=2000, **FAST_GROUP)
    c.subscribe([t], listener=listener)
    try:
        everything = {TopicPartition(t, p) for p in range(2)}
        wait_for(lambda: bool(c.poll(timeout_ms=100)) or c.assignment() == everything, what='assignment')
        listener.events.clear()
        time.sleep(4)  # poll() not called: the member leaves the group
        wait_for(lambda: bool(c.poll(timeout_ms=100)) or c.assignment() == everything, what='reassignment')
        assert listener.events[0] == ('lost', everything), listener.events
        assert ('revoked', everything) not in listener.events
        assert listener.events[-1] == ('assigned', everything), listener.events
    finally:
        c.close()


def test_listener_without_on_partitions_lost_override_gets_revoked(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(1)
    events: list[tuple[str, set[TopicPartition]]] = []

    class Listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked: Any) -> None:
            events.append(('revoked', set(revoked)))

        def on_partitions_assigned(self, assigned: Any) -> None:
            events.append(('assigned', set(assigned)))

    c = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=f'duck-{uuid.uuid4().hex[:8]}',
                      max_poll_interval_ms=2000, **FAST_GROUP)
    c.subscribe([t], listener=Listener())
    try:
        mine = {TopicPartition(t, 0)}
        wait_for(lambda: bool(c.poll(timeout_ms=100)) or c.assignment() == mine, what='assignment')
        events.clear()
        time.sleep(4)
        wait_for(lambda: bool(c.poll(timeout_ms=100)) or c.assignment() == mine, what='reassignment')
        assert events[0] == ('revoked', mine) and events[-1] == ('assigned', mine), events
    finally:
        c.close()


def test_builtin_assignors_run_from_python() -> None:
    from kafka.coordinator.assignors._adapter import AssignmentCluster, GroupMember, resolve_strategy
    from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

    cluster = AssignmentCluster({'t0': 3, 't1': 3})
    members = [GroupMember(m, None, ConsumerProtocolSubscription(0, ['t0', 't1'], b'')) for m in ('C0', 'C1')]
    ranged = RangePartitionAssignor.assign(cluster, members)
    assert ranged['C0'].assigned_partitions == [('t0', [0, 1]), ('t1', [0, 1])]
    assert ranged['C1'].partitions() == [TopicPartition('t0', 2), TopicPartition('t1', 2)]
    robin = RoundRobinPartitionAssignor().assign(cluster, {m.member_id: m.metadata for m in members})
    assert robin['C0'].assigned_partitions == [('t0', [0, 2]), ('t1', [1])]

    class Reversed(RangePartitionAssignor):
        name = 'reversed-range'

        @classmethod
        def assign(cls, cluster: Any, members: Any) -> Any:
            out = super().assign(cluster, members)
            ids = sorted(out)
            return dict(zip(ids, reversed([out[i] for i in ids])))

    class Plain(RangePartitionAssignor):
        pass

    entries, protocol = resolve_strategy([Plain, Reversed, RangePartitionAssignor()])
    assert entries[0] == 'range' and entries[2] == 'range' and entries[1].name == 'reversed-range'
    assert protocol == RebalanceProtocol.EAGER
    assert Reversed.assign(cluster, members)['C1'].assigned_partitions == [('t0', [0, 1]), ('t1', [0, 1])]
    assert resolve_strategy([CooperativeStickyAssignor])[1] == RebalanceProtocol.COOPERATIVE


def evict(bootstrap: str, group: str, member_id: str) -> int:
    """Removes ``member_id`` from ``group`` as an administrator would (LeaveGroup v3 sent to the
    single broker, which coordinates every group); returns the member's error code."""
    import socket
    import struct

    def string(s: str) -> bytes:
        return struct.pack('>h', len(s)) + s.encode()

    host, port = bootstrap.split(',')[0].rsplit(':', 1)
    body = (struct.pack('>hhi', 13, 3, 7) + string('evictor') + string(group)
            + struct.pack('>i', 1) + string(member_id) + struct.pack('>h', -1))
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(struct.pack('>i', len(body)) + body)
        size = struct.unpack('>i', sock.recv(4, socket.MSG_WAITALL))[0]
        resp = sock.recv(size, socket.MSG_WAITALL)
    _corr, _throttle, error = struct.unpack('>iih', resp[:10])
    if error:
        return error
    (count,) = struct.unpack('>i', resp[10:14])
    pos = 14
    (n,) = struct.unpack('>h', resp[pos:pos + 2])
    pos += 2 + n
    (n,) = struct.unpack('>h', resp[pos:pos + 2])
    pos += 2 + max(n, 0)
    return struct.unpack('>h', resp[pos:pos + 2])[0] if count else -1


@pytest.mark.parametrize('strategy', [RangePartitionAssignor, CooperativeStickyAssignor])
def test_on_partitions_lost_when_the_coordinator_drops_the_member(bootstrap_servers: str,
                                                                  topic: Callable[..., str], strategy: Any) -> None:
    """The coordinator removed the member (as when its session expires): its next heartbeat is
    refused, and poll() reports the partitions lost before rejoining."""
    t = topic(2)
    group = f'evicted-{uuid.uuid4().hex[:8]}'
    listener = LostRecorder()
    c = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=group,
                      partition_assignment_strategy=[strategy], **FAST_GROUP)
    c.subscribe([t], listener=listener)
    try:
        everything = {TopicPartition(t, p) for p in range(2)}
        wait_for(lambda: bool(c.poll(timeout_ms=100)) or c.assignment() == everything, what='assignment')
        listener.events.clear()
        _gen, member_id, _stable = c._native.group_generation()
        assert evict(bootstrap_servers, group, member_id) == 0
        wait_for(lambda: c.poll(timeout_ms=100) is not None and len(listener.events) >= 2, what='lost and rejoined')
        assert listener.events[0] == ('lost', everything), listener.events
        assert ('revoked', everything) not in listener.events
        wait_for(lambda: c.poll(timeout_ms=100) is not None and c.assignment() == everything, what='reassignment')
    finally:
        c.close()


class AiokafkaStyleAssignor:
    """aiokafka's assignor shape: classmethods, ``assign(cluster, member_metadata)`` with a dict,
    one-argument ``on_assignment``; everything to the lowest member id."""

    name = 'lowest-takes-all'
    version = 0
    seen: ClassVar[list[Any]] = []

    @classmethod
    def assign(cls, cluster: Any, member_metadata: dict[str, Any]) -> dict[str, Any]:
        from collections import namedtuple

        MemberAssignment = namedtuple('MemberAssignment', ['version', 'assignment', 'user_data'])
        lowest = min(member_metadata)
        topics = sorted({t for m in member_metadata.values() for t in m.subscription})
        out = {m: MemberAssignment(0, [], b'') for m in member_metadata}
        out[lowest] = MemberAssignment(0, [(t, sorted(cluster.partitions_for_topic(t))) for t in topics], b'')
        return out

    @classmethod
    def metadata(cls, topics: Any) -> Any:
        from collections import namedtuple

        return namedtuple('MemberMetadata', ['version', 'subscription', 'user_data'])(0, list(topics), b'')

    @classmethod
    def on_assignment(cls, assignment: Any) -> None:
        cls.seen.append(assignment)


def test_aio_consumers_rebalance_cooperatively(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """Two AIOKafkaConsumers with the cooperative-sticky assignor: the second one's arrival
    revokes only the partitions that move; an aiokafka-style assignor class works too."""
    from kafka.aio import AIOKafkaConsumer

    t = topic(4)
    group = f'aio-coop-{uuid.uuid4().hex[:8]}'
    events: dict[str, list[tuple[str, set[TopicPartition]]]] = {'a': [], 'b': []}

    def listener(name: str) -> ConsumerRebalanceListener:
        class L(ConsumerRebalanceListener):
            def on_partitions_revoked(self, revoked: Any) -> None:
                events[name].append(('revoked', set(revoked)))

            def on_partitions_assigned(self, assigned: Any) -> None:
                events[name].append(('assigned', set(assigned)))

        return L()

    async def main() -> None:
        kw: dict[str, Any] = {'bootstrap_servers': bootstrap_servers, 'group_id': group, 'session_timeout_ms': 6000,
                              'heartbeat_interval_ms': 500,
                              'partition_assignment_strategy': (CooperativeStickyAssignor,)}
        a = AIOKafkaConsumer(**kw)
        a.subscribe([t], listener=listener('a'))
        await a.start()
        b = AIOKafkaConsumer(**kw)
        b.subscribe([t], listener=listener('b'))
        try:
            everything = {TopicPartition(t, p) for p in range(4)}
            assert a.assignment() == everything
            await b.start()
            deadline = time.monotonic() + 60
            while len(a.assignment()) != 2 or len(b.assignment()) != 2:
                assert time.monotonic() < deadline, (a.assignment(), b.assignment())
                await a.getmany(timeout_ms=100)
                await b.getmany(timeout_ms=100)
            revoked = set().union(*(p for k, p in events['a'] if k == 'revoked'))
            assert revoked == b.assignment() and not revoked & a.assignment(), events
            assert events['b'][-1] == ('assigned', b.assignment())
        finally:
            await b.stop()
            await a.stop()
        solo = AIOKafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=f'{group}-solo',
                                partition_assignment_strategy=(AiokafkaStyleAssignor,))
        await solo.start()
        try:
            assert solo.assignment() == everything and AiokafkaStyleAssignor.seen
        finally:
            await solo.stop()

    asyncio.run(main())


@pytest.mark.tansu_skip('the Java consumer runs against the Apache Kafka broker')
@pytest.mark.parametrize('first', ['ours', 'java'])
def test_cooperative_group_with_a_java_member(broker: Any, topic: Callable[..., str], first: str) -> None:
    """Our cooperative-sticky member and Java's CooperativeStickyAssignor in one classic group,
    either leading: the partitions split 2/2 with incremental revocations only, and each
    record produced afterwards is read once, by its partition's owner."""
    import re
    import subprocess

    from brokers.apache_kafka import java_command

    bootstrap = broker.bootstrap
    partitions, per_partition = 4, 50
    t = topic(partitions)
    group = f'java-coop-{uuid.uuid4().hex[:8]}'
    listener = LostRecorder()
    ours = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                         partition_assignment_strategy=[CooperativeStickyAssignor], **FAST_GROUP)
    ours.subscribe([t], listener=listener)
    cmd = java_command(
        'org.apache.kafka.tools.consumer.ConsoleConsumer', '--bootstrap-server', bootstrap, '--topic', t,
        '--group', group, '--from-beginning', '--max-messages', str(2 * per_partition), '--timeout-ms', '60000',
        '--command-property', 'group.protocol=classic', '--command-property',
        'partition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
        '--command-property', 'session.timeout.ms=6000', '--command-property', 'heartbeat.interval.ms=500',
        '--formatter-property', 'print.partition=true', '--formatter-property', 'print.offset=true', heap='256m')
    java_proc: subprocess.Popen[bytes] | None = None
    got: list[Any] = []
    try:
        if first == 'java':
            java_proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            time.sleep(8)  # the JVM starts and takes every partition
        else:
            wait_for(lambda: ours.poll(timeout_ms=100) is not None and len(ours.assignment()) == partitions,
                     what='our assignment')
            java_proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc = java_proc

        def split() -> bool:
            for records in ours.poll(timeout_ms=200).values():
                got.extend(records)
            assert proc.poll() is None, proc.stderr.read().decode(errors='replace')[-3000:]  # type: ignore[union-attr]
            return len(ours.assignment()) == partitions // 2

        wait_for(split, timeout=120, what='a 2/2 split with the Java member')
        time.sleep(2)
        split()
        mine = sorted(tp.partition for tp in ours.assignment())
        from confluent_kafka import Producer

        producer = Producer({'bootstrap.servers': bootstrap})
        for p in range(partitions):
            for i in range(per_partition):
                producer.produce(t, value=f'{p}/{i}'.encode(), partition=p)
        assert producer.flush(30) == 0
        deadline = time.monotonic() + 120
        while proc.poll() is None or len(got) < 2 * per_partition:  # keep heartbeating while Java reads
            for records in ours.poll(timeout_ms=200).values():
                got.extend(records)
            assert time.monotonic() < deadline, f'ours read {len(got)}, Java still running'
        java_out, java_err = proc.communicate()
        assert proc.returncode == 0, java_err.decode(errors='replace')[-3000:]
        events = list(listener.events)  # close() revokes what is left
    finally:
        if java_proc is not None and java_proc.poll() is None:
            java_proc.kill()
            java_proc.communicate()
        ours.close()
    theirs = sorted({int(m[1]) for m in re.finditer(rb'^Partition:(\d+)\t', java_out, re.MULTILINE)})
    assert sorted(mine + theirs) == list(range(partitions)), (mine, theirs)
    assert sorted((r.partition, r.value) for r in got) == \
        sorted((p, f'{p}/{i}'.encode()) for p in mine for i in range(per_partition))
    assert len(java_out.decode().splitlines()) == 2 * per_partition
    kept = {TopicPartition(t, p) for p in mine}
    revoked = set().union(*(ps for kind, ps in events if kind == 'revoked'))
    shown = [(k, sorted(tp.partition for tp in ps)) for k, ps in events]
    assert not revoked & kept, shown
    assert not any(kind == 'lost' for kind, _ in events), shown
    if first == 'java':
        assert not revoked, shown
    else:
        assert revoked == {TopicPartition(t, p) for p in theirs}, shown


def test_cooperative_subscription_change_revokes_only_the_dropped_topic(bootstrap_servers: str,
                                                                        topic: Callable[..., str]) -> None:
    t1, t2 = topic(2), topic(2)
    listener = LostRecorder()
    c = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=f'resub-{uuid.uuid4().hex[:8]}',
                      partition_assignment_strategy=[CooperativeStickyAssignor], **FAST_GROUP)
    c.subscribe([t1, t2], listener=listener)
    try:
        first = {TopicPartition(t, p) for t in (t1, t2) for p in range(2)}
        wait_for(lambda: c.poll(timeout_ms=100) is not None and c.assignment() == first, what='assignment')
        listener.events.clear()
        c.subscribe([t1], listener=listener)
        kept = {TopicPartition(t1, p) for p in range(2)}
        wait_for(lambda: c.poll(timeout_ms=100) is not None and c.assignment() == kept
                 and any(k == 'assigned' for k, _ in listener.events), what='the new assignment')
        assert listener.events[0] == ('revoked', first - kept), listener.events
        assert all(not (ps & kept) for k, ps in listener.events if k == 'revoked'), listener.events
    finally:
        c.close()
