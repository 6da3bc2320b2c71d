//! AlterUserScramCredentials (key 51): add, replace or remove SCRAM credentials (KIP-554).
//!
//! Version 0 only, flexible. The client salts the password itself.

use bytes::Bytes;

use crate::protocol::declare::kafka_api;

kafka_api! {
    AlterUserScramCredentials: AlterUserScramCredentialsRequest => AlterUserScramCredentialsResponse,
        versions 0..=0, flexible 0;

    pub struct AlterUserScramCredentialsRequest {
        deletions: Vec<ScramCredentialDeletion>,
        upsertions: Vec<ScramCredentialUpsertion>,
    }

    pub struct ScramCredentialDeletion {
        name: String,
        mechanism: i8,
    }

    pub struct ScramCredentialUpsertion {
        name: String,
        mechanism: i8,
        iterations: i32,
        salt: Bytes,
        salted_password: Bytes,
    }

    pub struct AlterUserScramCredentialsResponse {
        throttle_time_ms: i32,
        results: Vec<AlterUserScramCredentialsResult>,
    }

    pub struct AlterUserScramCredentialsResult {
        user: String,
        error_code: i16,
        error_message: Option<String> => nullable(),
    }
}
