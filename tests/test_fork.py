"""Fork safety: clients made in a forked child work; clients inherited from the parent refuse.

Each scenario runs in a fresh interpreter (the pytest process has threads of its own), with
``multiprocessing``'s fork start method or ``os.fork()`` as gunicorn and Celery use them.
"""

from __future__ import annotations

import sys
import textwrap
from typing import Callable

import pytest
from conftest import Record, run_python

pytestmark = pytest.mark.skipif(sys.platform == 'win32', reason='fork() is POSIX-only')


def _run(code: str, timeout: float = 120.0) -> str:
    proc = run_python(textwrap.dedent(code), timeout=timeout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_fork_pool_of_producers_and_consumers(bootstrap_servers: str, topic: Callable[..., str],
                                              consume: Callable[..., list[Record]]) -> None:
    """The parent only imported kafka; every pool worker produces and consumes on its own."""
    t = topic(partitions=2)
    out = _run(f'''
        import multiprocessing as mp
        import kafka  # the parent imports the package (its runtime exists) and forks

        def work(i):
            from kafka import KafkaConsumer, KafkaProducer, TopicPartition
            p = KafkaProducer(bootstrap_servers={bootstrap_servers!r}, max_block_ms=20000)
            futures = [p.send({t!r}, b'w%d-%d' % (i, n), partition=i % 2) for n in range(100)]
            p.flush(60)
            offsets = [f.get(10).offset for f in futures]
            p.close()
            c = KafkaConsumer(bootstrap_servers={bootstrap_servers!r}, auto_offset_reset='earliest')
            c.assign([TopicPartition({t!r}, i % 2)])
            seen = 0
            for _ in range(60):
                seen += sum(len(v) for v in c.poll(timeout_ms=500).values())
                if seen >= 100:
                    break
            c.close()
            return len(offsets), seen >= 100

        if __name__ == '__main__':
            with mp.get_context('fork').Pool(2) as pool:
                print(pool.map(work, range(4), chunksize=1))
    ''')
    assert out.strip() == str([(100, True)] * 4)
    values = {r.value for r in consume(t, 400)}
    assert values == {b'w%d-%d' % (i, n) for i in range(4) for n in range(100)}


def test_fork_after_heavy_use_and_while_sending(bootstrap_servers: str, topic: Callable[..., str],
                                               consume: Callable[..., list[Record]]) -> None:
    """A fork after the parent produced and while its records are in flight: the child's own
    producer works, the inherited one raises at once, the child's exit does not wait for the
    parent's records, and the parent delivers all of its records."""
    t = topic()
    out = _run(f'''
        import os, time
        from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
        from kafka.errors import IllegalStateError

        parent = KafkaProducer(bootstrap_servers={bootstrap_servers!r}, linger_ms=200)
        for n in range(1000):
            parent.send({t!r}, b'before-%d' % n)
        parent.flush()
        admin = KafkaAdminClient(bootstrap_servers={bootstrap_servers!r})
        consumer = KafkaConsumer({t!r}, bootstrap_servers={bootstrap_servers!r}, group_id='fork-{t}')
        pending = [parent.send({t!r}, b'in-flight-%d' % n) for n in range(1000)]  # lingering
        pid = os.fork()
        if pid == 0:
            started = time.monotonic()
            errors = []
            for call in (lambda: parent.send({t!r}, b'x'), parent.flush, admin.list_topics,
                         lambda: consumer.poll(timeout_ms=100)):
                try:
                    call()
                except IllegalStateError as exc:
                    errors.append('before os.fork()' in str(exc))
            child = KafkaProducer(bootstrap_servers={bootstrap_servers!r})
            child.send({t!r}, b'from-child').get(30)
            child.close()
            ok = errors == [True] * 4 and time.monotonic() - started < 60
            os._exit(0 if ok else 1)
        _, status = os.waitpid(pid, 0)
        print('child', os.waitstatus_to_exitcode(status))
        parent.flush()
        print('parent', sum(1 for f in pending if f.succeeded()))
        parent.send({t!r}, b'after').get(30)
        parent.close(); admin.close(); consumer.close()
    ''')
    assert out.split() == ['child', '0', 'parent', '1000']
    values = [r.value for r in consume(t, 2002, extra_wait=1.0)]
    assert len(values) == 2002
    assert values.count(b'from-child') == 1
    assert {v for v in values if v.startswith(b'in-flight')} == {b'in-flight-%d' % n for n in range(1000)}


def test_child_exit_does_not_flush_inherited_producer(bootstrap_servers: str, topic: Callable[..., str]) -> None:
    """At interpreter exit a child skips the parent's producer (kafka-python would hang on it)."""
    t = topic()
    out = _run(f'''
        import os, sys, time
        from kafka import KafkaProducer
        p = KafkaProducer(bootstrap_servers={bootstrap_servers!r}, linger_ms=60000)
        p.send({t!r}, b'parent-record')
        pid = os.fork()
        if pid == 0:
            sys.exit(0)  # normal exit: atexit handlers run, the inherited producer is skipped
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status))
        p.close()
    ''', timeout=60)
    assert out.strip() == '0'
