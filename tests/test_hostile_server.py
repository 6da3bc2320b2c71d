"""A server decides nothing about our memory or our time: hostile and broken responses end with
a kafka-python error inside the configured timeouts, with memory bounded by our settings."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

import pytest
from conftest import run_python
from fake_broker import FakeBroker

CLIENT = '''
import resource, time
from kafka import KafkaAdminClient, KafkaProducer
from kafka.errors import KafkaError

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

base = peak_mb()
start = time.monotonic()
outcome = 'no error'
try:
    if MODE == 'admin':
        KafkaAdminClient(bootstrap_servers=BOOTSTRAP, bootstrap_timeout_ms=4000, request_timeout_ms=2000)
    else:
        p = KafkaProducer(bootstrap_servers=BOOTSTRAP, acks=1, enable_idempotence=False, linger_ms=0,
                          request_timeout_ms=2000, delivery_timeout_ms=6000, **EXTRA)
        try:
            p.send('hostile', b'x').get(timeout=60)
        finally:
            p.close(timeout=1)
except KafkaError as exc:
    outcome = type(exc).__name__
print(outcome, round(time.monotonic() - start, 1), round(peak_mb() - base))
'''

CASES: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
    ('400MB declared', {'behaviour': 'huge_length'}, 'producer', {}),
    ('2GiB declared', {'behaviour': 'huge_length', 'declared': 2**31 - 1}, 'producer', {}),
    # Allowed by our setting, but only 1 KiB ever arrives: memory follows the bytes, the request
    # timeout ends the wait.
    ('400MB allowed, 1KiB sent', {'behaviour': 'huge_length'}, 'producer',
     {'receive_message_max_bytes': 1_000_000_000}),
    ('random bytes', {'behaviour': 'garbage'}, 'producer', {}),
    ('wrong correlation id', {'behaviour': 'wrong_correlation'}, 'producer', {}),
    ('closes', {'behaviour': 'close'}, 'producer', {}),
    ('never answers', {'behaviour': 'silent'}, 'producer', {}),
    ('1 byte per second', {'behaviour': 'trickle'}, 'producer', {}),
    ('admin bootstrap 400MB', {'behaviour': 'huge_length', 'on': 'all'}, 'admin', {}),
    ('admin bootstrap silent', {'behaviour': 'silent', 'on': 'all'}, 'admin', {}),
    # Fails fast on every connection: the 4 s bootstrap deadline holds (it once took 44-57 s).
    ('admin bootstrap closes', {'behaviour': 'close', 'on': 'all'}, 'admin', {}),
]


@pytest.mark.parametrize(('server', 'mode', 'extra'), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_server(server: dict[str, Any], mode: str, extra: dict[str, Any]) -> None:
    with FakeBroker(**server) as fake:
        code = f'MODE = {mode!r}\nBOOTSTRAP = {fake.bootstrap!r}\nEXTRA = {extra!r}\n' + CLIENT
        proc = run_python(code, timeout=90)
    assert proc.returncode == 0, proc.stderr
    outcome, elapsed, grown_mb = proc.stdout.split()
    assert outcome != 'no error'
    if mode == 'admin':
        assert outcome == 'NoBrokersAvailable'
    # delivery_timeout_ms (6 s) / bootstrap_timeout_ms (4 s) bound the call; the margin is for a
    # loaded machine, not for the client.
    assert float(elapsed) < 30, elapsed
    if mode == 'admin':
        assert float(elapsed) >= 4 * 0.9, elapsed  # it kept trying until its deadline
    assert int(grown_mb) < 100, f'peak RSS grew by {grown_mb} MB'


def test_close_with_stalled_broker_reacts_to_ctrl_c() -> None:
    """close() waiting on a broker that never answers ends at Ctrl-C (records fail), within ~100 ms."""
    with FakeBroker('silent') as fake:
        code = (
            'from kafka import KafkaProducer\n'
            f'p = KafkaProducer(bootstrap_servers={fake.bootstrap!r}, acks=1, enable_idempotence=False)\n'
            'futures = [p.send("stalled", b"x") for _ in range(100)]\n'
            'print("ready", flush=True)\n'
            'try:\n'
            '    p.close()\n'
            'except KeyboardInterrupt:\n'
            '    print("interrupted", sum(f.failed() for f in futures), flush=True)\n'
        )
        proc = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=_env())
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == 'ready'
            time.sleep(1.0)  # inside close()'s wait
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=15)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert out.split() == ['interrupted', '100'], (out, err)


def _env() -> dict[str, str]:
    import os
    from pathlib import Path

    env = dict(os.environ)
    root = str(Path(__import__('kafka').__file__).resolve().parent.parent)
    env['PYTHONPATH'] = os.pathsep.join(p for p in (root, env.get('PYTHONPATH', '')) if p)
    return env


def test_delivery_timeout_bounds_batches_in_flight() -> None:
    """A broker that takes a Produce and never answers: delivery_timeout_ms (3 s) fails the records,
    long before request_timeout_ms (30 s) would end the request."""
    with FakeBroker('silent') as fake:
        code = (
            'import time\n'
            'from kafka import KafkaProducer\n'
            'from kafka.errors import KafkaTimeoutError\n'
            f'p = KafkaProducer(bootstrap_servers={fake.bootstrap!r}, acks=1, enable_idempotence=False,\n'
            '                  delivery_timeout_ms=3000, request_timeout_ms=30000, linger_ms=0)\n'
            'start = time.monotonic()\n'
            'futures = [p.send("stalled", b"x") for _ in range(50)]\n'
            'p.flush(timeout=60)\n'
            'elapsed = time.monotonic() - start\n'
            'print(sum(isinstance(f.exception, KafkaTimeoutError) for f in futures), round(elapsed, 1))\n'
            'p.close(timeout=0)\n'
        )
        proc = run_python(code, timeout=90)
    assert proc.returncode == 0, proc.stderr
    failed, elapsed = proc.stdout.split()
    assert failed == '50'
    assert float(elapsed) < 25, elapsed  # bounded by delivery_timeout_ms, not request_timeout_ms (30 s)
