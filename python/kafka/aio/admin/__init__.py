"""aiokafka's ``aiokafka.admin``: ``from kafka.aio.admin import AIOKafkaAdminClient, NewTopic``.

Admin calls run the synchronous :class:`kafka.admin.KafkaAdminClient` on the admin client's own
worker thread (the core releases the GIL while it waits), so the event loop is never blocked.
"""

from __future__ import annotations

from kafka.aio.admin.client import AIOKafkaAdminClient
from kafka.aio.admin.config_resource import ConfigResource, ConfigResourceType
from kafka.aio.admin.new_partitions import NewPartitions
from kafka.aio.admin.new_topic import NewTopic
from kafka.aio.admin.records_to_delete import RecordsToDelete

__all__ = ['AIOKafkaAdminClient', 'ConfigResource', 'ConfigResourceType', 'NewPartitions', 'NewTopic',
           'RecordsToDelete']
