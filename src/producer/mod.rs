//! The producer: accumulator, partitioner, sender.
