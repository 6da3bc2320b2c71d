//! ConsumerGroupDescribe (key 69): consumer groups of the new protocol (KIP-848), with their
//! members' current and target assignments.
//!
//! Versions 0..=1, flexible: v1 adds the member type (KIP-1099).

use crate::protocol::declare::kafka_api;

kafka_api! {
    ConsumerGroupDescribe: ConsumerGroupDescribeRequest => ConsumerGroupDescribeResponse,
        versions 0..=1, flexible 0;

    pub struct ConsumerGroupDescribeRequest {
        group_ids: Vec<String>,
        include_authorized_operations: bool,
    }

    pub struct ConsumerGroupDescribeResponse {
        throttle_time_ms: i32,
        groups: Vec<ConsumerGroupDescribed>,
    }

    /// `DescribedGroup` in the schema.
    pub struct ConsumerGroupDescribed {
        error_code: i16,
        error_message: Option<String> => nullable(),
        group_id: String,
        group_state: String,
        group_epoch: i32,
        assignment_epoch: i32,
        assignor_name: String,
        members: Vec<ConsumerGroupMember>,
        authorized_operations: i32 = i32::MIN,
    }

    /// `Member` in the schema.
    pub struct ConsumerGroupMember {
        member_id: String,
        instance_id: Option<String> => nullable(),
        rack_id: Option<String> => nullable(),
        member_epoch: i32,
        client_id: String,
        client_host: String,
        subscribed_topic_names: Vec<String>,
        subscribed_topic_regex: Option<String> => nullable(),
        assignment: ConsumerGroupAssignment,
        target_assignment: ConsumerGroupAssignment,
        /// v1+: -1 unknown, 0 classic, 1 consumer.
        member_type: i8 = -1 => since(1).ignorable(),
    }

    /// `Assignment` in the schema.
    pub struct ConsumerGroupAssignment {
        topic_partitions: Vec<ConsumerGroupTopicPartitions>,
    }

    /// `TopicPartitions` in the schema.
    pub struct ConsumerGroupTopicPartitions {
        topic_id: [u8; 16],
        topic_name: String,
        partitions: Vec<i32>,
    }
}
