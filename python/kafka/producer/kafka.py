"""KafkaProducer: kafka-python's producer API on top of the Rust core."""

from __future__ import annotations

import atexit
import functools
import inspect
import itertools
import logging
import socket
import threading
import weakref
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from kafka import _fork
from kafka import errors as Errors
from kafka._compat import (
    ClientClosedError,
    InvalidHeadersError,
    InvalidPartitionError,
    NullRecordError,
    SerializedTypeError,
    UnsupportedConfigError,
    check_unrecognized,
    collect_hosts,
    eager_bootstrap_timeout_ms,
    ensure_valid_topic_name,
)
from kafka._security import native_security
from kafka.cluster import ClusterMetadata
from kafka.partitioner import DefaultPartitioner, Partitioner, StickyPartitioner
from kafka.producer.future import FutureRecordMetadata, RecordMetadata
from kafka.serializer import Serializer

try:
    from kafka import _native
except ImportError as _exc:  # pragma: no cover - exercised only without the extension
    _native = None
    _NATIVE_IMPORT_ERROR: ImportError | None = _exc
else:
    _NATIVE_IMPORT_ERROR = None

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self

log = logging.getLogger(__name__)

_CLIENT_ID_SEQUENCE = itertools.count(1)

#: Seconds that the interpreter-exit hook waits for buffered records to be delivered.
ATEXIT_CLOSE_TIMEOUT_S = 5.0

_BYTES_TYPES = (bytes, bytearray, memoryview, type(None))
_MAX_RETRIES = 2**31 - 1

# Configuration keys known to kafka-python but not (yet) implemented by the Rust
# core.  Setting one of them to anything but its default raises
# UnsupportedConfigError instead of being silently ignored.
_UNSUPPORTED_CONFIGS = (
    'proxy_url', 'socks5_proxy', 'kafka_client',
    'net', 'socket_options', 'metric_reporters',
    'allow_auto_create_topics',
)
_SECRET_CONFIGS = frozenset(('ssl_password', 'sasl_plain_password'))

# Keys handed to kafka._native.Producer (all integers are milliseconds / counts).
_NATIVE_INT_CONFIGS = (
    'retries', 'batch_size', 'linger_ms', 'buffer_memory', 'max_block_ms', 'max_request_size',
    'request_timeout_ms', 'delivery_timeout_ms', 'retry_backoff_ms', 'metadata_max_age_ms',
    'max_in_flight_requests_per_connection', 'reconnect_backoff_ms', 'reconnect_backoff_max_ms',
    'connections_max_idle_ms', 'receive_message_max_bytes',
)

_COMPRESSION_TYPES = (None, 'gzip', 'snappy', 'lz4', 'zstd')


def _serializer_call(serializer: Any) -> tuple[Callable[[Any], Any] | None, Callable[..., Any] | None]:
    """Split a configured serializer into (plain callable, Serializer.serialize).

    Plain callables are called ``f(data)``.  :class:`Serializer` objects are
    called ``serialize(topic, headers, data)`` (kafka-python 3) unless their
    method only takes ``(topic, data)`` (kafka-python 2).
    """
    if serializer is None:
        return None, None
    if isinstance(serializer, Serializer):
        method = serializer.serialize
        try:
            params = inspect.signature(method).parameters.values()
        except (TypeError, ValueError):
            return None, method
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if any(p.kind is p.VAR_POSITIONAL for p in params) or len(positional) >= 3:
            return None, method
        return None, lambda topic, headers, data: method(topic, data)
    if not callable(serializer):
        raise Errors.KafkaConfigurationError(f'Serializer {serializer!r} is not callable')
    return serializer, None


class _ClusterView:
    """The ``cluster`` argument given to :class:`~kafka.partitioner.Partitioner` objects."""

    __slots__ = ('_producer',)

    def __init__(self, producer: KafkaProducer) -> None:
        self._producer = producer

    def topics(self) -> set[str]:
        return set(self._producer._partitions)

    def partitions_for_topic(self, topic: str) -> set[int]:
        return set(self._producer._known_partitions(topic))

    def available_partitions_for_topic(self, topic: str) -> set[int]:
        return set(self._producer._native.available_partitions_for(topic))


def _close_at_exit(ref: weakref.ReferenceType[KafkaProducer]) -> None:
    producer = ref()
    if producer is None:
        return
    try:
        producer.close(timeout=ATEXIT_CLOSE_TIMEOUT_S, null_logger=True)
    except Exception:
        log.debug('Error closing %s at interpreter exit', producer, exc_info=True)


class KafkaProducer:
    """A Kafka client that publishes records to the Kafka cluster.

    Drop-in replacement for kafka-python's ``KafkaProducer`` (2.x and 3.x):
    same constructor keywords, same defaults as kafka-python 3, same
    :meth:`send` / :meth:`flush` / :meth:`close` behaviour.  Batching,
    compression, retries and the network I/O run in the Rust core on its own
    threads; this class validates arguments, runs the serializers and a
    custom partitioner (if any), and hands each record to the core.

    The producer is thread safe; sharing one instance between threads is
    faster than creating one per thread.

    :meth:`send` is asynchronous: it appends the record to a per-partition
    buffer and immediately returns a
    :class:`~kafka.producer.future.FutureRecordMetadata`.  Call ``get()`` on it
    to wait for the broker's acknowledgement, or register callbacks.

    Callbacks and errbacks added to a future that is not done yet run on a
    dedicated daemon thread named
    ``kafka-python-rs-producer-callbacks-<client_id>``, started with the
    producer and stopped by :meth:`close`.  Callbacks added to a future that is
    already done run immediately in the thread that adds them.  A slow callback
    delays the callbacks of later records, not the I/O.

    Records sent without a later :meth:`flush` or :meth:`close` are still
    delivered when the interpreter exits normally: an ``atexit`` hook (holding
    only a weak reference) closes the producer, waiting at most
    :data:`ATEXIT_CLOSE_TIMEOUT_S` seconds.

    Keyword Arguments:
        bootstrap_servers: 'host[:port]' string, comma-separated string, or
            list of them, used to fetch the initial cluster metadata. The
            default port is 9092. Default: 'localhost'.
        client_id (str): name of this client, sent with every request.
            Default: 'kafka-python-producer-#' (# is a per-process counter).
        key_serializer (callable or Serializer): turns keys into bytes. A
            callable is called as ``f(key)`` (also for a None key); a
            :class:`~kafka.serializer.Serializer` as
            ``serialize(topic, headers, key)`` (or ``serialize(topic, key)``
            for kafka-python 2 style subclasses). Default: None (keys must
            already be bytes or None).
        value_serializer (callable or Serializer): same, for values.
            Default: None.
        enable_idempotence (bool): have the broker de-duplicate retried
            batches so every record is written exactly once per partition.
            Requires acks='all', retries > 0 and
            max_in_flight_requests_per_connection <= 5. When left at its
            default and another setting conflicts, idempotence is switched
            off with a warning; when set to True explicitly, a conflict raises
            KafkaConfigurationError. Default: True.
        delivery_timeout_ms (int): upper bound on the time between the return
            of :meth:`send` and the success or failure of its future.
            Default: 120000.
        acks (0, 1, 'all' or -1): acknowledgements the leader must have
            received before a request is complete: 0 = none, 1 = the leader
            only, 'all' = every in-sync replica. Default: 'all' (-1).
        compression_type (str): 'gzip', 'snappy', 'lz4', 'zstd' or None.
            Default: None.
        retries (int): how many times a failed batch is resent (within
            delivery_timeout_ms). Default: unlimited.
        batch_size (int): maximum size in bytes of a per-partition batch.
            Default: 16384.
        linger_ms (int): how long to wait for more records before sending a
            batch that is not full. Default: 0.
        buffer_memory (int): total bytes of records the producer may buffer;
            :meth:`send` blocks up to max_block_ms when it is full, then
            raises KafkaTimeoutError. (Dropped by kafka-python 3, kept here.)
            Default: 33554432.
        partitioner (Partitioner or callable): chooses the partition of
            records sent without one. A
            :class:`~kafka.partitioner.Partitioner` is called as
            ``partition(topic, key, serialized_key, value, serialized_value,
            cluster)``, a plain callable as ``partitioner(serialized_key,
            all_partitions, available_partitions)``. Default:
            DefaultPartitioner() (murmur2 of the key like the Java client;
            applied by the core without calling into Python).
        max_block_ms (int): how long :meth:`send` and :meth:`partitions_for`
            may block waiting for metadata or buffer space. Default: 60000.
        max_request_size (int): maximum size of a request, and so of a
            record. Default: 1048576.
        metadata_max_age_ms (int): period after which metadata is refreshed
            even without errors. Default: 300000.
        retry_backoff_ms (int): pause before retrying a failed request.
            Default: 100.
        request_timeout_ms (int): how long to wait for a response to a
            request. Default: 30000.
        max_in_flight_requests_per_connection (int): unacknowledged requests
            allowed per broker connection. Default: 5.
        reconnect_backoff_ms (int): pause before reconnecting to a broker.
            Default: 50.
        reconnect_backoff_max_ms (int): maximum pause between reconnection
            attempts, reached by exponential backoff. Default: 30000.
        connections_max_idle_ms (int): close connections idle for longer
            than this. Default: 540000.
        metrics_enabled (bool): whether :meth:`metrics` reports anything.
            Default: True.
        transactional_id (str): makes the producer transactional (see
            :meth:`init_transactions`); implies enable_idempotence, and
            conflicting acks/retries/max_in_flight settings raise. Default: None.
        transaction_timeout_ms (int): how long the broker lets a transaction
            stay open before aborting it. Default: 60000.

    Every other keyword kafka-python 2.x or 3.x accepts is accepted too.
    Keywords that only tune kafka-python's own Python I/O (e.g.
    api_version, api_version_auto_timeout_ms, bootstrap_timeout_ms,
    receive_buffer_bytes, metrics_num_samples) are accepted and have no
    effect.  Keywords for features the core does not implement yet (TLS,
    SASL, proxies, custom socket options...) raise
    :class:`~kafka.errors.KafkaConfigurationError` (also a
    NotImplementedError) naming the key when set to a non-default value.
    Unknown keywords raise ``KafkaConfigurationError('Unrecognized configs:
    ...')``, which is also a ValueError and an AssertionError.
    """

    #: kafka-python 3: configuration keys that are deprecated (none).
    DEPRECATED_CONFIGS: ClassVar[tuple[str, ...]] = ()

    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        'bootstrap_servers': 'localhost',
        'client_id': None,
        'key_serializer': None,
        'value_serializer': None,
        'enable_idempotence': True,
        'transactional_id': None,
        'transaction_timeout_ms': 60000,
        'delivery_timeout_ms': 120000,
        'acks': -1,
        'bootstrap_topics_filter': set(),
        'compression_type': None,
        'retries': float('inf'),
        'batch_size': 16384,
        'linger_ms': 0,
        'buffer_memory': 33554432,
        'partitioner': DefaultPartitioner(),
        'connections_max_idle_ms': 9 * 60 * 1000,
        'max_block_ms': 60000,
        'max_request_size': 1048576,
        'allow_auto_create_topics': True,
        'metadata_max_age_ms': 300000,
        'client_dns_lookup': 'use_all_dns_ips',
        'retry_backoff_ms': 100,
        'request_timeout_ms': 30000,
        'default_api_timeout_ms': 60000,
        'receive_message_max_bytes': 100_000_000,
        'receive_buffer_bytes': None,
        'send_buffer_bytes': None,
        'socket_options': [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
        'sock_chunk_bytes': 4096,
        'sock_chunk_buffer_count': 1000,
        'reconnect_backoff_ms': 50,
        'reconnect_backoff_max_ms': 30000,
        'max_in_flight_requests_per_connection': 5,
        'security_protocol': 'PLAINTEXT',
        'ssl_context': None,
        'ssl_check_hostname': True,
        'ssl_cafile': None,
        'ssl_certfile': None,
        'ssl_keyfile': None,
        'ssl_crlfile': None,
        'ssl_password': None,
        'ssl_ciphers': None,
        'api_version': None,
        'api_version_auto_timeout_ms': 2000,
        'bootstrap_timeout_ms': 30000,
        'metric_reporters': [],
        'metrics_enabled': True,
        'metrics_num_samples': 2,
        'metrics_sample_window_ms': 30000,
        'selector': None,
        'sasl_mechanism': None,
        'sasl_plain_username': None,
        'sasl_plain_password': None,
        'sasl_kerberos_name': None,
        'sasl_kerberos_service_name': 'kafka',
        'sasl_kerberos_domain_name': None,
        'sasl_oauth_token_provider': None,
        'socket_connection_setup_timeout_ms': 10000,
        'socket_connection_setup_timeout_max_ms': 30000,
        'proxy_url': None,
        'socks5_proxy': None,
        'kafka_client': None,
        'net': None,
    }

    def __init__(self, **configs: Any) -> None:
        self._closed = True  # until fully constructed: close()/__del__ are then no-ops
        self._fast = False
        check_unrecognized(configs, self.DEFAULT_CONFIG)
        config = dict(self.DEFAULT_CONFIG)
        config.update(configs)
        self.config = config

        for key in _UNSUPPORTED_CONFIGS:
            if key in configs and configs[key] != self.DEFAULT_CONFIG[key]:
                shown = '<hidden>' if key in _SECRET_CONFIGS else repr(configs[key])
                raise UnsupportedConfigError(
                    f'KafkaProducer config {key}={shown} is not supported by kafka-python-rs yet;'
                    f' leave {key} at its default ({self.DEFAULT_CONFIG[key]!r})')

        if config['client_id'] is None:
            config['client_id'] = f'kafka-python-producer-{next(_CLIENT_ID_SEQUENCE)}'
        if config['acks'] == 'all':
            config['acks'] = -1
        if config['acks'] not in (0, 1, -1) or isinstance(config['acks'], bool):
            raise Errors.KafkaConfigurationError(f"Invalid acks {config['acks']!r}: expected 0, 1, 'all' or -1")

        if isinstance(config['api_version'], str):
            version = config['api_version']
            config['api_version'] = None if version == 'auto' else tuple(map(int, version.split('.')))

        if config['compression_type'] not in _COMPRESSION_TYPES:
            raise ValueError('Not supported codec: {}'.format(config['compression_type']))

        if configs.get('transactional_id') is not None:
            if 'enable_idempotence' in configs and not configs['enable_idempotence']:
                raise Errors.KafkaConfigurationError('Cannot set transactional_id without enable_idempotence.')
            config['enable_idempotence'] = True
        self._resolve_idempotence(set(configs), strict=config['transactional_id'] is not None)
        self._apply_api_version(set(configs))
        bootstrap_servers = collect_hosts(config['bootstrap_servers'])

        self._key_plain, self._key_full = _serializer_call(config['key_serializer'])
        self._value_plain, self._value_full = _serializer_call(config['value_serializer'])

        partitioner = config['partitioner']
        if partitioner is None or type(partitioner) in (DefaultPartitioner, StickyPartitioner):
            self._partitioner: Any = None  # the core partitions (murmur2 / sticky)
        elif isinstance(partitioner, Partitioner) or callable(partitioner):
            self._partitioner = partitioner
        else:
            raise Errors.KafkaConfigurationError(f'partitioner {partitioner!r} is not a Partitioner or callable')
        self._partitioner_is_abc = isinstance(partitioner, Partitioner)
        self._cluster = _ClusterView(self)
        self._partitions: dict[str, frozenset[int]] = {}
        self._valid_topics: set[str] = set()

        if _native is None:
            raise ImportError(
                'kafka-python-rs: the native extension kafka._native is not available') from _NATIVE_IMPORT_ERROR

        native_config: dict[str, Any] = {
            'bootstrap_servers': bootstrap_servers,
            'client_id': str(config['client_id']),
            'acks': int(config['acks']),
            'compression_type': config['compression_type'],
            'enable_idempotence': bool(config['enable_idempotence']),
            'transactional_id': None if config['transactional_id'] is None else str(config['transactional_id']),
            'transaction_timeout_ms': int(config['transaction_timeout_ms']),
        }
        for key in _NATIVE_INT_CONFIGS:
            value = config[key]
            if key == 'retries' and value == float('inf'):
                value = _MAX_RETRIES
            native_config[key] = int(min(value, _MAX_RETRIES)) if key == 'retries' else int(value)
        native_config.update(native_security(config))

        log.debug('%s: starting Kafka producer', self)
        self._native = native = _native.Producer(native_config)
        #: kafka-python's metadata cache, as a read-only view of the core's.
        self._metadata = ClusterMetadata(native.cluster_snapshot)
        # send()'s fast path applies when the core partitions and serializers are absent or plain
        # callables: it skips the general path's checks that cannot fail for such records.
        self._fast = self._partitioner is None and self._key_full is None and self._value_full is None
        self._closed = False
        self._close_lock = threading.Lock()
        self._send = native.send
        self._send_fast = native.send_fast
        if self._fast:
            native.set_serializers(self._key_plain, self._value_plain)
        self._callback_thread = threading.Thread(
            target=native.run_callbacks,
            name=f"kafka-python-rs-producer-callbacks-{config['client_id']}",
            daemon=True,
        )
        self._callback_thread.start()
        self._atexit_hook: Callable[[], None] | None = functools.partial(_close_at_exit, weakref.ref(self))
        atexit.register(self._atexit_hook)
        self._inherited = False
        _fork.track(self)
        bootstrap_ms = eager_bootstrap_timeout_ms(config, configs)
        if bootstrap_ms is not None:
            try:
                native.bootstrap(bootstrap_ms)
            except BaseException:
                self.close(timeout=0, null_logger=True)
                raise
        log.debug('%s: Kafka producer started', self)

    def _on_fork(self) -> None:
        """In a forked child: this producer belongs to the parent (see :mod:`kafka._fork`)."""
        self._inherited = True
        self._fast = False

    def _resolve_idempotence(self, user_keys: set[str], strict: bool = False) -> None:
        """Apply kafka-python 3's (KIP-679) rules for enable_idempotence.

        ``strict`` (a transactional_id is set): a conflicting setting raises instead of turning
        idempotence off.
        """
        config = self.config
        if not config['enable_idempotence']:
            return
        conflicts = []
        if 'acks' in user_keys and config['acks'] != -1:
            conflicts.append(('acks', config['acks']))
        if 'retries' in user_keys and config['retries'] == 0:
            conflicts.append(('retries', 0))
        if 'max_in_flight_requests_per_connection' in user_keys \
                and config['max_in_flight_requests_per_connection'] > 5:
            conflicts.append(('max_in_flight_requests_per_connection',
                              config['max_in_flight_requests_per_connection']))
        if not conflicts:
            return
        listed = ', '.join(f'{k}={v!r}' for k, v in conflicts)
        if strict or 'enable_idempotence' in user_keys:
            raise Errors.KafkaConfigurationError(f'enable_idempotence=True is incompatible with user-provided {listed}')
        log.warning('%s: Idempotence will be disabled because user-provided config conflicts with'
                    ' idempotent defaults: %s', self, listed)
        config['enable_idempotence'] = False

    def send(self, topic: str, value: Any = None, key: Any = None, headers: list[tuple[str, bytes]] | None = None,
             partition: int | None = None, timestamp_ms: int | None = None) -> FutureRecordMetadata:
        """Publish a record to a topic.

        Arguments:
            topic (str): destination topic.
            value (optional): the record value; bytes-like, or anything the
                value_serializer turns into bytes. A None value (with a key)
                is a tombstone for compacted topics.
            key (optional): the record key; bytes-like, or anything the
                key_serializer turns into bytes. Records with the same key go
                to the same partition (with the default partitioner).
            headers (optional): list of ``(str, bytes)`` tuples.
            partition (int, optional): explicit partition; otherwise the
                partitioner chooses.
            timestamp_ms (int, optional): record timestamp in ms since the
                epoch. Default: the current time.

        Returns:
            FutureRecordMetadata: resolves to a
            :class:`~kafka.producer.future.RecordMetadata` once acknowledged.

        Raises:
            KafkaTimeoutError: metadata or buffer space not obtained within
                max_block_ms.
            MessageSizeTooLargeError: the record is larger than
                max_request_size (or buffer_memory).
            TypeError: serialized key/value not bytes-like or None; headers
                not a list of (str, bytes) tuples; topic not a str. (Also an
                AssertionError, as kafka-python 2.x raised.)
            ValueError: key and value both None; invalid topic name; invalid
                explicit partition; partitioner returned None. (The first and
                the partition errors are also AssertionErrors.)
            IllegalStateError: the producer is closed (also an AssertionError).
            Any exception raised by a serializer or the partitioner, unchanged.
        """
        if self._fast:
            # The core takes the common case in one call; None means "use the general path".
            future = self._send_fast(topic, value, key, headers, partition, timestamp_ms)
            if future is not None:
                return future  # type: ignore[no-any-return]
        if self._closed:
            raise ClientClosedError('KafkaProducer already closed!')
        if self._inherited:
            raise _fork.inherited_error(self)
        if value is None and key is None:
            raise NullRecordError('Need at least one: key or value')
        if headers is None:
            headers = []
        elif not isinstance(headers, list):
            raise InvalidHeadersError('headers must be list-type')
        if headers:
            for item in headers:
                if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
                        and isinstance(item[1], bytes)):
                    raise InvalidHeadersError('All headers items must be (str, bytes) tuples')

        fn = self._key_plain
        if fn is not None:
            key_bytes = fn(key)
        else:
            fn = self._key_full
            key_bytes = key if fn is None else fn(topic, headers, key)
        fn = self._value_plain
        if fn is not None:
            value_bytes = fn(value)
        else:
            fn = self._value_full
            value_bytes = value if fn is None else fn(topic, headers, value)
        if type(key_bytes) not in _BYTES_TYPES:
            raise SerializedTypeError(f'Unsupported type for serialized key: {type(key_bytes)}')
        if type(value_bytes) not in _BYTES_TYPES:
            raise SerializedTypeError(f'Unsupported type for serialized value: {type(value_bytes)}')

        if topic not in self._valid_topics:
            ensure_valid_topic_name(topic)
            self._valid_topics.add(topic)
            self._native.topic_validated(topic)

        if partition is not None:
            if partition < 0:
                raise InvalidPartitionError('partition must be >= 0')
            known = self._partitions.get(topic)
            if known is None or partition not in known:
                known = self._known_partitions(topic, refresh=True)
                if partition not in known:
                    raise InvalidPartitionError(f'Unrecognized partition {partition} for topic {topic}')
        elif self._partitioner is not None:
            partition = self._choose_partition(topic, key, key_bytes, value, value_bytes)

        return self._send(topic, partition, key_bytes, value_bytes, headers or None, timestamp_ms)

    def _known_partitions(self, topic: str, refresh: bool = False) -> frozenset[int]:
        known = None if refresh else self._partitions.get(topic)
        if known is None:
            known = frozenset(self._native.partitions_for(topic))
            self._partitions[topic] = known
        return known

    def _choose_partition(self, topic: str, key: Any, key_bytes: Any, value: Any, value_bytes: Any) -> int:
        partitioner = self._partitioner
        if self._partitioner_is_abc:
            self._known_partitions(topic, refresh=True)
            chosen = partitioner.partition(topic, key, key_bytes, value, value_bytes, self._cluster)
        else:
            all_partitions = sorted(self._known_partitions(topic, refresh=True))
            available = list(self._native.available_partitions_for(topic))
            chosen = partitioner(key_bytes, all_partitions, available)
        if chosen is None:
            raise ValueError(f'Partitioner did not assign a partition for topic {topic}!')
        return int(chosen)

    def flush(self, timeout: float | None = None) -> None:
        """Send every buffered record now and wait until all have completed.

        After it returns, every future returned by an earlier :meth:`send`
        is done (succeeded or failed).  Other threads may keep sending
        meanwhile; their records are not waited for.

        Arguments:
            timeout (float, optional): seconds to wait. Default: no limit.

        Raises:
            KafkaTimeoutError: the records did not complete within timeout.
            IllegalStateError: the producer was created before os.fork() in the parent.
        """
        if self._inherited:
            raise _fork.inherited_error(self)
        self._native.flush(timeout)

    def close(self, timeout: float | None = None, null_logger: bool = False) -> None:
        """Deliver buffered records and release the producer's resources.

        Waits up to ``timeout`` seconds for buffered and in-flight records;
        records still pending after that fail. Calling close() again is a
        no-op.

        Arguments:
            timeout (float, optional): seconds to wait. Default: no limit.
            null_logger (bool): accepted for kafka-python compatibility.
        """
        hook = getattr(self, '_atexit_hook', None)
        if hook is not None:
            self._atexit_hook = None
            atexit.unregister(hook)
        if self._closed:
            return
        if timeout is not None and not 0 <= timeout <= threading.TIMEOUT_MAX:
            raise ValueError(f'Invalid timeout: {timeout}')
        with self._close_lock:
            if self._closed:
                return
            self._fast = False
            self._closed = True
        if self._inherited:
            return  # the parent's records are the parent's to deliver
        if not null_logger:
            log.info('%s: Closing the Kafka producer with %s secs timeout.', self, timeout)
        try:
            self._native.close(timeout)
        finally:
            thread = self._callback_thread
            if thread is not threading.current_thread():
                thread.join(None if timeout is None else max(timeout, 1.0))
            for key in ('key_serializer', 'value_serializer'):
                closer = getattr(self.config[key], 'close', None)
                if isinstance(self.config[key], Serializer) and closer is not None:
                    closer()
        if not null_logger:
            log.debug('%s: The Kafka producer has closed.', self)

    def __del__(self) -> None:
        if getattr(self, '_closed', True):
            return
        try:
            self.close(timeout=1, null_logger=True)
        except Exception:
            log.debug('Error closing %s in __del__', self, exc_info=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc_val: BaseException | None,
                 exc_tb: TracebackType | None) -> None:
        self.close()

    def partitions_for(self, topic: str) -> set[int]:
        """Return the set of partition ids of ``topic``.

        Waits up to max_block_ms for the topic's metadata.

        Raises:
            KafkaTimeoutError: the metadata was not available in time.
        """
        return set(self._known_partitions(topic, refresh=True))

    def _apply_api_version(self, user_keys: set[str]) -> None:
        """kafka-python 3's rules for a broker version given as ``api_version``: codecs the
        version lacks are refused, and idempotence (broker >= 0.11) is switched off, unless it was
        asked for (``enable_idempotence`` or ``transactional_id``), which raises."""
        version = self.config['api_version']
        if version is None:
            return
        if self.config['compression_type'] == 'lz4' and version < (0, 8, 2):
            raise ValueError('LZ4 Requires >= Kafka 0.8.2 Brokers')
        if self.config['compression_type'] == 'zstd' and version < (2, 1):
            raise ValueError('Zstd Requires >= Kafka 2.1 Brokers')
        if self.config['enable_idempotence'] and version < (0, 11):
            if user_keys & {'enable_idempotence', 'transactional_id'}:
                raise Errors.KafkaConfigurationError(
                    f'Idempotent/Transactional producer requires broker >= 0.11 (got api_version={version})')
            log.warning('%s: Idempotence will be disabled because broker api_version %s < (0, 11)',
                        self.config['client_id'], version)
            self.config['enable_idempotence'] = False

    @classmethod
    def max_usable_produce_magic(cls, api_version: tuple[int, ...]) -> int:
        """The record format (magic) a broker of ``api_version`` accepts: 2 from 0.11, 1 from 0.10.

        kafka-python-rs always writes format 2 (RecordBatch v2).
        """
        if api_version >= (0, 11):
            return 2
        if api_version >= (0, 10, 0):
            return 1
        return 0

    def bootstrap_connected(self) -> bool:
        """Return True if a connection to a bootstrap server is established."""
        return bool(self._native.bootstrap_connected())

    def metrics(self, raw: bool = False) -> dict[str, Any] | None:
        """Return the producer's metrics, as ``{group: {name: value}}``.

        Returns None when ``metrics_enabled`` is False.  With ``raw=True`` the
        core's metrics mapping is returned as is.

        Warning: like kafka-python's, this is an unstable interface.
        """
        if not self.config['metrics_enabled']:
            return None
        data = dict(self._native.metrics())
        if raw:
            return data
        if data and all(isinstance(v, dict) for v in data.values()):
            return {group: dict(values) for group, values in data.items()}
        return {'producer-metrics': data}

    # -- transactions (KIP-98) ------------------------------------------------------------

    def init_transactions(self) -> None:
        """Initialize the transactional state; call once before any other transactional method.

        Completes (or aborts) any transaction left open by an earlier producer with the same
        ``transactional_id``, fences that producer, and obtains the producer id and epoch used
        by every later transaction. Calling it again after it succeeded does nothing.

        Raises:
            IllegalStateError: no ``transactional_id`` is configured.
            KafkaTimeoutError: the state could not be initialized within ``max_block_ms``
                (retrying continues the initialization).
            TransactionalIdAuthorizationFailedError: fatal; the transactional id is not authorized.
            KafkaError: the producer hit an earlier fatal error, or any other unexpected error.
        """
        if self.config['transactional_id'] is None:
            raise Errors.IllegalStateError('Cannot call init_transactions without setting a transactional_id.')
        self._native.init_transactions()

    def begin_transaction(self) -> None:
        """Start a transaction; every record sent until it is committed or aborted belongs to it.

        :meth:`init_transactions` must have completed first.

        Raises:
            IllegalStateError: no ``transactional_id``, or not initialized.
            KafkaError: a transaction is already open, or the producer is in an error state.
        """
        if self.config['transactional_id'] is None:
            raise Errors.IllegalStateError('Cannot use transactional methods without enabling transactions')
        self._native.begin_transaction()

    def send_offsets_to_transaction(self, offsets: dict[Any, Any], group_metadata: Any) -> None:
        """Commit consumed offsets as part of the current transaction.

        The offsets count as consumed only if the transaction commits: use it for
        consume-transform-produce pipelines.

        Arguments:
            offsets ({TopicPartition: OffsetAndMetadata}): offsets to commit (the position of the
                next record to consume); a plain int offset is accepted too.
            group_metadata (ConsumerGroupMetadata or str): ``KafkaConsumer.group_metadata()``
                (preferred: the broker fences stale group members, KIP-447), or the group id.

        Raises:
            IllegalStateError: no ``transactional_id``.
            KafkaError: no transaction is open, or the producer is in an error state.
            CommitFailedError: abortable; the consumer's group generation is stale.
            ProducerFencedError: fatal; another producer with the same transactional id is active.
        """
        if self.config['transactional_id'] is None:
            raise Errors.IllegalStateError('Cannot use transactional methods without enabling transactions')
        entries = []
        for tp, meta in offsets.items():
            if isinstance(meta, int):
                offset, metadata, leader_epoch = meta, None, -1
            else:
                offset = meta.offset
                metadata = getattr(meta, 'metadata', None) or None
                leader_epoch = getattr(meta, 'leader_epoch', None)
                leader_epoch = -1 if leader_epoch is None else int(leader_epoch)
            entries.append((tp.topic, int(tp.partition), int(offset), metadata, leader_epoch))
        if isinstance(group_metadata, str):
            group = (group_metadata, -1, '', None)
        else:
            group = (group_metadata.group_id, int(group_metadata.generation_id),
                     group_metadata.member_id or '', group_metadata.group_instance_id)
        self._native.send_offsets_to_transaction(entries, *group)

    def commit_transaction(self) -> None:
        """Commit the open transaction, after every record sent in it is acknowledged.

        Raises:
            IllegalStateError: no ``transactional_id``.
            KafkaError: no transaction is open; or a record of the transaction failed (the
                transaction must then be aborted).
            ProducerFencedError: fatal; another producer with the same transactional id is active.
            KafkaTimeoutError: the commit did not complete within ``max_block_ms`` (calling it
                again resumes it).
        """
        if self.config['transactional_id'] is None:
            raise Errors.IllegalStateError('Cannot commit transaction since transactions are not enabled')
        self._native.commit_transaction()

    def abort_transaction(self) -> None:
        """Abort the open transaction: records not sent yet fail, the others are discarded.

        Raises:
            IllegalStateError: no ``transactional_id``.
            ProducerFencedError: fatal; another producer with the same transactional id is active.
            KafkaTimeoutError: the abort did not complete within ``max_block_ms``.
        """
        if self.config['transactional_id'] is None:
            raise Errors.IllegalStateError('Cannot abort transaction since transactions are not enabled.')
        self._native.abort_transaction()

    def __str__(self) -> str:
        config = getattr(self, 'config', {})
        return f"<KafkaProducer client_id={config.get('client_id')} transactional_id={config.get('transactional_id')}>"


__all__ = ['KafkaProducer', 'RecordMetadata']
