//! DescribeUserScramCredentials (key 50): the SCRAM mechanisms and iteration counts of users
//! (KIP-554).
//!
//! Version 0 only, flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    DescribeUserScramCredentials: DescribeUserScramCredentialsRequest => DescribeUserScramCredentialsResponse,
        versions 0..=0, flexible 0;

    pub struct DescribeUserScramCredentialsRequest {
        /// The users to describe, or null for all.
        users: Option<Vec<UserName>> => nullable(),
    }

    pub struct UserName {
        name: String,
    }

    pub struct DescribeUserScramCredentialsResponse {
        throttle_time_ms: i32,
        error_code: i16,
        error_message: Option<String> => nullable(),
        results: Vec<DescribeUserScramCredentialsResult>,
    }

    pub struct DescribeUserScramCredentialsResult {
        user: String,
        error_code: i16,
        error_message: Option<String> => nullable(),
        credential_infos: Vec<CredentialInfo>,
    }

    pub struct CredentialInfo {
        /// 1: SCRAM-SHA-256, 2: SCRAM-SHA-512.
        mechanism: i8,
        iterations: i32,
    }
}
