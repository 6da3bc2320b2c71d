"""Serializers and deserializers for record keys and values."""

from kafka.serializer.abstract import Deserializer, Serializer
from kafka.serializer.default import DefaultSerializer
from kafka.serializer.json import JsonSerializer
from kafka.serializer.wrapper import DeserializeWrapper, SerializeWrapper

__all__ = [
    'DefaultSerializer', 'DeserializeWrapper', 'Deserializer', 'JsonSerializer', 'SerializeWrapper',
    'Serializer',
]
