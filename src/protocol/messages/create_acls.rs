//! CreateAcls (key 30): add ACLs.
//!
//! Versions 0..=3: v1 adds the resource pattern type (KIP-290), v2 is flexible, v3 adds the user
//! resource type.

use super::describe_acls::PATTERN_TYPE_LITERAL;
use crate::protocol::declare::kafka_api;

kafka_api! {
    CreateAcls: CreateAclsRequest => CreateAclsResponse, versions 0..=3, flexible 2;

    pub struct CreateAclsRequest {
        creations: Vec<AclCreation>,
    }

    /// `CreatableAcl` in the schema.
    pub struct AclCreation {
        resource_type: i8,
        resource_name: String,
        /// v1+ (3: literal).
        resource_pattern_type: i8 = PATTERN_TYPE_LITERAL => since(1),
        principal: String,
        host: String,
        operation: i8,
        permission_type: i8,
    }

    pub struct CreateAclsResponse {
        throttle_time_ms: i32,
        results: Vec<AclCreationResult>,
    }

    pub struct AclCreationResult {
        error_code: i16,
        error_message: Option<String> => nullable(),
    }
}
