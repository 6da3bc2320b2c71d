//! DescribeAcls (key 29): the ACLs matching a filter.
//!
//! Versions 0..=3: v1 adds the pattern type (KIP-290), v2 is flexible, v3 adds the user resource
//! type.

use crate::protocol::declare::kafka_api;

/// `pattern_type`: literal names or prefixes, or (filters) any/match.
pub const PATTERN_TYPE_LITERAL: i8 = 3;

kafka_api! {
    DescribeAcls: DescribeAclsRequest => DescribeAclsResponse, versions 0..=3, flexible 2;

    pub struct DescribeAclsRequest {
        resource_type_filter: i8,
        resource_name_filter: Option<String> => nullable(),
        /// v1+ (3: literal).
        pattern_type_filter: i8 = PATTERN_TYPE_LITERAL => since(1),
        principal_filter: Option<String> => nullable(),
        host_filter: Option<String> => nullable(),
        operation: i8,
        permission_type: i8,
    }

    pub struct DescribeAclsResponse {
        throttle_time_ms: i32,
        error_code: i16,
        error_message: Option<String> => nullable(),
        resources: Vec<DescribeAclsResource>,
    }

    pub struct DescribeAclsResource {
        resource_type: i8,
        resource_name: String,
        /// v1+ (3: literal).
        pattern_type: i8 = PATTERN_TYPE_LITERAL => since(1),
        acls: Vec<AclDescription>,
    }

    pub struct AclDescription {
        principal: String,
        host: String,
        operation: i8,
        permission_type: i8,
    }
}
