//! CreatePartitions (key 37): raise the partition count of existing topics, optionally with
//! a manual assignment for the new partitions.
//!
//! v1 is identical to v0 (throttling behaviour changed), v2 is flexible, v3 is identical to v2.

use bytes::{Bytes, BytesMut};

use crate::protocol::primitives::*;
use crate::protocol::{check_version, ApiKey, Message, Request};

const MAX: i16 = 3;
const FLEXIBLE: i16 = 2;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatePartitionsRequest {
    pub topics: Vec<CreatePartitionsTopic>,
    pub timeout_ms: i32,
    /// Validate only, change nothing.
    pub validate_only: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatePartitionsTopic {
    pub name: String,
    /// The new total partition count.
    pub count: i32,
    /// Broker ids for each new partition, or None for automatic assignment.
    pub assignments: Option<Vec<CreatePartitionsAssignment>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatePartitionsAssignment {
    pub broker_ids: Vec<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatePartitionsResponse {
    pub throttle_time_ms: i32,
    pub results: Vec<CreatePartitionsTopicResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatePartitionsTopicResult {
    pub name: String,
    pub error_code: i16,
    pub error_message: Option<String>,
}

fn check_decode_version(what: &str, version: i16) -> DecodeResult<()> {
    if (0..=MAX).contains(&version) {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!("{what} version {version} is not supported")))
    }
}

impl Message for CreatePartitionsRequest {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("CreatePartitionsRequest", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        put_array(buf, &self.topics, flexible, |b, t| {
            put_string(b, &t.name, flexible)?;
            put_i32(b, t.count);
            put_nullable_array(b, t.assignments.as_deref(), flexible, |b, a| {
                put_array(b, &a.broker_ids, flexible, |b, id| {
                    put_i32(b, *id);
                    Ok(())
                })?;
                if flexible {
                    put_empty_tagged_fields(b);
                }
                Ok(())
            })?;
            if flexible {
                put_empty_tagged_fields(b);
            }
            Ok(())
        })?;
        put_i32(buf, self.timeout_ms);
        put_bool(buf, self.validate_only);
        if flexible {
            put_empty_tagged_fields(buf);
        }
        Ok(())
    }

    fn decode(buf: &mut Bytes, version: i16) -> DecodeResult<Self> {
        check_decode_version("CreatePartitionsRequest", version)?;
        let flexible = version >= FLEXIBLE;
        let topics = get_array(buf, flexible, |b| {
            let name = get_string(b, flexible)?;
            let count = get_i32(b)?;
            let assignments = get_nullable_array(b, flexible, |b| {
                let broker_ids = get_array(b, flexible, get_i32)?;
                if flexible {
                    get_tagged_fields(b)?;
                }
                Ok(CreatePartitionsAssignment { broker_ids })
            })?;
            if flexible {
                get_tagged_fields(b)?;
            }
            Ok(CreatePartitionsTopic { name, count, assignments })
        })?;
        let timeout_ms = get_i32(buf)?;
        let validate_only = get_bool(buf)?;
        if flexible {
            get_tagged_fields(buf)?;
        }
        Ok(Self { topics, timeout_ms, validate_only })
    }
}

impl Message for CreatePartitionsResponse {
    fn encode(&self, buf: &mut BytesMut, version: i16) -> EncodeResult {
        check_version("CreatePartitionsResponse", version, 0, MAX)?;
        let flexible = version >= FLEXIBLE;
        put_i32(buf, self.throttle_time_ms);
        put_array(buf, &self.results, flexible, |b, r| {
            put_string(b, &r.name, flexible)?;
            put_i16(b, r.error_code);
            put_nullable_string(b, r.error_message.as_deref(), flexible)?;
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
        check_decode_version("CreatePartitionsResponse", version)?;
        let flexible = version >= FLEXIBLE;
        let throttle_time_ms = get_i32(buf)?;
        let results = get_array(buf, flexible, |b| {
            let r = CreatePartitionsTopicResult {
                name: get_string(b, flexible)?,
                error_code: get_i16(b)?,
                error_message: get_nullable_string(b, flexible)?,
            };
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

impl Request for CreatePartitionsRequest {
    const API_KEY: ApiKey = ApiKey::CreatePartitions;
    const MIN_VERSION: i16 = 0;
    const MAX_VERSION: i16 = MAX;
    const FLEXIBLE_FROM: i16 = FLEXIBLE;
    type Response = CreatePartitionsResponse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::message_proptests;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    fn topic() -> impl Strategy<Value = CreatePartitionsTopic> {
        ("[a-z._-]{0,12}", any::<i32>(), option::of(vec(vec(any::<i32>(), 0..4), 0..3))).prop_map(
            |(name, count, a)| CreatePartitionsTopic {
                name,
                count,
                assignments: a.map(|a| {
                    a.into_iter().map(|broker_ids| CreatePartitionsAssignment { broker_ids }).collect()
                }),
            },
        )
    }

    fn arb_request() -> impl Strategy<Value = CreatePartitionsRequest> {
        (vec(topic(), 0..4), any::<i32>(), any::<bool>()).prop_map(|(topics, timeout_ms, validate_only)| {
            CreatePartitionsRequest { topics, timeout_ms, validate_only }
        })
    }

    fn arb_response() -> impl Strategy<Value = CreatePartitionsResponse> {
        (any::<i32>(), vec(("[a-z._-]{0,12}", any::<i16>(), option::of("[ -~]{0,16}")), 0..4)).prop_map(
            |(throttle_time_ms, results)| CreatePartitionsResponse {
                throttle_time_ms,
                results: results
                    .into_iter()
                    .map(|(name, error_code, error_message)| CreatePartitionsTopicResult {
                        name,
                        error_code,
                        error_message,
                    })
                    .collect(),
            },
        )
    }

    message_proptests!(0..=MAX, arb_request, arb_response, garbage: 128);

    #[test]
    fn v0_request_bytes() {
        let r = CreatePartitionsRequest {
            topics: vec![CreatePartitionsTopic { name: "t".into(), count: 4, assignments: None }],
            timeout_ms: 1,
            validate_only: true,
        };
        let mut b = BytesMut::new();
        r.encode(&mut b, 0).unwrap();
        #[rustfmt::skip]
        let expected: &[u8] = &[
            0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 4,
            0xff, 0xff, 0xff, 0xff, // assignments null
            0, 0, 0, 1, 1,
        ];
        assert_eq!(&b[..], expected);
    }
}
