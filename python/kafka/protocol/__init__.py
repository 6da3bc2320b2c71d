"""kafka-python's protocol package: only the consumer protocol's data classes are provided here
(the wire protocol itself is implemented in the Rust core)."""
