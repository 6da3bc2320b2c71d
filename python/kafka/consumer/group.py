"""KafkaConsumer: kafka-python's consumer API on top of the Rust core."""

from __future__ import annotations

import inspect
import itertools
import logging
import re
import time
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from kafka import _fork
from kafka import errors as Errors
from kafka._compat import (
    UnsupportedConfigError,
    check_unrecognized,
    collect_hosts,
    eager_bootstrap_timeout_ms,
    ensure_valid_topic_name,
)
from kafka._security import native_security
from kafka.cluster import ClientView
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.coordinator.assignors._adapter import resolve_strategy
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from kafka.future import Future
from kafka.serializer import Deserializer
from kafka.structs import (
    ConsumerGroupMetadata,
    MemberState,
    OffsetAndMetadata,
    OffsetAndTimestamp,
    TopicPartition,
)

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
_COMMIT_FAILED = (Errors.IllegalGenerationError, Errors.UnknownMemberIdError, Errors.RebalanceInProgressError)


class _UsageError(ValueError, AssertionError):
    """A bad argument (ValueError in kafka-python 3, AssertionError in 2.x)."""


class _StateError(Errors.IllegalStateError, ValueError, AssertionError):
    """An operation on a partition that is not assigned, on a closed consumer, or on offsets
    without a group_id (IllegalStateError or ValueError in kafka-python 3, AssertionError in 2.x)."""


def _default_commit_callback(offsets: Any, response: Any) -> bool:
    return True


# Settings kafka-python accepts that change nothing here (tuning of its Python I/O loop).
_IGNORED_CONFIGS = (
    'receive_buffer_bytes', 'send_buffer_bytes', 'socket_options', 'sock_chunk_bytes', 'sock_chunk_buffer_count',
    'api_version', 'api_version_auto_timeout_ms', 'connections_max_idle_ms', 'metric_reporters',
    'metrics_enabled', 'metrics_num_samples', 'metrics_sample_window_ms', 'metric_group_prefix', 'selector',
    'legacy_iterator', 'client_dns_lookup', 'bootstrap_timeout_ms', 'socket_connection_setup_timeout_ms',
    'socket_connection_setup_timeout_max_ms',
    'bootstrap_topics_filter',
)
# Settings that would change behaviour and are not implemented: only their default is accepted.
_UNSUPPORTED_CONFIGS = ('proxy_url', 'socks5_proxy', 'kafka_client', 'net')
_NATIVE_KEYS = (
    'bootstrap_servers', 'client_id', 'group_id', 'group_instance_id', 'fetch_max_wait_ms', 'fetch_min_bytes',
    'receive_message_max_bytes',
    'fetch_max_bytes', 'max_partition_fetch_bytes', 'request_timeout_ms', 'default_api_timeout_ms',
    'retry_backoff_ms', 'reconnect_backoff_ms', 'reconnect_backoff_max_ms',
    'max_in_flight_requests_per_connection', 'auto_offset_reset', 'enable_auto_commit',
    'auto_commit_interval_ms', 'check_crcs', 'isolation_level', 'allow_auto_create_topics',
    'metadata_max_age_ms', 'max_poll_interval_ms', 'session_timeout_ms', 'heartbeat_interval_ms',
    'enable_incremental_fetch_sessions', 'client_rack',
    'group_protocol', 'group_remote_assignor',
)


def _deserializer_call(d: Any) -> tuple[Any, int]:
    """(callable, mode): mode 0 ``f(data)``, 1 ``deserialize(topic, headers, data)``, 2 ``deserialize(topic, data)``."""
    if d is None:
        return None, 0
    if isinstance(d, Deserializer) or (not callable(d) and hasattr(d, 'deserialize')):
        method = d.deserialize
        try:
            params = inspect.signature(method).parameters.values()
        except (TypeError, ValueError):
            return method, 1
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if any(p.kind is p.VAR_POSITIONAL for p in params) or len(positional) >= 3:
            return method, 1
        return method, 2
    return d, 0


class KafkaConsumer:
    """Consume records from a Kafka cluster.

    Drop-in replacement for kafka-python's ``KafkaConsumer``: same
    constructor keywords, methods and records.  Fetching (with prefetching
    while the application processes records), decompression, decoding, the
    group protocol and the heartbeat run in the Rust core; this class
    validates arguments, runs the rebalance listener and the deserializers.

    The consumer is not thread safe, as in kafka-python.

    Arguments:
        *topics (str): optional topics to subscribe to. If not set, call
            :meth:`subscribe` or :meth:`assign` before consuming records.

    Keyword Arguments:
        bootstrap_servers: 'host[:port]' string (or list of them) used to
            bootstrap. Default: 'localhost:9092'.
        client_id (str): a name for this client. Default: 'kafka-python-consumer-#'.
        group_id (str or None): the consumer group to join for dynamic
            partition assignment and offset commits. If None, subscribed topics
            are read in full by this consumer and offsets are not committed.
            Default: None.
        group_instance_id (str): a static member id (KIP-345). Default: None.
        client_rack (str): the rack of this consumer; with a rack-aware
            replica selector on the brokers, records are fetched from a
            replica in this rack (KIP-392). Default: ''.
        enable_incremental_fetch_sessions (bool): use incremental fetch
            sessions (KIP-227): after the first fetch from a broker, requests
            list only the partitions that changed. Default: True.
        key_deserializer (callable or Deserializer): called as ``f(key)``
            (also for a None key), or ``deserialize(topic, headers, key)``.
        value_deserializer (callable or Deserializer): same, for values.
        fetch_min_bytes (int): minimum data the broker should return for a
            fetch. Default: 1.
        fetch_max_wait_ms (int): how long the broker may wait for
            fetch_min_bytes. Default: 500.
        fetch_max_bytes (int): maximum data per fetch response. Default: 52428800.
        max_partition_fetch_bytes (int): maximum data per partition per fetch;
            also bounds what is prefetched per partition. Default: 1048576.
        request_timeout_ms (int): client request timeout. Default: 30000.
        default_api_timeout_ms (int): timeout of blocking calls that take no
            timeout argument. Default: 60000.
        retry_backoff_ms (int): backoff when retrying on errors. Default: 100.
        reconnect_backoff_ms (int): first reconnect backoff. Default: 50.
        reconnect_backoff_max_ms (int): maximum reconnect backoff. Default: 1000.
        max_in_flight_requests_per_connection (int): Default: 5.
        auto_offset_reset (str): where to start without a valid committed
            offset: 'earliest', 'latest' or 'none' (raise). Default: 'latest'.
        enable_auto_commit (bool): commit consumed offsets every
            auto_commit_interval_ms (inside :meth:`poll`) and on
            :meth:`close`. Default: True.
        auto_commit_interval_ms (int): Default: 5000.
        default_offset_commit_callback (callable): called as
            ``f(offsets, response)`` after :meth:`commit_async` without callback.
        check_crcs (bool): verify record batch CRCs. Default: True.
        isolation_level (str): 'read_uncommitted' or 'read_committed' (skip
            aborted transactions). Default: 'read_uncommitted'.
        allow_auto_create_topics (bool): let metadata requests create topics.
            Default: True.
        metadata_max_age_ms (int): metadata refresh period. Default: 300000.
        partition_assignment_strategy (list): assignors (classes or instances) in
            order of preference: RangePartitionAssignor, RoundRobinPartitionAssignor,
            StickyPartitionAssignor, CooperativeStickyAssignor (KIP-429 incremental
            rebalancing), or your own AbstractPartitionAssignor subclasses, whose
            assign() runs on the group leader. All must support a common
            RebalanceProtocol. Default: [Range, RoundRobin].
        max_poll_records (int): maximum records per :meth:`poll`. Default: 500.
        max_poll_interval_ms (int): if :meth:`poll` is not called within this
            time, the consumer leaves the group. Default: 300000.
        session_timeout_ms (int): group session timeout. Default: 10000.
        heartbeat_interval_ms (int): heartbeat period (the heartbeat runs in
            the background). Default: 3000.
        group_protocol (str): the group membership protocol: 'classic'
            (JoinGroup/SyncGroup, client-side assignment) or 'consumer'
            (KIP-848: broker-side assignment, incremental rebalances; needs
            Kafka 4.0+). With 'consumer', partition_assignment_strategy,
            session_timeout_ms and heartbeat_interval_ms are the broker's
            business (group.consumer.* settings). Default: 'classic'.
        group_remote_assignor (str): with group_protocol='consumer', the
            broker-side assignor to ask for ('uniform' or 'range'); None uses
            the broker's default. Default: None.
        consumer_timeout_ms (int): iteration raises StopIteration after this
            long without a record. Default: block forever.
        exclude_internal_topics (bool): hide internal topics from
            :meth:`topics`. Default: True.

    Socket tuning, metrics and api_version keys are accepted and ignored.
    SSL/SASL/proxy keys are accepted only at their defaults (not supported
    yet: a different value raises UnsupportedConfigError).
    """

    #: kafka-python 2's default session timeout for brokers before KIP-735, and 3's name for it.
    DEFAULT_SESSION_TIMEOUT_MS_0_9 = 30000
    DEFAULT_SESSION_TIMEOUT_MS_PRE_KIP_735 = 30000

    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {
        'bootstrap_servers': 'localhost',
        'client_id': None,
        'client_rack': '',
        'group_id': None,
        'group_instance_id': None,
        'key_deserializer': None,
        'value_deserializer': None,
        'enable_incremental_fetch_sessions': True,
        'fetch_max_wait_ms': 500,
        'fetch_min_bytes': 1,
        'fetch_max_bytes': 52428800,
        'max_partition_fetch_bytes': 1 * 1024 * 1024,
        'request_timeout_ms': 30000,
        'default_api_timeout_ms': 60000,
        'retry_backoff_ms': 100,
        'reconnect_backoff_ms': 50,
        'reconnect_backoff_max_ms': 1000,
        'max_in_flight_requests_per_connection': 5,
        'auto_offset_reset': 'latest',
        'enable_auto_commit': True,
        'auto_commit_interval_ms': 5000,
        'default_offset_commit_callback': _default_commit_callback,
        'check_crcs': True,
        'isolation_level': 'read_uncommitted',
        'allow_auto_create_topics': True,
        'metadata_max_age_ms': 5 * 60 * 1000,
        'client_dns_lookup': 'use_all_dns_ips',
        'partition_assignment_strategy': (RangePartitionAssignor, RoundRobinPartitionAssignor),
        'max_poll_records': 500,
        'max_poll_interval_ms': 300000,
        'session_timeout_ms': 10000,
        'heartbeat_interval_ms': 3000,
        'group_protocol': 'classic',
        'group_remote_assignor': None,
        'receive_buffer_bytes': None,
        'send_buffer_bytes': None,
        'receive_message_max_bytes': 100_000_000,
        'socket_options': None,
        'sock_chunk_bytes': 4096,
        'sock_chunk_buffer_count': 1000,
        'consumer_timeout_ms': float('inf'),
        'legacy_iterator': False,
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
        'bootstrap_topics_filter': set(),
        'connections_max_idle_ms': 9 * 60 * 1000,
        'metric_reporters': [],
        'metrics_enabled': True,
        'metrics_num_samples': 2,
        'metrics_sample_window_ms': 30000,
        'metric_group_prefix': 'consumer',
        'selector': None,
        'exclude_internal_topics': True,
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

    def __init__(self, *topics: str, **configs: Any) -> None:
        check_unrecognized(configs, self.DEFAULT_CONFIG)
        self.config: dict[str, Any] = dict(self.DEFAULT_CONFIG)
        self.config.update(configs)
        if self.config['client_id'] is None:
            self.config['client_id'] = f'kafka-python-consumer-{next(_CLIENT_ID_SEQUENCE)}'
        for key in _UNSUPPORTED_CONFIGS:
            if key in configs and configs[key] != self.DEFAULT_CONFIG[key]:
                raise UnsupportedConfigError(f'{key}={configs[key]!r} is not supported by kafka-python-rs yet')
        reset = self.config['auto_offset_reset']
        if reset not in ('earliest', 'latest', 'none', 'smallest', 'largest'):
            raise Errors.KafkaConfigurationError(f'Unrecognized auto_offset_reset value: {reset!r}')
        if self.config['isolation_level'] not in ('read_uncommitted', 'read_committed'):
            raise Errors.KafkaConfigurationError(
                f"Unrecognized isolation_level: {self.config['isolation_level']!r}")
        # kafka-python's check: a fetch must be able to wait its full time within a request,
        # and a request must end before the connection is considered idle.
        request_timeout_ms = self.config['request_timeout_ms']
        if request_timeout_ms <= self.config['fetch_max_wait_ms']:
            raise Errors.KafkaConfigurationError(
                f"Request timeout ({request_timeout_ms}) must be larger than fetch-max-wait-ms "
                f"({self.config['fetch_max_wait_ms']})")
        if request_timeout_ms >= self.config['connections_max_idle_ms']:
            raise Errors.KafkaConfigurationError(
                f"Request timeout ({request_timeout_ms}) must be less than connections_max_idle_ms "
                f"({self.config['connections_max_idle_ms']})")
        if self.config['group_id'] is None:
            self.config['enable_auto_commit'] = False
        if self.config['group_protocol'] not in ('classic', 'consumer'):
            raise Errors.KafkaConfigurationError(
                f"group_protocol must be 'classic' or 'consumer', not {self.config['group_protocol']!r}")
        assignors, self._rebalance_protocol = resolve_strategy(self.config['partition_assignment_strategy'])
        if _native is None:
            raise ImportError(f'kafka._native is not available: {_NATIVE_IMPORT_ERROR}')
        native_cfg = {k: self.config[k] for k in _NATIVE_KEYS}
        native_cfg['bootstrap_servers'] = collect_hosts(self.config['bootstrap_servers'])
        native_cfg['assignors'] = assignors
        native_cfg.update(native_security(self.config))
        key_fn, key_mode = _deserializer_call(self.config['key_deserializer'])
        value_fn, value_mode = _deserializer_call(self.config['value_deserializer'])
        self._native = _native.Consumer(native_cfg, key_fn, key_mode, value_fn, value_mode)
        #: kafka-python's ``_client.cluster``, as a read-only view of the core's metadata.
        self._client = ClientView(self._native.cluster_snapshot)
        self._closed = False
        self._inherited = False
        _fork.track(self)
        self._listener: ConsumerRebalanceListener | None = None
        self._pattern: re.Pattern[str] | None = None
        self._pattern_checked = 0.0
        # Iterator state: the records of the last poll, how many were handed out (``_iter_index``)
        # and up to where their positions were reported to the core (``_iter_flushed``). Positions
        # are derived from the handed-out prefix when needed instead of being stored per record.
        self._iter_batch: list[Any] = []
        self._iter_runs: list[tuple[int, int]] = []
        self._iter_index = 0
        self._iter_flushed = 0
        self._commit_futures: dict[int, tuple[Future, Any, Callable[..., Any] | None]] = {}
        bootstrap_ms = eager_bootstrap_timeout_ms(self.config, configs)
        if bootstrap_ms is not None:
            try:
                self._native.bootstrap(bootstrap_ms)
            except BaseException:
                self._closed = True
                self._native.close(False, 0.0)
                raise
        if topics:
            self.subscribe(topics=topics)

    # ---- helpers ----

    def _check_open(self) -> None:
        if self._closed:
            raise _StateError('KafkaConsumer is closed')
        if self._inherited:
            raise _fork.inherited_error(self)

    def _on_fork(self) -> None:
        """In a forked child: this consumer belongs to the parent (see :mod:`kafka._fork`)."""
        self._inherited = True

    def _check_partition(self, partition: Any, assigned: set[TopicPartition] | None = None) -> TopicPartition:
        if not isinstance(partition, TopicPartition):
            raise TypeError('partition must be a TopicPartition namedtuple')
        if assigned is not None and partition not in assigned:
            raise _StateError(f'No current assignment for partition {partition}')
        return partition

    def _flush_iter_positions(self) -> None:
        start, end = self._iter_flushed, self._iter_index
        if end > start:
            batch = self._iter_batch
            positions = []
            # One look per partition run, not per record: the batch holds each partition's
            # records contiguously, in offset order.
            for begin, stop in self._iter_runs:
                if begin < end and stop > start:
                    r = batch[min(stop, end) - 1]
                    positions.append((r.topic, r.partition, r.offset + 1, r.leader_epoch))
            self._iter_flushed = end
            self._native.update_positions(positions)

    def _reset_iter(self, per_partition: Any = ()) -> None:
        """Replace the iterator batch with the given per-partition record lists."""
        batch: list[Any] = []
        runs: list[tuple[int, int]] = []
        for recs in per_partition:
            if recs:
                runs.append((len(batch), len(batch) + len(recs)))
                batch.extend(recs)
        self._iter_batch = batch
        self._iter_runs = runs
        self._iter_index = self._iter_flushed = 0

    def _drop_iter_records(self, partitions: Any) -> None:
        self._flush_iter_positions()
        keys = {(tp.topic, tp.partition) for tp in partitions}
        rest: dict[tuple[str, int], list[Any]] = {}
        for r in self._iter_batch[self._iter_index:]:
            key = (r.topic, r.partition)
            if key not in keys:
                rest.setdefault(key, []).append(r)
        self._reset_iter(rest.values())

    def _run_commit_callbacks(self) -> None:
        if not self._commit_futures:
            return
        for commit_id, exc in self._native.take_commit_results():
            entry = self._commit_futures.pop(commit_id, None)
            if entry is None:
                continue
            future, offsets, callback = entry
            if exc is None:
                future.success(None)
            else:
                if isinstance(exc, _COMMIT_FAILED):
                    exc = Errors.CommitFailedError(str(exc))
                future.failure(exc)
            cb = callback or self.config['default_offset_commit_callback']
            try:
                cb(offsets, exc)
            except Exception:
                log.exception('Offset commit callback %r failed', cb)

    def _maybe_update_pattern(self, force: bool = False) -> None:
        if self._pattern is None:
            return
        period = min(self.config['metadata_max_age_ms'], 30000) / 1000.0
        now = time.monotonic()
        if not force and now - self._pattern_checked < period:
            return
        self._pattern_checked = now
        topics = self._native.topics(self.config['exclude_internal_topics'])
        matched = sorted(t for t in topics if self._pattern.match(t))
        self._native.subscribe(matched)

    def _ensure_group(self, timeout_s: float) -> bool:
        """Run pending rebalance steps (and the listener); True once the assignment is current."""
        deadline = time.monotonic() + timeout_s
        while True:
            left = max(0.0, deadline - time.monotonic())
            kind, parts = self._native.group_step(left)
            tps = {TopicPartition(t, p) for t, p in parts}
            if kind in ('stable', 'joining'):  # joining: a cooperative join; keep consuming
                return True
            if kind == 'pending':
                return False
            if kind in ('revoke', 'lost'):
                self._drop_iter_records(tps)
                self._call_listener('on_partitions_revoked' if kind == 'revoke' else 'on_partitions_lost', tps)
                self._flush_iter_positions()
                continue
            self._call_listener('on_partitions_assigned', tps)
            return True

    def _call_listener(self, method: str, partitions: set[TopicPartition]) -> None:
        if self._listener is None:
            return
        if method == 'on_partitions_lost' and not hasattr(self._listener, method):
            method = 'on_partitions_revoked'  # a listener without on_partitions_lost, as kafka-python 3
        try:
            getattr(self._listener, method)(partitions)
        except Exception:
            log.exception('User provided listener %s failed on %s', self._listener, method)

    # ---- subscription ----

    def subscribe(self, topics: Any = (), pattern: str | None = None,
                  listener: ConsumerRebalanceListener | None = None) -> None:
        """Subscribe to a list of topics, or a topic regex pattern.

        Partitions are assigned dynamically through the consumer group (or, without
        group_id, every partition of the topics is read). Replaces any previous
        subscription. Raises IllegalStateError after :meth:`assign`.

        Arguments:
            topics (list): topics to subscribe to.
            pattern (str): regex matched against all topic names; re-evaluated
                periodically. Mutually exclusive with topics.
            listener (ConsumerRebalanceListener): called on partition revocation
                and assignment, from inside :meth:`poll`.
        """
        self._check_open()
        if isinstance(topics, str):
            topics = [topics]
        topics = list(topics or ())
        if topics and pattern:
            raise _StateError('Subscription to topics, partitions and pattern are mutually exclusive')
        if not topics and not pattern:
            raise _UsageError('Must provide topics or pattern')
        if listener is not None and not isinstance(listener, ConsumerRebalanceListener):
            raise TypeError('listener must be a ConsumerRebalanceListener')
        if self._native.subscription() is None and self._native.assignment():
            raise _StateError('Subscription to topics, partitions and pattern are mutually exclusive')
        self._listener = listener
        if pattern:
            self._pattern = re.compile(pattern)
            self._native.subscribe([])
            self._maybe_update_pattern(force=True)
        else:
            for t in topics:
                ensure_valid_topic_name(t)
            self._pattern = None
            self._native.subscribe(topics)

    def subscription(self) -> set[str] | None:
        """The set of subscribed topics, or None without a subscription."""
        topics = self._native.subscription()
        return None if topics is None else set(topics)

    def unsubscribe(self) -> None:
        """Unsubscribe from all topics, leave the group and clear the assignment."""
        self._check_open()
        self._reset_iter()
        self._pattern = None
        self._native.unsubscribe()

    def assign(self, partitions: Any) -> None:
        """Manually assign a list of TopicPartitions (no group rebalancing).

        Raises IllegalStateError if the consumer has a subscription.
        """
        self._check_open()
        partitions = list(partitions)
        for tp in partitions:
            self._check_partition(tp)
        if self._native.subscription() is not None:
            raise _StateError('Subscription to topics, partitions and pattern are mutually exclusive')
        if not partitions:
            self.unsubscribe()
            return
        self._native.assign([(tp.topic, tp.partition) for tp in partitions])

    def assignment(self) -> set[TopicPartition]:
        """The set of TopicPartitions currently assigned to this consumer."""
        return {TopicPartition(t, p) for t, p in self._native.assignment()}

    # ---- consuming ----

    def poll(self, timeout_ms: float = 0, max_records: int | None = None,
             update_offsets: bool = True) -> dict[TopicPartition, list[Any]]:
        """Fetch records from the assigned partitions.

        Runs pending group work first (rebalance listener callbacks, joining),
        then returns the records already prefetched, waiting up to
        ``timeout_ms`` for some.

        Arguments:
            timeout_ms (int): milliseconds to wait for records. Default: 0.
            max_records (int): maximum records returned. Default: max_poll_records.

        Returns:
            dict: {TopicPartition: [ConsumerRecord]}
        """
        if timeout_ms < 0:
            raise ValueError('Timeout must not be negative')
        if max_records is None:
            max_records = self.config['max_poll_records']
        if not isinstance(max_records, int):
            raise TypeError('max_records must be an integer')
        if max_records <= 0:
            raise ValueError('max_records must be positive')
        self._check_open()
        deadline = time.monotonic() + timeout_ms / 1000.0
        while True:
            self._flush_iter_positions()
            self._run_commit_callbacks()
            self._maybe_update_pattern()
            left = max(0.0, deadline - time.monotonic())
            if self._ensure_group(left):
                left = max(0.0, deadline - time.monotonic())
                records = self._native.poll(max_records, left, update_offsets)
                if records:
                    return records
            if time.monotonic() >= deadline:
                return {}

    def __iter__(self) -> Any:
        # A generator resumes faster than a Python-level __next__; it shares the batch/index
        # state with __next__, so next(consumer) and for-loops can be mixed.
        return self._iter_records()

    def _iter_records(self) -> Any:
        while True:
            batch = self._iter_batch
            i = self._iter_index
            n = len(batch)
            while i < n and not self._closed:
                i += 1
                self._iter_index = i
                yield batch[i - 1]
                if self._iter_batch is not batch:  # a seek, pause or rebalance replaced the batch
                    break
            else:
                try:
                    record = self._next_record()
                except StopIteration:
                    return
                yield record

    def __next__(self) -> Any:
        i = self._iter_index
        if i < len(self._iter_batch) and not self._closed:
            self._iter_index = i + 1
            return self._iter_batch[i]
        return self._next_record()

    def _next_record(self) -> Any:
        """The next record, polling when the last batch is used up; StopIteration when nothing
        arrives within consumer_timeout_ms (counted from when the wait starts)."""
        self._check_open()
        if self._iter_index >= len(self._iter_batch):
            deadline = time.monotonic() + self.config['consumer_timeout_ms'] / 1000.0
            while self._iter_index >= len(self._iter_batch):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StopIteration
                # poll() reports the positions of the records handed out so far first.
                records = self.poll(timeout_ms=min(left, 1.0) * 1000.0,
                                    max_records=self.config['max_poll_records'], update_offsets=False)
                self._reset_iter(records.values())
        record = self._iter_batch[self._iter_index]
        self._iter_index += 1
        return record

    # ---- positions ----

    def seek(self, partition: TopicPartition, offset: int) -> None:
        """Set the offset the next poll() reads ``partition`` from."""
        self._check_partition(partition)
        if not isinstance(offset, int) or offset < 0:
            raise _UsageError('Offset must be >= 0')
        self._check_partition(partition, self.assignment())
        self._drop_iter_records([partition])
        self._native.seek(partition.topic, partition.partition, offset)

    def _seek_to(self, partitions: tuple[Any, ...], to_end: bool) -> None:
        assigned = self.assignment()
        if not partitions:
            partitions = tuple(assigned)
        for tp in partitions:
            self._check_partition(tp, assigned)
        self._drop_iter_records(partitions)
        self._native.seek_to([(tp.topic, tp.partition) for tp in partitions], to_end)

    def seek_to_beginning(self, *partitions: TopicPartition) -> None:
        """Seek to the oldest available offset (all assigned partitions if none given)."""
        self._seek_to(partitions, False)

    def seek_to_end(self, *partitions: TopicPartition) -> None:
        """Seek to the end offset (all assigned partitions if none given)."""
        self._seek_to(partitions, True)

    def pause(self, *partitions: TopicPartition) -> None:
        """Stop returning records of ``partitions`` from poll() until resumed."""
        for tp in partitions:
            self._check_partition(tp)
        self._native.set_paused([(tp.topic, tp.partition) for tp in partitions], True)

    def resume(self, *partitions: TopicPartition) -> None:
        """Resume partitions paused by :meth:`pause`."""
        for tp in partitions:
            self._check_partition(tp)
        self._native.set_paused([(tp.topic, tp.partition) for tp in partitions], False)

    def paused(self) -> set[TopicPartition]:
        """The set of paused partitions."""
        return {TopicPartition(t, p) for t, p in self._native.paused()}

    def position(self, partition: TopicPartition, timeout_ms: float | None = None) -> int | None:
        """The offset of the next record that will be fetched for ``partition``.

        Waits (up to ``timeout_ms``, default forever) for the position to be
        resolved from the committed offset or auto_offset_reset.
        """
        self._check_partition(partition, self.assignment())
        self._flush_iter_positions()
        timeout = None if timeout_ms is None else timeout_ms / 1000.0
        return self._native.position(partition.topic, partition.partition, timeout)

    def highwater(self, partition: TopicPartition) -> int | None:
        """The last known high watermark of ``partition`` (None before its first fetch)."""
        self._check_partition(partition, self.assignment())
        return self._native.highwater(partition.topic, partition.partition)

    def _list_offsets(self, queries: list[tuple[TopicPartition, int]], timeout_ms: float | None) -> dict[Any, Any]:
        timeout = (self.config['request_timeout_ms'] if timeout_ms is None else timeout_ms) / 1000.0
        return self._native.list_offsets([(tp.topic, tp.partition, ts) for tp, ts in queries], timeout)

    def beginning_offsets(self, partitions: Any, timeout_ms: float | None = None) -> dict[TopicPartition, int]:
        """The earliest available offset of each partition."""
        partitions = list(partitions)
        for tp in partitions:
            self._check_partition(tp)
        found = self._list_offsets([(tp, -2) for tp in partitions], timeout_ms)
        return {tp: found[(tp.topic, tp.partition)][0] for tp in partitions}

    def end_offsets(self, partitions: Any, timeout_ms: float | None = None) -> dict[TopicPartition, int]:
        """The end offset (offset of the next record written) of each partition."""
        partitions = list(partitions)
        for tp in partitions:
            self._check_partition(tp)
        found = self._list_offsets([(tp, -1) for tp in partitions], timeout_ms)
        return {tp: found[(tp.topic, tp.partition)][0] for tp in partitions}

    def offsets_for_times(self, timestamps: dict[TopicPartition, int],
                          timeout_ms: float | None = None) -> dict[TopicPartition, OffsetAndTimestamp | None]:
        """The earliest offset whose timestamp is >= the given one, per partition (None if none)."""
        for tp, ts in timestamps.items():
            self._check_partition(tp)
            if ts < 0:
                raise ValueError(f'The target time for partition {tp} is {ts}. The target time cannot be negative.')
        found = self._list_offsets(list(timestamps.items()), timeout_ms)
        result: dict[TopicPartition, OffsetAndTimestamp | None] = {}
        for tp in timestamps:
            offset, ts, epoch = found[(tp.topic, tp.partition)]
            result[tp] = None if offset < 0 else OffsetAndTimestamp(offset, ts, epoch if epoch >= 0 else None)
        return result

    # ---- offsets ----

    def _require_group(self) -> None:
        if self.config['group_id'] is None:
            raise _StateError('Requires group_id')

    @staticmethod
    def _offsets_arg(offsets: dict[TopicPartition, Any] | None) -> list[tuple[str, int, int, str, int]] | None:
        if offsets is None:
            return None
        out = []
        for tp, om in offsets.items():
            if isinstance(om, int):
                om = OffsetAndMetadata(om, '', -1)
            epoch = getattr(om, 'leader_epoch', -1)
            out.append((tp.topic, tp.partition, om.offset, om.metadata or '', -1 if epoch is None else epoch))
        return out

    def commit(self, offsets: dict[TopicPartition, OffsetAndMetadata] | None = None,
               timeout_ms: float | None = None) -> None:
        """Commit offsets synchronously (default: the consumed positions of all assigned partitions).

        Raises CommitFailedError if the group rebalanced in the meantime.
        """
        self._require_group()
        self._check_open()
        self._flush_iter_positions()
        timeout = None if timeout_ms is None else timeout_ms / 1000.0
        try:
            self._native.commit(self._offsets_arg(offsets), timeout)
        except _COMMIT_FAILED as exc:
            raise Errors.CommitFailedError(str(exc)) from exc
        self._run_commit_callbacks()

    def commit_async(self, offsets: dict[TopicPartition, OffsetAndMetadata] | None = None,
                     callback: Callable[..., Any] | None = None) -> Future:
        """Commit offsets without waiting; ``callback(offsets, response_or_exception)`` runs in a later poll()."""
        self._require_group()
        self._check_open()
        self._flush_iter_positions()
        commit_id = self._native.commit_async(self._offsets_arg(offsets))
        future = Future()
        self._commit_futures[commit_id] = (future, offsets, callback)
        return future

    def committed(self, partition: TopicPartition, metadata: bool = False,
                  timeout_ms: float | None = None) -> int | OffsetAndMetadata | None:
        """The last committed offset of ``partition`` (None if none), or OffsetAndMetadata with metadata=True."""
        self._require_group()
        self._check_partition(partition)
        timeout = None if timeout_ms is None else timeout_ms / 1000.0
        (found,) = self._native.committed([(partition.topic, partition.partition)], timeout)
        if found is None:
            return None
        offset, meta, epoch = found
        return OffsetAndMetadata(offset, meta, epoch) if metadata else offset

    # ---- metadata ----

    def topics(self) -> set[str]:
        """All topics the user is authorized to see."""
        return set(self._native.topics(self.config['exclude_internal_topics']))

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        """The partition ids of ``topic``, or None if it is unknown."""
        parts = self._native.topics(False).get(topic)
        return None if parts is None else set(parts)

    def bootstrap(self, timeout_ms: float | None = None, refresh: bool = False) -> None:
        """Block until the consumer has bootstrapped cluster metadata (kafka-python 3).

        Bootstrap otherwise happens when metadata is first needed.

        Arguments:
            timeout_ms (int, optional): maximum time to wait, in milliseconds;
                None waits indefinitely. Default: None.
            refresh (bool): bootstrap again even when it already succeeded.
                Default: False.

        Raises:
            KafkaTimeoutError: bootstrap did not complete within ``timeout_ms``.
        """
        self._check_open()
        if self._native.bootstrap_connected() and not refresh:
            return
        deadline = None if timeout_ms is None else time.monotonic() + timeout_ms / 1000.0
        while True:
            left_ms = 60_000.0 if deadline is None else max(0.0, (deadline - time.monotonic()) * 1000.0)
            try:
                self._native.bootstrap(left_ms)
                return
            except Errors.NoBrokersAvailable as exc:
                if deadline is not None and time.monotonic() >= deadline:
                    raise Errors.KafkaTimeoutError(f'Bootstrap did not complete within {timeout_ms} ms') from exc

    def next_v1(self) -> Any:
        """kafka-python 2's iterator step (same as ``next(consumer)``)."""
        return next(self)

    def next_v2(self) -> Any:
        """kafka-python 2's iterator step (same as ``next(consumer)``)."""
        return next(self)

    def bootstrap_connected(self) -> bool:
        """Whether a bootstrap connection has succeeded."""
        return self._native.bootstrap_connected()

    def metrics(self, raw: bool = False) -> dict[str, dict[str, Any]]:
        """Consumer metrics, grouped as kafka-python groups them."""
        return {'consumer-fetch-manager-metrics': dict(self._native.metrics())}

    def group_metadata(self) -> ConsumerGroupMetadata:
        """The consumer's group membership, for ``KafkaProducer.send_offsets_to_transaction``.

        Returns:
            ConsumerGroupMetadata: group id, generation, member id, group instance id and
            membership state (generation -1 and member id '' before the first join).
        """
        generation = self._native.group_generation()
        group_id = self.config['group_id']
        instance = self.config['group_instance_id']
        if generation is None:
            return ConsumerGroupMetadata(group_id, -1, '', instance, MemberState.UNJOINED)
        gen, member_id, stable = generation
        if stable:
            state = MemberState.STABLE
        elif gen >= 0 or member_id:
            state = MemberState.REBALANCING
        else:
            state = MemberState.UNJOINED
        return ConsumerGroupMetadata(group_id, gen, member_id, instance, state)

    # ---- lifecycle ----

    def close(self, autocommit: bool = True, timeout_ms: float | None = None) -> None:
        """Commit consumed offsets (if autocommit and enable_auto_commit), leave the group, disconnect."""
        if self._closed:
            return
        if self._inherited:
            self._closed = True  # the parent's group membership and offsets are the parent's
            return
        self._flush_iter_positions()
        if self._listener is not None and self.config['group_id'] is not None and self._native.subscription() is not None:
            # Leaving the group revokes the assignment: the listener runs while this consumer is
            # still a member, so offsets it commits are accepted (as kafka-python and Java do).
            assigned = self.assignment()
            lost = self._native.take_membership_lost()
            if assigned:
                # A member the group already dropped cannot commit: its partitions are lost.
                self._call_listener('on_partitions_lost' if lost else 'on_partitions_revoked', assigned)
                self._flush_iter_positions()
        self._native.close(autocommit, None if timeout_ms is None else timeout_ms / 1000.0)
        self._run_commit_callbacks()
        self._closed = True
        for key in ('key_deserializer', 'value_deserializer'):
            d = self.config[key]
            if isinstance(d, Deserializer):
                d.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __del__(self) -> None:
        if not getattr(self, '_closed', True) and not self._inherited:
            try:
                self._native.close(False, 1.0)
            except Exception:  # noqa: BLE001,S110 - best effort at garbage collection
                pass
