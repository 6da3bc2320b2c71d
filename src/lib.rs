//! kafka-python-rs core: a Kafka client written in Rust, driven from Python.
//!
//! Layers, bottom to top (see ARCHITECTURE.md):
//! - [`protocol`]: wire primitives, headers and one module per API message;
//! - [`records`] and [`compression`]: RecordBatch v2 and the four codecs;
//! - [`network`]: the shared tokio runtime, broker connections, the cluster metadata cache;
//! - [`producer`], [`consumer`], [`group`], [`admin`]: the clients;
//! - `bindings` (feature `python`): the thin pyo3 layer that `kafka._native` exposes.

pub mod admin;
pub mod compression;
pub mod consumer;
pub mod error;
pub mod group;
pub mod network;
pub mod producer;
pub mod protocol;
pub mod records;
pub mod security;

#[cfg(feature = "python")]
mod bindings;
