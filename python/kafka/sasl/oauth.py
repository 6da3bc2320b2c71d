"""kafka-python's OAUTHBEARER token provider base class."""

from __future__ import annotations

import abc
from typing import Any


class AbstractTokenProvider(abc.ABC):
    """Supplies OAUTHBEARER tokens: ``token()`` returns the (JWT) string; ``extensions()`` an
    optional dict of SASL extensions (KIP-342). Called once per authentication, from a worker
    thread of the client."""

    def __init__(self, **config: Any) -> None:
        pass

    @abc.abstractmethod
    def token(self) -> str:
        """The current token (fetch or refresh it here)."""

    def extensions(self) -> dict[str, str]:
        """SASL extensions sent with the token (default: none)."""
        return {}
