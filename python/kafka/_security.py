"""Turn kafka-python's / aiokafka's security settings into what the Rust core reads.

The core does TLS (rustls) and SASL (PLAIN, SCRAM-SHA-256/512, OAUTHBEARER) itself; this module
only validates the settings, reads what it can out of an ``ssl.SSLContext``, and wraps Python
objects the core calls back: an OAUTHBEARER token provider, and whole mechanisms implemented in
Python (GSSAPI, AWS_MSK_IAM, or one registered with :func:`kafka.sasl.register_sasl_mechanism`).

What an ``ssl.SSLContext`` cannot give back: its client certificate and key (OpenSSL does not
export them), its cipher list and its CRLs. Pass ``ssl_certfile``/``ssl_keyfile``/``ssl_password``
(and ``ssl_crlfile``, ``ssl_ciphers``) next to ``ssl_context`` for mutual TLS; they are honoured
together with the context's verification settings.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import ssl
from typing import Any, Callable

from kafka.errors import KafkaConfigurationError

log = logging.getLogger(__name__)

SECURITY_PROTOCOLS = ('PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL')
#: Mechanisms the Rust core implements itself.
NATIVE_MECHANISMS = ('PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER')
#: Seconds a coroutine token() may take when run on the client's event loop.
TOKEN_TIMEOUT_S = 60.0
#: Config keys whose values are secrets: never shown in repr() or error messages.
SECRET_CONFIGS = frozenset(('ssl_password', 'sasl_plain_password'))


def redacted(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with its secrets replaced by ``'<hidden>'`` (for repr and logs)."""
    return {k: ('<hidden>' if k in SECRET_CONFIGS and v is not None else v) for k, v in config.items()}


def context_settings(ctx: ssl.SSLContext) -> dict[str, Any]:
    """The verification settings of ``ctx`` that the core can honour.

    Returns verify (verify_mode != CERT_NONE), check_hostname, tls13_only (minimum_version is
    TLS 1.3), the CA certificates it holds (DER) and whether to use the system trust store (it
    holds no CA certificates, or it was made by :func:`kafka.aio.helpers.create_ssl_context`
    without a CA, i.e. it loaded the defaults).
    """
    if not isinstance(ctx, ssl.SSLContext):
        raise KafkaConfigurationError(f'ssl_context must be an ssl.SSLContext, not {type(ctx).__name__}')
    verify = ctx.verify_mode != ssl.CERT_NONE
    cas = [bytes(c) for c in ctx.get_ca_certs(binary_form=True)]
    system = bool(getattr(ctx, '_kafka_rs_default_certs', False)) or not cas
    minimum = getattr(ctx, 'minimum_version', None)
    return {
        'verify': verify,
        'check_hostname': bool(ctx.check_hostname) and verify,
        'ca_certs_der': cas,
        'use_system_roots': verify and system,
        'tls13_only': minimum == ssl.TLSVersion.TLSv1_3,
    }


def ssl_settings(config: dict[str, Any]) -> dict[str, Any]:
    """The ``ssl`` dict of the native config from kafka-python keys (and ``ssl_context``)."""
    cafile = config.get('ssl_cafile')
    settings: dict[str, Any] = {
        'cafile': cafile,
        'ca_certs_der': [],
        # kafka-python's context loads the default CAs when no ssl_cafile is given.
        'use_system_roots': cafile is None,
        'certfile': config.get('ssl_certfile'),
        'keyfile': config.get('ssl_keyfile'),
        'password': _password(config.get('ssl_password')),
        'verify': True,
        'check_hostname': bool(config.get('ssl_check_hostname', True)),
        'crlfile': config.get('ssl_crlfile'),
        'ciphers': config.get('ssl_ciphers'),
        'tls13_only': False,
    }
    ctx = config.get('ssl_context')
    if ctx is not None:
        settings.update(context_settings(ctx))
        settings['cafile'] = None
        # kafka.aio.helpers.create_ssl_context remembers what a context cannot give back.
        remembered = getattr(ctx, '_kafka_rs_client_cert', None)
        if remembered is not None and settings['certfile'] is None:
            settings['certfile'], settings['keyfile'] = remembered[0], remembered[1]
            settings['password'] = _password(remembered[2])
        if settings['crlfile'] is None:
            settings['crlfile'] = getattr(ctx, '_kafka_rs_crlfile', None)
    return settings


def _password(value: Any) -> str | None:
    if value is None:
        return None
    if callable(value):  # ssl.SSLContext.load_cert_chain accepts a callable too
        value = value()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode()
    return str(value)


class TokenCallable:
    """Calls a token provider's ``token()`` (and ``extensions()``) for the core.

    Runs on a core worker thread. A coroutine result (aiokafka's ``async def token()``) is run on
    ``loop`` (the client's event loop) when that loop is running, else with :func:`asyncio.run`.
    """

    def __init__(self, provider: Any, loop: asyncio.AbstractEventLoop | None = None) -> None:
        if not callable(getattr(provider, 'token', None)):
            raise KafkaConfigurationError('sasl_oauth_token_provider must implement method #token()')
        self.provider = provider
        self.loop = loop

    def __repr__(self) -> str:
        return f'TokenCallable({type(self.provider).__name__})'

    def _resolve(self, value: Any) -> Any:
        if not inspect.isawaitable(value):
            return value

        async def wait() -> Any:
            return await value

        loop = self.loop
        if loop is not None and loop.is_running() and not loop.is_closed():
            return asyncio.run_coroutine_threadsafe(wait(), loop).result(timeout=TOKEN_TIMEOUT_S)
        return asyncio.run(wait())

    def __call__(self) -> tuple[str, list[tuple[str, str]]]:
        token = self._resolve(self.provider.token())
        extensions_fn = getattr(self.provider, 'extensions', None)
        extensions = self._resolve(extensions_fn()) if callable(extensions_fn) else None
        if isinstance(token, bytes):
            token = token.decode()
        return str(token), [(str(k), str(v)) for k, v in dict(extensions or {}).items()]


class MechanismAdapter:
    """A kafka-python ``SaslMechanism`` object as the core calls it; checks is_authenticated()."""

    def __init__(self, mechanism: Any, name: str) -> None:
        self.mechanism = mechanism
        self.name = name

    def auth_bytes(self) -> bytes:
        return bytes(self.mechanism.auth_bytes() or b'')

    def receive(self, data: bytes) -> None:
        self.mechanism.receive(data)

    def is_done(self) -> bool:
        if not self.mechanism.is_done():
            return False
        is_auth = getattr(self.mechanism, 'is_authenticated', None)
        if callable(is_auth) and not is_auth():
            raise RuntimeError(f'SASL {self.name} authentication failed')
        return True


def _factory(klass: Callable[..., Any], name: str, config: dict[str, Any]) -> Callable[[str], MechanismAdapter]:
    def start(host: str) -> MechanismAdapter:
        return MechanismAdapter(klass(**dict(config, host=host)), name)

    return start


def sasl_settings(config: dict[str, Any], loop: asyncio.AbstractEventLoop | None = None) -> dict[str, Any]:
    """The ``sasl`` dict of the native config (checks what the mechanism needs)."""
    from kafka import sasl as registry

    mechanism = config.get('sasl_mechanism') or 'PLAIN'
    klass = registry.SASL_MECHANISMS.get(mechanism)
    if klass is None:
        raise KafkaConfigurationError(
            f'sasl_mechanism must be one of {sorted(registry.SASL_MECHANISMS)}, not {mechanism!r}')
    if klass is not registry.NATIVE:
        check = getattr(klass, 'check_available', None)
        if callable(check):
            check(config)
        return {'mechanism': mechanism, 'factory': _factory(klass, mechanism, config)}
    if mechanism == 'OAUTHBEARER':
        provider = config.get('sasl_oauth_token_provider')
        if provider is None:
            raise KafkaConfigurationError('sasl_oauth_token_provider required for OAUTHBEARER sasl')
        return {'mechanism': mechanism, 'token_provider': TokenCallable(provider, loop)}
    if mechanism == 'PLAIN' and config.get('security_protocol') == 'SASL_PLAINTEXT':
        log.warning('SASL PLAIN over SASL_PLAINTEXT: sending username and password in the clear')
    username, password = config.get('sasl_plain_username'), config.get('sasl_plain_password')
    if username is None or password is None:
        raise KafkaConfigurationError(f'sasl_plain_username and sasl_plain_password required for {mechanism} sasl')
    return {'mechanism': mechanism, 'username': str(username), 'password': str(password)}


def native_security(config: dict[str, Any], loop: asyncio.AbstractEventLoop | None = None) -> dict[str, Any]:
    """``security_protocol``, ``ssl`` and ``sasl`` for a native client config."""
    protocol = config.get('security_protocol') or 'PLAINTEXT'
    if protocol not in SECURITY_PROTOCOLS:
        raise KafkaConfigurationError(
            f'security_protocol must be one of {", ".join(SECURITY_PROTOCOLS)}, not {protocol!r}')
    return {
        'security_protocol': protocol,
        'ssl': ssl_settings(config) if protocol in ('SSL', 'SASL_SSL') else None,
        'sasl': sasl_settings(config, loop) if protocol.startswith('SASL') else None,
    }


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop, or None outside one."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def set_token_loop(native_config: dict[str, Any], loop: asyncio.AbstractEventLoop) -> None:
    """Point an OAUTHBEARER token provider wrapper at the client's loop (aiokafka's coroutines)."""
    sasl = native_config.get('sasl')
    provider = sasl.get('token_provider') if isinstance(sasl, dict) else None
    if isinstance(provider, TokenCallable):
        provider.loop = loop

def aiokafka_security(
    security_protocol: str, ssl_context: Any, sasl_mechanism: str, sasl_plain_username: str | None,
    sasl_plain_password: str | None, sasl_kerberos_service_name: str, sasl_kerberos_domain_name: str | None,
    sasl_oauth_token_provider: Any,
) -> dict[str, Any]:
    """aiokafka's checks (its ValueErrors), then the native security settings."""
    if security_protocol not in ('SSL', 'PLAINTEXT', 'SASL_PLAINTEXT', 'SASL_SSL'):
        raise ValueError('`security_protocol` should be SSL or PLAINTEXT')
    if security_protocol in ('SSL', 'SASL_SSL') and ssl_context is None:
        raise ValueError("`ssl_context` is mandatory if security_protocol=='SSL'")
    if security_protocol in ('SASL_SSL', 'SASL_PLAINTEXT'):
        if sasl_mechanism not in ('PLAIN', 'GSSAPI', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'):
            raise ValueError('only `PLAIN`, `GSSAPI`, `SCRAM-SHA-256`, `SCRAM-SHA-512` and `OAUTHBEARER`'
                             'sasl_mechanism are supported at the moment')
        if sasl_mechanism == 'PLAIN' and (sasl_plain_username is None or sasl_plain_password is None):
            raise ValueError('sasl_plain_username and sasl_plain_password required for PLAIN sasl')
    return native_security({
        'security_protocol': security_protocol, 'ssl_context': ssl_context, 'sasl_mechanism': sasl_mechanism,
        'sasl_plain_username': sasl_plain_username, 'sasl_plain_password': sasl_plain_password,
        'sasl_kerberos_service_name': sasl_kerberos_service_name,
        'sasl_kerberos_domain_name': sasl_kerberos_domain_name,
        'sasl_oauth_token_provider': sasl_oauth_token_provider,
    }, running_loop())
