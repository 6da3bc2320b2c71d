"""Partition assignors, by kafka-python's class paths; the assignment itself runs in Rust."""
