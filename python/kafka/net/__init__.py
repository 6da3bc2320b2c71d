"""kafka-python 3's ``kafka.net`` package: only its SASL names exist here (the network is Rust)."""
