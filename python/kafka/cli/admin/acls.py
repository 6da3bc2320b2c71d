"""``kafka-python admin acls``: describe, create, delete."""

from __future__ import annotations

import argparse
from typing import Any

from kafka.cli.admin._base import Arg, Command, CommandGroup, admin_names, require

# The names of kafka-python 3's ACL enums (lower case), so that --help needs no admin class.
OPERATIONS = ('unknown', 'any', 'all', 'read', 'write', 'create', 'delete', 'alter', 'describe',
              'cluster_action', 'describe_configs', 'alter_configs', 'idempotent_write', 'create_tokens',
              'describe_tokens')
PERMISSION_TYPES = ('unknown', 'any', 'deny', 'allow')
RESOURCE_TYPES = ('unknown', 'any', 'topic', 'group', 'cluster', 'transactional_id', 'delegation_token', 'user')
PATTERN_TYPES = ('unknown', 'any', 'match', 'literal', 'prefixed')


def _acl_options(principal: Arg, host: Arg, operation: Arg, permission_type: Arg, resource_type: Arg,
                 resource_name: Arg, pattern_type: Arg) -> tuple[Arg, ...]:
    """The seven options naming an ACL, in their order."""
    return principal, host, operation, permission_type, resource_type, resource_name, pattern_type


_PRINCIPAL = Arg('--principal', type=str, help='ACL principal (e.g. User:alice)')
_HOST = Arg('--host', type=str)
_OPERATION = Arg('--operation', type=str, choices=OPERATIONS)
_PERMISSION_TYPE = Arg('--permission-type', type=str, choices=PERMISSION_TYPES)
_RESOURCE_TYPE = Arg('--resource-type', type=str, choices=RESOURCE_TYPES)
_RESOURCE_NAME = Arg('--resource-name', type=str, help='Resource name (* wildcards accepted)')
_PATTERN_TYPE = Arg('--pattern-type', type=str, choices=PATTERN_TYPES)

#: An ACL filter (describe, delete): unset fields match anything.
ACL_FILTER_ARGS = _acl_options(
    _PRINCIPAL(default=None), _HOST(default=None, help='ACL host (default: match any)'),
    _OPERATION(default='any', help='ACL operation (default: any)'),
    _PERMISSION_TYPE(default='any', help='ACL permission type (default: any)'),
    _RESOURCE_TYPE(default='any', help='Resource type (default: any)'), _RESOURCE_NAME(default=None),
    _PATTERN_TYPE(default='any', help='Resource pattern type (default: any)'))
#: One concrete ACL (create).
ACL_ARGS = _acl_options(
    _PRINCIPAL(required=True), _HOST(default='*', help='ACL host (default: *)'),
    _OPERATION(required=True, help='ACL operation'),
    _PERMISSION_TYPE(default='allow', help='ACL permission type (default: allow)'),
    _RESOURCE_TYPE(required=True, help='Resource type'), _RESOURCE_NAME(required=True),
    _PATTERN_TYPE(default='literal', help='Resource pattern type (default: literal)'))


def _acl_fields(args: argparse.Namespace, pattern_class: str) -> dict[str, Any]:
    operation, permission, resource_type, pattern_type, pattern = admin_names(
        'ACLOperation', 'ACLPermissionType', 'ResourceType', 'ACLResourcePatternType', pattern_class)
    return {
        'principal': args.principal,
        'operation': operation[args.operation.upper()],
        'permission_type': permission[args.permission_type.upper()],
        'resource_pattern': pattern(
            resource_type=resource_type[args.resource_type.upper()],
            resource_name=args.resource_name,
            pattern_type=pattern_type[args.pattern_type.upper()],
        ),
    }


def acl_filter_from_args(args: argparse.Namespace) -> Any:
    """An ``ACLFilter`` from the filter options."""
    (acl_filter,) = admin_names('ACLFilter')
    return acl_filter(host=args.host, **_acl_fields(args, 'ResourcePatternFilter'))


def acl_from_args(args: argparse.Namespace) -> Any:
    """An ``ACL`` from the ACL options."""
    (acl,) = admin_names('ACL')
    return acl(host=args.host or '*', **_acl_fields(args, 'ResourcePattern'))


class DescribeACLs(Command, name='describe', help='Describe Kafka ACLs', args=ACL_FILTER_ARGS):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        acls, _error = require(client, 'describe_acls')(acl_filter_from_args(args))
        return [repr(acl) for acl in acls]


class CreateACLs(Command, name='create', help='Create Kafka ACLs', args=ACL_ARGS):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        result = require(client, 'create_acls')([acl_from_args(args)])
        return {'succeeded': [repr(a) for a in result['succeeded']],
                'failed': [str(e) for e in result['failed']]}


class DeleteACLs(Command, name='delete', help='Delete Kafka ACLs', args=ACL_FILTER_ARGS):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        deleted = require(client, 'delete_acls')([acl_filter_from_args(args)])
        return [{'filter': repr(acl_filter), 'deleted': [repr(acl) for acl in matching], 'error': str(error)}
                for acl_filter, matching, error in deleted]


class ACLsCommandGroup(CommandGroup):
    GROUP = 'acls'
    HELP = 'Manage Kafka ACLs'
    COMMANDS = (DescribeACLs, CreateACLs, DeleteACLs)
