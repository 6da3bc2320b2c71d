"""kafka-python 2.x's location of the OAUTHBEARER token provider base class."""

from kafka.sasl.oauth import AbstractTokenProvider

__all__ = ['AbstractTokenProvider']
