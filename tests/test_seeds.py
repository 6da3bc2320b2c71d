"""Every producer example of the seed documents runs unchanged (bar the broker address).

Each example runs in a fresh interpreter, exactly as a user would run the
script, so interpreter-exit delivery (atexit) is exercised too.  The outcome
must be what kafka-python gives: the records arrive (read back with
confluent-kafka), or the script dies with kafka-python's exception.
"""

from __future__ import annotations

import ast
import re
import time
import uuid

import pytest
from conftest import SEEDS_DIR, consume_all, create_topic, run_python

_BLOCK = re.compile(r'```python\n(.*?)```', re.DOTALL)


def producer_examples(seed: str) -> list[str]:
    """The complete producer programs (import + KafkaProducer(...)) of a seed document."""
    text = (SEEDS_DIR / seed).read_text(encoding='utf-8')
    return [b for b in _BLOCK.findall(text) if 'KafkaProducer(' in b and 'import' in b]


def producer_part(code: str) -> str:
    """Drop the statements that belong to a consumer in a mixed producer/consumer example.

    The consumer half of such examples loops forever waiting for messages; it
    is not part of what the producer tests check.  While ``kafka`` has no
    KafkaConsumer, it is also dropped from ``from kafka import ...`` lines.
    """
    import kafka

    tree = ast.parse(code)
    keep = []
    for node in tree.body:
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        if isinstance(node, ast.ImportFrom) and node.module == 'kafka':
            if not hasattr(kafka, 'KafkaConsumer'):
                node.names = [a for a in node.names if a.name != 'KafkaConsumer']
            if node.names:
                keep.append(node)
            continue
        if 'consumer' in names or 'KafkaConsumer' in names:
            continue
        keep.append(node)
    return ast.unparse(ast.Module(body=keep, type_ignores=[]))


def with_broker(code: str, bootstrap: str) -> str:
    return code.replace('localhost:9092', bootstrap)


def prepare_topic(bootstrap: str, name: str) -> dict[int, int]:
    """Make sure ``name`` exists; return its current end offsets (to read only new records)."""
    try:
        create_topic(bootstrap, name, partitions=1)
    except Exception as exc:
        if 'TOPIC_ALREADY_EXISTS' not in str(exc) and 'already exists' not in str(exc):
            raise
    return log_end_offsets(bootstrap, name)


def log_end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """The next offset of every partition, found by reading the log to its end.

    The seed examples use fixed topic names that other tests also write to, and Tansu's
    ListOffsets(latest) is the last batch's base offset + 1 (too low when that batch holds several
    records), so the high watermark is not a safe starting point.
    """
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': f'log-end-{uuid.uuid4().hex}',
                         'enable.auto.commit': False})
    try:
        partitions = sorted(consumer.list_topics(topic, timeout=10).topics[topic].partitions)
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        ends = dict.fromkeys(partitions, 0)
        idle_until = time.monotonic() + 2.0
        while time.monotonic() < idle_until:
            msg = consumer.poll(0.2)
            if msg is None or msg.error():
                continue
            ends[msg.partition()] = max(ends[msg.partition()], msg.offset() + 1)
            idle_until = time.monotonic() + 1.0
        return ends
    finally:
        consumer.close()


def test_seed_files_have_the_expected_examples() -> None:
    assert len(producer_examples('000_f64fe23fc4e8e304.txt')) == 1
    assert len(producer_examples('001_2b9d3aed25109287.txt')) == 1
    assert len(producer_examples('002_3d012c1a5dba09a6.txt')) == 1
    assert len(producer_examples('003_692685c2670a2fb4.txt')) == 1
    assert len(producer_examples('004_cca47a81d0326903.txt')) == 1


def test_seed_000_send_without_flush_is_delivered_at_exit(bootstrap_servers: str) -> None:
    (code,) = producer_examples('000_f64fe23fc4e8e304.txt')
    assert 'flush' not in code and 'close' not in code
    start = prepare_topic(bootstrap_servers, 'my_topic')
    result = run_python(with_broker(code, bootstrap_servers))
    assert result.returncode == 0, result.stderr
    records = consume_all(bootstrap_servers, 'my_topic', 1, timeout=30, extra_wait=1.0, from_offsets=start)
    assert [(r.key, r.value) for r in records] == [(None, b'my_message')]


def test_seed_001_send_and_flush(bootstrap_servers: str) -> None:
    (code,) = producer_examples('001_2b9d3aed25109287.txt')
    start = prepare_topic(bootstrap_servers, 'test')
    result = run_python(with_broker(code, bootstrap_servers))
    assert result.returncode == 0, result.stderr
    records = consume_all(bootstrap_servers, 'test', 1, timeout=30, extra_wait=1.0, from_offsets=start)
    assert [(r.key, r.value, r.headers) for r in records] == [(None, b'test message', [])]


def _last_line(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ''


def test_seed_002_key_serializer_called_with_none_key(bootstrap_servers: str) -> None:
    # key_serializer=str.encode and no key: kafka-python calls str.encode(None) -> TypeError.
    (code,) = producer_examples('002_3d012c1a5dba09a6.txt')
    start = prepare_topic(bootstrap_servers, 'my-topic')
    result = run_python(with_broker(producer_part(code), bootstrap_servers))
    assert result.returncode == 1
    last = _last_line(result.stderr)
    assert last.startswith("TypeError: descriptor 'encode' for 'str' objects doesn't apply to a 'NoneType' object"), \
        result.stderr
    assert consume_all(bootstrap_servers, 'my-topic', 1, timeout=3, from_offsets=start) == []


def test_seed_003_json_not_imported(bootstrap_servers: str) -> None:
    (code,) = producer_examples('003_692685c2670a2fb4.txt')
    result = run_python(with_broker(code, bootstrap_servers))
    assert result.returncode == 1
    assert _last_line(result.stderr) == "NameError: name 'json' is not defined", result.stderr


def test_seed_004_str_key_and_value_without_serializers(bootstrap_servers: str) -> None:
    (code,) = producer_examples('004_cca47a81d0326903.txt')
    result = run_python(with_broker(code, bootstrap_servers))
    assert result.returncode == 1
    # kafka-python 3 checks the key first; the exception is a TypeError (and an AssertionError, as in 2.x).
    last = _last_line(result.stderr)
    assert 'TypeError' in last, result.stderr
    assert last.endswith("Unsupported type for serialized key: <class 'str'>"), result.stderr


@pytest.mark.parametrize('seed', ['002_3d012c1a5dba09a6.txt', '003_692685c2670a2fb4.txt',
                                  '004_cca47a81d0326903.txt'])
def test_failing_seeds_raise_in_process(bootstrap_servers: str, seed: str) -> None:
    """The same examples, in-process: the exception types scripts would catch."""
    (code,) = producer_examples(seed)
    code = with_broker(producer_part(code), bootstrap_servers)
    expected = {'002': TypeError, '003': NameError, '004': TypeError}[seed[:3]]
    namespace: dict[str, object] = {'__name__': '__seed__'}
    try:
        with pytest.raises(expected):
            exec(compile(code, seed, 'exec'), namespace)  # noqa: S102 - running the seed example is the test
    finally:
        producer = namespace.get('producer')
        if producer is not None:
            producer.close()  # type: ignore[attr-defined]
