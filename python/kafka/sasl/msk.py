"""SASL AWS_MSK_IAM (Amazon MSK IAM access control) with the optional ``botocore`` package.

The first and only client message is a JSON document holding a SigV4 presigned
``kafka-cluster:Connect`` request for the broker host, signed with botocore's credentials chain.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kafka.errors import KafkaConfigurationError
from kafka.sasl.abc import SaslMechanism

try:
    import botocore.session as _boto_session
    from botocore.auth import SigV4QueryAuth as _SigV4QueryAuth
    from botocore.awsrequest import AWSRequest as _AWSRequest
except ImportError:
    _boto_session = None

_SERVICE = 'kafka-cluster'
_ACTION = 'kafka-cluster:Connect'
_EXPIRES_S = 900


class SaslMechanismAwsMskIam(SaslMechanism):
    """AWS_MSK_IAM: needs SASL_SSL, ``botocore`` and a region (``AWS_DEFAULT_REGION`` or config)."""

    @staticmethod
    def check_available(config: dict[str, Any]) -> None:
        """Raise KafkaConfigurationError when the package or the settings are missing."""
        if _boto_session is None:
            raise KafkaConfigurationError(
                "sasl_mechanism='AWS_MSK_IAM' needs the optional package 'botocore' (pip install botocore)")
        if config.get('security_protocol') != 'SASL_SSL':
            raise KafkaConfigurationError('AWS_MSK_IAM requires security_protocol=SASL_SSL')

    def __init__(self, **config: Any) -> None:
        self.check_available(config)
        self.host = config.get('host') or ''
        self._done = False
        self._authenticated = False

    def first_message(self) -> bytes:
        """The signed JSON payload (also useful to inspect in tests)."""
        assert _boto_session is not None
        session = _boto_session.Session()
        region = session.get_config_variable('region')
        if not region:
            raise KafkaConfigurationError('AWS_MSK_IAM: no AWS region (set AWS_DEFAULT_REGION)')
        credentials = session.get_credentials()
        if credentials is None:
            raise KafkaConfigurationError('AWS_MSK_IAM: no AWS credentials found')
        request = _AWSRequest(method='GET', url=f'https://{self.host}/?Action={_ACTION}')
        _SigV4QueryAuth(credentials.get_frozen_credentials(), _SERVICE, region, expires=_EXPIRES_S).add_auth(request)
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        payload = {'version': '2020_10_22', 'host': self.host, 'user-agent': 'kafka-python-rs', 'action': _ACTION}
        payload.update({k.lower(): v for k, v in query.items() if k != 'Action'})
        return json.dumps(payload, separators=(',', ':')).encode()

    def auth_bytes(self) -> bytes:
        return self.first_message()

    def receive(self, auth_bytes: bytes) -> None:
        self._done = True
        self._authenticated = auth_bytes != b''

    def is_done(self) -> bool:
        return self._done

    def is_authenticated(self) -> bool:
        return self._authenticated
