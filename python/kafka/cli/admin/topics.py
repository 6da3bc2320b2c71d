"""``kafka-python admin topics``: list, describe, create, delete.

Topics are named with ``-t/--topic`` or given by id with ``--id`` (a topic UUID, KIP-516), as in
kafka-python 3: ids are passed to the admin client as :class:`uuid.UUID`.
"""

from __future__ import annotations

import argparse
import uuid
from typing import Any

from kafka.cli.admin._base import TOPIC, TOPICS, Arg, Command, CommandGroup, calling

TOPIC_IDS = Arg('--id', type=str, action='append', dest='topic_ids', default=[])


def topics_and_ids(args: argparse.Namespace) -> list[Any]:
    """The ``--topic`` names, then the ``--id`` UUIDs (ValueError for one that is not a UUID)."""
    return [*args.topics, *(uuid.UUID(t) for t in args.topic_ids)]


ListTopics = calling('list', 'List Kafka Topics', 'list_topics')


class DescribeTopics(Command, name='describe', help='Describe Kafka Topics', args=(
        TOPICS(help='topic name (repeatable; default: all topics)'),
        TOPIC_IDS(help='topic UUID (repeatable; requires broker >= 2.8, KIP-516)'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        return client.describe_topics(topics_and_ids(args) or None)


class CreateTopic(Command, name='create', help='Create a Kafka Topic', args=(
        TOPIC(help='topic name'),
        Arg('--num-partitions', type=int, default=-1,
            help='number of partitions (default: -1, the broker default)'),
        Arg('--replication-factor', type=int, default=-1,
            help='replication factor (default: -1, the broker default)'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        return client.create_topics({args.topic: {'num_partitions': args.num_partitions,
                                                  'replication_factor': args.replication_factor}})


class DeleteTopic(Command, name='delete', help='Delete Kafka Topic',
                  args=(TOPICS(help='topic name (repeatable)'), TOPIC_IDS(help='topic UUID (repeatable)'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        if not args.topics and not args.topic_ids:
            raise ValueError('At least one topic or topic_id is required!')
        return client.delete_topics(topics_and_ids(args))


class TopicsCommandGroup(CommandGroup):
    GROUP = 'topics'
    HELP = 'Manage Kafka Topics'
    COMMANDS = (ListTopics, DescribeTopics, CreateTopic, DeleteTopic)
