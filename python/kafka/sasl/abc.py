"""kafka-python's SASL mechanism interface (for mechanisms implemented in Python)."""

from __future__ import annotations

import abc
from typing import Any


class SaslMechanism(abc.ABC):
    """One authentication exchange: constructed with ``host=`` and the client's config.

    The client calls ``auth_bytes()`` and sends the token, passes the broker's reply to
    ``receive()``, and repeats until ``is_done()``; ``is_authenticated()`` then says whether it
    succeeded.
    """

    @abc.abstractmethod
    def __init__(self, **config: Any) -> None: ...

    @abc.abstractmethod
    def auth_bytes(self) -> bytes: ...

    @abc.abstractmethod
    def receive(self, auth_bytes: bytes) -> None: ...

    @abc.abstractmethod
    def is_done(self) -> bool: ...

    @abc.abstractmethod
    def is_authenticated(self) -> bool: ...

    def auth_details(self) -> str:
        if not self.is_authenticated():
            raise RuntimeError('Not authenticated yet!')
        return 'Authenticated via SASL'
