"""TLS and SASL on every client, against Apache Kafka's SSL / SASL listeners.

The session broker (``KafkaCluster(nodes=1, secure=True)``) has PLAINTEXT, SSL, SASL_PLAINTEXT and
SASL_SSL listeners with PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER (unsecured JWT). A second,
module-scoped node (``strict``) requires client certificates on SSL, serves a certificate for
another host name on SASL_SSL, and ends SASL sessions after a few seconds
(``connections.max.reauth.ms``) so re-authentication is exercised. confluent-kafka is the control
on the same listeners. Tansu has no TLS/SASL: everything here is skipped there.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import ssl
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka import errors as Errors
from kafka.aio import AIOKafkaConsumer, AIOKafkaProducer
from kafka.aio.abc import AbstractTokenProvider as AioTokenProvider
from kafka.aio.helpers import create_ssl_context
from kafka.oauth import AbstractTokenProvider
from kafka.sasl import SaslMechanism, register_sasl_mechanism

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import Broker

pytestmark = pytest.mark.tansu_skip('no TLS or SASL listeners')

MECHANISMS = ('PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER')
SASL_LISTENERS = ('SASL_PLAINTEXT', 'SASL_SSL')
USER, PASSWORD = 'alice', 'alice-secret'
REAUTH_MS = 4000


def unsecured_jwt(sub: str = 'admin', lifetime_s: int = 3600) -> str:
    """A JWT Kafka's unsecured validator accepts (alg none, no signature)."""

    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip('=')

    now = int(time.time())
    return f"{part({'alg': 'none'})}.{part({'sub': sub, 'iat': now, 'exp': now + lifetime_s})}."


class TokenProvider(AbstractTokenProvider):
    """kafka-python's token provider; counts calls."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def token(self) -> str:
        self.calls += 1
        return unsecured_jwt()

    def extensions(self) -> dict[str, str]:
        return {'traceId': 'kafka-python-rs'}


class AsyncTokenProvider(AioTokenProvider):
    """aiokafka's token provider: token() is a coroutine, run on the client's loop."""

    def __init__(self) -> None:
        self.calls = 0
        self.loops: set[int] = set()

    async def token(self) -> str:
        self.calls += 1
        self.loops.add(id(asyncio.get_running_loop()))
        await asyncio.sleep(0)
        return unsecured_jwt()


# -- fixtures ------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def cluster(broker: Broker) -> Any:
    if broker.name != 'kafka':
        pytest.skip('needs the Apache Kafka harness')
    return broker.cluster


@pytest.fixture(scope='module')
def strict(broker: Broker) -> Iterator[Any]:
    """A second node: mutual TLS required on SSL, a wrong-host certificate on SASL_SSL, short
    SASL sessions. Shares nothing with the session broker but the harness."""
    if broker.name != 'kafka':
        pytest.skip('needs the Apache Kafka harness')
    from brokers.apache_kafka import KafkaCluster
    from brokers.tls import make_extra_material, make_tls_material

    workdir = Path(tempfile.mkdtemp(prefix='kafka-rs-strict-'))
    # TLS material set before start() is kept: make it first, with the extra files the config names.
    tls = make_tls_material(workdir / 'tls')
    extra = make_extra_material(tls)
    node = KafkaCluster(nodes=1, secure=True, workdir=workdir, extra_config={
        'listener.name.ssl.ssl.client.auth': 'required',
        'listener.name.sasl_ssl.ssl.keystore.type': 'PEM',
        'listener.name.sasl_ssl.ssl.keystore.location': str(extra.wrong_host_keystore),
        'connections.max.reauth.ms': str(REAUTH_MS),
    })
    node.tls = tls
    node.start()
    node.extra_tls = extra
    try:
        yield node
    finally:
        node.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def sasl_config(cluster: Any, listener: str, mechanism: str, *, provider: Any = None) -> dict[str, Any]:
    """kafka-python keys for ``mechanism`` on ``listener``."""
    cfg: dict[str, Any] = {'bootstrap_servers': cluster.bootstrap(listener), 'security_protocol': listener,
                           'sasl_mechanism': mechanism}
    if mechanism == 'OAUTHBEARER':
        cfg['sasl_oauth_token_provider'] = provider or TokenProvider()
    else:
        cfg.update(sasl_plain_username=USER, sasl_plain_password=PASSWORD)
    if listener.endswith('SSL'):
        cfg['ssl_cafile'] = str(cluster.tls.ca_cert)
    return cfg


def aio_config(cfg: dict[str, Any]) -> dict[str, Any]:
    """aiokafka's keywords for a kafka-python config (ssl_cafile → ssl_context)."""
    out = dict(cfg)
    cafile = out.pop('ssl_cafile', None)
    for key in [k for k in out if k.startswith('ssl_')]:
        out.pop(key)
    if cafile is not None:
        out['ssl_context'] = create_ssl_context(cafile=cafile)
    return out


def new_topic(cluster: Any) -> str:
    from conftest import create_topic

    return create_topic(cluster.bootstrap_servers, f'sec-{uuid.uuid4().hex[:10]}')


def confluent_config(cluster: Any, listener: str, mechanism: str | None = None) -> dict[str, Any]:
    cfg: dict[str, Any] = {'bootstrap.servers': cluster.bootstrap(listener), 'security.protocol': listener.lower()}
    if listener.endswith('SSL'):
        cfg['ssl.ca.location'] = str(cluster.tls.ca_cert)
    if mechanism == 'OAUTHBEARER':
        cfg.update({'sasl.mechanism': mechanism, 'enable.sasl.oauthbearer.unsecure.jwt': True,
                    'sasl.oauthbearer.config': 'principal=admin'})
    elif mechanism is not None:
        cfg.update({'sasl.mechanism': mechanism, 'sasl.username': USER, 'sasl.password': PASSWORD})
    return cfg


def confluent_produce(cluster: Any, listener: str, mechanism: str | None, topic: str, values: list[bytes]) -> None:
    from confluent_kafka import Producer

    producer = Producer(confluent_config(cluster, listener, mechanism))
    for v in values:
        producer.produce(topic, v)
    assert producer.flush(30) == 0


def confluent_consume(cluster: Any, listener: str, mechanism: str | None, topic: str, n: int) -> list[bytes]:
    from confluent_kafka import Consumer

    cfg = confluent_config(cluster, listener, mechanism)
    cfg.update({'group.id': f'ctl-{uuid.uuid4().hex}', 'auto.offset.reset': 'earliest'})
    consumer = Consumer(cfg)
    consumer.subscribe([topic])
    got: list[bytes] = []
    deadline = time.monotonic() + 60
    try:
        while len(got) < n and time.monotonic() < deadline:
            msg = consumer.poll(1.0)
            if msg is not None and msg.error() is None:
                got.append(msg.value())
    finally:
        consumer.close()
    return got


def consume_with(consumer: KafkaConsumer, n: int, timeout: float = 60.0) -> list[bytes]:
    got: list[bytes] = []
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            got.extend(r.value for r in records)
    return got


# -- every client x mechanism x listener -----------------------------------------------------------

def check_client(client: str, cluster: Any, cfg: dict[str, Any], listener: str, mechanism: str) -> None:
    """``client`` works with ``cfg``: it produces / consumes / administers, checked by confluent-kafka
    on the same listener and mechanism (except OAUTHBEARER on the consumer side: plain listener)."""
    topic = new_topic(cluster)
    values = [b'%s-%d' % (client.encode(), i) for i in range(5)]
    if client == 'producer':
        with KafkaProducer(**cfg) as producer:
            for v in values:
                producer.send(topic, v).get(timeout=30)
        assert sorted(confluent_consume(cluster, listener, mechanism, topic, 5)) == sorted(values)
    elif client == 'consumer':
        confluent_produce(cluster, listener, mechanism, topic, values)
        consumer = KafkaConsumer(topic, group_id=f'g-{uuid.uuid4().hex}', auto_offset_reset='earliest', **cfg)
        try:
            assert sorted(consume_with(consumer, 5)) == sorted(values)
        finally:
            consumer.close()
    elif client == 'admin':
        with KafkaAdminClient(**cfg) as admin:
            name = f'sec-admin-{uuid.uuid4().hex[:8]}'
            admin.create_topics([_new_topic(name)])
            deadline = time.monotonic() + 15
            while name not in admin.list_topics() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert name in admin.list_topics()
            admin.delete_topics([name])
    elif client == 'aio_producer':
        async def produce() -> None:
            async with AIOKafkaProducer(**aio_config(cfg)) as producer:
                for v in values:
                    await producer.send_and_wait(topic, v)

        asyncio.run(produce())
        assert sorted(confluent_consume(cluster, listener, mechanism, topic, 5)) == sorted(values)
    elif client == 'aio_consumer':
        confluent_produce(cluster, listener, mechanism, topic, values)

        async def consume() -> list[bytes]:
            got: list[bytes] = []
            async with AIOKafkaConsumer(topic, group_id=f'g-{uuid.uuid4().hex}', auto_offset_reset='earliest',
                                        **aio_config(cfg)) as consumer:
                while len(got) < 5:
                    msg = await asyncio.wait_for(consumer.getone(), 60)
                    got.append(msg.value)
            return got

        assert sorted(asyncio.run(consume())) == sorted(values)
    else:
        raise AssertionError(client)


def _new_topic(name: str) -> Any:
    from kafka.admin import NewTopic

    return NewTopic(name, 1, 1)


CLIENTS = ('producer', 'consumer', 'admin', 'aio_producer', 'aio_consumer')


@pytest.mark.parametrize('listener', SASL_LISTENERS)
@pytest.mark.parametrize('mechanism', MECHANISMS)
@pytest.mark.parametrize('client', CLIENTS)
def test_sasl_every_client(cluster: Any, client: str, mechanism: str, listener: str) -> None:
    provider: Any = AsyncTokenProvider() if client.startswith('aio') else TokenProvider()
    cfg = sasl_config(cluster, listener, mechanism, provider=provider)
    check_client(client, cluster, cfg, listener, mechanism)
    if mechanism == 'OAUTHBEARER':
        assert provider.calls >= 1


@pytest.mark.parametrize('client', CLIENTS)
def test_ssl_server_auth_every_client(cluster: Any, client: str) -> None:
    cfg = {'bootstrap_servers': cluster.bootstrap('SSL'), 'security_protocol': 'SSL',
           'ssl_cafile': str(cluster.tls.ca_cert)}
    check_client(client, cluster, cfg, 'SSL', None)  # type: ignore[arg-type]


# -- TLS details -----------------------------------------------------------------------------------

def produce_one(cfg: dict[str, Any], topic: str, timeout: float = 20.0) -> None:
    with KafkaProducer(max_block_ms=int(timeout * 1000), **cfg) as producer:
        producer.send(topic, b'x').get(timeout=timeout)


@pytest.mark.parametrize('key', ['client_key', 'client_key_pkcs8_encrypted', 'client_key_traditional_encrypted'])
def test_mutual_tls(strict: Any, key: str) -> None:
    tls = strict.tls
    cfg = {'bootstrap_servers': strict.bootstrap('SSL'), 'security_protocol': 'SSL', 'ssl_cafile': str(tls.ca_cert),
           'ssl_certfile': str(tls.client_cert), 'ssl_keyfile': str(getattr(tls, key))}
    if key != 'client_key':
        cfg['ssl_password'] = tls.key_password
    produce_one(cfg, f'mtls-{uuid.uuid4().hex[:8]}')


def test_mutual_tls_required_without_cert_refused(strict: Any) -> None:
    cfg = {'bootstrap_servers': strict.bootstrap('SSL'), 'security_protocol': 'SSL',
           'ssl_cafile': str(strict.tls.ca_cert)}
    start = time.monotonic()
    with pytest.raises((Errors.AuthenticationFailedError, Errors.KafkaTimeoutError, Errors.NoBrokersAvailable)):
        produce_one(cfg, 'never', timeout=15)
    assert time.monotonic() - start < 20


def test_mutual_tls_aio_create_ssl_context(strict: Any) -> None:
    tls = strict.tls
    ctx = create_ssl_context(cafile=str(tls.ca_cert), certfile=str(tls.client_cert),
                             keyfile=str(tls.client_key_pkcs8_encrypted), password=tls.key_password)

    async def run() -> None:
        async with AIOKafkaProducer(bootstrap_servers=strict.bootstrap('SSL'), security_protocol='SSL',
                                    ssl_context=ctx) as producer:
            await producer.send_and_wait(f'mtls-aio-{uuid.uuid4().hex[:8]}', b'x')

    asyncio.run(run())


def test_wrong_key_password_is_a_config_error(cluster: Any) -> None:
    tls = cluster.tls
    with pytest.raises(Errors.KafkaConfigurationError) as info:
        KafkaProducer(bootstrap_servers=cluster.bootstrap('SSL'), security_protocol='SSL',
                      ssl_cafile=str(tls.ca_cert), ssl_certfile=str(tls.client_cert),
                      ssl_keyfile=str(tls.client_key_pkcs8_encrypted), ssl_password='not-the-password')
    assert 'not-the-password' not in str(info.value)


def test_hostname_verification(strict: Any) -> None:
    """SASL_SSL of ``strict`` serves a certificate for another name (same CA)."""
    cfg = sasl_config(strict, 'SASL_SSL', 'PLAIN')
    start = time.monotonic()
    with pytest.raises(Errors.AuthenticationFailedError) as info:
        produce_one(cfg, 'never', timeout=15)
    assert time.monotonic() - start < 10
    assert 'NotValidForName' in str(info.value) or 'name' in str(info.value).lower()
    produce_one(dict(cfg, ssl_check_hostname=False), f'nohost-{uuid.uuid4().hex[:8]}')


def test_hostname_checked_on_the_good_listener(cluster: Any) -> None:
    cfg = {'bootstrap_servers': cluster.bootstrap('SSL'), 'security_protocol': 'SSL',
           'ssl_cafile': str(cluster.tls.ca_cert), 'ssl_check_hostname': True}
    produce_one(cfg, f'host-{uuid.uuid4().hex[:8]}')


def test_untrusted_broker_refused(cluster: Any) -> None:
    """Without ssl_cafile the system trust store is used, which does not know the test CA."""
    start = time.monotonic()
    with pytest.raises(Errors.AuthenticationFailedError):
        produce_one({'bootstrap_servers': cluster.bootstrap('SSL'), 'security_protocol': 'SSL'}, 'never', 15)
    assert time.monotonic() - start < 10


def test_crl(strict: Any) -> None:
    extra = strict.extra_tls
    base = {'bootstrap_servers': strict.bootstrap('SASL_SSL'), 'security_protocol': 'SASL_SSL',
            'ssl_cafile': str(strict.tls.ca_cert), 'ssl_check_hostname': False, 'sasl_mechanism': 'PLAIN',
            'sasl_plain_username': USER, 'sasl_plain_password': PASSWORD}
    # The SASL_SSL certificate of ``strict`` is not the revoked one: the empty and the revoking CRL both pass.
    produce_one(dict(base, ssl_crlfile=str(extra.crl_empty)), f'crl-{uuid.uuid4().hex[:8]}')


def test_revoked_broker_certificate_refused(cluster: Any, strict: Any) -> None:
    from brokers.tls import make_extra_material

    # The CRL of the session cluster's CA that revokes its broker certificate.
    extra = make_extra_material(cluster.tls)
    cfg = {'bootstrap_servers': cluster.bootstrap('SSL'), 'security_protocol': 'SSL',
           'ssl_cafile': str(cluster.tls.ca_cert)}
    produce_one(dict(cfg, ssl_crlfile=str(extra.crl_empty)), f'crl-ok-{uuid.uuid4().hex[:8]}')
    start = time.monotonic()
    with pytest.raises(Errors.AuthenticationFailedError) as info:
        produce_one(dict(cfg, ssl_crlfile=str(extra.crl_broker_revoked)), 'never', 15)
    assert 'Revoked' in str(info.value) or 'revoked' in str(info.value)
    assert time.monotonic() - start < 10


def test_ssl_context(cluster: Any) -> None:
    topic = f'ctx-{uuid.uuid4().hex[:8]}'
    base = {'bootstrap_servers': cluster.bootstrap('SSL'), 'security_protocol': 'SSL'}
    produce_one(dict(base, ssl_context=ssl.create_default_context(cafile=str(cluster.tls.ca_cert))), topic)
    unverified = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    produce_one(dict(base, ssl_context=unverified), topic)
    with pytest.raises(Errors.AuthenticationFailedError):
        produce_one(dict(base, ssl_context=ssl.create_default_context()), topic, timeout=10)


def test_ssl_ciphers(cluster: Any) -> None:
    cfg = {'bootstrap_servers': cluster.bootstrap('SSL'), 'security_protocol': 'SSL',
           'ssl_cafile': str(cluster.tls.ca_cert)}
    produce_one(dict(cfg, ssl_ciphers='ECDHE-ECDSA-AES128-GCM-SHA256'), f'ciph-{uuid.uuid4().hex[:8]}')
    produce_one(dict(cfg, ssl_ciphers='HIGH:!aNULL:!MD5'), f'ciph-{uuid.uuid4().hex[:8]}')
    with pytest.raises(Errors.KafkaConfigurationError, match='NOPE'):
        KafkaProducer(ssl_ciphers='NOPE-CIPHER', **cfg)
    with pytest.raises(Errors.KafkaConfigurationError, match='AES128-SHA'):
        KafkaProducer(ssl_ciphers='AES128-SHA', **cfg)


# -- SASL details ----------------------------------------------------------------------------------

@pytest.mark.parametrize('mechanism', ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
def test_wrong_password_refused_promptly(cluster: Any, mechanism: str) -> None:
    cfg = sasl_config(cluster, 'SASL_PLAINTEXT', mechanism)
    cfg['sasl_plain_password'] = 'wrong-password-123'
    start = time.monotonic()
    with pytest.raises(Errors.SaslAuthenticationFailedError) as info:
        produce_one(cfg, 'never', timeout=30)
    assert time.monotonic() - start < 10
    assert isinstance(info.value, Errors.AuthenticationFailedError)
    assert 'wrong-password-123' not in str(info.value)
    assert 'Authentication failed' in str(info.value) or 'authentication' in str(info.value).lower()
    with pytest.raises(Errors.SaslAuthenticationFailedError):
        KafkaAdminClient(**cfg)
    # The constructor bootstraps (as kafka-python's does), so it is the one that raises.
    with pytest.raises(Errors.SaslAuthenticationFailedError):
        KafkaConsumer('never', **cfg)
    # Without the eager bootstrap (api_version given), poll() raises it.
    consumer = KafkaConsumer('never', api_version=(2, 6), **cfg)
    try:
        with pytest.raises(Errors.SaslAuthenticationFailedError):
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                consumer.poll(timeout_ms=500)
    finally:
        consumer.close()


def test_wrong_password_aio(cluster: Any) -> None:
    cfg = aio_config(sasl_config(cluster, 'SASL_SSL', 'SCRAM-SHA-512'))
    cfg['sasl_plain_password'] = 'nope'

    async def run() -> None:
        producer = AIOKafkaProducer(**cfg)
        with pytest.raises(Errors.SaslAuthenticationFailedError):
            await asyncio.wait_for(producer.start(), 15)
        await producer.stop()
        consumer = AIOKafkaConsumer('never', **cfg)
        with pytest.raises(Errors.SaslAuthenticationFailedError):
            await asyncio.wait_for(consumer.start(), 15)

    asyncio.run(run())


def test_unknown_mechanism_on_broker(cluster: Any) -> None:
    class Custom(SaslMechanism):
        def __init__(self, **config: Any) -> None:
            pass

        def auth_bytes(self) -> bytes:
            return b''

        def receive(self, auth_bytes: bytes) -> None:
            pass

        def is_done(self) -> bool:
            return True

        def is_authenticated(self) -> bool:
            return True

    register_sasl_mechanism('X-NOT-ENABLED', Custom, overwrite=True)
    cfg = {'bootstrap_servers': cluster.bootstrap('SASL_PLAINTEXT'), 'security_protocol': 'SASL_PLAINTEXT',
           'sasl_mechanism': 'X-NOT-ENABLED'}
    with pytest.raises(Errors.UnsupportedSaslMechanismError if hasattr(Errors, 'UnsupportedSaslMechanismError')
                       else Errors.KafkaError):
        produce_one(cfg, 'never', 15)


class PythonPlain(SaslMechanism):
    """PLAIN written as a kafka-python mechanism: runs the core's exchange loop through Python."""

    instances = 0

    def __init__(self, **config: Any) -> None:
        type(self).instances += 1
        self.host = config['host']
        self.message = b'\0' + config['sasl_plain_username'].encode() + b'\0' + config['sasl_plain_password'].encode()
        self.done = False

    def auth_bytes(self) -> bytes:
        return self.message

    def receive(self, auth_bytes: bytes) -> None:
        self.done = True

    def is_done(self) -> bool:
        return self.done

    def is_authenticated(self) -> bool:
        return self.done


def test_registered_python_mechanism(cluster: Any) -> None:
    """A user-registered mechanism (kafka-python 3's register_sasl_mechanism) overriding PLAIN."""
    from kafka.sasl import NATIVE

    register_sasl_mechanism('PLAIN', PythonPlain, overwrite=True)
    try:
        cfg = sasl_config(cluster, 'SASL_SSL', 'PLAIN')
        produce_one(cfg, f'pyplain-{uuid.uuid4().hex[:8]}')
        assert PythonPlain.instances >= 1
    finally:
        register_sasl_mechanism('PLAIN', NATIVE, overwrite=True)


def test_optional_packages_named() -> None:
    import importlib.util

    if importlib.util.find_spec('gssapi') is None:
        with pytest.raises(Errors.KafkaConfigurationError, match='gssapi'):
            KafkaProducer(security_protocol='SASL_PLAINTEXT', sasl_mechanism='GSSAPI')
    if importlib.util.find_spec('botocore') is None:
        with pytest.raises(Errors.KafkaConfigurationError, match='botocore'):
            KafkaProducer(security_protocol='SASL_SSL', sasl_mechanism='AWS_MSK_IAM')


def test_aiokafka_argument_errors() -> None:
    asyncio.run(_aiokafka_argument_errors())


async def _aiokafka_argument_errors() -> None:
    with pytest.raises(ValueError, match='`security_protocol` should be SSL or PLAINTEXT'):
        AIOKafkaProducer(security_protocol='SOME')
    with pytest.raises(ValueError, match="`ssl_context` is mandatory if security_protocol=='SSL'"):
        AIOKafkaConsumer(security_protocol='SSL')
    with pytest.raises(ValueError, match='sasl_plain_username and sasl_plain_password required'):
        AIOKafkaProducer(security_protocol='SASL_PLAINTEXT', sasl_mechanism='PLAIN')
    with pytest.raises(Errors.KafkaConfigurationError):
        KafkaProducer(security_protocol='TLS')


def test_secrets_never_shown(cluster: Any, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    cfg = sasl_config(cluster, 'SASL_SSL', 'SCRAM-SHA-256')
    with KafkaProducer(**cfg) as producer:
        producer.send(f'sec-{uuid.uuid4().hex[:8]}', b'x').get(timeout=30)
        shown = repr(producer) + str(producer)
    bad = dict(cfg, sasl_plain_password='hunter2-secret')
    with pytest.raises(Errors.SaslAuthenticationFailedError) as info:
        produce_one(bad, 'never', 15)
    texts = [shown, str(info.value), repr(info.value), caplog.text]
    for text in texts:
        assert PASSWORD not in text
        assert 'hunter2-secret' not in text


# -- re-authentication (KIP-368) -------------------------------------------------------------------

def test_reauthentication_oauthbearer(strict: Any) -> None:
    provider = TokenProvider()
    cfg = sasl_config(strict, 'SASL_PLAINTEXT', 'OAUTHBEARER', provider=provider)
    topic = f'reauth-{uuid.uuid4().hex[:8]}'
    errors: list[BaseException] = []
    with KafkaProducer(**cfg) as producer:
        deadline = time.monotonic() + 3 * REAUTH_MS / 1000
        n = 0
        while time.monotonic() < deadline:
            try:
                producer.send(topic, b'%d' % n).get(timeout=10)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
            n += 1
            time.sleep(0.05)
    assert not errors, errors[:3]
    # One authentication per connection at start, then one per session lifetime.
    assert provider.calls >= 3, provider.calls


@pytest.mark.parametrize('mechanism', ['SCRAM-SHA-512', 'PLAIN'])
def test_reauthentication_keeps_consumer_and_producer_running(strict: Any, mechanism: str) -> None:
    cfg = sasl_config(strict, 'SASL_SSL', mechanism)
    cfg['ssl_check_hostname'] = False
    topic = f'reauth-{uuid.uuid4().hex[:8]}'
    stop = threading.Event()
    sent: list[bytes] = []
    failures: list[BaseException] = []

    def produce() -> None:
        with KafkaProducer(linger_ms=0, **cfg) as producer:
            i = 0
            while not stop.is_set():
                v = b'%d' % i
                try:
                    producer.send(topic, v).get(timeout=10)
                    sent.append(v)
                except Exception as exc:  # noqa: BLE001
                    failures.append(exc)
                i += 1
                time.sleep(0.02)

    thread = threading.Thread(target=produce)
    thread.start()
    consumer = KafkaConsumer(topic, group_id=f'g-{uuid.uuid4().hex}', auto_offset_reset='earliest', **cfg)
    got: list[bytes] = []
    try:
        deadline = time.monotonic() + 2.5 * REAUTH_MS / 1000
        while time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=200).values():
                got.extend(r.value for r in records)
    finally:
        stop.set()
        thread.join(30)
    try:
        got.extend(consume_with(consumer, len(sent) - len(got), timeout=20))
    finally:
        consumer.close()
    assert not failures, failures[:3]
    assert len(sent) > 20
    assert sorted(set(got)) == sorted(set(sent))


def test_traditional_des3_key(strict: Any, tmp_path: Path) -> None:
    """A traditional OpenSSL key encrypted with DES-EDE3-CBC (``openssl ec -des3``)."""
    import subprocess

    tls = strict.tls
    key = tmp_path / 'client-des3.key'
    subprocess.run(['openssl', 'ec', '-in', str(tls.client_key), '-out', str(key), '-des3',
                    '-passout', 'pass:des-secret'], check=True, capture_output=True)
    assert 'DES-EDE3-CBC' in key.read_text()
    cfg = {'bootstrap_servers': strict.bootstrap('SSL'), 'security_protocol': 'SSL', 'ssl_cafile': str(tls.ca_cert),
           'ssl_certfile': str(tls.client_cert), 'ssl_keyfile': str(key), 'ssl_password': 'des-secret'}
    produce_one(cfg, f'mtls-des3-{uuid.uuid4().hex[:8]}')


def test_ssl_context_with_client_cert_keys(strict: Any) -> None:
    """A context cannot give its client certificate back: ssl_certfile/ssl_keyfile go next to it."""
    tls = strict.tls
    ctx = ssl.create_default_context(cafile=str(tls.ca_cert))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    cfg = {'bootstrap_servers': strict.bootstrap('SSL'), 'security_protocol': 'SSL', 'ssl_context': ctx,
           'ssl_certfile': str(tls.client_cert), 'ssl_keyfile': str(tls.client_key)}
    produce_one(cfg, f'mtls-ctx-{uuid.uuid4().hex[:8]}')


def test_token_provider_locations() -> None:
    from kafka.net.sasl.oauth import AbstractTokenProvider as Net
    from kafka.oauth.abstract import AbstractTokenProvider as Abstract
    from kafka.sasl.oauth import AbstractTokenProvider as Sasl

    assert Net is Abstract is Sasl is AbstractTokenProvider
    assert issubclass(TokenProvider, Net)


def test_gssapi_token_steps_scripted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The GSSAPI mechanism's steps against a scripted Kerberos library (no KDC here): context
    tokens until complete, then the security-layer reply wrapped with our authorization id."""
    import struct
    import types

    import kafka.sasl.gssapi as mod
    from kafka._security import MechanismAdapter

    class Ctx:
        def __init__(self, name: Any, usage: str) -> None:
            assert usage == 'initiate'
            self.complete = False
            self.steps = 0

        def step(self, token: bytes | None) -> bytes:
            self.steps += 1
            if token is not None:
                assert token == b'server-ctx-token'
                self.complete = True
                return b''
            return b'client-ctx-token'

        def unwrap(self, data: bytes) -> Any:
            return types.SimpleNamespace(message=data[len(b'wrapped:'):])

        def wrap(self, data: bytes, encrypt: bool) -> Any:
            assert encrypt is False
            return types.SimpleNamespace(message=b'wrapped:' + data)

    class Name:
        def __init__(self, name: str, name_type: Any = None) -> None:
            self.name = name

        def canonicalize(self, mech: Any) -> Name:
            return self

    fake = types.SimpleNamespace(Name=Name, NameType=types.SimpleNamespace(hostbased_service=1),
                                 MechType=types.SimpleNamespace(kerberos=2), SecurityContext=Ctx)
    monkeypatch.setattr(mod, '_gssapi', fake)
    adapter = MechanismAdapter(mod.SaslMechanismGSSAPI(host='broker1', sasl_kerberos_service_name='kafka'), 'GSSAPI')
    assert adapter.mechanism.auth_id == 'kafka@broker1'
    assert adapter.auth_bytes() == b'client-ctx-token'
    adapter.receive(b'server-ctx-token')
    assert not adapter.is_done()
    assert adapter.auth_bytes() == b''
    offer = struct.pack('>B', 7) + b'\x00\x10\x00'
    adapter.receive(b'wrapped:' + offer)
    assert not adapter.is_done()
    assert adapter.auth_bytes() == b'wrapped:' + b'\x01\x00\x10\x00' + b'kafka@broker1'
    adapter.receive(b'')
    assert adapter.is_done()
