"""AIOKafkaProducer: aiokafka's producer API on the Rust producer core."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import warnings
from typing import TYPE_CHECKING, Any, Callable

from kafka import _fork
from kafka import errors as Errors
from kafka._compat import (
    InvalidHeadersError,
    InvalidPartitionError,
    NullRecordError,
    SerializedTypeError,
    collect_hosts,
    ensure_valid_topic_name,
)
from kafka._security import aiokafka_security, set_token_loop
from kafka.aio._loop import construction_loop
from kafka.aio.structs import BatchRecordMetadata, RecordMetadata
from kafka.cluster import ClientView
from kafka.partitioner import DefaultPartitioner

try:
    from kafka import _native
except ImportError:  # pragma: no cover - exercised only without the extension
    _native = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable
    from types import TracebackType

    from typing_extensions import Self

log = logging.getLogger(__name__)

_missing: Any = object()
_CLIENT_ID_SEQUENCE = itertools.count(1)
_BYTES_TYPES = (bytes, bytearray, memoryview, type(None))
_COMPRESSION_TYPES = (None, 'gzip', 'snappy', 'lz4', 'zstd')
# Per-record overhead beyond key, value and headers, for the buffer-memory estimate.
_RECORD_OVERHEAD = 110


def _header_list(headers: Iterable[tuple[str, bytes]] | None) -> list[tuple[str, bytes | None]] | None:
    if not headers:
        return None
    out = list(headers)
    for item in out:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
                and isinstance(item[1], (bytes, type(None)))):
            raise InvalidHeadersError('All headers items must be (str, bytes) tuples')
    return out


def _record_size(key: Any, value: Any, headers: list[tuple[str, bytes | None]] | None) -> int:
    size = _RECORD_OVERHEAD + (len(key) if key is not None else 0) + (len(value) if value is not None else 0)
    if headers:
        size += sum(len(k) + len(v or b'') + 10 for k, v in headers)
    return size


class BatchBuilder:
    """A batch of records for one partition, filled by the caller and sent with
    :meth:`AIOKafkaProducer.send_batch` (aiokafka's ``BatchBuilder``).

    Create it with :meth:`AIOKafkaProducer.create_batch`.
    """

    def __init__(self, max_size: int, key_serializer: Callable[[Any], Any] | None,
                 value_serializer: Callable[[Any], Any] | None) -> None:
        self._max_size = max_size
        self._key_serializer = key_serializer
        self._value_serializer = value_serializer
        self._records: list[tuple[Any, Any, int | None, list[tuple[str, bytes | None]] | None]] = []
        self._size = 61
        self._closed = False

    def append(self, *, timestamp: int | None, key: Any, value: Any,
               headers: Iterable[tuple[str, bytes]] = ()) -> BatchRecordMetadata | None:
        """Add a record; returns its metadata, or None when the batch is full or closed."""
        if self._closed:
            return None
        key_bytes = self._key_serializer(key) if self._key_serializer is not None else key
        value_bytes = self._value_serializer(value) if self._value_serializer is not None else value
        if type(key_bytes) not in _BYTES_TYPES or type(value_bytes) not in _BYTES_TYPES:
            raise SerializedTypeError('key and value must be bytes or None after serialization')
        hdrs = _header_list(headers)
        size = _record_size(key_bytes, value_bytes, hdrs)
        if self._records and self._size + size > self._max_size:
            return None
        ts = int(time.time() * 1000) if timestamp is None else int(timestamp)
        self._records.append((key_bytes, value_bytes, ts, hdrs))
        self._size += size
        return BatchRecordMetadata(len(self._records) - 1, size, ts)

    def close(self) -> None:
        """Close the batch: later :meth:`append` calls return None."""
        self._closed = True

    def size(self) -> int:
        """Approximate size of the batch in bytes."""
        return self._size

    def record_count(self) -> int:
        """Number of records in the batch."""
        return len(self._records)


async def _until_ended(end: Callable[[], Any]) -> None:
    """Run commit/abort to its end. aiokafka waits for the end of a transaction without a
    timeout; the core bounds each attempt, and a timed-out EndTxn is resumed (its outcome is
    unknown until the coordinator answers), so a stalled broker delays the call, never leaves
    the transaction half-ended."""
    while True:
        try:
            await end()
            return
        except Errors.KafkaTimeoutError as exc:
            log.debug('ending the transaction timed out (%s); retrying', exc)


class _Transaction:
    """``async with producer.transaction():`` begins a transaction; leaving the block commits it,
    or aborts it when the block raised (unless the producer hit a fatal error, such as being
    fenced, which no abort can fix)."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer

    async def __aenter__(self) -> Self:
        await self._producer.begin_transaction()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        producer = self._producer
        if exc_type is None:
            await producer.commit_transaction()
        elif producer._transaction_state() != 'FATAL_ERROR':
            await producer.abort_transaction()


class AIOKafkaProducer:
    """An asyncio Kafka producer with aiokafka's API, running on the Rust core.

    ``await send(...)`` appends the record to the core's per-partition buffer
    (without blocking the loop: when metadata or buffer memory is missing it
    awaits them on the I/O runtime) and returns a future resolved with a
    :class:`~kafka.aio.structs.RecordMetadata` once the broker acknowledged the
    record.  The future is the core's ``DeliveryFuture``: it works everywhere
    an :class:`asyncio.Future` does (``await``, ``gather``, ``wait``,
    ``wait_for``, ``shield``; ``asyncio.isfuture()`` is true) but is not an
    instance of that class.  Completed batches wake the loop once per burst,
    not once per record.

    Keyword Arguments (aiokafka's names and defaults):
        bootstrap_servers: 'host[:port]' string or list. Default: 'localhost'.
        client_id (str): Default: 'aiokafka-producer-#'.
        acks (0, 1, 'all'/-1): Default: 1, or 'all' with enable_idempotence.
        key_serializer, value_serializer (callable): turn keys / values into bytes.
        compression_type: None, 'gzip', 'snappy', 'lz4' or 'zstd'.
        max_batch_size (int): bytes per partition batch. Default: 16384.
        partitioner (callable): ``partitioner(key_bytes, all_partitions,
            available_partitions) -> int``. Default: murmur2 of the key like the
            Java client (computed by the core), sticky partitions for no key.
        max_request_size (int): Default: 1048576.
        linger_ms (int): Default: 0.
        request_timeout_ms (int): also how long ``send()`` may wait for
            metadata or buffer memory. Default: 40000.
        metadata_max_age_ms, retry_backoff_ms, connections_max_idle_ms: as in aiokafka.
        enable_idempotence (bool): Default: False.
        buffer_memory (int): extension: bytes of records the producer may
            buffer before ``send()`` waits. Default: 33554432.
        delivery_timeout_ms (int): extension: bound on the time until a
            record's future completes. Default: 120000.
        max_in_flight_requests_per_connection (int): extension. Default: 5.

    TLS and SASL are not supported by the core yet: setting them raises
    :class:`~kafka.errors.KafkaConfigurationError`. With ``transactional_id``
    (which implies ``enable_idempotence``), ``start()`` initializes the
    transactional state and the transactional methods are available.
    """

    _PRODUCER_CLIENT_ID_SEQUENCE = _CLIENT_ID_SEQUENCE

    def __init__(
        self, *, loop: asyncio.AbstractEventLoop | None = None, bootstrap_servers: Any = 'localhost',
        client_id: str | None = None, metadata_max_age_ms: int = 300000, request_timeout_ms: int = 40000,
        api_version: Any = None, acks: Any = _missing, key_serializer: Callable[[Any], Any] | None = None,
        value_serializer: Callable[[Any], Any] | None = None, compression_type: str | None = None,
        max_batch_size: int = 16384, partitioner: Any = None, max_request_size: int = 1048576,
        linger_ms: int = 0, retry_backoff_ms: int = 100, security_protocol: str = 'PLAINTEXT',
        ssl_context: Any = None, connections_max_idle_ms: int = 540000, enable_idempotence: bool = False,
        transactional_id: str | None = None, transaction_timeout_ms: int = 60000,
        sasl_mechanism: str = 'PLAIN', sasl_plain_password: str | None = None,
        sasl_plain_username: str | None = None, sasl_kerberos_service_name: str = 'kafka',
        sasl_kerberos_domain_name: str | None = None, sasl_oauth_token_provider: Any = None,
        buffer_memory: int = 33554432, delivery_timeout_ms: int = 120000,
        max_in_flight_requests_per_connection: int = 5,
    ) -> None:
        loop = construction_loop(loop, api_version, 'The `loop` parameter has been deprecated since 0.7.1 '
                                 'and will be removed in a future release.')
        if acks not in (0, 1, -1, 'all', _missing):
            raise ValueError('Invalid ACKS parameter')
        if compression_type not in _COMPRESSION_TYPES:
            raise ValueError('Invalid compression type!')
        if transactional_id is not None:
            enable_idempotence = True
        if enable_idempotence:
            if acks is _missing:
                acks = -1
            elif acks not in ('all', -1):
                raise ValueError(f'acks={acks} not supported if enable_idempotence=True')
        if acks is _missing:
            acks = 1
        elif acks == 'all':
            acks = -1
        if client_id is None:
            client_id = f'aiokafka-producer-{next(_CLIENT_ID_SEQUENCE)}'
        self._loop = loop
        self._key_serializer = key_serializer
        self._value_serializer = value_serializer
        if partitioner is None or type(partitioner) is DefaultPartitioner:
            self._partitioner: Callable[..., int] | None = None  # the core partitions (murmur2 / sticky)
        elif callable(partitioner):
            self._partitioner = partitioner
        else:
            raise Errors.KafkaConfigurationError(f'partitioner {partitioner!r} is not callable')
        self._max_batch_size = max_batch_size
        self._request_timeout_ms = int(request_timeout_ms)
        security = aiokafka_security(
            security_protocol, ssl_context, sasl_mechanism, sasl_plain_username, sasl_plain_password,
            sasl_kerberos_service_name, sasl_kerberos_domain_name, sasl_oauth_token_provider)
        self._native_config: dict[str, Any] = {
            **security,
            'bootstrap_servers': collect_hosts(bootstrap_servers),
            'client_id': str(client_id),
            'acks': int(acks),
            'compression_type': compression_type,
            'enable_idempotence': bool(enable_idempotence),
            'retries': 2**31 - 1,
            'batch_size': int(max_batch_size),
            'linger_ms': int(linger_ms),
            'buffer_memory': int(buffer_memory),
            'max_block_ms': int(request_timeout_ms),
            'max_request_size': int(max_request_size),
            'request_timeout_ms': int(request_timeout_ms),
            'delivery_timeout_ms': int(delivery_timeout_ms),
            'retry_backoff_ms': int(retry_backoff_ms),
            'metadata_max_age_ms': int(metadata_max_age_ms),
            'max_in_flight_requests_per_connection': int(max_in_flight_requests_per_connection),
            'connections_max_idle_ms': int(connections_max_idle_ms),
            'transactional_id': transactional_id,
            'transaction_timeout_ms': int(transaction_timeout_ms),
        }
        self._transactional_id = transactional_id
        self.client_id = client_id
        self._native: Any = None
        self._core: Any = None
        #: aiokafka's ``client``, for ``client.cluster``: a read-only view of the core's metadata.
        self.client = ClientView(lambda: None if self._core is None else self._core.cluster_snapshot())
        self._reader_fd: int | None = None
        self._closed = False
        self._valid_topics: set[str] = set()

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect to the cluster and load its metadata."""
        if self._closed:
            raise Errors.ProducerClosed('AIOKafkaProducer was stopped')
        if self._native is not None:
            return
        if _native is None:
            raise ImportError('kafka-python-rs: the native extension kafka._native is not available')
        loop = asyncio.get_running_loop()
        if self._loop is not None and self._loop is not loop:
            raise RuntimeError('Please create objects with the same loop as running with')
        self._loop = loop
        set_token_loop(self._native_config, loop)
        self._core = core = _native.Producer(self._native_config)
        native = _native.AioProducer(core)
        native.attach(loop, RecordMetadata, self._key_serializer, self._value_serializer,
                      self._partitioner is not None)
        fd = native.wake_fd()
        try:
            if fd is None:
                raise NotImplementedError
            loop.add_reader(fd, native.drain)
            self._reader_fd = fd
        except NotImplementedError:
            drain = native.drain
            native.set_wake_callback(lambda: loop.call_soon_threadsafe(drain))
        self._native = native
        _fork.track(self)
        try:
            await native.bootstrap(self._request_timeout_ms)
        except Errors.AuthenticationFailedError:
            await self._shutdown()
            raise
        except Errors.KafkaError as exc:
            await self._shutdown()
            hosts = self._native_config['bootstrap_servers']
            raise Errors.KafkaConnectionError(f'Unable to bootstrap from {hosts}') from exc
        if self._transactional_id is not None:
            try:
                await native.init_transactions()
            except BaseException:
                await self._shutdown()
                raise
        log.debug('Kafka producer %s started', self.client_id)

    async def stop(self) -> None:
        """Deliver buffered records, then close all connections. Calling it again is a no-op."""
        if self._closed:
            return
        self._closed = True
        if self._native is None or getattr(self, '_inherited', False):
            return
        try:
            if self._transaction_state() in ('IN_TRANSACTION', 'ABORTABLE_ERROR', 'COMMITTING_TRANSACTION',
                                             'ABORTING_TRANSACTION'):
                log.info('Aborting incomplete transaction due to shutdown')
                try:
                    await self._native.abort_transaction()
                except Errors.KafkaError as exc:
                    log.warning('Could not abort the open transaction at stop(): %s', exc)
            await self.flush()
        finally:
            await self._shutdown()
        log.debug('The Kafka producer %s has closed.', self.client_id)

    async def _shutdown(self) -> None:
        native = self._native
        self._closed = True
        native.close()
        native.drain()  # records failed by close() resolve their futures now
        if self._reader_fd is not None and self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._reader_fd)
            self._reader_fd = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    def __del__(self, _warnings: Any = warnings) -> None:
        native = getattr(self, '_native', None)
        if native is not None and not self._closed:
            # As aiokafka: a started producer that was never stopped is a leaked resource.
            _warnings.warn(f'Unclosed AIOKafkaProducer {self!r}', ResourceWarning, source=self, stacklevel=1)
            native.close()

    # -- sending ---------------------------------------------------------------------------

    def _serialize(self, key: Any, value: Any) -> tuple[Any, Any]:
        key_bytes = key if self._key_serializer is None else self._key_serializer(key)
        value_bytes = value if self._value_serializer is None else self._value_serializer(value)
        if type(key_bytes) not in _BYTES_TYPES:
            raise SerializedTypeError(f'Unsupported type for serialized key: {type(key_bytes)}')
        if type(value_bytes) not in _BYTES_TYPES:
            raise SerializedTypeError(f'Unsupported type for serialized value: {type(value_bytes)}')
        return key_bytes, value_bytes

    def _on_fork(self) -> None:
        """In a forked child: this producer belongs to the parent (see :mod:`kafka._fork`)."""
        self._inherited = True
        self._native = None  # send() takes the checked path, which raises

    def _check_open(self) -> Any:
        if getattr(self, '_inherited', False):
            raise _fork.inherited_error(self)
        native = self._native
        if native is None or self._closed:
            if self._closed:
                raise Errors.ProducerClosed('AIOKafkaProducer is closed')
            raise Errors.IllegalStateError('AIOKafkaProducer is not started: call `await start()` first')
        return native

    async def _partitions(self, topic: str) -> tuple[list[int], list[int]]:
        cached = self._native.cached_partitions(topic)
        if cached is None:
            await self._native.partitions_for(topic, self._request_timeout_ms)
            cached = self._native.cached_partitions(topic) or ([], [])
        return cached

    def send(self, topic: str, value: Any = None, key: Any = None, partition: int | None = None,
             timestamp_ms: int | None = None,
             headers: Iterable[tuple[str, bytes]] | None = None) -> Awaitable[asyncio.Future[RecordMetadata]]:
        """Publish a record to ``topic``; use it as ``fut = await producer.send(...)``.

        Returns:
            awaitable: completes with a future (``asyncio.isfuture()`` is true)
            resolved with a :class:`~kafka.aio.structs.RecordMetadata` when the
            broker acknowledged the record (or failed with a :mod:`kafka.errors`
            exception). Cancelling that future does not stop the record from
            being sent; cancelling ``send()`` before it returned does (if it was
            still waiting for metadata or buffer memory).

        Raises:
            KafkaTimeoutError: metadata or buffer memory not available within
                request_timeout_ms.
            MessageSizeTooLargeError: the record is larger than max_request_size.
        """
        native = self._native
        if native is None:
            return self._send_slow(topic, value, key, partition, timestamp_ms, headers)
        # The core appends the common case itself; otherwise it returns self._send_slow(...).
        return native.send(self, topic, value, key, partition, timestamp_ms, headers)  # type: ignore[no-any-return]

    async def _send_slow(self, topic: str, value: Any, key: Any, partition: int | None, timestamp_ms: int | None,
                         headers: Iterable[tuple[str, bytes]] | None,
                         serialized: bool = False) -> asyncio.Future[RecordMetadata]:
        native = self._check_open()
        if value is None and key is None:
            raise NullRecordError('Need at least one: key or value')
        if serialized:
            key_bytes, value_bytes = key, value
            if type(key_bytes) not in _BYTES_TYPES:
                raise SerializedTypeError(f'Unsupported type for serialized key: {type(key_bytes)}')
            if type(value_bytes) not in _BYTES_TYPES:
                raise SerializedTypeError(f'Unsupported type for serialized value: {type(value_bytes)}')
        else:
            key_bytes, value_bytes = self._serialize(key, value)
        hdrs = _header_list(headers) if headers else None
        if topic not in self._valid_topics:
            ensure_valid_topic_name(topic)
            self._valid_topics.add(topic)
            native.topic_validated(topic)
        if partition is not None:
            if partition < 0 or partition not in (await self._partitions(topic))[0]:
                raise InvalidPartitionError('Unrecognized partition')
        elif self._partitioner is not None:
            all_parts, available = await self._partitions(topic)
            partition = self._partitioner(key_bytes, all_parts, available)
        fut = native.try_send(topic, partition, key_bytes, value_bytes, hdrs, timestamp_ms)
        if fut is None:
            fut = await self._send_waiting(native, topic, partition, key_bytes, value_bytes, hdrs, timestamp_ms)
        return fut  # type: ignore[no-any-return]

    async def _send_waiting(self, native: Any, topic: str, partition: int | None, key: Any, value: Any,
                            headers: list[tuple[str, bytes | None]] | None,
                            timestamp_ms: int | None) -> asyncio.Future[RecordMetadata]:
        size = _record_size(key, value, headers)
        deadline = time.monotonic() + self._request_timeout_ms / 1000
        while True:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                raise Errors.KafkaTimeoutError(
                    f'Failed to send a record to {topic} within {self._request_timeout_ms} ms'
                    ' (no metadata or no free buffer memory)')
            await native.wait_capacity(topic, size, left_ms)
            self._check_open()
            fut = native.try_send(topic, partition, key, value, headers, timestamp_ms)
            if fut is not None:
                return fut

    async def send_and_wait(self, topic: str, value: Any = None, key: Any = None, partition: int | None = None,
                            timestamp_ms: int | None = None,
                            headers: Iterable[tuple[str, bytes]] | None = None) -> RecordMetadata:
        """Publish a record and wait for its :class:`~kafka.aio.structs.RecordMetadata`.

        Cancelling the waiting task after the record was appended does not
        withdraw or duplicate it: it is still delivered exactly once, and the
        producer stays usable.
        """
        future = await self.send(topic, value, key, partition, timestamp_ms, headers)
        return await future

    def create_batch(self) -> BatchBuilder:
        """Return an empty :class:`BatchBuilder` (sent later with :meth:`send_batch`)."""
        return BatchBuilder(self._max_batch_size, self._key_serializer, self._value_serializer)

    async def send_batch(self, batch: BatchBuilder, topic: str, *, partition: int) -> asyncio.Future[RecordMetadata]:
        """Send the records of ``batch`` to ``partition`` of ``topic``.

        Returns:
            asyncio.Future: resolved with the RecordMetadata of the batch's
            first record once every record of the batch was acknowledged.
        """
        native = self._check_open()
        batch.close()
        if partition is None or partition < 0 or partition not in (await self._partitions(topic))[0]:
            raise InvalidPartitionError('Unrecognized partition')
        futures = []
        for key, value, ts, hdrs in batch._records:
            fut = native.try_send(topic, partition, key, value, hdrs, ts)
            if fut is None:
                fut = await self._send_waiting(native, topic, partition, key, value, hdrs, ts)
            futures.append(fut)
        loop = asyncio.get_running_loop()
        result: asyncio.Future[RecordMetadata] = loop.create_future()
        if not futures:
            raise ValueError('Cannot send an empty batch')

        def done(gathered: asyncio.Future[list[RecordMetadata]]) -> None:
            if result.done():
                return
            if gathered.cancelled():
                result.cancel()
            elif gathered.exception() is not None:
                result.set_exception(gathered.exception())  # type: ignore[arg-type]
            else:
                result.set_result(gathered.result()[0])

        asyncio.gather(*futures).add_done_callback(done)
        return result

    async def flush(self) -> None:
        """Send everything buffered now and wait until all those records' futures are resolved."""
        native = self._native
        if native is None:
            return
        await native.flush()
        native.drain()

    async def partitions_for(self, topic: str) -> set[int]:
        """Return the set of partition ids of ``topic`` (waits for its metadata)."""
        native = self._check_open()
        return set(await native.partitions_for(topic, self._request_timeout_ms))

    # -- transactions ----------------------------------------------------------------------

    def _transaction_state(self) -> str | None:
        native = self._native
        return None if native is None else native.transaction_state()

    def _ensure_transactional(self) -> Any:
        if self._transactional_id is None:
            raise Errors.IllegalOperation('You need to configure transaction_id to use transactions')
        return self._check_open()

    def transaction(self) -> _Transaction:
        """An async context manager: ``async with producer.transaction(): ...`` commits the
        records sent in the block, or aborts them if the block raises.

        Raises:
            IllegalOperation: no ``transactional_id`` (when entered).
        """
        return _Transaction(self)

    async def begin_transaction(self) -> None:
        """Start a transaction (the producer must be started).

        Raises:
            IllegalOperation: no ``transactional_id``.
            KafkaError: a transaction is already open, or the producer is in an error state.
        """
        self._ensure_transactional().begin_transaction()

    async def commit_transaction(self) -> None:
        """Commit the open transaction once every record sent in it is acknowledged.

        Raises:
            IllegalOperation: no ``transactional_id``.
            ProducerFenced: another producer with the same transactional id took over (fatal).
        """
        native = self._ensure_transactional()
        await _until_ended(native.commit_transaction)
        native.drain()

    async def abort_transaction(self) -> None:
        """Abort the open transaction: records not sent yet fail, sent ones are discarded.

        Raises:
            IllegalOperation: no ``transactional_id``.
        """
        native = self._ensure_transactional()
        await _until_ended(native.abort_transaction)
        native.drain()

    async def send_offsets_to_transaction(self, offsets: dict[Any, Any], group_id: str) -> None:
        """Commit a consumer group's offsets as part of the open transaction.

        Arguments:
            offsets: ``{TopicPartition: offset}`` where an offset is an int, an
                ``(offset, metadata)`` tuple or an ``OffsetAndMetadata``.
            group_id (str): the consumer group.

        Raises:
            IllegalOperation: no ``transactional_id``.
            KafkaError: no transaction is open, or the producer is in an error state.
        """
        native = self._ensure_transactional()
        if not isinstance(group_id, str) or not group_id:
            raise ValueError(group_id)
        entries = []
        for tp, meta in offsets.items():
            if isinstance(meta, int):
                offset, metadata, epoch = meta, None, -1
            elif isinstance(meta, tuple) and len(meta) == 2:
                (offset, metadata), epoch = meta, -1
            else:
                offset, metadata = meta.offset, getattr(meta, 'metadata', None)
                epoch = getattr(meta, 'leader_epoch', None)
                epoch = -1 if epoch is None else epoch
            entries.append((tp.topic, int(tp.partition), int(offset), metadata or None, int(epoch)))
        await native.send_offsets_to_transaction(entries, group_id)

    def __repr__(self) -> str:
        return f'<AIOKafkaProducer client_id={self.client_id}>'


__all__ = ['AIOKafkaProducer', 'BatchBuilder']
