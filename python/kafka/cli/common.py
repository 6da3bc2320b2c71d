"""Options and helpers shared by the ``kafka-python`` command-line tools.

The connection, logging and ``--extra-config`` options are kafka-python 3's; the ``--ssl-*``
options are an addition (kafka-python 3 only reaches them through ``-C ssl_cafile=...``).
"""

from __future__ import annotations

import argparse
import json
import logging
import logging.config
import os
import signal
import sys
import threading
from typing import Any, Callable

LOGGING_LEVELS = {
    'NOTSET': logging.NOTSET,
    'DEBUG': logging.DEBUG,
    'INFO': logging.INFO,
    'WARNING': logging.WARNING,
    'ERROR': logging.ERROR,
    'CRITICAL': logging.CRITICAL,
}

#: ``--ssl-*`` option (attribute name) -> client keyword.
_SSL_OPTIONS = {
    'ssl_cafile': 'ssl_cafile',
    'ssl_certfile': 'ssl_certfile',
    'ssl_keyfile': 'ssl_keyfile',
    'ssl_password': 'ssl_password',
    'ssl_crlfile': 'ssl_crlfile',
}


def add_connect_cli_args(parser: argparse.ArgumentParser, bootstrap_required: bool = True) -> None:
    """The ``connection`` options: bootstrap servers, security protocol, SASL and TLS."""
    group = parser.add_argument_group('connection')
    group.add_argument(
        '-b', '--bootstrap-servers', type=str, action='append', required=bootstrap_required,
        help='host:port for cluster bootstrap server. Can be provided multiple times '
             '(or comma-separated).')
    group.add_argument(
        '-S', '--security-protocol', type=str, default='PLAINTEXT',
        help='PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL (default: PLAINTEXT)')
    group.add_argument(
        '-M', '--sasl-mechanism', type=str, default='PLAIN',
        help='PLAIN, GSSAPI, OAUTHBEARER, SCRAM-SHA-256, SCRAM-SHA-512 (default: PLAIN)')
    group.add_argument('-U', '--sasl-user', type=str, help='SASL username')
    group.add_argument('-P', '--sasl-password', type=str, help='SASL password')
    group.add_argument('--ssl-cafile', type=str, help='CA certificate file (PEM) to verify brokers')
    group.add_argument('--ssl-certfile', type=str, help='client certificate file (PEM) for mutual TLS')
    group.add_argument('--ssl-keyfile', type=str, help='client private key file (PEM) for mutual TLS')
    group.add_argument('--ssl-password', type=str, help='password of the client private key')
    group.add_argument('--ssl-crlfile', type=str, help='certificate revocation list file (PEM)')


def add_logging_cli_args(parser: argparse.ArgumentParser) -> None:
    """The ``logging`` options (kafka-python 3's)."""
    group = parser.add_argument_group('logging')
    group.add_argument(
        '-l', '--log-level', type=str, default='CRITICAL',
        help='logging level, passed to logging.basicConfig (default: CRITICAL)')
    group.add_argument(
        '-L', '--enable-logger', type=str, action='append',
        help='enable a specific logger. Can be provided multiple times. '
             'If not provided, all loggers are enabled')
    group.add_argument(
        '-D', '--disable-logger', type=str, action='append',
        help='disable a specific logger. Can be provided multiple times.')
    group.add_argument('--log-format', type=str, default=None,
                       help='log message format string, passed to logging.Formatter')
    group.add_argument('--log-date-format', type=str, default=None,
                       help='log date format string, passed to logging.Formatter')
    group.add_argument('--log-file', type=str, default=None,
                       help='write logs to this file instead of stderr')
    group.add_argument(
        '--log-config', type=str, default=None,
        help='logging configuration file: .json (or .yaml/.yml with PyYAML) is a '
             'logging.config.dictConfig, anything else a logging.config.fileConfig. '
             'The file owns handlers and formatters (--log-format, --log-date-format and '
             '--log-file are ignored); --enable-logger and --disable-logger still apply.')


def add_extended_cli_args(parser: argparse.ArgumentParser) -> None:
    """The ``extended`` option: any client keyword as ``key=value``."""
    group = parser.add_argument_group('extended')
    group.add_argument(
        '-C', '--extra-config', type=str, action='append',
        help='additional configuration properties for client in "key=val" format. '
             'Can be provided multiple times.')


def add_common_cli_args(parser: argparse.ArgumentParser, bootstrap_required: bool = True) -> None:
    """Connection, logging and extended options."""
    add_connect_cli_args(parser, bootstrap_required)
    add_logging_cli_args(parser)
    add_extended_cli_args(parser)


def _convert(value: str) -> Any:
    """``-C`` values as kafka-python reads them: int, None, True, False, else the string."""
    try:
        return int(value)
    except ValueError:
        pass
    return {'None': None, 'True': True, 'False': False}.get(value, value)


def build_kwargs(props: list[str] | None) -> dict[str, Any]:
    """``['key=val', ...]`` -> ``{key: converted val}``.

    Raises:
        ValueError: an entry without ``=``.
    """
    kwargs = {}
    for prop in props or []:
        key, sep, value = prop.partition('=')
        if not sep or not key:
            raise ValueError(f'extra config must be key=val: {prop!r}')
        kwargs[key.strip()] = _convert(value)
    return kwargs


def build_connect_kwargs(config: argparse.Namespace) -> dict[str, Any]:
    """Client keywords from the connection and extended options.

    Raises:
        ValueError: no bootstrap server given, or a malformed ``-C`` entry.
    """
    if not config.bootstrap_servers:
        raise ValueError('the following arguments are required: -b/--bootstrap-servers')
    servers = [s.strip() for entry in config.bootstrap_servers for s in entry.split(',') if s.strip()]
    kwargs = build_kwargs(config.extra_config)
    kwargs.update({
        'bootstrap_servers': servers,
        'security_protocol': config.security_protocol,
        'sasl_mechanism': config.sasl_mechanism,
        'sasl_plain_username': config.sasl_user,
        'sasl_plain_password': config.sasl_password,
    })
    for option, keyword in _SSL_OPTIONS.items():
        value = getattr(config, option, None)
        if value is not None:
            kwargs[keyword] = value
    return kwargs


def client_kwargs(parser: argparse.ArgumentParser, config: argparse.Namespace) -> dict[str, Any]:
    """Apply the logging options and return the client keywords (:func:`build_connect_kwargs`);
    a bad option ends the tool with the parser's usage error (status 2)."""
    try:
        configure_logging(config)
        return build_connect_kwargs(config)
    except ValueError as exc:
        parser.error(str(exc))


def open_client(make: Callable[[], Any]) -> Any:
    """The client ``make()`` returns, or None after printing on stderr why it could not be made
    (bad configuration, no broker reachable)."""
    from kafka.errors import KafkaError

    try:
        return make()
    except (KafkaError, ValueError, TypeError) as exc:
        sys.stderr.write(f'{type(exc).__name__}: {exc}\n')
        return None


def run_and_close(client: Any, work: Callable[[], None], finish: Callable[[int], int],
                  logger: logging.Logger) -> int:
    """The console consumer's and producer's body around ``client``: ``work()`` until it returns or
    Ctrl-C (status 0); a reader of stdout that went away ends it quietly too (status 0); any other
    error is logged (status 1). The client is then closed (a Ctrl-C during the close: 130) and
    ``finish(status)`` prints the summary and gives the exit status."""
    status = 0
    try:
        work()
    except KeyboardInterrupt:
        logger.info('Bye!')
    except BrokenPipeError:
        silence_stdout()
    except Exception:
        logger.critical('Error!', exc_info=True)
        status = 1
    finally:
        try:
            client.close()
        except KeyboardInterrupt:
            status = 130
        status = finish(status)
    return status


def _load_log_config(path: str) -> None:
    if path.endswith(('.yaml', '.yml')):
        try:
            import yaml
        except ImportError:
            raise ValueError(f'PyYAML is required to load a YAML logging config: {path}') from None
        with open(path) as f:
            cfg = yaml.safe_load(f)
    elif path.endswith('.json'):
        with open(path) as f:
            cfg = json.load(f)
    else:
        # Keep loggers created before this call (the ones --enable-logger names) working.
        logging.config.fileConfig(path, disable_existing_loggers=False)
        return
    cfg.setdefault('disable_existing_loggers', False)
    logging.config.dictConfig(cfg)


def configure_logging(config: argparse.Namespace) -> None:
    """Apply the logging options (kafka-python 3's semantics).

    Raises:
        ValueError: an unknown ``--log-level``.
    """
    try:
        level = LOGGING_LEVELS[config.log_level.upper()]
    except KeyError:
        raise ValueError(f'Unrecognized log level: {config.log_level}') from None
    if config.log_config:
        _load_log_config(config.log_config)
        if config.enable_logger is not None:
            # Only the named loggers emit, through the file's handlers.
            logging.getLogger().setLevel(logging.CRITICAL + 1)
            for name in config.enable_logger:
                logger = logging.getLogger(name)
                logger.disabled = False
                logger.setLevel(level)
    else:
        fmt = config.log_format or logging.BASIC_FORMAT
        if config.enable_logger is not None:
            handler: logging.Handler = (logging.FileHandler(config.log_file) if config.log_file
                                        else logging.StreamHandler())
            handler.setLevel(level)
            handler.setFormatter(logging.Formatter(fmt, datefmt=config.log_date_format))
            for name in config.enable_logger:
                logger = logging.getLogger(name)
                logger.setLevel(level)
                logger.addHandler(handler)
        else:
            logging.basicConfig(level=level, format=fmt, datefmt=config.log_date_format,
                                filename=config.log_file)
    for name in config.disable_logger or []:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def guarded(main: Callable[[], int]) -> int:
    """Run a tool's body: SIGTERM is handled as Ctrl-C (the tool closes its client cleanly); a
    reader that went away (broken pipe) ends it quietly with status 0, a Ctrl-C that reaches
    here with 130."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, 'SIGTERM'):
        signal.signal(signal.SIGTERM, _terminate)
    try:
        return main()
    except BrokenPipeError:
        silence_stdout()
        return 0
    except KeyboardInterrupt:
        return 130
