"""kafka-python 2.x import path of the ACL types (``kafka.admin.acl_resource``)."""

from kafka.admin._acls import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
    valid_acl_operations,
)

__all__ = ['ACL', 'ACLFilter', 'ACLOperation', 'ACLPermissionType', 'ACLResourcePatternType', 'ResourcePattern',
           'ResourcePatternFilter', 'ResourceType', 'valid_acl_operations']
