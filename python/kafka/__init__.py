"""kafka-python-rs: a drop-in replacement for kafka-python with a Rust core.

``from kafka import KafkaProducer, KafkaConsumer`` gives the same producer
and consumer APIs as kafka-python 2.x and 3.x.
"""

from __future__ import annotations

import logging

from kafka.version import __version__

__title__ = 'kafka'
__author__ = 'kafka-python-rs contributors'
__license__ = 'Apache License 2.0'

# Library logging stays silent unless the application configures logging.
logging.getLogger(__name__).addHandler(logging.NullHandler())

from kafka import _fork, errors  # noqa: F401 - _fork installs the os.fork() hook
from kafka.admin import KafkaAdminClient
from kafka.consumer import KafkaConsumer
from kafka.consumer.subscription_state import AsyncConsumerRebalanceListener, ConsumerRebalanceListener
from kafka.producer import KafkaProducer
from kafka.serializer import DefaultSerializer, Deserializer, JsonSerializer, Serializer
from kafka.structs import (
    ConsumerGroupMetadata,
    IsolationLevel,
    OffsetAndMetadata,
    OffsetSpec,
    TopicPartition,
    TopicPartitionReplica,
)

__all__ = [
    'AsyncConsumerRebalanceListener',
    'ConsumerGroupMetadata',
    'ConsumerRebalanceListener',
    'DefaultSerializer',
    'Deserializer',
    'IsolationLevel',
    'JsonSerializer',
    'KafkaAdminClient',
    'KafkaConsumer',
    'KafkaProducer',
    'OffsetAndMetadata',
    'OffsetSpec',
    'Serializer',
    'TopicPartition',
    'TopicPartitionReplica',
    '__version__',
    'errors',
]
