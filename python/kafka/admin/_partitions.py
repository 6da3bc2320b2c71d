"""Partition admin methods at the controller: leader elections, reassignments; and
``describe_topic_partitions`` (KIP-966, paginated)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from enum import IntEnum
from typing import Any

from kafka import errors as Errors
from kafka.structs import TopicPartition


class ElectionType(IntEnum):
    """ElectLeaders election types."""

    PREFERRED = 0
    UNCLEAN = 1


class Response:
    """A protocol response: its fields as attributes (nested structs too), ``to_dict()`` for all."""

    def __init__(self, fields: dict[str, Any], name: str = 'Response') -> None:
        self._fields = fields
        self._name = name

    @staticmethod
    def _wrap(value: Any) -> Any:
        if isinstance(value, dict):
            return Response(value, 'Struct')
        if isinstance(value, list):
            return [Response._wrap(v) for v in value]
        return value

    def __getattr__(self, name: str) -> Any:
        try:
            return self._wrap(self.__dict__['_fields'][name])
        except KeyError:
            raise AttributeError(name) from None

    def to_dict(self) -> dict[str, Any]:
        return self._fields

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Response) and self._fields == other._fields

    def __repr__(self) -> str:
        inner = ', '.join(f'{k}={v!r}' for k, v in self._fields.items())
        return f'{self._name}({inner})'


class PartitionAdminMixin:
    """Leader elections, partition reassignments and ``describe_topic_partitions``."""

    def _ensure_open(self) -> Any:  # provided by KafkaAdminClient
        raise NotImplementedError

    def _validate_timeout(self, timeout_ms: Any) -> int:  # provided by KafkaAdminClient
        raise NotImplementedError

    def _topic_partitions(self, topic_partitions: Any) -> list[tuple[str, list[int]]]:  # ClusterAdminMixin
        raise NotImplementedError

    def elect_leaders(self, election_type: Any, topic_partitions: Any = None, timeout_ms: int | None = None,
                      raise_errors: bool = True) -> Response:
        """Elect partition leaders (at the controller).

        Arguments:
            election_type: 0 / ElectionType.PREFERRED or 1 / ElectionType.UNCLEAN.

        Keyword Arguments:
            topic_partitions (dict or list, optional): ``{topic: [partition ids]}``, or a list of
                topics (all their partitions), or None (every partition). Default: None.
            timeout_ms (int, optional): how long the controller may take. Default: request_timeout_ms.
            raise_errors (bool): raise the first error (ElectionNotNeededError excepted). Default: True.

        Returns:
            The ElectLeaders response: ``error_code``, ``replica_election_results`` (each with
            ``topic`` and ``partition_result``: ``partition_id``, ``error_code``, ``error_message``).
        """
        timeout = self._validate_timeout(timeout_ms)
        kind = ElectionType(int(election_type))
        partitions = None if topic_partitions is None else [
            {'topic': t, 'partition_id': p} for t, p in self._topic_partitions(topic_partitions)]
        request = {'election_type': int(kind), 'topic_partitions': partitions, 'timeout_ms': timeout}
        response = self._ensure_open().request('ElectLeaders', 'controller', request, timeout_ms=timeout)
        if raise_errors:
            codes = [(response['error_code'], None)] + [
                (p['error_code'], p['error_message'])
                for r in response['replica_election_results'] for p in r['partition_result']]
            for code, message in codes:
                error = Errors.for_code(code)
                if code and error is not Errors.ElectionNotNeededError:
                    raise error(message or f'ElectLeaders failed: {response}')
        return Response(response, 'ElectLeadersResponse')

    def alter_partition_reassignments(self, reassignments: dict[Any, Any],
                                      timeout_ms: int | None = None) -> dict[TopicPartition, Any]:
        """Start (or cancel) partition reassignments (at the controller).

        Arguments:
            reassignments: ``{TopicPartition: [broker ids] (the new replica set) or None (cancel)}``.

        Keyword Arguments:
            timeout_ms (int, optional): Default: request_timeout_ms.

        Returns:
            dict ``{TopicPartition: None (accepted) or KafkaError class}`` for the partitions the
            broker answered for; a top-level error is raised.
        """
        timeout = self._validate_timeout(timeout_ms)
        per_topic: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for tp, replicas in reassignments.items():
            tp = tp if isinstance(tp, TopicPartition) else TopicPartition(*tp)
            if replicas is not None:
                replicas = list(replicas)
                if not replicas:
                    raise ValueError(f'Replica list for {tp} must be non-empty; use None to cancel a reassignment.')
                if not all(isinstance(r, int) and not isinstance(r, bool) for r in replicas):
                    raise ValueError(f'Replica list for {tp} must be int broker_ids.')
            per_topic[tp.topic].append({'partition_index': tp.partition, 'replicas': replicas})
        request = {'timeout_ms': timeout, 'topics': [{'name': t, 'partitions': p} for t, p in per_topic.items()]}
        response = self._ensure_open().request('AlterPartitionReassignments', 'controller', request,
                                               timeout_ms=timeout)
        if response['error_code']:
            raise Errors.for_code(response['error_code'])(response['error_message'] or '')
        out = {}
        for topic in response['responses']:
            for part in topic['partitions']:
                error = Errors.for_code(part['error_code'])
                out[TopicPartition(topic['name'], part['partition_index'])] = None if error is Errors.NoError else error
        return out

    def list_partition_reassignments(self, topic_partitions: Any = None,
                                     timeout_ms: int | None = None) -> dict[TopicPartition, dict[str, list[int]]]:
        """List the ongoing partition reassignments (at the controller).

        Arguments:
            topic_partitions (dict or list, optional): ``{topic: [partition ids]}``, a list of
                TopicPartition, or None (all). Default: None.

        Keyword Arguments:
            timeout_ms (int, optional): Default: request_timeout_ms.

        Returns:
            dict ``{TopicPartition: {'replicas', 'adding_replicas', 'removing_replicas'}}``.
        """
        timeout = self._validate_timeout(timeout_ms)
        topics = None
        if isinstance(topic_partitions, dict):
            topics = [{'name': t, 'partition_indexes': list(p)} for t, p in topic_partitions.items()]
        elif topic_partitions is not None:
            per_topic: dict[str, list[int]] = defaultdict(list)
            for tp in topic_partitions:
                tp = tp if isinstance(tp, TopicPartition) else TopicPartition(*tp)
                per_topic[tp.topic].append(tp.partition)
            topics = [{'name': t, 'partition_indexes': p} for t, p in per_topic.items()]
        response = self._ensure_open().request('ListPartitionReassignments', 'controller',
                                               {'timeout_ms': timeout, 'topics': topics}, timeout_ms=timeout)
        if response['error_code']:
            raise Errors.for_code(response['error_code'])(response['error_message'] or '')
        return {TopicPartition(t['name'], p['partition_index']): {
                    'replicas': p['replicas'], 'adding_replicas': p['adding_replicas'],
                    'removing_replicas': p['removing_replicas']}
                for t in response['topics'] for p in t['partitions']}

    def describe_topic_partitions(self, topics: list[str], response_partition_limit: int = 2000,
                                  cursor: dict[str, Any] | None = None) -> dict[str, Any]:
        """Describe topics' partitions page by page (DescribeTopicPartitions, Kafka 3.7+, KIP-966).

        Arguments:
            topics ([str]): topic names.

        Keyword Arguments:
            response_partition_limit (int): the most partitions in one answer. Default: 2000.
            cursor (dict, optional): ``{'topic_name', 'partition_index'}`` to start from (a
                previous answer's ``next_cursor``). Default: None.

        Returns:
            dict ``{'topics': [{error_code, name, topic_id, is_internal, partitions: [{error_code,
            partition_index, leader_id, leader_epoch, replica_nodes, isr_nodes,
            eligible_leader_replicas, last_known_elr, offline_replicas}],
            topic_authorized_operations (set of ACLOperation values, or None)}],
            'next_cursor': None or dict}``.
        """
        request = {
            'topics': [{'name': t} for t in topics],
            'response_partition_limit': int(response_partition_limit),
            'cursor': None if cursor is None else {'topic_name': cursor['topic_name'],
                                                   'partition_index': cursor['partition_index']},
        }
        response = self._ensure_open().request('DescribeTopicPartitions', 'any', request)
        for topic in response['topics']:
            raw = topic['topic_id']
            topic['topic_id'] = None if raw == bytes(16) else uuid.UUID(bytes=raw)
            bits = topic['topic_authorized_operations']  # kafka-python 3: the set bits, None when absent
            topic['topic_authorized_operations'] = None if bits == -2**31 else {i for i in range(32) if bits & (1 << i)}
            for part in topic['partitions']:
                part['eligible_leader_replicas'] = part['eligible_leader_replicas'] or None
                part['last_known_elr'] = part['last_known_elr'] or None
        return {'topics': response['topics'], 'next_cursor': response['next_cursor']}
