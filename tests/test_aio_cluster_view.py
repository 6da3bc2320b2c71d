"""The read-only cluster view (``producer._metadata``, ``consumer._client.cluster``, aiokafka's
``producer.client.cluster``) and aiokafka's construction rules for the asyncio clients."""
from __future__ import annotations

import asyncio
import uuid
import warnings
from typing import Any

import pytest
from conftest import create_topic
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.aio import AIOKafkaConsumer, AIOKafkaProducer
from kafka.cluster import ClusterMetadata


def _check_view(cluster: ClusterMetadata, topic: str) -> None:
    brokers = cluster.brokers()
    assert brokers and all(b.port > 0 for b in brokers)
    node_ids = {b.nodeId for b in brokers}
    assert cluster.broker_metadata(next(iter(node_ids))) in brokers
    assert cluster.broker_metadata(987654) is None
    assert cluster.partitions_for_topic(topic) == {0, 1, 2}
    assert cluster.available_partitions_for_topic(topic) == {0, 1, 2}
    assert topic in cluster.topics()
    for p in range(3):
        leader = cluster.leader_for_partition(TopicPartition(topic, p))
        assert leader in node_ids
        assert TopicPartition(topic, p) in (cluster.partitions_for_broker(leader) or set())
    assert cluster.partitions_for_topic('no-such-topic-here') is None
    assert cluster.leader_for_partition(TopicPartition('no-such-topic-here', 0)) is None


def test_sync_clients_cluster_view(broker: Any) -> None:
    topic = create_topic(broker.bootstrap, f'view-{uuid.uuid4().hex[:8]}', 3)
    with KafkaProducer(bootstrap_servers=broker.bootstrap) as producer:
        producer.send(topic, b'x').get(timeout=30)
        _check_view(producer._metadata, topic)
    consumer = KafkaConsumer(topic, bootstrap_servers=broker.bootstrap)
    try:
        consumer.poll(timeout_ms=1000)
        assert consumer.partitions_for_topic(topic) == {0, 1, 2}
        _check_view(consumer._client.cluster, topic)
    finally:
        consumer.close()


@pytest.mark.asyncio
async def test_asyncio_clients_cluster_view(broker: Any) -> None:
    topic = create_topic(broker.bootstrap, f'view-{uuid.uuid4().hex[:8]}', 3)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
    assert producer.client.cluster.brokers() == set()  # before start(): nothing known yet
    async with producer:
        await producer.send_and_wait(topic, b'x')
        _check_view(producer.client.cluster, topic)
    async with AIOKafkaConsumer(topic, bootstrap_servers=broker.bootstrap) as consumer:
        assert consumer.partitions_for_topic(topic) == {0, 1, 2}
        _check_view(consumer._client.cluster, topic)


def test_asyncio_clients_need_a_running_loop() -> None:
    """As aiokafka: created outside a running loop without ``loop=`` is a RuntimeError."""
    for cls in (AIOKafkaProducer, AIOKafkaConsumer):
        with pytest.raises(RuntimeError, match='created within an async function'):
            cls(bootstrap_servers='localhost:1')


def test_asyncio_loop_and_api_version_arguments_are_deprecated() -> None:
    loop = asyncio.new_event_loop()
    try:
        for cls in (AIOKafkaProducer, AIOKafkaConsumer):
            with pytest.warns(DeprecationWarning, match='loop'):
                cls(loop=loop, bootstrap_servers='localhost:1')

        async def make() -> None:
            for cls in (AIOKafkaProducer, AIOKafkaConsumer):
                with pytest.warns(DeprecationWarning, match='api_version'):
                    cls(bootstrap_servers='localhost:1', api_version='2.8')
                with warnings.catch_warnings():
                    warnings.simplefilter('error')
                    cls(bootstrap_servers='localhost:1')

        loop.run_until_complete(make())
    finally:
        loop.close()
