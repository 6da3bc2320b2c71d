"""Version of the kafka-python-rs package."""

__version__ = '0.1.0'
