//! DeleteGroups (key 42): delete empty consumer groups.
//!
//! v1 is identical to v0, v2 is flexible.

use crate::protocol::declare::kafka_api;

kafka_api! {
    DeleteGroups: DeleteGroupsRequest => DeleteGroupsResponse, versions 0..=3, flexible 2;

    pub struct DeleteGroupsRequest {
        groups_names: Vec<String>,
    }

    pub struct DeleteGroupsResponse {
        throttle_time_ms: i32,
        results: Vec<DeletableGroupResult>,
    }

    pub struct DeletableGroupResult {
        group_id: String,
        error_code: i16,
        /// v3+.
        error_message: Option<String> => since(3).nullable().ignorable(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Message;
    use bytes::Bytes;

    #[test]
    fn response_v2_bytes() {
        let mut b = Bytes::from_static(&[0, 0, 0, 0, 2, 2, b'g', 0, 69, 0, 0]);
        let r = DeleteGroupsResponse::decode(&mut b, 2).unwrap();
        assert_eq!(
            r.results,
            vec![DeletableGroupResult { group_id: "g".into(), error_code: 69, error_message: None }]
        );
    }
}
