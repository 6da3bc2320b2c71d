"""AIOKafkaConsumer: aiokafka's consumer API on the Rust consumer core."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import inspect
import logging
import re
import time
import warnings
from typing import TYPE_CHECKING, Any, Callable

from kafka import _fork
from kafka import errors as Errors
from kafka._compat import collect_hosts, ensure_valid_topic_name
from kafka._security import aiokafka_security, set_token_loop
from kafka.aio._loop import construction_loop
from kafka.aio.structs import ConsumerRecord, OffsetAndTimestamp
from kafka.cluster import ClientView
from kafka.consumer.subscription_state import AsyncConsumerRebalanceListener as _AsyncListener
from kafka.consumer.subscription_state import ConsumerRebalanceListener as _SyncListener
from kafka.coordinator.assignors._adapter import resolve_strategy
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from kafka.structs import OffsetAndMetadata, TopicPartition

try:
    from kafka import _native
except ImportError:  # pragma: no cover - exercised only without the extension
    _native = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType

    from typing_extensions import Self

log = logging.getLogger(__name__)

_COMMIT_FAILED = (Errors.IllegalGenerationError, Errors.UnknownMemberIdError, Errors.RebalanceInProgressError)
# Records moved per refill of getone()'s buffer when max_poll_records is not set.
_GETONE_BATCH = 500
_UNLIMITED = 2**31 - 1
# How long one awaited core wait may last before the Python side re-checks its state.
_WAIT_SLICE_S = 5.0


class ConsumerRebalanceListener(_SyncListener):
    """aiokafka's rebalance listener: override both methods; they may be coroutines.

    ``on_partitions_revoked(revoked)`` runs before the consumer rejoins the
    group (commit offsets here to avoid duplicates) and
    ``on_partitions_assigned(assigned)`` once the new assignment is known;
    both on the event loop, from inside ``getone()`` / ``getmany()`` /
    ``async for``.  Instances of :class:`kafka.ConsumerRebalanceListener`
    are accepted too.
    """

    def on_partitions_revoked(self, revoked: set[TopicPartition]) -> Any:
        raise NotImplementedError

    def on_partitions_assigned(self, assigned: set[TopicPartition]) -> Any:
        raise NotImplementedError


def _check_partitions(partitions: Iterable[Any], message: str = 'partitions must be TopicPartition instances') -> None:
    if not all(isinstance(p, TopicPartition) for p in partitions):
        raise TypeError(message)


class AIOKafkaConsumer:
    """An asyncio Kafka consumer with aiokafka's API, running on the Rust core.

    Fetching (with prefetching while the application processes records),
    decompression, decoding, the group protocol and the heartbeat run on the
    Rust core's I/O threads.  Waiting for records, for a join or for a broker
    answer is an awaitable on that runtime: the event loop is never blocked.
    ``getone()`` / ``getmany()`` first wait until records are ready (consuming
    nothing) and only then take them, so cancelling a waiting task loses no
    record: the next call returns it.

    Arguments:
        *topics (str): optional topics to subscribe to.

    Keyword Arguments (aiokafka's names and defaults):
        bootstrap_servers: 'host[:port]' string or list. Default: 'localhost'.
        client_id (str): Default: 'aiokafka-<version>'.
        group_id (str or None): consumer group for dynamic assignment and
            offset commits. Without it, subscribed topics are read in full and
            nothing is committed. Default: None.
        group_instance_id (str): static membership (KIP-345). Default: None.
        key_deserializer, value_deserializer (callable): called with the raw
            bytes (or None) of every record.
        fetch_max_wait_ms (int): Default: 500. fetch_max_bytes (int): Default: 52428800.
        fetch_min_bytes (int): Default: 1. max_partition_fetch_bytes (int): Default: 1048576.
        request_timeout_ms (int): Default: 40000. retry_backoff_ms (int): Default: 100.
        auto_offset_reset (str): 'earliest', 'latest' or 'none'. Default: 'latest'.
        enable_auto_commit (bool): commit consumed offsets every
            auto_commit_interval_ms and on stop(). Default: True.
        auto_commit_interval_ms (int): Default: 5000.
        check_crcs (bool): Default: True. metadata_max_age_ms (int): Default: 300000.
        partition_assignment_strategy: assignor classes or instances (range,
            roundrobin, sticky, cooperative-sticky, or your own
            AbstractPartitionAssignor, run by the group leader). Default:
            (RoundRobinPartitionAssignor,).
        max_poll_interval_ms (int): Default: 300000.
        session_timeout_ms (int): Default: 10000. heartbeat_interval_ms (int): Default: 3000.
        max_poll_records (int or None): bound of getmany() results. Default: None.
        exclude_internal_topics (bool): Default: True.
        isolation_level (str): 'read_uncommitted' or 'read_committed'.
        group_protocol (str): 'classic' or 'consumer' (KIP-848: broker-side,
            incremental assignment; Kafka 4.0+). Default: 'classic'.
        group_remote_assignor (str): the broker-side assignor for
            group_protocol='consumer' ('uniform', 'range'). Default: None.

    ``rebalance_timeout_ms``, ``consumer_timeout_ms``, ``api_version``
    and ``connections_max_idle_ms`` are accepted and have no effect.
    ``client_rack`` selects a replica in that rack to fetch from (KIP-392).
    """

    def __init__(
        self, *topics: str, loop: asyncio.AbstractEventLoop | None = None, bootstrap_servers: Any = 'localhost',
        client_id: str = 'aiokafka-0.14.0', group_id: str | None = None, group_instance_id: str | None = None,
        key_deserializer: Callable[[Any], Any] | None = None,
        value_deserializer: Callable[[Any], Any] | None = None, fetch_max_wait_ms: int = 500,
        fetch_max_bytes: int = 52428800, fetch_min_bytes: int = 1, max_partition_fetch_bytes: int = 1048576,
        request_timeout_ms: int = 40000, retry_backoff_ms: int = 100, auto_offset_reset: str = 'latest',
        enable_auto_commit: bool = True, auto_commit_interval_ms: int = 5000, check_crcs: bool = True,
        metadata_max_age_ms: int = 300000, partition_assignment_strategy: Any = (RoundRobinPartitionAssignor,),
        max_poll_interval_ms: int = 300000, rebalance_timeout_ms: int | None = None,
        session_timeout_ms: int = 10000, heartbeat_interval_ms: int = 3000, consumer_timeout_ms: int = 200,
        max_poll_records: int | None = None, ssl_context: Any = None, security_protocol: str = 'PLAINTEXT',
        api_version: Any = None, exclude_internal_topics: bool = True, connections_max_idle_ms: int = 540000,
        isolation_level: str = 'read_uncommitted', sasl_mechanism: str = 'PLAIN',
        sasl_plain_password: str | None = None, sasl_plain_username: str | None = None,
        sasl_kerberos_service_name: str = 'kafka', sasl_kerberos_domain_name: str | None = None,
        sasl_oauth_token_provider: Any = None, client_rack: str | None = None,
        group_protocol: str = 'classic', group_remote_assignor: str | None = None,
    ) -> None:
        loop = construction_loop(loop, api_version, 'The loop argument is deprecated since 0.7.1, '
                                 'and scheduled for removal in 0.9.0')
        security = aiokafka_security(
            security_protocol, ssl_context, sasl_mechanism, sasl_plain_username, sasl_plain_password,
            sasl_kerberos_service_name, sasl_kerberos_domain_name, sasl_oauth_token_provider)
        if max_poll_records is not None and (not isinstance(max_poll_records, int) or max_poll_records < 1):
            raise ValueError('`max_poll_records` should be positive Integer')
        if auto_offset_reset not in ('earliest', 'latest', 'none'):
            raise ValueError(f'Unrecognized auto_offset_reset value: {auto_offset_reset!r}')
        if isolation_level not in ('read_uncommitted', 'read_committed'):
            raise ValueError(f'Incorrect isolation level {isolation_level}')
        if group_protocol not in ('classic', 'consumer'):
            raise ValueError(f"group_protocol must be 'classic' or 'consumer', not {group_protocol!r}")
        assignors, self._rebalance_protocol = resolve_strategy(partition_assignment_strategy)
        if _native is None:
            raise ImportError('kafka-python-rs: the native extension kafka._native is not available')
        self._loop = loop
        self._group_id = group_id
        self._request_timeout_ms = int(request_timeout_ms)
        self._max_poll_records = max_poll_records
        self._exclude_internal_topics = exclude_internal_topics
        self._metadata_max_age_ms = int(metadata_max_age_ms)
        self.client_id = client_id
        self._bootstrap_hosts = collect_hosts(bootstrap_servers)
        self._security = security
        native_cfg: dict[str, Any] = {
            **security,
            'bootstrap_servers': self._bootstrap_hosts,
            'client_id': str(client_id),
            'group_id': group_id,
            'group_instance_id': group_instance_id,
            'fetch_max_wait_ms': int(fetch_max_wait_ms),
            'fetch_min_bytes': int(fetch_min_bytes),
            'fetch_max_bytes': int(fetch_max_bytes),
            'max_partition_fetch_bytes': int(max_partition_fetch_bytes),
            'request_timeout_ms': int(request_timeout_ms),
            'default_api_timeout_ms': int(request_timeout_ms),
            'retry_backoff_ms': int(retry_backoff_ms),
            'auto_offset_reset': auto_offset_reset,
            'enable_auto_commit': bool(enable_auto_commit) and group_id is not None,
            'auto_commit_interval_ms': int(auto_commit_interval_ms),
            'check_crcs': bool(check_crcs),
            'client_rack': client_rack or '',
            'isolation_level': isolation_level,
            'metadata_max_age_ms': int(metadata_max_age_ms),
            'max_poll_interval_ms': int(max_poll_interval_ms),
            'session_timeout_ms': int(session_timeout_ms),
            'heartbeat_interval_ms': int(heartbeat_interval_ms),
            'assignors': assignors,
            'group_protocol': group_protocol,
            'group_remote_assignor': group_remote_assignor,
        }
        self._core: Any = _native.Consumer(native_cfg)
        #: aiokafka's client, for ``_client.cluster``: a read-only view of the core's metadata.
        self._client = ClientView(self._core.cluster_snapshot)
        self._aio: Any = _native.AioConsumer(self._core, ConsumerRecord, key_deserializer, value_deserializer)
        self._started = False
        self._closed = False
        _fork.track(self)
        self._listener: Any = None
        self._pattern: re.Pattern[str] | None = None
        self._pattern_checked = 0.0
        # Records taken from the core by getone() but not handed out yet, and the positions
        # (offset after the last record handed out) not yet told to the core.
        self._records: collections.deque[ConsumerRecord[Any, Any]] = collections.deque()
        self._positions: dict[tuple[str, int], int] = {}
        self._group_lock: asyncio.Lock | None = None
        self._group_task: asyncio.Task[None] | None = None
        self._retry_backoff_ms = int(retry_backoff_ms)
        if topics:
            self.subscribe(topics=topics)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect to the cluster, load its metadata and resolve the subscription.

        As aiokafka: with a subscription and a group_id, returns once the
        group's first assignment is complete (the rebalance listener's
        ``on_partitions_assigned`` has run); without group_id, all partitions
        of the subscribed topics are assigned here.  The membership is then
        kept in the background (heartbeats on the Rust core, rebalances in a
        task on this loop), so ``assignment()``, ``seek_to_beginning()`` and
        ``position()`` work right after ``start()``.
        """
        if self._closed:
            raise Errors.ConsumerStoppedError()
        if self._started:
            return
        loop = asyncio.get_running_loop()
        if self._loop is not None and self._loop is not loop:
            raise RuntimeError('Please create objects with the same loop as running with')
        self._loop = loop
        set_token_loop(self._security, loop)
        self._group_lock = asyncio.Lock()
        try:
            await self._aio.bootstrap(self._request_timeout_ms / 1000)
        except Errors.AuthenticationFailedError:
            await self._aio.close(False, 0.0)
            self._closed = True
            raise
        except Errors.KafkaError as exc:
            await self._aio.close(False, 0.0)
            self._closed = True
            raise Errors.KafkaConnectionError(f'Unable to bootstrap from {self._bootstrap_hosts}') from exc
        self._started = True
        if self._pattern is not None:
            await self._update_pattern(force=True)
        if self._core.subscription() is not None:
            await self._first_assignment()
        self._group_task = loop.create_task(self._group_routine())
        log.debug('Kafka consumer %s started', self.client_id)

    async def _first_assignment(self) -> None:
        """Wait until the subscription is resolved into an assignment (aiokafka's start())."""
        if self._group_id is None:
            # Every partition of the subscribed topics, as soon as their metadata is known.
            deadline = time.monotonic() + self._request_timeout_ms / 1000
            while not await self._ensure_group(min(_WAIT_SLICE_S, max(0.0, deadline - time.monotonic()))):
                if time.monotonic() >= deadline:
                    log.warning('metadata of subscribed topics %s not available yet', self.subscription())
                    return
            return
        while not await self._ensure_group(_WAIT_SLICE_S):
            pass

    async def _group_routine(self) -> None:
        """Keeps the group membership between getmany() calls: runs rebalances (and the
        listener) as soon as the group asks for one, and refreshes a pattern subscription."""
        while not self._closed:
            try:
                await self._update_pattern()
                if await self._aio.wait_group_work(_WAIT_SLICE_S) and not self._closed:
                    await self._ensure_group(_WAIT_SLICE_S, touch=False)
            except Errors.ConsumerStoppedError:
                return
            except Exception:
                if self._closed:
                    return
                log.exception('Unexpected error in the group membership task of %s', self.client_id)
                await asyncio.sleep(self._retry_backoff_ms / 1000)

    async def stop(self) -> None:
        """Commit consumed offsets (with enable_auto_commit), leave the group and disconnect.

        A pending ``getmany()`` returns ``{}`` and a pending ``getone()``
        raises :class:`~kafka.errors.ConsumerStoppedError`, as in aiokafka.
        Calling it again is a no-op.
        """
        if self._closed:
            return
        self._closed = True
        if getattr(self, '_inherited', False):
            return
        self._aio.wake()  # pending getone() calls see the consumer closed
        task, self._group_task = self._group_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._flush_positions()
        self._records.clear()
        await self._aio.close(True, self._request_timeout_ms / 1000)
        log.debug('The KafkaConsumer has closed.')

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    def __aiter__(self) -> Self:
        if self._closed:
            raise Errors.ConsumerStoppedError()
        return self

    async def __anext__(self) -> ConsumerRecord[Any, Any]:
        """The next record (``async for msg in consumer``); ends when the consumer is stopped."""
        records = self._records
        if records and not self._closed:
            record = records.popleft()
            self._positions[(record.topic, record.partition)] = record.offset + 1
            return record
        while True:
            try:
                return await self.getone()
            except Errors.ConsumerStoppedError:
                raise StopAsyncIteration from None
            except Errors.RecordTooLargeError:
                log.exception('error in consumer iterator')

    # -- helpers ---------------------------------------------------------------------------

    def _on_fork(self) -> None:
        """In a forked child: this consumer belongs to the parent (see :mod:`kafka._fork`)."""
        self._inherited = True

    def _check_running(self) -> None:
        if getattr(self, '_inherited', False):
            raise _fork.inherited_error(self)
        if self._closed:
            raise Errors.ConsumerStoppedError()
        if not self._started:
            raise Errors.IllegalStateError('AIOKafkaConsumer is not started: call `await start()` first')

    def _flush_positions(self) -> None:
        if self._positions:
            positions = [(t, p, o, -1) for (t, p), o in self._positions.items()]
            self._positions.clear()
            self._core.update_positions(positions)

    def _drop_records(self, partitions: Iterable[TopicPartition], refetch: bool = True) -> None:
        """Forget records of ``partitions`` taken from the core but not handed out; with
        ``refetch``, the core fetches them again (its fetch position is moved back to them)."""
        keys = {(tp.topic, tp.partition) for tp in partitions}
        first: dict[tuple[str, int], int] = {}
        if self._records and keys:
            kept: collections.deque[ConsumerRecord[Any, Any]] = collections.deque()
            for r in self._records:
                key = (r.topic, r.partition)
                if key in keys:
                    first.setdefault(key, r.offset)
                else:
                    kept.append(r)
            self._records = kept
        self._flush_positions()
        if refetch:
            for (t, p), offset in first.items():
                self._core.seek(t, p, offset)

    def _pop_record(self, partitions: tuple[TopicPartition, ...]) -> ConsumerRecord[Any, Any] | None:
        records = self._records
        if not records:
            return None
        if not partitions:
            record = records.popleft()
        else:
            keys = {(tp.topic, tp.partition) for tp in partitions}
            for i, r in enumerate(records):
                if (r.topic, r.partition) in keys:
                    record = r
                    del records[i]
                    break
            else:
                return None
        self._positions[(record.topic, record.partition)] = record.offset + 1
        return record

    async def _call_listener(self, method: str, partitions: set[TopicPartition]) -> None:
        if self._listener is None:
            return
        if method == 'on_partitions_lost' and not hasattr(self._listener, method):
            method = 'on_partitions_revoked'  # aiokafka's listeners have no on_partitions_lost
        try:
            result = getattr(self._listener, method)(partitions)
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception('User provided subscription listener %r for group %s failed on %s',
                          self._listener, self._group_id, method)

    async def _ensure_group(self, timeout_s: float, touch: bool = True) -> bool:
        """Run pending rebalance steps (and the listener); True once the assignment is current.

        ``touch=False`` (the background task): the steps do not count as polls for
        max_poll_interval_ms."""
        if touch:
            if self._pattern is not None:
                await self._update_pattern()
            if not self._aio.group_work_pending():
                return True
        lock = self._group_lock
        if lock is None:
            raise Errors.IllegalStateError('AIOKafkaConsumer is not started: call `await start()` first')
        deadline = time.monotonic() + timeout_s
        async with lock:
            while True:
                if self._closed:
                    raise Errors.ConsumerStoppedError()
                self._flush_positions()  # the revocation's auto-commit sees what was handed out
                left = min(max(0.0, deadline - time.monotonic()), _WAIT_SLICE_S)
                kind, parts = await self._aio.group_step(left, touch)
                if kind in ('stable', 'joining'):  # joining: a cooperative join; keep consuming
                    return True
                if kind == 'pending':
                    if time.monotonic() < deadline and not self._closed:
                        continue
                    return False
                tps = {TopicPartition(t, p) for t, p in parts}
                if kind in ('revoke', 'lost'):
                    self._drop_records(tps)
                    await self._call_listener('on_partitions_revoked' if kind == 'revoke' else 'on_partitions_lost',
                                              tps)
                    self._flush_positions()
                    continue
                await self._call_listener('on_partitions_assigned', tps)
                return True

    async def _update_pattern(self, force: bool = False) -> None:
        if self._pattern is None or not self._started:
            return
        period = min(self._metadata_max_age_ms, 30000) / 1000.0
        now = time.monotonic()
        if not force and now - self._pattern_checked < period:
            return
        self._pattern_checked = now
        topics = await self._aio.topics(self._exclude_internal_topics, self._request_timeout_ms / 1000)
        pattern = self._pattern
        if pattern is not None:
            self._core.subscribe(sorted(t for t in topics if pattern.match(t)))

    async def _fetch(self, partitions: tuple[TopicPartition, ...], timeout_s: float, max_records: int,
                     grouped: bool) -> Any:
        """Wait up to ``timeout_s`` for records; the taking itself never awaits (cancel-safe)."""
        only = [(tp.topic, tp.partition) for tp in partitions] if partitions else None
        deadline = time.monotonic() + timeout_s
        # Records are usually prefetched already, so nothing below would suspend: yield to the
        # loop once per batch so that a fast consumer cannot starve other tasks.
        await asyncio.sleep(0)
        while True:
            if self._closed:
                return self._stopped(grouped)
            self._flush_positions()
            try:
                ready = await self._ensure_group(max(0.0, deadline - time.monotonic()))
            except Errors.ConsumerStoppedError:
                return self._stopped(grouped)
            if self._closed:
                return self._stopped(grouped)
            if ready:
                if grouped:
                    got = self._aio.poll_dict(max_records, True, only)
                else:
                    got = self._aio.poll_list(max_records, False, only)
                if got:
                    return got
            left = deadline - time.monotonic()
            if left <= 0:
                return {} if grouped else []
            if ready:
                await self._aio.wait_ready(min(left, _WAIT_SLICE_S), only)

    @staticmethod
    def _stopped(grouped: bool) -> Any:
        """What a fetch interrupted by stop() gives: getmany() returns {}, getone() raises."""
        if grouped:
            return {}
        raise Errors.ConsumerStoppedError()

    # -- consuming -------------------------------------------------------------------------

    async def getone(self, *partitions: TopicPartition) -> ConsumerRecord[Any, Any]:
        """Return one record, waiting for it if none is prefetched.

        Arguments:
            *partitions (TopicPartition): only return a record of these
                partitions (default: any assigned partition).

        Cancelling a waiting ``getone()`` loses nothing: the record it would
        have returned is returned by the next call.
        """
        _check_partitions(partitions)
        self._check_running()
        while True:
            record = self._pop_record(partitions)
            if record is not None:
                return record
            got = await self._fetch(partitions, float('inf'), self._max_poll_records or _GETONE_BATCH, False)
            self._records.extend(got)

    async def getmany(self, *partitions: TopicPartition, timeout_ms: float = 0,
                      max_records: int | None = None) -> dict[TopicPartition, list[ConsumerRecord[Any, Any]]]:
        """Return prefetched records by partition, waiting up to ``timeout_ms`` if there are none.

        Arguments:
            *partitions (TopicPartition): only these partitions (default: all assigned).
            timeout_ms (int): how long to wait when nothing is prefetched. Default: 0.
            max_records (int): at most this many records. Default: max_poll_records (or no limit).

        Returns:
            dict: {TopicPartition: [ConsumerRecord]}, empty after the timeout.
        """
        _check_partitions(partitions)
        self._check_running()
        if max_records is not None and (not isinstance(max_records, int) or max_records < 1):
            raise ValueError('`max_records` must be a positive Integer')
        if timeout_ms < 0:
            raise ValueError('timeout_ms must not be negative')
        limit = max_records or self._max_poll_records or _UNLIMITED
        if self._records:
            out: dict[TopicPartition, list[ConsumerRecord[Any, Any]]] = {}
            for _ in range(limit):
                record = self._pop_record(partitions)
                if record is None:
                    break
                out.setdefault(TopicPartition(record.topic, record.partition), []).append(record)
            if out:
                self._flush_positions()
                return out
        result: dict[TopicPartition, list[ConsumerRecord[Any, Any]]] = await self._fetch(
            partitions, timeout_ms / 1000.0, limit, True)
        return result

    # -- subscription ----------------------------------------------------------------------

    def subscribe(self, topics: Iterable[str] = (), pattern: str | None = None,
                  listener: Any = None) -> None:
        """Subscribe to topics (or a regex ``pattern``); partitions are assigned by the group.

        Raises:
            IllegalStateError: after :meth:`assign`.
            TypeError: neither or both of topics and pattern, or a listener that is
                not a ConsumerRebalanceListener.
        """
        if not (topics or pattern):
            raise TypeError('You should provide either `topics` or `pattern`')
        if topics and pattern:
            raise TypeError("You can't provide both `topics` and `pattern`")
        if listener is not None and not isinstance(listener, (_SyncListener, _AsyncListener)):
            raise TypeError('listener should be an instance of ConsumerRebalanceListener')
        if self._core.subscription() is None and self._core.assignment():
            raise Errors.IllegalStateError('Subscription to topics, partitions and pattern are mutually exclusive')
        self._listener = listener
        if pattern is not None:
            try:
                self._pattern = re.compile(pattern)
            except re.error as err:
                raise ValueError(f'{pattern!r} is not a valid pattern: {err}') from err
            self._core.subscribe([])
            self._pattern_checked = 0.0
            log.info('Subscribed to topic pattern: %s', pattern)
            return
        if not isinstance(topics, (tuple, set, list, frozenset)):
            raise TypeError('Topics should be list of strings')
        names = sorted(set(topics))
        for t in names:
            ensure_valid_topic_name(t)
        self._pattern = None
        self._core.subscribe(names)
        log.info('Subscribed to topic(s): %s', set(names))

    def subscription(self) -> frozenset[str]:
        """The subscribed topics (an empty set without a subscription)."""
        return frozenset(self._core.subscription() or ())

    def unsubscribe(self) -> None:
        """Unsubscribe from all topics, clear the assignment and leave the group (in the background)."""
        self._records.clear()
        self._positions.clear()
        self._pattern = None
        self._aio.unsubscribe()
        log.info('Unsubscribed all topics or patterns and assigned partitions')

    def assign(self, partitions: Iterable[TopicPartition]) -> None:
        """Manually assign partitions (no group rebalancing); replaces the previous assignment.

        Raises:
            IllegalStateError: after :meth:`subscribe`.
        """
        partitions = list(partitions)
        _check_partitions(partitions)
        if self._core.subscription() is not None:
            raise Errors.IllegalStateError('Subscription to topics, partitions and pattern are mutually exclusive')
        self._drop_records({TopicPartition(r.topic, r.partition) for r in self._records})
        self._core.assign([(tp.topic, tp.partition) for tp in partitions])

    def assignment(self) -> set[TopicPartition]:
        """The partitions currently assigned to this consumer."""
        return {TopicPartition(t, p) for t, p in self._core.assignment()}

    # -- positions -------------------------------------------------------------------------

    def _assigned_or_raise(self, partitions: Iterable[TopicPartition]) -> None:
        assigned = self.assignment()
        not_assigned = set(partitions) - assigned
        if not_assigned:
            raise Errors.IllegalStateError(f'Partitions {not_assigned} are not assigned')

    def seek(self, partition: TopicPartition, offset: int) -> None:
        """Set the offset the next getone()/getmany() reads ``partition`` from.

        Raises:
            ValueError: offset is not a non-negative integer.
            IllegalStateError: the partition is not assigned.
        """
        if not isinstance(offset, int) or offset < 0:
            raise ValueError('Offset must be a positive integer')
        _check_partitions([partition])
        self._drop_records([partition], refetch=False)
        self._core.seek(partition.topic, partition.partition, offset)

    async def _seek_to(self, partitions: tuple[TopicPartition, ...], to_end: bool) -> bool:
        _check_partitions(partitions)
        if not partitions:
            partitions = tuple(self.assignment())
            if not partitions:
                raise Errors.IllegalStateError('No partitions are currently assigned')
        else:
            self._assigned_or_raise(partitions)
        self._drop_records(partitions, refetch=False)
        self._core.seek_to([(tp.topic, tp.partition) for tp in partitions], to_end)
        deadline = time.monotonic() + self._request_timeout_ms / 1000
        for tp in partitions:
            left = max(0.0, deadline - time.monotonic())
            if await self._aio.position(tp.topic, tp.partition, left) is None:
                return False
        return True

    async def seek_to_beginning(self, *partitions: TopicPartition) -> bool:
        """Seek to the oldest available offset (all assigned partitions if none given).

        Returns True once the new positions are known (within request_timeout_ms).
        """
        return await self._seek_to(partitions, False)

    async def seek_to_end(self, *partitions: TopicPartition) -> bool:
        """Seek to the end offset (all assigned partitions if none given).

        Returns True once the new positions are known (within request_timeout_ms).
        """
        return await self._seek_to(partitions, True)

    async def seek_to_committed(self, *partitions: TopicPartition) -> dict[TopicPartition, int | None]:
        """Seek to the committed offsets; returns {TopicPartition: committed offset or None}."""
        _check_partitions(partitions)
        if not partitions:
            partitions = tuple(self.assignment())
            if not partitions:
                raise Errors.IllegalStateError('No partitions are currently assigned')
        else:
            self._assigned_or_raise(partitions)
        committed = {}
        for tp in partitions:
            offset = await self.committed(tp)
            committed[tp] = offset
            if offset is not None and offset > 0:
                self.seek(tp, offset)
        return committed

    async def position(self, partition: TopicPartition) -> int:
        """The offset of the next record that will be returned for ``partition``.

        Raises:
            IllegalStateError: the partition is not assigned.
        """
        _check_partitions([partition])
        self._check_running()
        self._flush_positions()
        while True:
            pos = await self._aio.position(partition.topic, partition.partition, self._request_timeout_ms / 1000)
            if pos is not None:
                return int(pos)

    def last_poll_timestamp(self, partition: TopicPartition) -> int | None:
        """When the last fetch response for ``partition`` arrived (ms since the epoch).

        It is when ``highwater`` and ``last_stable_offset`` were last updated;
        it does not mean new records were received.  None before the first fetch.

        Raises:
            IllegalStateError: the partition is not assigned.
        """
        if partition not in self.assignment():
            raise Errors.IllegalStateError('Partition is not assigned')
        return self._core.last_fetch_ms(partition.topic, partition.partition)

    def highwater(self, partition: TopicPartition) -> int | None:
        """The last known high watermark of ``partition`` (None before its first fetch)."""
        if partition not in self.assignment():
            raise Errors.IllegalStateError('Partition is not assigned')
        return self._core.highwater(partition.topic, partition.partition)

    def last_stable_offset(self, partition: TopicPartition) -> int | None:
        """Not tracked by the core yet: the high watermark for read_uncommitted, else None."""
        return self.highwater(partition)

    def pause(self, *partitions: TopicPartition) -> None:
        """Stop returning records of ``partitions`` until they are resumed."""
        _check_partitions(partitions, 'partitions must be TopicPartition namedtuples')
        self._drop_records(partitions)
        self._core.set_paused([(tp.topic, tp.partition) for tp in partitions], True)

    def resume(self, *partitions: TopicPartition) -> None:
        """Resume partitions paused by :meth:`pause`."""
        _check_partitions(partitions, 'partitions must be TopicPartition namedtuples')
        self._core.set_paused([(tp.topic, tp.partition) for tp in partitions], False)

    def paused(self) -> set[TopicPartition]:
        """The partitions paused by :meth:`pause`."""
        return {TopicPartition(t, p) for t, p in self._core.paused()}

    # -- offsets ---------------------------------------------------------------------------

    def _offsets_arg(self, offsets: dict[TopicPartition, Any]) -> list[tuple[str, int, int, str, int]]:
        if not isinstance(offsets, dict):
            raise ValueError(offsets)  # noqa: TRY004 - aiokafka raises ValueError
        assigned = self.assignment()
        out = []
        for tp, om in offsets.items():
            if not isinstance(tp, TopicPartition):
                raise ValueError(offsets)  # noqa: TRY004 - aiokafka raises ValueError
            if tp not in assigned:
                raise Errors.IllegalStateError(f'Partition {tp} is not assigned')
            if isinstance(om, int):
                offset, metadata, epoch = om, '', -1
            elif isinstance(om, OffsetAndMetadata):
                offset, metadata = om.offset, om.metadata
                epoch = getattr(om, 'leader_epoch', -1)
            elif isinstance(om, tuple) and len(om) == 2:
                offset, metadata, epoch = om[0], om[1], -1
            else:
                raise ValueError(offsets)
            if not isinstance(offset, int) or not isinstance(metadata or '', str):
                raise ValueError(offsets)  # noqa: TRY004 - aiokafka raises ValueError
            out.append((tp.topic, tp.partition, offset, metadata or '', -1 if epoch is None else epoch))
        return out

    async def commit(self, offsets: dict[TopicPartition, Any] | None = None) -> None:
        """Commit offsets (default: the position after the last record handed out, per partition).

        ``offsets`` maps TopicPartition to an offset, an ``(offset, metadata)``
        tuple or an OffsetAndMetadata.

        Raises:
            IllegalOperation: without group_id.
            IllegalStateError: no subscription/assignment, or a partition is not assigned.
            CommitFailedError: the group rebalanced in the meantime.
        """
        if self._group_id is None:
            raise Errors.IllegalOperation('Requires group_id')
        self._check_running()
        if offsets is not None and not offsets:
            raise ValueError('Offsets to commit must not be empty')
        if self._core.subscription() is None and not self._core.assignment():
            raise Errors.IllegalStateError('Not subscribed to any topics')
        arg = None if offsets is None else self._offsets_arg(offsets)
        self._flush_positions()
        try:
            await self._aio.commit(arg, self._request_timeout_ms / 1000)
        except _COMMIT_FAILED as exc:
            raise Errors.CommitFailedError(str(exc)) from exc

    async def committed(self, partition: TopicPartition) -> int | None:
        """The last committed offset of ``partition`` (by any member), or None."""
        if self._group_id is None:
            raise Errors.IllegalOperation('Requires group_id')
        _check_partitions([partition])
        self._check_running()
        (found,) = await self._aio.committed([(partition.topic, partition.partition)],
                                            self._request_timeout_ms / 1000)
        if found is None or found[0] < 0:
            return None
        return int(found[0])

    async def _list_offsets(self, queries: list[tuple[TopicPartition, int]]) -> dict[TopicPartition, Any]:
        _check_partitions([tp for tp, _ in queries])
        self._check_running()
        found = await self._aio.list_offsets([(tp.topic, tp.partition, ts) for tp, ts in queries],
                                             self._request_timeout_ms / 1000)
        return {TopicPartition(t, p): (offset, ts, epoch) for t, p, offset, ts, epoch in found}

    async def beginning_offsets(self, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        """The earliest available offset of each partition (positions are not changed)."""
        partitions = list(partitions)
        found = await self._list_offsets([(tp, -2) for tp in partitions])
        return {tp: found[tp][0] for tp in partitions}

    async def end_offsets(self, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        """The offset of the next record written to each partition (positions are not changed)."""
        partitions = list(partitions)
        found = await self._list_offsets([(tp, -1) for tp in partitions])
        return {tp: found[tp][0] for tp in partitions}

    async def offsets_for_times(self, timestamps: dict[TopicPartition, int]
                                ) -> dict[TopicPartition, OffsetAndTimestamp | None]:
        """The earliest offset whose timestamp is >= the given one, per partition (None if none).

        Values are aiokafka's 2-field ``kafka.aio.OffsetAndTimestamp(offset, timestamp)``.
        """
        for tp, ts in timestamps.items():
            if ts < 0:
                raise ValueError(f'The target time for partition {tp} is {ts}. The target time cannot be negative.')
        found = await self._list_offsets([(tp, int(ts)) for tp, ts in timestamps.items()])
        result: dict[TopicPartition, OffsetAndTimestamp | None] = {}
        for tp in timestamps:
            offset, ts, _epoch = found[tp]
            result[tp] = None if offset < 0 else OffsetAndTimestamp(offset, ts)
        return result

    # -- metadata --------------------------------------------------------------------------

    async def topics(self) -> set[str]:
        """All topics the client may see (fetched from the cluster)."""
        self._check_running()
        return set(await self._aio.topics(self._exclude_internal_topics, self._request_timeout_ms / 1000))

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        """The partition ids of ``topic`` from cached metadata, or None if it is not known (yet)."""
        parts = self._aio.cached_partitions(topic)
        return None if parts is None else set(parts)

    def __del__(self, _warnings: Any = warnings) -> None:
        if getattr(self, '_started', False) and not self._closed and not getattr(self, '_inherited', False):
            # As aiokafka: a started consumer that was never stopped is a leaked resource.
            _warnings.warn(f'Unclosed AIOKafkaConsumer {self!r}', ResourceWarning, source=self, stacklevel=1)

    def __repr__(self) -> str:
        return f'<AIOKafkaConsumer client_id={self.client_id} group_id={self._group_id}>'


__all__ = ['AIOKafkaConsumer', 'ConsumerRebalanceListener']
