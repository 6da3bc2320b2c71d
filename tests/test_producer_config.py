"""KafkaProducer configuration handling that fails before the core is involved (no broker needed)."""

from __future__ import annotations

import kafka.errors as Errors
import pytest
from kafka import KafkaProducer
from kafka._compat import collect_hosts, ensure_valid_topic_name

# Every keyword kafka-python's KafkaProducer accepts, 2.0 through 3.x.
KAFKA_PYTHON_KEYS = {
    'bootstrap_servers', 'client_id', 'key_serializer', 'value_serializer', 'enable_idempotence',
    'transactional_id', 'transaction_timeout_ms', 'delivery_timeout_ms', 'acks', 'bootstrap_topics_filter',
    'compression_type', 'retries', 'batch_size', 'linger_ms', 'buffer_memory', 'partitioner',
    'connections_max_idle_ms', 'max_block_ms', 'max_request_size', 'allow_auto_create_topics',
    'metadata_max_age_ms', 'client_dns_lookup', 'retry_backoff_ms', 'request_timeout_ms',
    'default_api_timeout_ms', 'receive_message_max_bytes', 'receive_buffer_bytes', 'send_buffer_bytes',
    'socket_options', 'sock_chunk_bytes', 'sock_chunk_buffer_count', 'reconnect_backoff_ms',
    'reconnect_backoff_max_ms', 'max_in_flight_requests_per_connection', 'security_protocol', 'ssl_context',
    'ssl_check_hostname', 'ssl_cafile', 'ssl_certfile', 'ssl_keyfile', 'ssl_crlfile', 'ssl_password',
    'ssl_ciphers', 'api_version', 'api_version_auto_timeout_ms', 'bootstrap_timeout_ms', 'metric_reporters',
    'metrics_enabled', 'metrics_num_samples', 'metrics_sample_window_ms', 'selector', 'sasl_mechanism',
    'sasl_plain_username', 'sasl_plain_password', 'sasl_kerberos_name', 'sasl_kerberos_service_name',
    'sasl_kerberos_domain_name', 'sasl_oauth_token_provider', 'socket_connection_setup_timeout_ms',
    'socket_connection_setup_timeout_max_ms', 'proxy_url', 'socks5_proxy', 'kafka_client', 'net',
}


def test_default_config_covers_kafka_python() -> None:
    assert set(KafkaProducer.DEFAULT_CONFIG) == KAFKA_PYTHON_KEYS
    cfg = KafkaProducer.DEFAULT_CONFIG
    assert cfg['acks'] == -1
    assert cfg['enable_idempotence'] is True
    assert cfg['buffer_memory'] == 33554432
    assert cfg['retries'] == float('inf')
    assert cfg['batch_size'] == 16384
    assert cfg['linger_ms'] == 0
    assert cfg['max_block_ms'] == 60000
    assert cfg['max_request_size'] == 1048576
    assert cfg['compression_type'] is None


def test_unknown_config() -> None:
    with pytest.raises(ValueError, match=r"^Unrecognized configs: \{'bogus_key'\}$") as info:
        KafkaProducer(bootstrap_servers='localhost:1', bogus_key=1)
    # 3.x raises KafkaConfigurationError, 2.x AssertionError: the same object is all three.
    assert isinstance(info.value, Errors.KafkaConfigurationError)
    assert isinstance(info.value, AssertionError)
    assert str(info.value).endswith("Unrecognized configs: {'bogus_key'}")


@pytest.mark.parametrize('codec', ['brotli', 'GZIP', 'none', 1])
def test_unsupported_codec(codec: object) -> None:
    with pytest.raises(ValueError, match=r'^Not supported codec: ') as info:
        KafkaProducer(bootstrap_servers='localhost:1', compression_type=codec)
    assert str(info.value) == f'Not supported codec: {codec}'


@pytest.mark.parametrize(('key', 'value'), [
    ('socket_options', [(1, 2, 1)]),
    ('proxy_url', 'socks5://proxy:1080'),
    ('allow_auto_create_topics', False),
])
def test_unsupported_configs_raise_naming_the_key(key: str, value: object) -> None:
    with pytest.raises(Errors.KafkaConfigurationError, match=key) as info:
        KafkaProducer(bootstrap_servers='localhost:1', **{key: value})
    assert isinstance(info.value, NotImplementedError)
    assert 'secret' not in str(info.value)


def test_idempotence_conflicts_raise_when_explicit() -> None:
    with pytest.raises(Errors.KafkaConfigurationError, match='acks=1'):
        KafkaProducer(bootstrap_servers='localhost:1', enable_idempotence=True, acks=1)
    with pytest.raises(Errors.KafkaConfigurationError, match='retries=0'):
        KafkaProducer(bootstrap_servers='localhost:1', enable_idempotence=True, retries=0)
    with pytest.raises(Errors.KafkaConfigurationError, match='max_in_flight'):
        KafkaProducer(bootstrap_servers='localhost:1', enable_idempotence=True,
                      max_in_flight_requests_per_connection=6)


def test_invalid_acks() -> None:
    with pytest.raises(Errors.KafkaConfigurationError, match='acks'):
        KafkaProducer(bootstrap_servers='localhost:1', acks=2)


@pytest.mark.parametrize(('servers', 'expected'), [
    ('localhost', ['localhost:9092']),
    ('localhost:9093', ['localhost:9093']),
    ('a:1,b, c:3 ', ['a:1', 'b:9092', 'c:3']),
    (['a', 'b:2'], ['a:9092', 'b:2']),
    (('a:1,b:2',), ['a:1', 'b:2']),
    ('[::1]:9094', ['[::1]:9094']),
    ('[::1]', ['[::1]:9092']),
    ('::1', ['[::1]:9092']),
])
def test_collect_hosts(servers: object, expected: list[str]) -> None:
    assert collect_hosts(servers) == expected


def test_collect_hosts_rejects_garbage() -> None:
    with pytest.raises(Errors.KafkaConfigurationError):
        collect_hosts('')
    with pytest.raises(Errors.KafkaConfigurationError):
        collect_hosts('host:port')


@pytest.mark.parametrize(('topic', 'exc'), [
    (None, TypeError), (b'bytes', TypeError), ('', ValueError), ('.', ValueError), ('a' * 250, ValueError),
    ('bad topic', ValueError),
])
def test_topic_validation(topic: object, exc: type[Exception]) -> None:
    with pytest.raises(exc):
        ensure_valid_topic_name(topic)
    ensure_valid_topic_name('good.topic_name-1')


def test_old_api_version_rules(caplog: pytest.LogCaptureFixture) -> None:
    """kafka-python 3: an api_version below 0.11 turns default idempotence off (with a warning)
    and refuses it when asked for; codecs the version lacks are refused."""
    with pytest.raises(Errors.KafkaConfigurationError, match='requires broker >= 0.11'):
        KafkaProducer(bootstrap_servers='localhost:1', api_version=(0, 10, 2), enable_idempotence=True)
    with pytest.raises(Errors.KafkaConfigurationError, match='requires broker >= 0.11'):
        KafkaProducer(bootstrap_servers='localhost:1', api_version='0.10.2', transactional_id='t')
    with pytest.raises(ValueError, match='Zstd Requires'):
        KafkaProducer(bootstrap_servers='localhost:1', api_version=(2, 0), compression_type='zstd')
    with pytest.raises(ValueError, match='LZ4 Requires'):
        KafkaProducer(bootstrap_servers='localhost:1', api_version=(0, 8, 1), compression_type='lz4')
    with caplog.at_level('WARNING', logger='kafka.producer.kafka'):
        producer = KafkaProducer(bootstrap_servers='localhost:1', api_version=(0, 10, 2), max_block_ms=100)
    try:
        assert producer.config['enable_idempotence'] is False
        assert 'Idempotence will be disabled' in caplog.text
    finally:
        producer.close(timeout=1)
    producer = KafkaProducer(bootstrap_servers='localhost:1', api_version=(2, 8), max_block_ms=100)
    try:
        assert producer.config['enable_idempotence'] is True
    finally:
        producer.close(timeout=1)
