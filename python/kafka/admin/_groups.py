"""``remove_group_members`` (LeaveGroup v3+ at the group's coordinator) and ``MemberToRemove``."""

from __future__ import annotations

from typing import Any

from kafka import errors as Errors


class MemberToRemove:
    """A group member for ``remove_group_members``: a dynamic ``member_id`` and/or a static
    ``group_instance_id``; ``reason`` is sent to brokers with LeaveGroup v5+ (KIP-800).

    Keyword Arguments:
        member_id (str, optional): the member id the coordinator assigned.
        group_instance_id (str, optional): the static member's ``group.instance.id``.
        reason (str, optional): why the member is removed.
    """

    __slots__ = ('group_instance_id', 'member_id', 'reason')

    def __init__(self, member_id: str | None = None, group_instance_id: str | None = None,
                 reason: str | None = None) -> None:
        self.member_id = member_id
        self.group_instance_id = group_instance_id
        self.reason = reason

    def __repr__(self) -> str:
        return (f'<MemberToRemove member_id={self.member_id}, group_instance_id={self.group_instance_id},'
                f' reason={self.reason}>')

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MemberToRemove) and (
            (self.member_id, self.group_instance_id, self.reason)
            == (other.member_id, other.group_instance_id, other.reason))

    def __hash__(self) -> int:
        return hash((self.member_id, self.group_instance_id, self.reason))


class GroupMembersMixin:
    """``remove_group_members`` of KafkaAdminClient."""

    def _ensure_open(self) -> Any:  # provided by KafkaAdminClient
        raise NotImplementedError

    def remove_group_members(self, group_id: str, members: Any,
                             group_coordinator_id: int | None = None) -> dict[str, Any]:
        """Remove members from a group (one batched LeaveGroup at the group's coordinator).

        Arguments:
            group_id (str): the group.
            members: MemberToRemove objects (member_id and/or group_instance_id).

        Keyword Arguments:
            group_coordinator_id (int, optional): the coordinator's node id, if known.
                Default: None (look it up).

        Returns:
            dict ``{member_id or group_instance_id: KafkaError class}`` (NoError on success).

        Raises:
            KafkaError: the response's top-level error.
        """
        members = list(members)
        if not members:
            return {}
        identities = []
        for m in members:
            if not m.member_id and not m.group_instance_id:
                raise ValueError('MemberToRemove needs a member_id or a group_instance_id')
            identities.append({'member_id': m.member_id or '', 'group_instance_id': m.group_instance_id,
                               'reason': m.reason})
        request = {'group_id': group_id, 'members': identities}
        native = self._ensure_open()
        if group_coordinator_id is None:
            response = native.request('LeaveGroup', 'coordinator', request, group_id)
        else:
            response = native.request('LeaveGroup', 'node', request, group_coordinator_id)
        if response['error_code']:
            raise Errors.for_code(response['error_code'])(f'LeaveGroupRequest failed for group {group_id!r}')
        return {(m['member_id'] or m['group_instance_id']): Errors.for_code(m['error_code'])
                for m in response['members']}
