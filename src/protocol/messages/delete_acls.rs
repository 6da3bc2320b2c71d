//! DeleteAcls (key 31): remove the ACLs matching filters.
//!
//! Versions 0..=3: v1 adds the pattern type (KIP-290), v2 is flexible, v3 adds the user resource
//! type.

use super::describe_acls::{DescribeAclsRequest, PATTERN_TYPE_LITERAL};
use crate::protocol::declare::kafka_api;

kafka_api! {
    DeleteAcls: DeleteAclsRequest => DeleteAclsResponse, versions 0..=3, flexible 2;

    pub struct DeleteAclsRequest {
        /// Each filter has the fields of a DescribeAcls request.
        filters: Vec<DescribeAclsRequest>,
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

/// A filter of ACLs to delete: the same fields as a DescribeAcls request.
pub type DeleteAclsFilter = DescribeAclsRequest;
