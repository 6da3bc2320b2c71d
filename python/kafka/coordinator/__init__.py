"""Consumer-group coordination (the protocol runs in the Rust core)."""
