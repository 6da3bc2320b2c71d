"""``kafka-python admin groups``: list, describe, delete, offsets, members."""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any

from kafka.cli.admin._base import (
    GROUP_COORDINATOR_ID,
    GROUP_ID,
    GROUP_IDS,
    OFFSET_SPEC_HELP,
    PARTITIONS,
    Arg,
    Command,
    CommandGroup,
    OneOf,
    admin_names,
    calling,
    error_name,
    errors_by_tp,
    offset_spec,
    parse_tp,
    require,
    tp_offsets,
)
from kafka.structs import OffsetAndMetadata, TopicPartition

_DURATION = re.compile(r'^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$')


def _states_help() -> str:
    from kafka.admin import GroupState

    states = ', '.join(sorted(s.value for s in GroupState))
    return (f'Filter by group state (repeatable). One of: {states}. Case-insensitive; names also '
            'accepted. Requires broker >= 3.0 (KIP-518).')


def _types_help() -> str:
    from kafka.admin import GroupType

    types = ', '.join(sorted(t.value for t in GroupType))
    return f'Filter by group type (repeatable). One of: {types}. Requires broker >= 4.0 (KIP-848).'


ListGroups = calling(
    'list', 'List Groups', 'list_groups', states_filter='states_filter', types_filter='types_filter',
    args=(Arg('--state', type=str, action='append', dest='states_filter', default=[], help=_states_help),
          Arg('--type', type=str, action='append', dest='types_filter', default=[], help=_types_help)))
DescribeGroups = calling('describe', 'Describe Groups', 'describe_groups', 'groups', args=(GROUP_IDS,))
DeleteGroups = calling('delete', 'Delete Groups', 'delete_groups', 'groups', args=(GROUP_IDS,))


class ListGroupOffsets(Command, name='list-offsets', help='List Offsets for Group', args=(GROUP_ID,)):
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


class AlterGroupOffsets(Command, name='alter-offsets',
                        help='Alter committed offsets for a consumer group', args=(
        GROUP_ID,
        Arg('-o', '--offset', type=str, action='append', dest='offsets', default=[], required=True,
            help='TOPIC:PARTITION:OFFSET triple (repeatable).'),
        GROUP_COORDINATOR_ID)):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        offsets = {tp: OffsetAndMetadata(offset, '', None) for tp, offset in tp_offsets(args.offsets).items()}
        return errors_by_tp(client.alter_group_offsets(args.group_id, offsets,
                                                       group_coordinator_id=args.group_coordinator_id))


_RESET_MODE = OneOf(
    Arg('-s', '--spec', type=str, help=f'Spec may be one of {OFFSET_SPEC_HELP}.'),
    Arg('--to-offset', type=int, dest='to_offset',
        help='Reset all in-scope partitions to this explicit offset (clamped to [earliest, latest]).'),
    Arg('--shift-by', type=int, dest='shift_by',
        help='Shift each in-scope committed offset by N positions (may be negative); '
             'clamped to [earliest, latest]. Requires a current commit for each '
             'in-scope partition.'),
    Arg('--by-duration', type=str, dest='by_duration',
        help='Reset to the offset at (now - DURATION). DURATION is ISO-8601, e.g. P7D, PT1H, PT30M.'),
    Arg('--to-datetime', type=str, dest='to_datetime',
        help='Reset to the offset at the given ISO-8601 datetime (UTC assumed if no '
             'tz offset is provided).'),
    Arg('--to-current', action='store_true', dest='to_current',
        help='Re-commit the current committed offsets, clamped to [earliest, latest]. '
             'Useful to heal out-of-range offsets. Requires a current commit for '
             'each in-scope partition.'),
    required=True)


class ResetGroupOffsets(Command, name='reset-offsets',
                        help='Reset committed offsets for a consumer group', args=(
        GROUP_ID,
        PARTITIONS(help='TOPIC:PARTITION pair (repeatable). Scopes the reset to these partitions. '
                        'If omitted, the reset applies to every partition currently committed by the group.'),
        _RESET_MODE)):
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

        explicit = [parse_tp(p) for p in args.partitions] if args.partitions else None

        def scope() -> list[TopicPartition]:
            if explicit is not None:
                return explicit
            return list(client.list_group_offsets(args.group_id)[args.group_id])

        if args.spec is not None:
            spec = offset_spec(args.spec)
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


class DeleteGroupOffsets(Command, name='delete-offsets', help='Delete committed offsets for a consumer group',
                         args=(GROUP_ID, PARTITIONS(required=True, help='TOPIC:PARTITION pair (repeatable).'),
                               GROUP_COORDINATOR_ID)):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        return errors_by_tp(client.delete_group_offsets(args.group_id, [parse_tp(p) for p in args.partitions],
                                                        group_coordinator_id=args.group_coordinator_id))


class RemoveGroupMembers(Command, name='remove-members', help='Remove members from a consumer group', args=(
        GROUP_ID,
        Arg('-m', '--member-id', type=str, action='append', dest='member_ids', default=[],
            help='Dynamic member id to remove (repeatable).'),
        Arg('-i', '--group-instance-id', type=str, action='append', dest='group_instance_ids', default=[],
            help='Static group.instance.id to remove (repeatable; requires broker LeaveGroup v3+).'),
        Arg('--reason', type=str, default=None,
            help='Optional reason; sent to broker on LeaveGroup v5+ (KIP-800). Applied to all members.'),
        GROUP_COORDINATOR_ID)):
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
