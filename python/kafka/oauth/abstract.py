"""kafka-python 2.x: ``from kafka.oauth.abstract import AbstractTokenProvider``."""

from kafka.sasl.oauth import AbstractTokenProvider

__all__ = ['AbstractTokenProvider']
