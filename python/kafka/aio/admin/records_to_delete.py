"""aiokafka's ``aiokafka.admin.records_to_delete``."""

from __future__ import annotations


class RecordsToDelete:
    """Records to delete from a partition (:meth:`AIOKafkaAdminClient.delete_records`).

    Arguments:
        before_offset (int): delete every record before this offset (-1: the high
            watermark, i.e. every record).
    """

    def __init__(self, before_offset: int) -> None:
        self.before_offset = before_offset

    def __repr__(self) -> str:
        return f'RecordsToDelete(before_offset={self.before_offset})'
