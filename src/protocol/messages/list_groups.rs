//! ListGroups (key 16): the groups a broker coordinates.
//!
//! v1 adds the response throttle time, v2 is identical to v1, v3 is flexible, v4 adds a group
//! state filter and returns each group's state, v5 adds a group type filter and returns each
//! group's type.

use crate::protocol::declare::kafka_api;

kafka_api! {
    ListGroups: ListGroupsRequest => ListGroupsResponse, versions 0..=5, flexible 3;

    pub struct ListGroupsRequest {
        /// v4+: only groups in these states; empty for all. Cannot be non-empty below v4.
        states_filter: Vec<String> => since(4),
        /// v5+: only groups of these types; empty for all. Cannot be non-empty below v5.
        types_filter: Vec<String> => since(5),
    }

    pub struct ListGroupsResponse {
        /// v1+.
        throttle_time_ms: i32 => since(1).ignorable(),
        error_code: i16,
        groups: Vec<ListedGroup>,
    }

    pub struct ListedGroup {
        group_id: String,
        protocol_type: String,
        /// v4+.
        group_state: String => since(4).ignorable(),
        /// v5+.
        group_type: String => since(5).ignorable(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Message;
    use bytes::BytesMut;

    #[test]
    fn request_bytes() {
        let mut b = BytesMut::new();
        ListGroupsRequest::default().encode(&mut b, 0).unwrap();
        assert!(b.is_empty());
        ListGroupsRequest::default().encode(&mut b, 3).unwrap();
        assert_eq!(&b[..], &[0]);
        let r = ListGroupsRequest { states_filter: vec!["Stable".into()], types_filter: vec![] };
        assert!(r.encode(&mut BytesMut::new(), 3).is_err());
        let mut b = BytesMut::new();
        r.encode(&mut b, 4).unwrap();
        assert_eq!(&b[..], b"\x02\x07Stable\x00");
    }
}
