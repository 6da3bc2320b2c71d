"""``kafka-python admin topics``: list, describe, create, delete."""

from __future__ import annotations

import argparse
import uuid
from typing import Any

from kafka.cli.admin._base import Command, CommandGroup


class ListTopics(Command):
    COMMAND = 'list'
    HELP = 'List Kafka Topics'

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        return client.list_topics()


class DescribeTopics(Command):
    COMMAND = 'describe'
    HELP = 'Describe Kafka Topics'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        parser.add_argument('-t', '--topic', type=str, action='append', dest='topics', default=[],
                            help='topic name (repeatable; default: all topics)')
        parser.add_argument('--id', type=str, action='append', dest='topic_ids', default=[],
                            help='topic UUID (repeatable; requires broker >= 2.8, KIP-516)')

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        topics: list[Any] = [*args.topics, *(uuid.UUID(t) for t in args.topic_ids)]
        return client.describe_topics(topics or None)


class CreateTopic(Command):
    COMMAND = 'create'
    HELP = 'Create a Kafka Topic'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        parser.add_argument('-t', '--topic', type=str, required=True, help='topic name')
        parser.add_argument('--num-partitions', type=int, default=-1,
                            help='number of partitions (default: -1, the broker default)')
        parser.add_argument('--replication-factor', type=int, default=-1,
                            help='replication factor (default: -1, the broker default)')

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        return client.create_topics({args.topic: {'num_partitions': args.num_partitions,
                                                  'replication_factor': args.replication_factor}})


class DeleteTopic(Command):
    COMMAND = 'delete'
    HELP = 'Delete Kafka Topic'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        parser.add_argument('-t', '--topic', type=str, action='append', dest='topics', default=[],
                            help='topic name (repeatable)')
        parser.add_argument('--id', type=str, action='append', dest='topic_ids', default=[],
                            help='topic UUID (repeatable)')

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        if not args.topics and not args.topic_ids:
            raise ValueError('At least one topic or topic_id is required!')
        return client.delete_topics([*args.topics, *(uuid.UUID(t) for t in args.topic_ids)])


class TopicsCommandGroup(CommandGroup):
    GROUP = 'topics'
    HELP = 'Manage Kafka Topics'
    COMMANDS = (ListTopics, DescribeTopics, CreateTopic, DeleteTopic)
