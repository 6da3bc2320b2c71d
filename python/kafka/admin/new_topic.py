"""kafka-python 2.x import path of ``NewTopic`` (``kafka.admin.new_topic``)."""

from kafka.admin._types import NewTopic

__all__ = ['NewTopic']
