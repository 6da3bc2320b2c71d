"""Consumer groups against a real broker: rebalances, listeners, mixed groups with librdkafka."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any, Callable

from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.coordinator.assignors.range import RangePartitionAssignor

GROUP_CONFIG = {'session_timeout_ms': 6000, 'heartbeat_interval_ms': 1000, 'auto_offset_reset': 'earliest',
                'auto_commit_interval_ms': 500}


def produce(bootstrap: str, topic: str, start: int, n: int, partitions: int) -> None:
    from confluent_kafka import Producer

    producer = Producer({'bootstrap.servers': bootstrap, 'linger.ms': 5})
    for i in range(start, start + n):
        producer.produce(topic, value=b'%d' % i, partition=i % partitions)
    assert producer.flush(30) == 0


class Recorder(ConsumerRebalanceListener):
    def __init__(self) -> None:
        self.events: list[tuple[str, set[TopicPartition]]] = []

    def on_partitions_revoked(self, revoked: Any) -> None:
        self.events.append(('revoked', set(revoked)))

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.events.append(('assigned', set(assigned)))


class Member(threading.Thread):
    """A KafkaConsumer polling in its own thread, recording records and listener events."""

    def __init__(self, bootstrap: str, topic: str, group: str, sink: list[Any], lock: threading.Lock) -> None:
        super().__init__(daemon=True)
        self.listener = Recorder()
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, **GROUP_CONFIG)
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

    def shutdown(self) -> None:
        self.stop.set()
        self.join(30)
        assert self.error is None, self.error


def wait_for(cond: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, 'condition not reached in time'
        time.sleep(0.1)


def test_three_members_exactly_once_leave_and_rejoin(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic(6)
    group = f'g3-{uuid.uuid4().hex[:8]}'
    sink: list[Any] = []
    lock = threading.Lock()
    produce(bootstrap_servers, t, 0, 600, 6)
    members = [Member(bootstrap_servers, t, group, sink, lock) for _ in range(3)]
    for m in members:
        m.start()
    all_parts = {TopicPartition(t, p) for p in range(6)}

    def balanced(ms: list[Member], each: int) -> bool:
        with lock:
            sets = [m.assigned for m in ms]
        return all(len(s) == each for s in sets) and set().union(*sets) == all_parts

    wait_for(lambda: balanced(members, 2))
    wait_for(lambda: len(sink) >= 600)

    # One member leaves: its partitions move to the other two.
    leaver = members.pop()
    held = set(leaver.assigned)
    leaver.shutdown()
    # close() revoked its partitions through the listener (as kafka-python does).
    assert leaver.listener.events[-1] == ('revoked', held)
    wait_for(lambda: balanced(members, 3))
    produce(bootstrap_servers, t, 600, 60, 6)
    wait_for(lambda: len(sink) >= 660)
    for m in members:
        kinds = [k for k, _ in m.listener.events]
        assert kinds.count('revoked') >= 2 and kinds.count('assigned') >= 2, m.listener.events
        assert m.listener.events[-1] == ('assigned', m.assigned)

    # It rejoins (a new member of the same group): everything rebalances again.
    newcomer = Member(bootstrap_servers, t, group, sink, lock)
    newcomer.start()
    members.append(newcomer)
    wait_for(lambda: balanced(members, 2))
    assert newcomer.listener.events[0] == ('revoked', set())
    produce(bootstrap_servers, t, 660, 60, 6)
    wait_for(lambda: len(sink) >= 720)
    time.sleep(1.0)
    for m in members:
        m.shutdown()
    with lock:
        seen = sorted((p, o) for _, p, o in sink)
    assert seen == sorted((p, o) for p in range(6) for o in range(120)), 'records lost or duplicated'


def test_mixed_group_with_confluent_consumer(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    from confluent_kafka import Consumer

    t = topic(4)
    group = f'mixed-{uuid.uuid4().hex[:8]}'
    ours = KafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group,
                         partition_assignment_strategy=[RangePartitionAssignor], **GROUP_CONFIG)
    theirs = Consumer({'bootstrap.servers': bootstrap_servers, 'group.id': group,
                       'partition.assignment.strategy': 'range', 'session.timeout.ms': 6000,
                       'heartbeat.interval.ms': 1000, 'auto.offset.reset': 'earliest'})
    theirs.subscribe([t])
    stop = threading.Event()
    their_assignment: set[TopicPartition] = set()

    def run_theirs() -> None:
        while not stop.is_set():
            theirs.poll(0.2)
            their_assignment.clear()
            their_assignment.update(TopicPartition(p.topic, p.partition) for p in theirs.assignment())

    thread = threading.Thread(target=run_theirs, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            ours.poll(timeout_ms=200)
            mine = ours.assignment()
            other = set(their_assignment)
            if len(mine) == 2 and len(other) == 2 and mine | other == {TopicPartition(t, p) for p in range(4)}:
                break
            assert time.monotonic() < deadline, (mine, other)
        assert not mine & other
    finally:
        stop.set()
        thread.join(10)
        ours.close()
        theirs.close()


def test_close_revokes_through_listener_which_can_commit(bootstrap_servers: str,
                                                         topic: Callable[..., str]) -> None:
    """State committed in on_partitions_revoked at close() is what a restarted member resumes from."""
    from kafka import OffsetAndMetadata

    t = topic(1)
    group = f'close-revoke-{uuid.uuid4().hex[:8]}'
    produce(bootstrap_servers, t, 0, 10, 1)
    tp = TopicPartition(t, 0)

    class CommitOnRevoke(ConsumerRebalanceListener):
        def __init__(self, consumer: KafkaConsumer) -> None:
            self.consumer = consumer
            self.revoked: list[set[TopicPartition]] = []

        def on_partitions_revoked(self, revoked: Any) -> None:
            self.revoked.append(set(revoked))
            if revoked:
                self.consumer.commit({tp: OffsetAndMetadata(7, 'from-listener', -1)})

        def on_partitions_assigned(self, assigned: Any) -> None:
            pass

    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False,
                             **GROUP_CONFIG)
    listener = CommitOnRevoke(consumer)
    consumer.subscribe([t], listener=listener)
    wait_for(lambda: bool(consumer.poll(timeout_ms=200)) or consumer.assignment() == {tp})
    consumer.close()
    assert listener.revoked[-1] == {tp}
    with KafkaConsumer(t, bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False,
                       **GROUP_CONFIG) as again:
        got: list[int] = []
        wait_for(lambda: bool(got.extend(r.offset for rs in again.poll(timeout_ms=200).values() for r in rs))
                 or len(got) >= 3)
        assert got[:3] == [7, 8, 9]
