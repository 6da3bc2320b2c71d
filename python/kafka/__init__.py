"""kafka-python-rs: a drop-in replacement for kafka-python with a Rust core.

``from kafka import KafkaProducer`` gives the same producer API as
kafka-python 2.x and 3.x.
"""

from __future__ import annotations

import logging

from kafka.version import __version__

__title__ = 'kafka'
__author__ = 'kafka-python-rs contributors'
__license__ = 'Apache License 2.0'

# Library logging stays silent unless the application configures logging.
logging.getLogger(__name__).addHandler(logging.NullHandler())

from kafka import errors
from kafka.admin import KafkaAdminClient
from kafka.producer import KafkaProducer
from kafka.serializer import DefaultSerializer, Deserializer, JsonSerializer, Serializer
from kafka.structs import (
    ConsumerGroupMetadata,
    OffsetAndMetadata,
    TopicPartition,
    TopicPartitionReplica,
)

__all__ = [
    'ConsumerGroupMetadata', 'DefaultSerializer', 'Deserializer', 'JsonSerializer', 'KafkaAdminClient',
    'KafkaProducer', 'OffsetAndMetadata', 'Serializer', 'TopicPartition', 'TopicPartitionReplica', '__version__', 'errors',
]
