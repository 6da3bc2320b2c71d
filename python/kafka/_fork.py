"""Fork safety: clients created in a forked child work; clients inherited from the parent refuse.

A child made by ``os.fork()`` (``multiprocessing``'s fork start method, gunicorn ``--preload``,
Celery prefork) inherits the parent's memory but none of its threads. At fork the native core
starts a new runtime generation, so clients created in the child get I/O threads of their own.
Clients created before the fork are marked inherited: using one raises
:class:`~kafka.errors.IllegalStateError` naming the cause (instead of waiting forever for
threads that do not exist), and closing one is a no-op, so a child's exit never waits on
records that belong to the parent.
"""

from __future__ import annotations

import os
import weakref
from typing import Any

from kafka import errors as Errors

try:
    from kafka import _native
except ImportError:  # pragma: no cover - source tree without a build
    _native = None  # type: ignore[assignment]

_clients: weakref.WeakSet[Any] = weakref.WeakSet()


def track(client: Any) -> None:
    """Remember ``client`` (it must have an ``_on_fork()`` method) for the fork hook."""
    client._created_in_pid = os.getpid()
    _clients.add(client)


def inherited_error(client: Any) -> Errors.IllegalStateError:
    """The error an inherited client raises when used in the child."""
    name = type(client).__name__
    return Errors.IllegalStateError(
        f'{name} was created in process {getattr(client, "_created_in_pid", "?")} before os.fork(); '
        f'its I/O threads do not exist in this process ({os.getpid()}). '
        f'Create a new {name} in the child process instead.')


def _after_fork_in_child() -> None:
    if _native is not None:
        _native._after_fork_in_child()
    for client in list(_clients):
        try:
            client._on_fork()
        except Exception:  # noqa: BLE001,S110 - a broken client must not break the child
            pass
    _clients.clear()


if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=_after_fork_in_child)
