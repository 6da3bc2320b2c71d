"""Results of :meth:`KafkaProducer.send() <kafka.KafkaProducer.send>`.

:class:`RecordMetadata` describes an acknowledged record.
:class:`FutureRecordMetadata` is the future that ``send()`` returns; it is
implemented by the Rust core (``kafka._native.FutureRecordMetadata``) and
re-exported here.  When the extension module is not available (pure-Python
unit tests) a Python stand-in with the same interface is defined instead.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from typing import TYPE_CHECKING, Any

from kafka import errors as Errors
from kafka.future import Future

if TYPE_CHECKING:
    from typing_extensions import Self

_RecordMetadataFields = namedtuple(
    'RecordMetadata',
    ['topic', 'partition', 'topic_partition', 'offset', 'timestamp', 'checksum',
     'serialized_key_size', 'serialized_value_size', 'serialized_header_size'],
)


class RecordMetadata(_RecordMetadataFields):
    """Metadata of a record the broker has acknowledged.

    This is kafka-python's ``RecordMetadata`` namedtuple: exactly the nine
    public fields below, so ``_fields``, ``len()``, indexing, unpacking,
    equality and ``_asdict()`` behave as in kafka-python.

    The constructor additionally accepts a tenth, optional argument,
    ``log_start_offset``, which is kept as an attribute rather than a tuple
    field (it does not take part in ``len()``, unpacking or equality).  It
    defaults to -1 (unknown), which is also its value on instances built with
    ``_make`` / ``_replace``.

    Keyword Arguments:
        topic (str): topic the record was appended to.
        partition (int): partition the record was appended to.
        topic_partition (TopicPartition): ``(topic, partition)``.
        offset (int): offset of the record, -1 when the broker did not assign
            one (``acks=0``).
        timestamp (int): timestamp of the record in ms since the epoch: the
            producer's CreateTime, or the broker's LogAppendTime when the topic
            uses that.
        checksum (int): always None with message format v2 (deprecated).
        serialized_key_size (int): size of the serialized key, -1 for no key.
        serialized_value_size (int): size of the serialized value, -1 for no value.
        serialized_header_size (int): size of the serialized headers, -1 when
            there are none.
        log_start_offset (int): log start offset of the partition reported by
            the broker in the produce response, -1 when unknown.
    """

    log_start_offset: int = -1

    def __new__(cls, topic: str, partition: int, topic_partition: Any, offset: int, timestamp: int | None,
                checksum: int | None, serialized_key_size: int, serialized_value_size: int,
                serialized_header_size: int, log_start_offset: int = -1) -> Self:
        self = super().__new__(cls, topic, partition, topic_partition, offset, timestamp, checksum,
                               serialized_key_size, serialized_value_size, serialized_header_size)
        if log_start_offset != -1:
            self.log_start_offset = log_start_offset
        return self

    def __getnewargs__(self) -> tuple[Any, ...]:
        return (*self, self.log_start_offset)

    def _replace(self, **changes: Any) -> Self:
        replaced = super()._replace(**changes)
        if self.log_start_offset != -1:
            replaced.log_start_offset = self.log_start_offset
        return replaced


class _PyFutureRecordMetadata(Future):
    """Pure-Python stand-in for the core's future (used only without ``kafka._native``)."""

    __slots__ = ('_done_event',)

    def __init__(self) -> None:
        super().__init__()
        self._done_event = threading.Event()

    def success(self, value: Any) -> Future:
        try:
            return super().success(value)
        finally:
            self._done_event.set()

    def failure(self, e: BaseException | type[BaseException]) -> Future:
        try:
            return super().failure(e)
        finally:
            self._done_event.set()

    def get(self, timeout: float | None = None) -> Any:
        """Wait up to ``timeout`` seconds for the result; raise the failure if any."""
        if not self._done_event.wait(timeout):
            raise Errors.KafkaTimeoutError(f'Timeout after waiting for {timeout} secs.')
        if self.exception is not None:
            raise self.exception
        return self.value


try:
    from kafka._native import FutureRecordMetadata
except ImportError:
    FutureRecordMetadata = _PyFutureRecordMetadata  # type: ignore[assignment,misc]
else:
    # send()'s future is a kafka.future.Future for isinstance(), as kafka-python's.
    Future.register(FutureRecordMetadata)

__all__ = ['FutureRecordMetadata', 'RecordMetadata']
