"""kafka-python 2.x import path of the config resource types (``kafka.admin.config_resource``)."""

from kafka.admin._types import ConfigResource, ConfigResourceType

__all__ = ['ConfigResource', 'ConfigResourceType']
