"""kafka-python's exception classes and timing for bad configuration and unreachable brokers."""

from __future__ import annotations

import time
from typing import Callable

import pytest
from conftest import free_port
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka import errors as Errors


@pytest.mark.parametrize('servers', ['localhost:notaport', '127.0.0.1:99999', '127.0.0.1:0'])
@pytest.mark.parametrize('client', [KafkaProducer, KafkaConsumer, KafkaAdminClient])
def test_invalid_bootstrap_port_is_a_value_error(client: type, servers: str) -> None:
    with pytest.raises(ValueError, match='Invalid port'):
        client(bootstrap_servers=servers)


def test_consumer_constructor_raises_no_brokers_available() -> None:
    start = time.monotonic()
    with pytest.raises(Errors.NoBrokersAvailable):
        KafkaConsumer(bootstrap_servers=f'127.0.0.1:{free_port()}', bootstrap_timeout_ms=1000)
    assert time.monotonic() - start >= 0.9
    # kafka-python 2.x scripts bound the probe with api_version_auto_timeout_ms.
    with pytest.raises(Errors.KafkaTimeoutError):
        KafkaConsumer(bootstrap_servers=f'127.0.0.1:{free_port()}', api_version_auto_timeout_ms=500)


def test_poll_without_broker_waits_its_timeout() -> None:
    """With no broker reachable, poll() waits its timeout and returns nothing (no spinning)."""
    consumer = KafkaConsumer(bootstrap_servers=f'127.0.0.1:{free_port()}', api_version=(2, 6),
                             reconnect_backoff_ms=50)
    try:
        consumer.assign([TopicPartition('nowhere', 0)])
        for _ in range(2):
            start = time.monotonic()
            assert consumer.poll(timeout_ms=1000) == {}
            assert time.monotonic() - start >= 0.9
    finally:
        consumer.close(timeout_ms=1000)


def test_state_errors_are_kafka_python_classes(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    t = topic()
    with KafkaConsumer(bootstrap_servers=bootstrap_servers) as consumer:
        consumer.assign([TopicPartition(t, 0)])
        # seek() on an unassigned partition: ValueError (3.x), AssertionError (2.x), IllegalStateError.
        with pytest.raises(ValueError) as info:
            consumer.seek(TopicPartition(t, 5), 0)
        assert isinstance(info.value, (AssertionError, Errors.IllegalStateError))
        # commit() without a group_id: IllegalStateError (3.x), AssertionError (2.x).
        with pytest.raises(Errors.IllegalStateError) as info2:
            consumer.commit()
        assert isinstance(info2.value, AssertionError)
