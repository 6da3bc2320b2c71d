"""Print the command line's argparse definitions as JSON (run under kafka-python 3 or ours).

``{"admin GROUP COMMAND": {"--flag": {dest, default, required, choices, nargs}}, "consumer": ...}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _options(parser: argparse.ArgumentParser) -> dict[str, Any]:
    out = {}
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        default = action.default
        out[max(action.option_strings, key=len) if action.option_strings else action.dest] = {
            'flags': sorted(action.option_strings),
            'dest': action.dest,
            'default': default if isinstance(default, (str, int, float, bool, type(None), list)) else repr(default),
            'required': action.required,
            'choices': sorted(action.choices) if action.choices else None,
            'kind': type(action).__name__,
        }
    return out


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def main() -> None:
    from kafka.cli.admin import main_parser as admin_parser
    from kafka.cli.consumer import main_parser as consumer_parser
    from kafka.cli.producer import main_parser as producer_parser

    result: dict[str, Any] = {}
    admin = admin_parser()
    result['admin'] = _options(admin)
    for group, group_parser in _subparsers(admin).items():
        for command, command_parser in _subparsers(group_parser).items():
            result[f'admin {group} {command}'] = _options(command_parser)
    result['consumer'] = _options(consumer_parser())
    result['producer'] = _options(producer_parser())
    json.dump(result, sys.stdout, sort_keys=True)


if __name__ == '__main__':
    main()
