"""SASL GSSAPI (Kerberos, RFC 4752) with the optional ``gssapi`` package.

The core runs the SaslAuthenticate loop; this class produces each token. After the Kerberos
context is established the broker sends a wrapped 4-byte offer (security layers + max size); we
answer with "no security layer" (Kafka supports none), its size and our authorization id.
"""

from __future__ import annotations

import struct
from typing import Any

from kafka.errors import KafkaConfigurationError
from kafka.sasl.abc import SaslMechanism

try:
    import gssapi as _gssapi
except (ImportError, OSError):  # not installed, or no Kerberos library on the system
    _gssapi = None

_QOP_AUTH = 1


class SaslMechanismGSSAPI(SaslMechanism):
    """Kerberos via ``gssapi``: service principal ``sasl_kerberos_service_name@host`` (or
    ``@sasl_kerberos_domain_name``), or ``sasl_kerberos_name`` as given."""

    @staticmethod
    def check_available(config: dict[str, Any]) -> None:
        """Raise KafkaConfigurationError when the package or the settings are missing."""
        if _gssapi is None:
            raise KafkaConfigurationError(
                "sasl_mechanism='GSSAPI' needs the optional package 'gssapi' (pip install gssapi)")
        if not config.get('sasl_kerberos_name') and not config.get('sasl_kerberos_service_name'):
            raise KafkaConfigurationError('sasl_kerberos_service_name or sasl_kerberos_name required for GSSAPI')

    def __init__(self, **config: Any) -> None:
        self.check_available(config)
        assert _gssapi is not None
        name = config.get('sasl_kerberos_name')
        if name is not None and isinstance(name, _gssapi.Name):
            target = name
            self.auth_id = str(name)
        else:
            if name is not None:
                self.auth_id = str(name)
            else:
                domain = config.get('sasl_kerberos_domain_name') or config.get('host', '')
                self.auth_id = f"{config['sasl_kerberos_service_name']}@{domain}"
            target = _gssapi.Name(self.auth_id, name_type=_gssapi.NameType.hostbased_service).canonicalize(
                _gssapi.MechType.kerberos)
        self._ctx = _gssapi.SecurityContext(name=target, usage='initiate')
        self._token: bytes = self._ctx.step(None) or b''
        self._sent_final = False
        self._authenticated = False
        self._done = False

    def auth_bytes(self) -> bytes:
        if self._authenticated:
            self._sent_final = True
        return self._token

    def receive(self, auth_bytes: bytes) -> None:
        if self._sent_final:
            self._done = True
            return
        if not self._ctx.complete:
            self._token = self._ctx.step(auth_bytes) or b''
            return
        offer = self._ctx.unwrap(auth_bytes).message
        if len(offer) < 4:
            raise ValueError('GSSAPI: short security layer offer from the broker')
        layers = struct.unpack('>B', offer[:1])[0]
        reply = struct.pack('>B', _QOP_AUTH & layers) + offer[1:4] + self.auth_id.encode()
        self._token = self._ctx.wrap(reply, False).message
        self._authenticated = True

    def is_done(self) -> bool:
        return self._done

    def is_authenticated(self) -> bool:
        return self._authenticated
