"""The Kafka producer."""

from kafka.producer.kafka import KafkaProducer

__all__ = ['KafkaProducer']
