//! UpdateFeatures (key 57): upgrade or downgrade finalized cluster features (KIP-584, KIP-778).
//!
//! Versions 0..=2, flexible: v1 replaces `allow_downgrade` with an upgrade type and adds
//! `validate_only`; v2 responses leave the per-feature `results` empty.

use crate::protocol::declare::kafka_api;

/// `upgrade_type` values.
pub const UPGRADE: i8 = 1;
pub const SAFE_DOWNGRADE: i8 = 2;
pub const UNSAFE_DOWNGRADE: i8 = 3;

kafka_api! {
    UpdateFeatures: UpdateFeaturesRequest => UpdateFeaturesResponse, versions 0..=2, flexible 0;

    pub struct UpdateFeaturesRequest {
        timeout_ms: i32 = 60_000,
        feature_updates: Vec<FeatureUpdateKey>,
        /// v1+.
        validate_only: bool => since(1),
    }

    pub struct FeatureUpdateKey {
        feature: String,
        /// The new maximum level; below 1 deletes the finalized feature.
        max_version_level: i16,
        /// v0 only.
        allow_downgrade: bool => until(0).ignorable(),
        /// v1+: one of [`UPGRADE`], [`SAFE_DOWNGRADE`], [`UNSAFE_DOWNGRADE`].
        upgrade_type: i8 = UPGRADE => since(1).ignorable(),
    }

    pub struct UpdateFeaturesResponse {
        throttle_time_ms: i32,
        error_code: i16,
        error_message: Option<String> => nullable(),
        /// v0-1 (v2 reports only the top-level error).
        results: Vec<UpdatableFeatureResult> => until(1).ignorable(),
    }

    pub struct UpdatableFeatureResult {
        feature: String,
        error_code: i16,
        error_message: Option<String> => nullable(),
    }
}
