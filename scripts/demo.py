"""`make demo`: start a local broker, run the seed producer example unchanged, show what arrived.

The example is the producer snippet of the seed documents (../shared/seeds/001_*.txt)::

    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers='localhost:9092')
    producer.send('test', b'test message')
    producer.flush()

It runs against a Tansu broker started on localhost:9092 (or on a free port, with the address in
the example substituted, if 9092 is taken), then the topic is read back with our consumer when
it is available, else with confluent-kafka.
"""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / 'tests'))

from conftest import free_port, tansu_broker

EXAMPLE = """\
from kafka import KafkaProducer

producer = KafkaProducer(bootstrap_servers='localhost:9092')
producer.send('test', b'test message')
producer.flush()
"""


def port_9092_free() -> bool:
    with socket.socket() as s:
        return s.connect_ex(('127.0.0.1', 9092)) != 0


def read_back(bootstrap: str, topic: str) -> list[tuple[int, int, bytes | None, bytes | None]]:
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'demo', 'enable.auto.commit': False})
    md = consumer.list_topics(topic, timeout=10)
    parts = sorted(md.topics[topic].partitions)
    consumer.assign([TopicPartition(topic, p, 0) for p in parts])
    out = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        msg = consumer.poll(0.5)
        if msg is None:
            if out:
                break
            continue
        if msg.error():
            continue
        out.append((msg.partition(), msg.offset(), msg.key(), msg.value()))
    consumer.close()
    return out


def main() -> None:
    port = 9092 if port_9092_free() else free_port()
    with tansu_broker(port) as (bootstrap, _proc):
        code = EXAMPLE.replace('localhost:9092', bootstrap)
        print(f'broker: Tansu on {bootstrap}\n--- running the seed example ---\n{code}')
        exec(compile(code, 'seed-example', 'exec'), {})  # noqa: S102 - the point of the demo
        print('--- delivered (read back from the broker) ---')
        for partition, offset, key, value in read_back(bootstrap, 'test'):
            print(f"topic='test' partition={partition} offset={offset} key={key!r} value={value!r}")


if __name__ == '__main__':
    main()
