"""The consumer group's embedded protocol (kafka-python's ``kafka.protocol.consumer``)."""
