"""The event loop an asyncio client is created on, as aiokafka decides it."""

from __future__ import annotations

import asyncio
import warnings


def construction_loop(loop: asyncio.AbstractEventLoop | None, api_version: object, loop_message: str,
                      stacklevel: int = 3) -> asyncio.AbstractEventLoop:
    """The loop for a client constructed now, with aiokafka's checks and warnings.

    Without ``loop``, the client must be created inside a running loop (aiokafka raises
    ``RuntimeError`` otherwise); passing ``loop`` is deprecated (``DeprecationWarning``, with
    aiokafka's message for the class), as is ``api_version``, which has no effect.
    """
    if loop is None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError('The object should be created within an async function or '
                               'provide loop directly.') from None
    else:
        warnings.warn(loop_message, DeprecationWarning, stacklevel=stacklevel)
    if api_version is not None:
        warnings.warn('The `api_version` parameter has been deprecated since 0.13.0. It is now a no-op '
                      'and will be removed in a future release. ', DeprecationWarning, stacklevel=stacklevel)
    return loop
