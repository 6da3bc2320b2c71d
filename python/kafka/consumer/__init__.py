"""The consumer client."""

from __future__ import annotations

from kafka.consumer.group import KafkaConsumer

__all__ = ['KafkaConsumer']
