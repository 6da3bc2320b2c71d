//! DeleteAcls (key 31): remove the ACLs matching filters.
//!
//! Versions 0..=3: v1 adds the pattern type (KIP-290), v2 is flexible, v3 adds the user resource
//! type.

use super::describe_acls::PATTERN_TYPE_LITERAL;
use crate::protocol::declare::kafka_api;

kafka_api! {
    DeleteAcls: DeleteAclsRequest => DeleteAclsResponse, versions 0..=3, flexible 2;

    pub struct DeleteAclsRequest {
        filters: Vec<DeleteAclsFilter>,
    }

    pub struct DeleteAclsFilter {
        resource_type_filter: i8,
        resource_name_filter: Option<String> => nullable(),
        /// v1+ (3: literal).
        pattern_type_filter: i8 = PATTERN_TYPE_LITERAL => since(1),
        principal_filter: Option<String> => nullable(),
        host_filter: Option<String> => nullable(),
        operation: i8,
        permission_type: i8,
    }

    pub struct DeleteAclsResponse {
        throttle_time_ms: i32,
        filter_results: Vec<DeleteAclsFilterResult>,
    }

    pub struct DeleteAclsFilterResult {
        error_code: i16,
        error_message: Option<String> => nullable(),
        matching_acls: Vec<DeleteAclsMatchingAcl>,
    }

    pub struct DeleteAclsMatchingAcl {
        error_code: i16,
        error_message: Option<String> => nullable(),
        resource_type: i8,
        resource_name: String,
        /// v1+ (3: literal).
        pattern_type: i8 = PATTERN_TYPE_LITERAL => since(1),
        principal: String,
        host: String,
        operation: i8,
        permission_type: i8,
    }
}
