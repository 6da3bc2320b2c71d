"""aiokafka's ``aiokafka.abc``: the rebalance listener and the OAUTHBEARER token provider."""

from __future__ import annotations

import abc

from kafka.aio.consumer import ConsumerRebalanceListener


class AbstractTokenProvider(abc.ABC):
    """aiokafka's token provider: ``async def token()`` returns the token string; ``extensions()``
    an optional dict of SASL extensions. The coroutine runs on the client's event loop."""

    @abc.abstractmethod
    async def token(self) -> str:
        """The current token."""

    def extensions(self) -> dict[str, str]:
        """SASL extensions sent with the token (default: none)."""
        return {}


__all__ = ['AbstractTokenProvider', 'ConsumerRebalanceListener']
