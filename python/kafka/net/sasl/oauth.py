"""kafka-python 3: ``from kafka.net.sasl.oauth import AbstractTokenProvider``."""

from kafka.sasl.oauth import AbstractTokenProvider

__all__ = ['AbstractTokenProvider']
