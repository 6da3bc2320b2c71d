//! Connections, the shared runtime and cluster metadata.
