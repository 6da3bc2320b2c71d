//! InitProducerId (key 22): obtain a producer id and epoch (idempotent or transactional producer).
//!
//! Versions 0..=6. v2 is flexible; v3 adds the current producer id/epoch so a producer can bump
//! its epoch after an error; v4 only adds the PRODUCER_FENCED error code, v5 the
//! TRANSACTION_ABORTABLE one (KIP-890); v6 adds two-phase commit (KIP-939, not served by default).

use crate::protocol::declare::kafka_api;

kafka_api! {
    InitProducerId: InitProducerIdRequest => InitProducerIdResponse, versions 0..=6, client ..=5, flexible 2;

    pub struct InitProducerIdRequest {
        /// `None` for an idempotent (non-transactional) producer.
        transactional_id: Option<String> => nullable(),
        transaction_timeout_ms: i32,
        /// v3+ (-1: no current producer id).
        producer_id: i64 = -1 => since(3).ignorable(),
        /// v3+ (-1: no current epoch).
        producer_epoch: i16 = -1 => since(3).ignorable(),
        /// v6+: prepare transactions for an external two-phase commit (KIP-939).
        enable_2pc: bool => since(6).ignorable(),
        /// v6+: keep a prepared transaction open across the restart (KIP-939).
        keep_prepared_txn: bool => since(6).ignorable(),
    }

    pub struct InitProducerIdResponse {
        throttle_time_ms: i32,
        error_code: i16,
        producer_id: i64 = -1,
        producer_epoch: i16,
        /// v6+: the producer id of a prepared transaction kept open (-1: none).
        ongoing_txn_producer_id: i64 = -1 => since(6).ignorable(),
        /// v6+: its epoch (-1: none).
        ongoing_txn_producer_epoch: i16 = -1 => since(6).ignorable(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::messages::test_util::*;
    use crate::protocol::Message;
    use bytes::Bytes;

    #[test]
    fn request_bytes() {
        let r = InitProducerIdRequest { transaction_timeout_ms: 60000, ..Default::default() };
        assert_eq!(encoded(&r, 0), [0xff, 0xff, 0, 0, 0xea, 0x60]);
        assert_eq!(encoded(&r, 2), [0, 0, 0, 0xea, 0x60, 0]);
        assert_eq!(
            encoded(&r, 4),
            [0, 0, 0, 0xea, 0x60, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]
        );
        let resp = InitProducerIdResponse::decode(
            &mut Bytes::from_static(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0]),
            2,
        )
        .unwrap();
        assert_eq!(
            resp,
            InitProducerIdResponse {
                throttle_time_ms: 0,
                error_code: 0,
                producer_id: 9,
                producer_epoch: 1,
                ..Default::default()
            }
        );
    }
}
