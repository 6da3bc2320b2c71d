"""``kafka-python admin cluster``: describe, quorum, versions, features, log dirs."""

from __future__ import annotations

import argparse
from typing import Any

from kafka.cli.admin._base import (
    FEATURES,
    Arg,
    Command,
    CommandGroup,
    admin_names,
    calling,
    error_name,
    require,
)
from kafka.cli.api_keys import ApiKey

DescribeCluster = calling('describe', 'Describe Kafka Cluster', 'describe_cluster')
DescribeQuorum = calling('describe-quorum', 'Describe the KRaft metadata quorum', 'describe_metadata_quorum')


class GetApiVersions(Command, name='api-versions', help='Get Supported Api Versions', args=(
        Arg('-k', '--api-key', type=str, action='append', dest='api_keys', default=None,
            help='API name to show, e.g. Produce (repeatable; default: all)'),
        Arg('--raw', action='store_true', help='key the output by API key number, not name'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        try:
            wanted = {ApiKey[k] for k in args.api_keys} if args.api_keys else None
        except KeyError as exc:
            raise ValueError(f'Unknown api key: {exc.args[0]}') from None
        out = {}
        for key, versions in require(client, 'api_versions')().items():
            if wanted is not None and key not in wanted:
                continue
            try:
                label: Any = int(key) if args.raw else ApiKey(key).name
            except ValueError:
                label = int(key)
            out[label] = versions
        return out


class GetBrokerVersion(Command, name='broker-version', help='Get Version for Broker',
                       args=(Arg('--broker', required=True, help='broker node id'),)):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        broker_id = int(args.broker)
        data = require(client, 'get_broker_version_data')(broker_id)
        version = getattr(data, 'broker_version_str', None)
        if version is None:
            version = '.'.join(str(part) for part in data.broker_version)
        return {broker_id: version}


class DescribeFeatures(Command, name='describe-features', help='Describe Features of Kafka Cluster', args=(
        FEATURES(help='Show one or more specific features. If not provided, returns all features.'),)):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        result = require(client, 'describe_features')()
        if args.features:
            return {k: v for k, v in result.items() if k in args.features}
        return result


class UpdateFeatures(Command, name='update-features', help='Update Features of Kafka Cluster', args=(
        FEATURES(help='set feature=value (repeatable)'),
        Arg('--downgrade', action='store_true', help='allow lowering the version level'),
        Arg('--unsafe', action='store_true', help='with --downgrade: allow a lossy downgrade'),
        Arg('--timeout', type=int, default=60, help='seconds to wait (default: 60)'),
        Arg('--validate-only', action='store_true', help='validate without applying'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        update = require(client, 'update_features')
        (update_type,) = admin_names('UpdateFeatureType')
        if not args.downgrade:
            kind = update_type.UPGRADE
        elif args.unsafe:
            kind = update_type.UNSAFE_DOWNGRADE
        else:
            kind = update_type.SAFE_DOWNGRADE
        updates = {}
        for feature in args.features:
            name, sep, level = feature.partition('=')
            if not sep:
                raise ValueError(f'expected feature=value, got {feature!r}')
            updates[name] = (kind, int(level))
        return update(updates, validate_only=args.validate_only, timeout_ms=1000 * args.timeout)


DescribeLogDirs = calling(
    'describe-log-dirs', 'Get topic log directories and stats', 'describe_log_dirs',
    topic_partitions='topics', brokers='brokers',
    args=(Arg('--broker', type=int, action='append', dest='brokers', help='Query specific broker(s)'),
          Arg('--topic', type=str, action='append', dest='topics', help='Get data about specific topic(s)')))


class AlterLogDirs(Command, name='alter-log-dirs',
                   help='Move replicas between log directories on their hosting brokers', args=(
        Arg('-a', '--assignment', type=str, action='append', dest='assignments', default=[], required=True,
            help='TOPIC:PARTITION:BROKER_ID=/absolute/log/dir/path (repeatable). Instructs BROKER_ID to move '
                 'its replica of TOPIC:PARTITION into the given log directory.'),)):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        from kafka.structs import TopicPartitionReplica

        alter = require(client, 'alter_replica_log_dirs')
        assignments = {}
        for spec in args.assignments:
            replica, sep, log_dir = spec.rpartition('=')
            parts = replica.rsplit(':', 2)
            if not sep or len(parts) != 3:
                raise ValueError(f'expected TOPIC:PARTITION:BROKER_ID=DIR, got {spec!r}')
            topic, partition, broker_id = parts
            assignments[TopicPartitionReplica(topic, int(partition), int(broker_id))] = log_dir
        result = alter(assignments)
        return {f'{r.topic}:{r.partition}:{r.broker_id}': error_name(err) for r, err in result.items()}


class ClusterCommandGroup(CommandGroup):
    GROUP = 'cluster'
    HELP = 'Manage Kafka Cluster'
    COMMANDS = (DescribeCluster, DescribeQuorum, GetApiVersions, GetBrokerVersion,
                DescribeFeatures, UpdateFeatures, DescribeLogDirs, AlterLogDirs)
