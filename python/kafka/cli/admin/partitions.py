"""``kafka-python admin partitions``: create, describe, offsets, reassignments, records, leaders."""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

from kafka.cli.admin._base import (
    OFFSET_SPEC_HELP,
    TIMEOUT_MS,
    TOPIC_PARTITIONS,
    TOPICS,
    Arg,
    Command,
    CommandGroup,
    errors_by_tp,
    offset_spec,
    parse_tp,
    require,
    split_tp,
    tp_key,
    tp_offsets,
)
from kafka.structs import TopicPartition


def _topic_partitions(specs: list[str]) -> dict[str, list[int]] | None:
    """``['t:0', 't:1']`` -> ``{'t': [0, 1]}``; None when empty."""
    if not specs:
        return None
    out: dict[str, list[int]] = defaultdict(list)
    for spec in specs:
        topic, partition = split_tp(spec)
        out[topic].append(partition)
    return dict(out)


class CreatePartitions(Command, name='create', help='Create additional partitions for existing topics', args=(
        Arg('-p', '--topic-partitions', type=str, action='append', dest='topic_partitions', default=[],
            required=True, help='TOPIC:TOTAL_PARTITION_COUNT pair (repeatable)'),
        TIMEOUT_MS,
        Arg('--validate-only', action='store_true',
            help='Validate the request without actually creating partitions'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        counts = dict(split_tp(spec) for spec in args.topic_partitions)
        return client.create_partitions(counts, timeout_ms=args.timeout_ms, validate_only=args.validate_only)


class DescribeTopicPartitions(Command, name='describe',
                              help='Describe topic partitions with pagination (KIP-966, broker >=3.9)', args=(
        TOPICS(required=True, help='Topic to describe (repeatable)'),
        Arg('--response-partition-limit', type=int, default=2000,
            help='Maximum number of partitions to include in the response (default: 2000)'),
        Arg('--cursor-topic', type=str, default=None, help='Topic name to start pagination from'),
        Arg('--cursor-partition', type=int, default=None, help='Partition index to start pagination from'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        describe = require(client, 'describe_topic_partitions')
        cursor = None
        if args.cursor_topic is not None or args.cursor_partition is not None:
            if args.cursor_topic is None or args.cursor_partition is None:
                raise ValueError('--cursor-topic and --cursor-partition must be used together')
            cursor = {'topic_name': args.cursor_topic, 'partition_index': args.cursor_partition}
        return describe(args.topics, response_partition_limit=args.response_partition_limit, cursor=cursor)


class ListPartitionOffsets(Command, name='list-offsets',
                           help='List offsets for partitions by spec (earliest/latest/timestamp)', args=(
        Arg('-t', '--topic', type=str, help='topic (with --spec: all its partitions)'),
        Arg('-s', '--spec', type=str, help=f'Spec may be one of {OFFSET_SPEC_HELP}.'),
        Arg('-p', '--partition', type=str, action='append', dest='partitions', default=[],
            help='TOPIC:PARTITION:SPEC triple (repeatable). PARTITION may be a single partition, a closed '
                 'range (0-2), an open range (1-), or a single wildcard "*" for all partitions. SPEC may '
                 f'be one of {OFFSET_SPEC_HELP}.'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        specs = cls._specs(client, args)
        output: dict[str, dict[int, Any]] = defaultdict(dict)
        for tp, info in client.list_partition_offsets(specs).items():
            output[tp.topic][tp.partition] = {
                'offset': info.offset,
                'timestamp': info.timestamp,
                'leader_epoch': info.leader_epoch,
                'spec': specs[tp],
            }
        return dict(output)

    @classmethod
    def _specs(cls, client: Any, args: argparse.Namespace) -> dict[TopicPartition, Any]:
        if args.partitions:
            if args.topic or args.spec:
                raise ValueError('Either --partition or (--topic and --spec) is supported, but not both.')
            entries = args.partitions
        else:
            if not args.topic or not args.spec:
                raise ValueError('Both --topic and --spec must be provided.')
            entries = [f'{args.topic}:*:{args.spec}']
        known: dict[str, list[int]] = {}
        specs: dict[TopicPartition, Any] = {}
        for entry in entries:
            parts = entry.rsplit(':', 2)
            if len(parts) != 3:
                raise ValueError(f'expected TOPIC:PARTITION:SPEC, got {entry!r}')
            topic, partition, spec_text = parts
            spec = offset_spec(spec_text)
            for tp in cls._expand(client, topic, partition, known):
                if tp in specs:
                    raise ValueError('Only one spec allowed per partition')
                specs[tp] = spec
        return specs

    @staticmethod
    def _expand(client: Any, topic: str, partition: str, known: dict[str, list[int]]) -> list[TopicPartition]:
        try:
            return [TopicPartition(topic, int(partition))]
        except ValueError:
            pass
        if partition != '*' and '-' not in partition:
            raise ValueError(f'Unrecognized partition: {partition}')
        if topic not in known:
            described = client.describe_topics([topic])
            known[topic] = sorted(p['partition_index'] for p in described[0]['partitions'])
        if partition == '*':
            return [TopicPartition(topic, p) for p in known[topic]]
        start, _, end = partition.partition('-')
        if not start and not end:
            raise ValueError(f'Unrecognized partition: {partition}')
        first = int(start) if start else known[topic][0]
        last = int(end) if end else known[topic][-1]
        return [TopicPartition(topic, p) for p in range(first, last + 1)]


class ListPartitionReassignments(Command, name='list-reassignments',
                                 help='List the current ongoing partition reassignments', args=(
        TOPIC_PARTITIONS(help='TOPIC:PARTITION pair (repeatable). Omit to list reassignments '
                              'for all partitions.'),
        TIMEOUT_MS)):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        result = require(client, 'list_partition_reassignments')(
            _topic_partitions(args.topic_partitions), timeout_ms=args.timeout_ms)
        return {tp_key(tp): value for tp, value in result.items()}


class AlterPartitionReassignments(Command, name='alter-reassignments',
                                  help='Alter replica assignments for partitions', args=(
        Arg('-r', '--reassign', type=str, action='append', dest='reassignments', default=[], required=True,
            help='TOPIC:PARTITION=BROKER_ID[,BROKER_ID...] to set a new replica set, or TOPIC:PARTITION=cancel '
                 'to cancel an in-progress reassignment for that partition. Repeatable.'),
        TIMEOUT_MS)):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        alter = require(client, 'alter_partition_reassignments')
        reassignments: dict[TopicPartition, list[int] | None] = {}
        for spec in args.reassignments:
            tp_spec, sep, replicas = spec.rpartition('=')
            if not sep:
                raise ValueError(f'expected TOPIC:PARTITION=REPLICAS, got {spec!r}')
            tp = parse_tp(tp_spec)
            cancel = replicas.lower() == 'cancel'
            reassignments[tp] = None if cancel else [int(b) for b in replicas.split(',') if b]
        return errors_by_tp(alter(reassignments, timeout_ms=args.timeout_ms))


class DeleteRecords(Command, name='delete-records',
                    help='Delete records from partitions up to a given offset', args=(
        Arg('-r', '--record', type=str, action='append', dest='records', default=[], required=True,
            help='TOPIC:PARTITION:OFFSET triple (repeatable). Use -1 as OFFSET to delete up to '
                 'the current high-water mark.'),
        TIMEOUT_MS,
        Arg('--partition-leader-id', type=int, default=None,
            help='Send all delete requests to this broker id, skipping metadata lookup'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        return client.delete_records(tp_offsets(args.records), timeout_ms=args.timeout_ms,
                                     partition_leader_id=args.partition_leader_id)


_ELECTION_TYPES = {'preferred': 0, 'unclean': 1}


class ElectLeaders(Command, name='elect-leaders', help='Trigger leader election for partitions', args=(
        Arg('--election-type', type=str, default='preferred', choices=sorted(_ELECTION_TYPES),
            help='Election type (default: preferred)'),
        TOPIC_PARTITIONS(help='TOPIC:PARTITION pair (repeatable). Omit to elect leaders for all '
                              'partitions of all topics.'),
        TOPICS(help='Elect leaders for all partitions of TOPIC (repeatable). Mutually exclusive '
                    'with --topic-partition.'),
        TIMEOUT_MS,
        Arg('--no-raise-errors', dest='raise_errors', action='store_false',
            help='Do not raise on partition-level errors; return the response instead'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        elect = require(client, 'elect_leaders')
        if args.topic_partitions and args.topics:
            raise ValueError('--topic-partition and --topic are mutually exclusive')
        topic_partitions: Any = _topic_partitions(args.topic_partitions) or args.topics or None
        return elect(_ELECTION_TYPES[args.election_type], topic_partitions=topic_partitions,
                     timeout_ms=args.timeout_ms, raise_errors=args.raise_errors)


class PartitionsCommandGroup(CommandGroup):
    GROUP = 'partitions'
    HELP = 'Manage Kafka Partitions'
    COMMANDS = (CreatePartitions, DescribeTopicPartitions, ListPartitionOffsets, ListPartitionReassignments,
                AlterPartitionReassignments, DeleteRecords, ElectLeaders)
