"""Ctrl-C reaches Python promptly while our clients wait in Rust (GIL released, signals checked)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

WAITERS = {
    'consumer.poll': (
        "from kafka import KafkaConsumer\n"
        "c = KafkaConsumer(TOPIC, bootstrap_servers=BOOTSTRAP, consumer_timeout_ms=10**9)\n"
        "c.poll(0)\n"
        "print('ready', flush=True)\n"
        "c.poll(timeout_ms=60000)\n"
    ),
    'consumer iterator': (
        "from kafka import KafkaConsumer\n"
        "c = KafkaConsumer(TOPIC, bootstrap_servers=BOOTSTRAP)\n"
        "c.poll(0)\n"
        "print('ready', flush=True)\n"
        "for m in c:\n"
        "    pass\n"
    ),
    'producer future.get': (
        "from kafka import KafkaProducer\n"
        # linger_ms keeps the record in the accumulator: the future stays pending.
        "p = KafkaProducer(bootstrap_servers=BOOTSTRAP, linger_ms=60000)\n"
        "p.partitions_for(TOPIC)\n"
        "f = p.send(TOPIC, b'x')\n"
        "print('ready', flush=True)\n"
        "f.get()\n"
    ),
    'producer send (metadata wait)': (
        "import socket\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close()\n"
        "from kafka import KafkaProducer\n"
        "p = KafkaProducer(bootstrap_servers=f'127.0.0.1:{port}', max_block_ms=60000, api_version=(2, 6))\n"
        "print('ready', flush=True)\n"
        "p.send(TOPIC, b'x')\n"
    ),
    'producer constructor (bootstrap)': (
        "import socket\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close()\n"
        "from kafka import KafkaProducer\n"
        "print('ready', flush=True)\n"
        "KafkaProducer(bootstrap_servers=f'127.0.0.1:{port}', bootstrap_timeout_ms=120000)\n"
    ),
    'consumer constructor (bootstrap)': (
        "import socket\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close()\n"
        "from kafka import KafkaConsumer\n"
        "print('ready', flush=True)\n"
        "KafkaConsumer(bootstrap_servers=f'127.0.0.1:{port}', bootstrap_timeout_ms=120000)\n"
    ),
}


@pytest.mark.parametrize('name', sorted(WAITERS))
def test_ctrl_c_interrupts_waits(bootstrap_servers: str, topic: Callable[..., str], name: str) -> None:
    """SIGINT during a wait in Rust raises KeyboardInterrupt in the waiting thread within ~100 ms."""
    code = f'TOPIC = {topic()!r}\nBOOTSTRAP = {bootstrap_servers!r}\n' + WAITERS[name]
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (str(Path(__import__('kafka').__file__).resolve().parent.parent), env.get('PYTHONPATH', ''))
        if p)
    proc = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == 'ready'
        time.sleep(0.5)  # well inside the Rust wait
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = proc.stderr.read() if proc.stderr else ''
    assert 'KeyboardInterrupt' in stderr, stderr
    # Waits run in 100 ms slices; the bound leaves room for interpreter shutdown on a busy machine.
    assert elapsed < 5.0, elapsed
