"""Pure-Python tests of kafka.errors, kafka.structs, kafka.future and the partitioner (no broker, no core)."""

from __future__ import annotations

import pickle
import threading

import kafka.errors as Errors
import pytest
from kafka.future import Future
from kafka.partitioner import DefaultPartitioner, StickyPartitioner, murmur2
from kafka.partitioner.default import _murmur2_python
from kafka.producer.future import RecordMetadata
from kafka.structs import OffsetAndMetadata, OffsetAndTimestamp, TopicPartition


def test_every_broker_error_code_is_mapped() -> None:
    codes = set(range(-1, 128))
    assert codes <= set(Errors.kafka_errors)
    for code in codes:
        cls = Errors.for_code(code)
        assert issubclass(cls, Errors.BrokerResponseError)
        assert cls.errno == code
        assert isinstance(cls.message, str)


@pytest.mark.parametrize(('code', 'name', 'retriable', 'invalid_metadata'), [
    (0, 'NoError', False, False),
    (1, 'OffsetOutOfRangeError', False, False),
    (3, 'UnknownTopicOrPartitionError', True, True),
    (6, 'NotLeaderForPartitionError', True, True),
    (7, 'RequestTimedOutError', True, False),
    (10, 'MessageSizeTooLargeError', False, False),
    (15, 'CoordinatorNotAvailableError', True, False),
    (29, 'TopicAuthorizationFailedError', False, False),
    (35, 'UnsupportedVersionError', False, False),
    (45, 'OutOfOrderSequenceNumberError', False, False),
    (51, 'ConcurrentTransactionsError', True, False),
    (59, 'UnknownProducerIdError', False, False),
    (90, 'ProducerFencedError', False, False),
    (127, 'VoterNotFoundError', False, False),
])
def test_known_codes(code: int, name: str, retriable: bool, invalid_metadata: bool) -> None:
    cls = Errors.for_code(code)
    assert cls.__name__ == name
    assert cls is getattr(Errors, name)
    assert cls.retriable is retriable
    assert cls.invalid_metadata is invalid_metadata


def test_message_and_description() -> None:
    assert Errors.MessageSizeTooLargeError.message == 'MESSAGE_SIZE_TOO_LARGE'
    assert 'maximum message size' in Errors.MessageSizeTooLargeError.description
    assert Errors.UnknownTopicOrPartitionError.message == 'UNKNOWN_TOPIC_OR_PARTITION'


def test_unknown_code_keeps_errno() -> None:
    cls = Errors.for_code(4242)
    assert cls.__name__ == 'UnrecognizedBrokerError'
    assert issubclass(cls, Errors.UnknownError)
    assert cls.errno == 4242


def test_str_formats() -> None:
    assert str(Errors.KafkaTimeoutError()) == 'KafkaTimeoutError'
    assert str(Errors.KafkaTimeoutError('late')) == 'KafkaTimeoutError: late'
    assert str(Errors.NotLeaderForPartitionError('tp')) == '[Error 6] NotLeaderForPartitionError: tp'


def test_hierarchy_satisfies_2x_and_3x() -> None:
    assert issubclass(Errors.KafkaError, RuntimeError)  # 2.x
    assert issubclass(Errors.KafkaError, Exception)  # 3.x
    assert issubclass(Errors.NoBrokersAvailable, Errors.KafkaTimeoutError)
    assert issubclass(Errors.NoBrokersAvailable, Errors.KafkaError)
    assert Errors.NoBrokersAvailable.retriable and Errors.NoBrokersAvailable.invalid_metadata
    assert issubclass(Errors.KafkaConnectionError, Errors.InvalidMetadataError)
    assert issubclass(Errors.IncompatibleBrokerVersion, Errors.UnsupportedVersionError)
    assert issubclass(Errors.CorrelationIdError, Errors.KafkaProtocolError)
    assert Errors.KafkaProtocolError.retriable is False
    assert Errors.CorruptRecordException is Errors.CorruptRecordError
    assert Errors.InvalidMessageError is Errors.CorruptRecordError
    assert Errors.GroupCoordinatorNotAvailableError is Errors.CoordinatorNotAvailableError
    assert Errors.NotCoordinatorForGroupError is Errors.NotCoordinatorError
    assert Errors.KafkaConnectionError in Errors.RETRY_ERROR_TYPES
    assert issubclass(Errors.ConsumerStoppedError, Errors.KafkaError)


def test_error_equality_and_hash() -> None:
    assert Errors.KafkaTimeoutError('x') == Errors.KafkaTimeoutError('x')
    assert Errors.KafkaTimeoutError('x') != Errors.KafkaConnectionError('x')
    assert len({Errors.KafkaTimeoutError('x'), Errors.KafkaTimeoutError('x')}) == 1


def test_commit_failed_default_message() -> None:
    assert 'rebalanced' in str(Errors.CommitFailedError())


def test_topic_partition() -> None:
    tp = TopicPartition('t', 3)
    assert tp == ('t', 3)
    assert tp.topic == 't' and tp.partition == 3
    assert {tp: 1}[TopicPartition('t', 3)] == 1


def test_offset_and_metadata_both_shapes() -> None:
    two = OffsetAndMetadata(5, 'meta')  # kafka-python 2.0
    three = OffsetAndMetadata(5, 'meta', 7)  # 2.2+ / 3.x
    assert two.offset == 5 and two.metadata == 'meta' and two.leader_epoch == -1
    assert three.leader_epoch == 7
    assert OffsetAndMetadata(offset=1, metadata='', leader_epoch=None).leader_epoch is None
    assert OffsetAndTimestamp(1, 2).leader_epoch is None


def test_record_metadata_shape() -> None:
    tp = TopicPartition('t', 1)
    nine = RecordMetadata('t', 1, tp, 10, 1234, None, 3, 4, -1)
    ten = RecordMetadata('t', 1, tp, 10, 1234, None, 3, 4, -1, 7)
    assert len(ten) == 9
    assert ten._fields == ('topic', 'partition', 'topic_partition', 'offset', 'timestamp', 'checksum',
                           'serialized_key_size', 'serialized_value_size', 'serialized_header_size')
    topic, partition, _tp, offset, *_rest = ten
    assert (topic, partition, offset) == ('t', 1, 10)
    assert ten == nine
    assert ten.log_start_offset == 7 and nine.log_start_offset == -1
    assert pickle.loads(pickle.dumps(ten)).log_start_offset == 7
    assert ten._replace(offset=11).log_start_offset == 7
    assert ten._asdict()['offset'] == 10
    assert repr(nine).startswith('RecordMetadata(topic=')


# Partition indexes the Java client computes for these keys with 1000 partitions.
JAVA_PARTITIONS_1000 = [(b'', 681), (b'a', 524), (b'ab', 434), (b'abc', 107), (b'123456789', 566),
                        (b'\x00 ', 742)]


@pytest.mark.parametrize(('key', 'expected'), JAVA_PARTITIONS_1000)
def test_murmur2_java_compatible(key: bytes, expected: int) -> None:
    assert (murmur2(key) & 0x7FFFFFFF) % 1000 == expected
    assert (_murmur2_python(key) & 0x7FFFFFFF) % 1000 == expected
    assert DefaultPartitioner()(key, list(range(1000)), list(range(1000))) == expected


def test_murmur2_native_and_python_agree() -> None:
    for n in range(64):
        data = bytes((i * 37 + n) & 0xFF for i in range(n))
        assert murmur2(data) == _murmur2_python(data)
        assert 0 <= murmur2(data) < 2**32
    assert murmur2(bytearray(b'abc')) == murmur2(memoryview(b'abc')) == murmur2(b'abc')


class _Cluster:
    def topics(self) -> set[str]:
        return {'t'}

    def partitions_for_topic(self, topic: str) -> set[int]:
        return {0, 1, 2, 3}

    def available_partitions_for_topic(self, topic: str) -> set[int]:
        return {1, 2}


def test_default_partitioner_shapes() -> None:
    part = DefaultPartitioner()
    assert part.partition('t', 'k', b'k', None, None, _Cluster()) == part(b'k', [0, 1, 2, 3], [1, 2])
    for _ in range(50):
        assert part(None, [0, 1, 2, 3], [1, 2]) in (1, 2)
        assert part(None, [0, 1, 2, 3], []) in (0, 1, 2, 3)
    with pytest.raises(ValueError, match='not found'):
        part.partition('other', None, None, b'v', b'v', _Cluster())


def test_sticky_partitioner() -> None:
    part = StickyPartitioner()
    cluster = _Cluster()
    first = part.partition('t', None, None, b'v', b'v', cluster)
    assert all(part.partition('t', None, None, b'v', b'v', cluster) == first for _ in range(10))
    part.on_new_batch('t', cluster, first)
    assert part.partition('t', None, None, b'v', b'v', cluster) != first
    assert part.partition('t', b'k', b'k', b'v', b'v', cluster) == DefaultPartitioner()(b'k', [0, 1, 2, 3], [])
    with pytest.raises(ValueError, match='not found'):
        part.partition('other', None, None, b'v', b'v', cluster)


def test_sticky_partitioner_leaves_a_partition_that_lost_its_leader() -> None:
    class Moving(_Cluster):
        def __init__(self) -> None:
            self.available = {1, 2}

        def available_partitions_for_topic(self, topic: str) -> set[int]:
            return self.available

    part, cluster = StickyPartitioner(), Moving()
    first = part.partition('t', None, None, b'v', b'v', cluster)
    assert first in (1, 2)
    cluster.available = {1, 2} - {first}
    assert part.partition('t', None, None, b'v', b'v', cluster) == ({1, 2} - {first}).pop()
    cluster.available = set()  # no leader anywhere: stay where we are
    again = part.partition('t', None, None, b'v', b'v', cluster)
    assert part.partition('t', None, None, b'v', b'v', cluster) == again


def test_future_callbacks() -> None:
    seen: list[object] = []
    fut = Future()
    fut.add_callback(seen.append)
    fut.add_callback(lambda tag, value: seen.append((tag, value)), 'tag')
    fut.add_errback(seen.append)
    assert not fut.is_done
    fut.success(42)
    assert fut.is_done and fut.succeeded() and not fut.failed() and fut.value == 42
    assert seen == [42, ('tag', 42)]
    fut.add_callback(seen.append)  # already done: runs now
    assert seen[-1] == 42
    with pytest.raises(AssertionError):
        fut.success(1)


def test_future_errbacks_and_chain() -> None:
    seen: list[object] = []
    fut, chained = Future(), Future()
    fut.chain(chained)
    chained.add_errback(seen.append)
    fut.add_both(lambda x: seen.append(('both', type(x).__name__)))
    fut.failure(Errors.RequestTimedOutError)
    assert fut.failed() and fut.retriable()
    assert isinstance(chained.exception, Errors.RequestTimedOutError)
    assert seen[0] is chained.exception
    assert ('both', 'RequestTimedOutError') in seen
    with pytest.raises(TypeError):
        Future().failure('not an exception')  # type: ignore[arg-type]


def test_future_callback_errors_are_swallowed() -> None:
    fut = Future()
    fut.add_callback(lambda _v: 1 / 0)
    fut.success(1)  # logged, not raised
    assert fut.succeeded()


def test_future_thread_safety() -> None:
    fut = Future()
    hits: list[int] = []
    threads = [threading.Thread(target=fut.add_callback, args=(hits.append,)) for _ in range(20)]
    for t in threads:
        t.start()
    fut.success(1)
    for t in threads:
        t.join()
    assert hits == [1] * 20
