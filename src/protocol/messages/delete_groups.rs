//! DeleteGroups (key 42): delete empty consumer groups.
//!
//! v1 is identical to v0, v2 is flexible.

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 2;
const FLEXIBLE: i16 = 2;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteGroupsRequest {
    pub groups_names: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteGroupsResponse {
    pub throttle_time_ms: i32,
    pub results: Vec<DeletableGroupResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeletableGroupResult {
    pub group_id: String,
    pub error_code: i16,
}

fn check_decode_version(what: &str, version: i16) -> DecodeResult<()> {
    if (0..=MAX).contains(&version) {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!("{what} version {version} is not supported")))
    }
}

impl Message for DeleteGroupsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DeleteGroupsRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        put_array(buf, &self.groups_names, flexible, |b, g| put_string(b, g, flexible))?;
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("DeleteGroupsRequest", version)?;
        let flexible = version >= FLEXIBLE;
        let groups_names = get_array(buf, flexible, |b| get_string(b, flexible))?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { groups_names })
    }
}

impl Message for DeleteGroupsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("DeleteGroupsResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        put_i32(buf, self.throttle_time_ms);
        put_array(buf, &self.results, flexible, |b, r| {
            put_string(b, &r.group_id, flexible)?;
            put_i16(b, r.error_code);
            if flexible {
                put_empty_tagged_fields(b);
            }
            Ok(())
        })?;
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("DeleteGroupsResponse", version)?;
        let flexible = version >= FLEXIBLE;
        let throttle_time_ms = get_i32(buf)?;
        let results = get_array(buf, flexible, |b| {
            let r = DeletableGroupResult { group_id: get_string(b, flexible)?, error_code: get_i16(b)? };
            if flexible {
                get_tagged_fields(b)?;
            }
            Ok(r)
        })?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { throttle_time_ms, results })
    }
}

impl Request for DeleteGroupsRequest {
    const API_KEY: ApiKey = ApiKey::DeleteGroups;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE;
    type Response = DeleteGroupsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn arb_request() -> impl Strategy<Value = DeleteGroupsRequest> {
        vec("[a-z0-9._-]{0,12}", 0..5).prop_map(|groups_names| DeleteGroupsRequest { groups_names })
    }

    fn arb_response() -> impl Strategy<Value = DeleteGroupsResponse> {
        (any::<i32>(), vec(("[a-z0-9._-]{0,12}", any::<i16>()), 0..5)).prop_map(
            |(throttle_time_ms, results)| {
                let results = results
                    .into_iter()
                    .map(|(group_id, error_code)| DeletableGroupResult { group_id, error_code })
                    .collect();
                DeleteGroupsResponse { throttle_time_ms, results }
            },
        )
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 128);

    #[test]
    fn response_v2_bytes() {
        let mut b = Bytes::from_static(&[0, 0, 0, 0, 2, 2, b'g', 0, 69, 0, 0]);
        let r = DeleteGroupsResponse::decode(&mut b, 2).unwrap();
        assert_eq!(r.results, vec![DeletableGroupResult { group_id: "g".into(), error_code: 69 }]);
    }
}
