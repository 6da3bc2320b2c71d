"""``kafka-python admin configs``: describe, alter, list, reset."""

from __future__ import annotations

import argparse
import re
from typing import Any

from kafka.cli.admin._base import Arg, Command, CommandGroup, OneOf, calling

_OP = re.compile(r'^(set|del|add|sub)\((.*)\)$')

#: The resources a command is about (describe, alter, reset).
RESOURCES = (
    Arg('-r', '--resource-type', type=str, required=True,
        help='Type of resource: topic, broker, broker_logger, client_metrics, group.'),
    Arg('-n', '--resource-name', type=str, action='append', dest='resource_names', required=True,
        help='Name of resource(s). May be repeated.'),
)
CONFIGS = Arg('-c', '--config', type=str, action='append', dest='configs')
#: What alter and reset share after ``--config``.
CHANGE_OPTIONS = (
    Arg('-v', '--validate-only', action='store_true', default=False, help='validate without applying'),
    Arg('--allow-unknown', action='store_false', dest='raise_on_unknown', default=True,
        help='do not reject config keys the broker does not report'),
)


def parse_resources(args: argparse.Namespace, configs: Any = None) -> list[Any]:
    from kafka.admin import ConfigResource

    resource_type = args.resource_type.upper().replace('-', '_')
    return [ConfigResource(resource_type, name, configs) for name in args.resource_names]


class DescribeConfigs(Command, name='describe', help='Describe Kafka Configs', args=(
        *RESOURCES,
        CONFIGS(default=None, help='config key to describe (repeatable; default: all)'),
        Arg('--dynamic', action='store_true', default=False, help='only dynamic configs'),
        Arg('--modified', action='store_true', default=False,
            help='only configs that differ from their default'),
        Arg('--static', action='store_true', default=False, help='only static configs'),
        Arg('--default', action='store_true', default=False, help='only default configs'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        resources = parse_resources(args, configs=args.configs)
        for flag in ('modified', 'dynamic', 'static', 'default'):
            if getattr(args, flag):
                config_filter = flag
                break
        else:
            config_filter = 'all'
        return client.describe_configs(resources, config_filter=config_filter)


class AlterConfigs(Command, name='alter', help='Alter Kafka Configs', args=(
        *RESOURCES,
        CONFIGS(required=True, help='key=value to alter (repeatable); value may be set(v), del(), '
                                    'add(v) or sub(v) for incremental operations'),
        *CHANGE_OPTIONS,
        OneOf(Arg('--force-incremental', action='store_true', dest='incremental', default=None,
                  help='use IncrementalAlterConfigs'),
              Arg('--force-alter', action='store_false', dest='incremental', default=None,
                  help='use the legacy AlterConfigs')))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        from kafka.admin import AlterConfigOp

        ops = {'set': AlterConfigOp.SET, 'del': AlterConfigOp.DELETE,
               'add': AlterConfigOp.APPEND, 'sub': AlterConfigOp.SUBTRACT}
        configs: dict[str, Any] = {}
        for entry in args.configs:
            key, sep, value = entry.partition('=')
            if not sep or not key:
                raise ValueError(f'Unable to parse configs! {args.configs}')
            match = _OP.match(value)
            configs[key] = (ops[match.group(1)], match.group(2)) if match else value
        return client.alter_configs(parse_resources(args, configs=configs),
                                    validate_only=args.validate_only,
                                    raise_on_unknown=args.raise_on_unknown,
                                    incremental=args.incremental)


ListConfigResources = calling(
    'list', 'List config resources known to the cluster (requires broker >= 4.1 for non client_metrics types)',
    'list_config_resources', resource_types='resource_types',
    args=(Arg('-r', '--resource-type', type=str, action='append', dest='resource_types', default=[],
              help='Filter by resource type (repeatable): topic, broker, broker_logger, client_metrics, '
                   'group. Omit to list all supported types.'),))


class ResetConfigs(Command, name='reset', help='Reset Kafka Configs',
                   args=(*RESOURCES, CONFIGS(default=[], help='key to reset (repeatable)'), *CHANGE_OPTIONS)):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        return client.reset_configs(parse_resources(args, configs=args.configs),
                                    validate_only=args.validate_only,
                                    raise_on_unknown=args.raise_on_unknown)


class ConfigsCommandGroup(CommandGroup):
    GROUP = 'configs'
    HELP = 'Manage Kafka Configuration'
    COMMANDS = (DescribeConfigs, AlterConfigs, ListConfigResources, ResetConfigs)
