"""``kafka-python admin groups``: list, describe, delete, offsets, members."""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any

from kafka.cli.admin._base import Command, CommandGroup, admin_names, error_name, require, split_tp, tp_key
from kafka.structs import OffsetAndMetadata, TopicPartition

_DURATION = re.compile(r'^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$')

_COORDINATOR_HELP = 'Send directly to this broker id, skipping coordinator lookup'


def _tp(spec: str) -> TopicPartition:
    return TopicPartition(*split_tp(spec))


class ListGroups(Command):
    COMMAND = 'list'
    HELP = 'List Groups'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        from kafka.admin import GroupState, GroupType

        states = ', '.join(sorted(s.value for s in GroupState))
        types = ', '.join(sorted(t.value for t in GroupType))
        parser.add_argument(
            '--state', type=str, action='append', dest='states_filter', default=[],
            help=f'Filter by group state (repeatable). One of: {states}. Case-insensitive; names also '
                 'accepted. Requires broker >= 3.0 (KIP-518).')
        parser.add_argument(
            '--type', type=str, action='append', dest='types_filter', default=[],
            help=f'Filter by group type (repeatable). One of: {types}. Requires broker >= 4.0 (KIP-848).')

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        return client.list_groups(states_filter=args.states_filter or None,
                                  types_filter=args.types_filter or None)


class DescribeGroups(Command):
    COMMAND = 'describe'
    HELP = 'Describe Groups'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        parser.add_argument('-g', '--group-id', type=str, action='append', dest='groups', required=True,
                            help='group id (repeatable)')

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        return client.describe_groups(args.groups)


class DeleteGroups(Command):
    COMMAND = 'delete'
    HELP = 'Delete Groups'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        parser.add_argument('-g', '--group-id', type=str, action='append', dest='groups', required=True,
                            help='group id (repeatable)')

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        return client.delete_groups(args.groups)


class ListGroupOffsets(Command):
    COMMAND = 'list-offsets'
    HELP = 'List Offsets for Group'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        parser.add_argument('-g', '--group-id', type=str, required=True, help='group id')

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        from kafka.admin import OffsetSpec

        offsets = client.list_group_offsets(args.group_id)[args.group_id]
        latest = client.list_partition_offsets({tp: OffsetSpec.LATEST for tp in offsets}) if offsets else {}
        results: dict[str, dict[int, Any]] = defaultdict(dict)
        for tp in latest:
            committed = offsets[tp]
            results[tp.topic][tp.partition] = {
                'offset': committed.offset,
                'leader_epoch': committed.leader_epoch,
                'metadata': committed.metadata,
                'latest_offset': latest[tp].offset,
                'lag': latest[tp].offset - committed.offset,
            }
        return dict(results)


class AlterGroupOffsets(Command):
    COMMAND = 'alter-offsets'
    HELP = 'Alter committed offsets for a consumer group'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        parser.add_argument('-g', '--group-id', type=str, required=True, help='group id')
        parser.add_argument('-o', '--offset', type=str, action='append', dest='offsets', default=[],
                            required=True, help='TOPIC:PARTITION:OFFSET triple (repeatable).')
        parser.add_argument('--group-coordinator-id', type=int, default=None, help=_COORDINATOR_HELP)

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        offsets = {}
        for spec in args.offsets:
            tp_spec, _, offset = spec.rpartition(':')
            offsets[_tp(tp_spec)] = OffsetAndMetadata(int(offset), '', None)
        result = client.alter_group_offsets(args.group_id, offsets,
                                            group_coordinator_id=args.group_coordinator_id)
        return {tp_key(tp): error_name(err) for tp, err in result.items()}


class ResetGroupOffsets(Command):
    COMMAND = 'reset-offsets'
    HELP = 'Reset committed offsets for a consumer group'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        parser.add_argument('-g', '--group-id', type=str, required=True, help='group id')
        parser.add_argument(
            '-p', '--partition', type=str, action='append', dest='partitions', default=[],
            help='TOPIC:PARTITION pair (repeatable). Scopes the reset to these partitions. If omitted, '
                 'the reset applies to every partition currently committed by the group.')
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument('-s', '--spec', type=str,
                          help='Spec may be one of earliest, latest, max-timestamp, earliest-local, '
                               'latest-tiered, or a millisecond timestamp.')
        mode.add_argument('--to-offset', type=int, dest='to_offset',
                          help='Reset all in-scope partitions to this explicit offset '
                               '(clamped to [earliest, latest]).')
        mode.add_argument('--shift-by', type=int, dest='shift_by',
                          help='Shift each in-scope committed offset by N positions (may be negative); '
                               'clamped to [earliest, latest]. Requires a current commit for each '
                               'in-scope partition.')
        mode.add_argument('--by-duration', type=str, dest='by_duration',
                          help='Reset to the offset at (now - DURATION). DURATION is ISO-8601, '
                               'e.g. P7D, PT1H, PT30M.')
        mode.add_argument('--to-datetime', type=str, dest='to_datetime',
                          help='Reset to the offset at the given ISO-8601 datetime (UTC assumed if no '
                               'tz offset is provided).')
        mode.add_argument('--to-current', action='store_true', dest='to_current',
                          help='Re-commit the current committed offsets, clamped to [earliest, latest]. '
                               'Useful to heal out-of-range offsets. Requires a current commit for '
                               'each in-scope partition.')

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        group = client.describe_groups([args.group_id])
        state = group[args.group_id]['group_state']
        if state not in ('Empty', 'Dead'):
            raise RuntimeError(f'Group {args.group_id} is {state}, expecting Empty or Dead!')
        result = client.reset_group_offsets(args.group_id, cls._targets(client, args))
        output: dict[str, dict[int, Any]] = defaultdict(dict)
        for tp, res in result.items():
            output[tp.topic][tp.partition] = {**res, 'error': error_name(res['error'])}
        return dict(output)

    @classmethod
    def _targets(cls, client: Any, args: argparse.Namespace) -> dict[TopicPartition, Any]:
        from kafka.admin import OffsetTimestamp

        explicit = [_tp(p) for p in args.partitions] if args.partitions else None

        def scope() -> list[TopicPartition]:
            if explicit is not None:
                return explicit
            return list(client.list_group_offsets(args.group_id)[args.group_id])

        if args.spec is not None:
            spec = cls._parse_spec(args.spec)
            return {tp: spec for tp in scope()}
        if args.to_offset is not None:
            return {tp: args.to_offset for tp in scope()}
        if args.by_duration:
            ts = OffsetTimestamp(int((datetime.now(timezone.utc) - cls._parse_duration(args.by_duration))
                                     .timestamp() * 1000))
            return {tp: ts for tp in scope()}
        if args.to_datetime:
            ts = OffsetTimestamp(int(cls._parse_datetime(args.to_datetime).timestamp() * 1000))
            return {tp: ts for tp in scope()}
        current = client.list_group_offsets(args.group_id)[args.group_id]
        in_scope = explicit if explicit is not None else list(current)
        missing = [tp for tp in in_scope if tp not in current]
        if missing:
            raise ValueError(f'No committed offset for {missing}; --shift-by / --to-current '
                             'require a current commit per in-scope partition')
        if args.shift_by is not None:
            return {tp: current[tp].offset + args.shift_by for tp in in_scope}
        return {tp: current[tp].offset for tp in in_scope}

    @staticmethod
    def _parse_spec(spec: str) -> Any:
        from kafka.admin import OffsetSpec, OffsetTimestamp

        try:
            return OffsetSpec.build_from(spec)
        except (ValueError, KeyError):
            try:
                return OffsetTimestamp(int(spec))
            except ValueError:
                raise ValueError(f'Invalid offset spec: {spec}') from None

    @staticmethod
    def _parse_duration(duration: str) -> timedelta:
        match = _DURATION.match(duration)
        if not match or not any(match.groups()):
            raise ValueError(f'Invalid ISO-8601 duration: {duration}')
        days, hours, minutes, seconds = match.groups()
        return timedelta(days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0),
                         seconds=float(seconds or 0))

    @staticmethod
    def _parse_datetime(text: str) -> datetime:
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f'Invalid ISO-8601 datetime: {text}') from None
        return dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)


class DeleteGroupOffsets(Command):
    COMMAND = 'delete-offsets'
    HELP = 'Delete committed offsets for a consumer group'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        parser.add_argument('-g', '--group-id', type=str, required=True, help='group id')
        parser.add_argument('-p', '--partition', type=str, action='append', dest='partitions', default=[],
                            required=True, help='TOPIC:PARTITION pair (repeatable).')
        parser.add_argument('--group-coordinator-id', type=int, default=None, help=_COORDINATOR_HELP)

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        result = client.delete_group_offsets(args.group_id, [_tp(p) for p in args.partitions],
                                             group_coordinator_id=args.group_coordinator_id)
        return {tp_key(tp): error_name(err) for tp, err in result.items()}


class RemoveGroupMembers(Command):
    COMMAND = 'remove-members'
    HELP = 'Remove members from a consumer group'

    @classmethod
    def add_arguments(cls, parser: argparse._ArgumentGroup) -> None:
        parser.add_argument('-g', '--group-id', type=str, required=True, help='group id')
        parser.add_argument('-m', '--member-id', type=str, action='append', dest='member_ids', default=[],
                            help='Dynamic member id to remove (repeatable).')
        parser.add_argument('-i', '--group-instance-id', type=str, action='append', dest='group_instance_ids',
                            default=[], help='Static group.instance.id to remove (repeatable; requires '
                                             'broker LeaveGroup v3+).')
        parser.add_argument('--reason', type=str, default=None,
                            help='Optional reason; sent to broker on LeaveGroup v5+ (KIP-800). '
                                 'Applied to all members.')
        parser.add_argument('--group-coordinator-id', type=int, default=None, help=_COORDINATOR_HELP)

    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        remove = require(client, 'remove_group_members')
        (member_to_remove,) = admin_names('MemberToRemove')
        members = [member_to_remove(member_id=m, reason=args.reason) for m in args.member_ids]
        members.extend(member_to_remove(group_instance_id=g, reason=args.reason) for g in args.group_instance_ids)
        if not members:
            raise ValueError('At least one --member-id or --group-instance-id is required.')
        result = remove(args.group_id, members, group_coordinator_id=args.group_coordinator_id)
        return {member: error_name(err) for member, err in result.items()}


class GroupsCommandGroup(CommandGroup):
    GROUP = 'groups'
    HELP = 'Manage Kafka Groups'
    COMMANDS = (ListGroups, DescribeGroups, DeleteGroups, ListGroupOffsets, AlterGroupOffsets,
                ResetGroupOffsets, DeleteGroupOffsets, RemoveGroupMembers)
