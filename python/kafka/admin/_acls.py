"""ACLs: the ACL types of kafka-python (``kafka.admin.ACL``, ...) and ``describe_acls`` /
``create_acls`` / ``delete_acls`` (DescribeAcls, CreateAcls, DeleteAcls at any broker)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from kafka import errors as Errors
from kafka.errors import IllegalArgumentError


class ResourceType(IntEnum):
    """The kind of resource an ACL applies to (ANY only in filters)."""

    UNKNOWN = 0
    ANY = 1
    TOPIC = 2
    GROUP = 3
    CLUSTER = 4
    TRANSACTIONAL_ID = 5
    DELEGATION_TOKEN = 6
    USER = 7


class ACLOperation(IntEnum):
    """The operation an ACL allows or denies (ANY only in filters)."""

    UNKNOWN = 0
    ANY = 1
    ALL = 2
    READ = 3
    WRITE = 4
    CREATE = 5
    DELETE = 6
    ALTER = 7
    DESCRIBE = 8
    CLUSTER_ACTION = 9
    DESCRIBE_CONFIGS = 10
    ALTER_CONFIGS = 11
    IDEMPOTENT_WRITE = 12
    CREATE_TOKENS = 13
    DESCRIBE_TOKENS = 14


class ACLPermissionType(IntEnum):
    """Whether an ACL allows or denies (ANY only in filters)."""

    UNKNOWN = 0
    ANY = 1
    DENY = 2
    ALLOW = 3


class ACLResourcePatternType(IntEnum):
    """How an ACL's resource name matches (KIP-290): LITERAL or PREFIXED; ANY/MATCH in filters."""

    UNKNOWN = 0
    ANY = 1
    MATCH = 2
    LITERAL = 3
    PREFIXED = 4


class ResourcePatternFilter:
    """Resources to match: a type, a name (None: any) and a pattern type."""

    def __init__(self, resource_type: ResourceType, resource_name: str | None,
                 pattern_type: ACLResourcePatternType) -> None:
        self.resource_type = resource_type
        self.resource_name = resource_name
        self.pattern_type = pattern_type
        self.validate()

    def validate(self) -> None:
        if not isinstance(self.resource_type, ResourceType):
            raise IllegalArgumentError('resource_type must be a ResourceType object')
        if not isinstance(self.pattern_type, ACLResourcePatternType):
            raise IllegalArgumentError('pattern_type must be an ACLResourcePatternType object')

    def __repr__(self) -> str:
        return (f'<ResourcePattern type={self.resource_type.name}, name={self.resource_name},'
                f' pattern={self.pattern_type.name}>')

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, ResourcePatternFilter)
                and (self.resource_type, self.resource_name, self.pattern_type)
                == (other.resource_type, other.resource_name, other.pattern_type))

    def __hash__(self) -> int:
        return hash((self.resource_type, self.resource_name, self.pattern_type))


class ResourcePattern(ResourcePatternFilter):
    """One concrete resource pattern (no ANY type, no ANY/MATCH pattern)."""

    def __init__(self, resource_type: ResourceType, resource_name: str,
                 pattern_type: ACLResourcePatternType = ACLResourcePatternType.LITERAL) -> None:
        super().__init__(resource_type, resource_name, pattern_type)

    def validate(self) -> None:
        super().validate()
        if self.resource_type == ResourceType.ANY:
            raise IllegalArgumentError('resource_type cannot be ANY')
        if self.pattern_type in (ACLResourcePatternType.ANY, ACLResourcePatternType.MATCH):
            raise IllegalArgumentError(
                f'pattern_type cannot be {self.pattern_type.name} on a concrete ResourcePattern')


class ACLFilter:
    """ACLs to match (describe_acls, delete_acls): None principal/host match any."""

    def __init__(self, principal: str | None, host: str | None, operation: ACLOperation,
                 permission_type: ACLPermissionType, resource_pattern: ResourcePatternFilter) -> None:
        self.principal = principal
        self.host = host
        self.operation = operation
        self.permission_type = permission_type
        self.resource_pattern = resource_pattern
        self.validate()

    def validate(self) -> None:
        if not isinstance(self.operation, ACLOperation):
            raise IllegalArgumentError('operation must be an ACLOperation object, and cannot be ANY')
        if not isinstance(self.permission_type, ACLPermissionType):
            raise IllegalArgumentError('permission_type must be an ACLPermissionType object, and cannot be ANY')
        if not isinstance(self.resource_pattern, ResourcePatternFilter):
            raise IllegalArgumentError('resource_pattern must be a ResourcePatternFilter object')

    def __repr__(self) -> str:
        return (f'<ACL principal={self.principal}, resource={self.resource_pattern},'
                f' operation={self.operation.name}, type={self.permission_type.name}, host={self.host}>')

    def _key(self) -> tuple[Any, ...]:
        return (self.principal, self.host, self.operation, self.permission_type, self.resource_pattern)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ACLFilter) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


class ACL(ACLFilter):
    """One concrete ACL (create_acls): no ANY operation or permission, a concrete pattern."""

    def __init__(self, principal: str, host: str, operation: ACLOperation,
                 permission_type: ACLPermissionType, resource_pattern: ResourcePattern) -> None:
        super().__init__(principal, host, operation, permission_type, resource_pattern)

    def validate(self) -> None:
        super().validate()
        if self.operation == ACLOperation.ANY:
            raise IllegalArgumentError('operation cannot be ANY')
        if self.permission_type == ACLPermissionType.ANY:
            raise IllegalArgumentError('permission_type cannot be ANY')
        if not isinstance(self.resource_pattern, ResourcePattern):
            raise IllegalArgumentError('resource_pattern must be a ResourcePattern object')


def valid_acl_operations(codes: Any) -> set[ACLOperation]:
    """The concrete operations among authorized-operation codes (UNKNOWN, ANY and ALL dropped)."""
    return {ACLOperation(c) for c in codes if c not in (0, 1, 2)}


def authorized_operation_names(bits: int | None) -> list[str] | None:
    """An authorized-operations bit field as operation names (kafka-python 3.x); None when the
    broker reported none (the field's default, bit 31 alone)."""
    if bits is None or bits == -2**31:
        return None
    codes = [i for i in range(32) if bits & (1 << i)]
    return sorted(op.name for op in valid_acl_operations(c for c in codes if c in ACLOperation._value2member_map_))


def _acl_from(resource: dict[str, Any], acl: dict[str, Any]) -> ACL:
    return ACL(
        principal=acl['principal'], host=acl['host'],
        operation=ACLOperation(acl['operation']),
        permission_type=ACLPermissionType(acl['permission_type']),
        resource_pattern=ResourcePattern(
            ResourceType(resource['resource_type']), resource['resource_name'],
            ACLResourcePatternType(resource['pattern_type'])))


class ACLAdminMixin:
    """``describe_acls``, ``create_acls``, ``delete_acls`` of KafkaAdminClient."""

    def _ensure_open(self) -> Any:  # provided by KafkaAdminClient
        raise NotImplementedError

    def describe_acls(self, acl_filter: ACLFilter) -> tuple[list[ACL], type[Errors.KafkaError]]:
        """Describe the ACLs matching a filter.

        The cluster needs an authorizer (else SecurityDisabledError is raised).

        Arguments:
            acl_filter (ACLFilter): the ACLs to match.

        Returns:
            tuple ``(list of ACL, kafka.errors.NoError)``; errors are raised.
        """
        pattern = acl_filter.resource_pattern
        response = self._ensure_open().request('DescribeAcls', 'any', {
            'resource_type_filter': int(pattern.resource_type),
            'resource_name_filter': pattern.resource_name,
            'pattern_type_filter': int(pattern.pattern_type),
            'principal_filter': acl_filter.principal,
            'host_filter': acl_filter.host,
            'operation': int(acl_filter.operation),
            'permission_type': int(acl_filter.permission_type),
        })
        if response['error_code']:
            raise Errors.for_code(response['error_code'])(response['error_message'])
        acls = [_acl_from(resource, acl) for resource in response['resources'] for acl in resource['acls']]
        return acls, Errors.NoError

    def create_acls(self, acls: list[ACL]) -> dict[str, list[Any]]:
        """Create ACLs.

        Arguments:
            acls ([ACL]): concrete ACLs (no filters).

        Returns:
            dict ``{'succeeded': [ACL], 'failed': [KafkaError class]}``.
        """
        for acl in acls:
            if not isinstance(acl, ACL):
                raise IllegalArgumentError('acls must contain ACL objects')
        creations = [{
            'resource_type': int(acl.resource_pattern.resource_type),
            'resource_name': acl.resource_pattern.resource_name,
            'resource_pattern_type': int(acl.resource_pattern.pattern_type),
            'principal': acl.principal,
            'host': acl.host,
            'operation': int(acl.operation),
            'permission_type': int(acl.permission_type),
        } for acl in acls]
        response = self._ensure_open().request('CreateAcls', 'any', {'creations': creations})
        results: dict[str, list[Any]] = {'succeeded': [], 'failed': []}
        for acl, result in zip(acls, response['results']):
            if result['error_code']:
                results['failed'].append(Errors.for_code(result['error_code']))
            else:
                results['succeeded'].append(acl)
        return results

    def delete_acls(self, acl_filters: list[ACLFilter]) -> list[tuple[ACLFilter, list[ACL], type[Errors.KafkaError]]]:
        """Delete the ACLs matching each filter.

        Arguments:
            acl_filters ([ACLFilter]): the ACLs to delete.

        Returns:
            list of ``(filter, [deleted ACL], KafkaError class)``, one per filter.
        """
        for acl_filter in acl_filters:
            if not isinstance(acl_filter, ACLFilter):
                raise IllegalArgumentError('acl_filters must contain ACLFilter type objects')
        filters = [{
            'resource_type_filter': int(f.resource_pattern.resource_type),
            'resource_name_filter': f.resource_pattern.resource_name,
            'pattern_type_filter': int(f.resource_pattern.pattern_type),
            'principal_filter': f.principal,
            'host_filter': f.host,
            'operation': int(f.operation),
            'permission_type': int(f.permission_type),
        } for f in acl_filters]
        response = self._ensure_open().request('DeleteAcls', 'any', {'filters': filters})
        out = []
        for acl_filter, result in zip(acl_filters, response['filter_results']):
            matching = [_acl_from(m, m) for m in result['matching_acls']]
            out.append((acl_filter, matching, Errors.for_code(result['error_code'])))
        return out
