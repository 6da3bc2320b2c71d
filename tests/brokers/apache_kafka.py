"""Apache Kafka 4.x (KRaft) for tests and benchmarks, run from the jars Maven resolves.

``tests/brokers/kafka/pom.xml`` pins the version; :func:`ensure_jars` copies the broker, the
tools and a logging backend into ``.cache/kafka-<version>/libs`` (ignored by git) once. Each node
runs ``java -cp 'libs/*' kafka.Kafka server.properties`` as a combined broker + controller.

Topologies:

- ``KafkaCluster(nodes=1, secure=True)``: one node with PLAINTEXT, SSL, SASL_PLAINTEXT and
  SASL_SSL listeners (SASL mechanisms PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and OAUTHBEARER with
  Kafka's unsecured JWT validator; users in :data:`USERS`, SCRAM credentials created at format).
- ``KafkaCluster(nodes=3)``: three nodes, replication factor 3, ``min.insync.replicas=2``;
  :meth:`KafkaCluster.stop_node`, :meth:`KafkaCluster.kill_node` and
  :meth:`KafkaCluster.start_node` for failover tests.

Transactions are enabled (``transaction.state.log.*`` sized for the topology) in both.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .fault_proxy import FaultProxy
from .tls import TlsMaterial, make_tls_material

if TYPE_CHECKING:
    from collections.abc import Iterator

KAFKA_VERSION = '4.4.0'
REPO_ROOT = Path(__file__).resolve().parents[2]
POM = Path(__file__).resolve().parent / 'kafka' / 'pom.xml'
CACHE_DIR = Path(os.environ.get('KAFKA_RS_CACHE', REPO_ROOT / '.cache')) / f'kafka-{KAFKA_VERSION}'
LIBS_DIR = CACHE_DIR / 'libs'

#: SASL users: name -> password (PLAIN and both SCRAM mechanisms).
USERS = {'admin': 'admin-secret', 'alice': 'alice-secret'}
SCRAM_MECHANISMS = ('SCRAM-SHA-256', 'SCRAM-SHA-512')
SASL_MECHANISMS = ('PLAIN', *SCRAM_MECHANISMS, 'OAUTHBEARER')
LISTENERS = ('PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL')

START_TIMEOUT_S = 120.0


class KafkaUnavailable(RuntimeError):
    """Java, Maven or the jars are missing: the caller reports it instead of failing obscurely."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


def ensure_jars() -> Path:
    """Resolve the Kafka jars with Maven into :data:`LIBS_DIR` (once); return that folder."""
    marker = LIBS_DIR / f'kafka_2.13-{KAFKA_VERSION}.jar'
    if marker.exists():
        return LIBS_DIR
    if shutil.which('java') is None:
        raise KafkaUnavailable('java not found: install a JDK 17+ (Debian: openjdk-17-jre-headless)')
    if shutil.which('mvn') is None:
        raise KafkaUnavailable('mvn not found: install Maven (Debian: maven)')
    tmp = LIBS_DIR.with_name('libs.partial')
    shutil.rmtree(tmp, ignore_errors=True)
    proc = subprocess.run(
        ['mvn', '-q', '-B', '-f', str(POM), 'dependency:copy-dependencies', f'-DoutputDirectory={tmp}'],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0 or not (tmp / marker.name).exists():
        raise KafkaUnavailable(f'mvn could not resolve Apache Kafka {KAFKA_VERSION}:\n{proc.stdout}\n{proc.stderr}')
    shutil.rmtree(LIBS_DIR, ignore_errors=True)
    tmp.rename(LIBS_DIR)
    return LIBS_DIR


def java_command(main_class: str, *args: str, heap: str = '512m') -> list[str]:
    """``java`` running ``main_class`` from the Kafka jars."""
    return ['java', f'-Xmx{heap}', f'-Xms{heap}', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20',
            '-Djava.awt.headless=true', '-cp', str(ensure_jars() / '*'), main_class, *args]


def run_tool(main_class: str, *args: str, timeout: float = 120.0,
             input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run a Kafka command-line tool (e.g. ``org.apache.kafka.tools.consumer.ConsoleConsumer``)."""
    env = dict(os.environ, KAFKA_LOG4J_OPTS='')
    return subprocess.run(java_command(main_class, *args, heap='256m'), capture_output=True, text=True,
                          timeout=timeout, input=input_text, env=env, check=False)


def _cluster_id() -> str:
    """A random cluster id that ``kafka-storage format -t`` accepts: one starting with ``-`` (1 in 64)
    is taken for an option (Kafka's own ``Uuid.randomUuid()`` never returns one)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip('=')
        if not cluster_id.startswith('-'):
            return cluster_id


def _metadata_brokers(host: str, port: int, timeout: float = 2.0) -> int:
    """Number of brokers a raw Metadata v1 request (no topics) reports; raises OSError if none."""
    request = struct.pack('>hhih', 3, 1, 1, len('probe')) + b'probe' + struct.pack('>i', 0)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(struct.pack('>i', len(request)) + request)
        header = _recv_exact(sock, 4)
        body = _recv_exact(sock, struct.unpack('>i', header)[0])
    # correlation id (4), then the brokers array count
    return int(struct.unpack('>i', body[4:8])[0])


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b''
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise OSError('connection closed')
        buf += chunk
    return buf


@dataclass
class KafkaNode:
    """One combined broker + controller process."""

    node_id: int
    directory: Path
    ports: dict[str, int]
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_file(self) -> Path:
        return self.directory / 'server.out'

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class KafkaCluster:
    """Apache Kafka nodes in KRaft combined mode on 127.0.0.1 (see the module docstring)."""

    nodes: int = 1
    secure: bool = False
    #: An ``EXTERNAL`` listener per node, advertised at a :class:`FaultProxy` in front of it.
    proxied: bool = False
    extra_config: dict[str, str] = field(default_factory=dict)
    heap: str = '768m'
    workdir: Path | None = None
    _nodes: list[KafkaNode] = field(default_factory=list, init=False)
    _owns_workdir: bool = field(default=False, init=False)
    tls: TlsMaterial | None = field(default=None, init=False)
    proxies: dict[int, FaultProxy] = field(default_factory=dict, init=False)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, attempts: int = 2) -> KafkaCluster:
        """Format storage and start every node; return once all brokers answer Metadata.

        A start that fails (a port taken between choosing and binding it, a node too slow on a
        loaded machine) is retried from scratch with new ports, ``attempts`` times in all.
        """
        for attempt in range(1, attempts + 1):
            try:
                return self._start_once()
            except RuntimeError:
                self._abandon()
                if attempt == attempts:
                    raise
        return self

    def _abandon(self) -> None:
        """Kill whatever a failed start left running and forget its nodes and proxies."""
        for node in self._nodes:
            if node.running():
                assert node.process is not None
                node.process.kill()
            self._reap(node, timeout=10.0)
            shutil.rmtree(node.directory, ignore_errors=True)
        for proxy in self.proxies.values():
            proxy.close()
        self._nodes, self.proxies = [], {}

    def _start_once(self) -> KafkaCluster:
        ensure_jars()
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix='kafka-rs-broker-'))
            self._owns_workdir = True
        if self.secure and self.tls is None:  # material set before start() is kept
            self.tls = make_tls_material(self.workdir / 'tls')
        names = ('CONTROLLER', *(LISTENERS if self.secure else ('PLAINTEXT',)),
                 *(('EXTERNAL',) if self.proxied else ()))
        self._nodes = [
            KafkaNode(node_id=i + 1, directory=self.workdir / f'node-{i + 1}',
                      ports={name: free_port() for name in names})
            for i in range(self.nodes)
        ]
        if self.proxied:
            self.proxies = {n.node_id: FaultProxy('127.0.0.1', n.ports['EXTERNAL']) for n in self._nodes}
        cluster_id = _cluster_id()
        formats = []
        for node in self._nodes:
            node.directory.mkdir(parents=True, exist_ok=True)
            (node.directory / 'server.properties').write_text(self._properties(node))
            (node.directory / 'log4j2.properties').write_text(_LOG4J2)
            args = ['format', '-t', cluster_id, '-c', str(node.directory / 'server.properties')]
            if self.secure:
                for mechanism in SCRAM_MECHANISMS:
                    for user, password in USERS.items():
                        args += ['--add-scram', f'{mechanism}=[name={user},password={password}]']
            formats.append(subprocess.Popen(java_command('kafka.tools.StorageTool', *args, heap='256m'),
                                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        for proc in formats:
            out, _ = proc.communicate(timeout=120)
            if proc.returncode != 0:
                raise RuntimeError(f'kafka-storage format failed:\n{out.decode(errors="replace")}')
        for node in self._nodes:
            self._launch(node)
        self.wait_ready()
        return self

    def stop(self) -> None:
        """Stop every node (SIGTERM, then SIGKILL after 30 s) and remove the work folder."""
        for node in self._nodes:
            if node.running():
                assert node.process is not None
                node.process.send_signal(signal.SIGTERM)
        for node in self._nodes:
            self._reap(node, timeout=30.0)
        for proxy in self.proxies.values():
            proxy.close()
        if self._owns_workdir and self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # -- failover --------------------------------------------------------------------------
    def stop_node(self, node_id: int, timeout: float = 60.0) -> None:
        """Controlled shutdown of one node (SIGTERM)."""
        node = self.node(node_id)
        if node.running():
            assert node.process is not None
            node.process.send_signal(signal.SIGTERM)
        self._reap(node, timeout=timeout)

    def kill_node(self, node_id: int) -> None:
        """``kill -9`` one node."""
        node = self.node(node_id)
        if node.running():
            assert node.process is not None
            node.process.kill()
        self._reap(node, timeout=10.0)

    def start_node(self, node_id: int) -> None:
        """Start a stopped node again with its storage; return once the cluster has every broker."""
        node = self.node(node_id)
        if not node.running():
            self._launch(node)
        self.wait_ready()

    def node(self, node_id: int) -> KafkaNode:
        return self._nodes[node_id - 1]

    # -- addresses -------------------------------------------------------------------------
    def bootstrap(self, listener: str = 'PLAINTEXT', node_ids: list[int] | None = None) -> str:
        """``host:port,...`` of ``listener`` on the given nodes (default all)."""
        ids = node_ids or [n.node_id for n in self._nodes]
        if listener == 'EXTERNAL':
            return ','.join(f'127.0.0.1:{self.proxies[i].port}' for i in ids)
        return ','.join(f'localhost:{self.node(i).ports[listener]}' if listener != 'PLAINTEXT'
                        else f'127.0.0.1:{self.node(i).ports[listener]}' for i in ids)

    @property
    def bootstrap_servers(self) -> str:
        return self.bootstrap('PLAINTEXT')

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        """Wait until every running node answers Metadata and reports all running brokers."""
        deadline = time.monotonic() + timeout
        expected = sum(1 for n in self._nodes if n.running())
        pending = [n for n in self._nodes if n.running()]
        while pending:
            for node in self._nodes:
                if node.process is not None and node.process.poll() is not None and node in pending:
                    raise RuntimeError(f'Kafka node {node.node_id} exited with {node.process.returncode}:\n'
                                       f'{self.tail_log(node.node_id)}')
            still = []
            for node in pending:
                try:
                    if _metadata_brokers('127.0.0.1', node.ports['PLAINTEXT']) < expected:
                        still.append(node)
                except OSError:
                    still.append(node)
            pending = still
            if not pending:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f'Kafka did not come up in {timeout:.0f}s:\n'
                                   f'{self.tail_log(pending[0].node_id)}')
            time.sleep(0.25)

    def tail_log(self, node_id: int, lines: int = 40) -> str:
        path = self.node(node_id).log_file
        if not path.exists():
            return '(no log)'
        return '\n'.join(path.read_text(errors='replace').splitlines()[-lines:])

    # -- internals -------------------------------------------------------------------------
    def _launch(self, node: KafkaNode) -> None:
        env = dict(os.environ)
        cmd = java_command('kafka.Kafka', str(node.directory / 'server.properties'), heap=self.heap)
        cmd.insert(1, f'-Dlog4j2.configurationFile={node.directory / "log4j2.properties"}')
        cmd.insert(1, f'-Dkafka.logs.dir={node.directory / "logs"}')
        with open(node.log_file, 'ab') as out:
            node.process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                            start_new_session=True)

    @staticmethod
    def _reap(node: KafkaNode, timeout: float) -> None:
        if node.process is None:
            return
        try:
            node.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            node.process.kill()
            node.process.wait()

    def _properties(self, node: KafkaNode) -> str:
        voters = ','.join(f'{n.node_id}@127.0.0.1:{n.ports["CONTROLLER"]}' for n in self._nodes)
        replicas = min(self.nodes, 3)
        min_isr = 2 if replicas >= 3 else 1
        listeners = [f'{name}://127.0.0.1:{port}' if name in ('CONTROLLER', 'PLAINTEXT', 'EXTERNAL')
                     else f'{name}://localhost:{port}' for name, port in node.ports.items()]
        advertised = [f'EXTERNAL://127.0.0.1:{self.proxies[node.node_id].port}' if entry.startswith('EXTERNAL')
                      else entry for entry in listeners if not entry.startswith('CONTROLLER')]
        protocol_map = ['CONTROLLER:PLAINTEXT', 'EXTERNAL:PLAINTEXT',
                        *(f'{n}:{n}' for n in node.ports if n not in ('CONTROLLER', 'EXTERNAL'))]
        props: dict[str, str] = {
            'process.roles': 'broker,controller',
            'node.id': str(node.node_id),
            'controller.quorum.voters': voters,
            'controller.listener.names': 'CONTROLLER',
            'inter.broker.listener.name': 'PLAINTEXT',
            'listeners': ','.join(listeners),
            'advertised.listeners': ','.join(advertised),
            'listener.security.protocol.map': ','.join(protocol_map),
            'log.dirs': str(node.directory / 'data'),
            'num.partitions': '1',
            'default.replication.factor': str(replicas),
            'min.insync.replicas': str(min_isr),
            'offsets.topic.replication.factor': str(replicas),
            'offsets.topic.num.partitions': '10',
            'transaction.state.log.replication.factor': str(replicas),
            'transaction.state.log.min.isr': str(min_isr),
            'transaction.state.log.num.partitions': '10',
            'share.coordinator.state.topic.replication.factor': str(replicas),
            'share.coordinator.state.topic.min.isr': str(min_isr),
            'group.initial.rebalance.delay.ms': '0',
            'auto.create.topics.enable': 'true',
            'delete.topic.enable': 'true',
            'log.segment.bytes': str(64 * 1024 * 1024),
            # Tests write records with historical timestamps (1970, 2023): no time-based deletion.
            'log.retention.ms': '-1',
            'log.retention.check.interval.ms': '60000',
            'num.network.threads': '2',
            'num.io.threads': '4',
            'socket.request.max.bytes': str(200 * 1024 * 1024),
            'transaction.abort.timed.out.transaction.cleanup.interval.ms': '10000',
            'transaction.remove.expired.transaction.cleanup.interval.ms': '60000',
        }
        if self.secure and self.tls is not None:
            props.update({
                'ssl.keystore.type': 'PEM',
                'ssl.keystore.location': str(self.tls.broker_keystore),
                'ssl.truststore.type': 'PEM',
                'ssl.truststore.location': str(self.tls.ca_cert),
                'ssl.client.auth': 'requested',
                'ssl.endpoint.identification.algorithm': '',
                'sasl.enabled.mechanisms': ','.join(SASL_MECHANISMS),
                'sasl.mechanism.inter.broker.protocol': 'PLAIN',
            })
            plain_users = ' '.join(f'user_{u}="{p}"' for u, p in USERS.items())
            for listener in ('sasl_plaintext', 'sasl_ssl'):
                prefix = f'listener.name.{listener}'
                props[f'{prefix}.plain.sasl.jaas.config'] = (
                    'org.apache.kafka.common.security.plain.PlainLoginModule required '
                    f'username="admin" password="{USERS["admin"]}" {plain_users};')
                for mechanism in SCRAM_MECHANISMS:
                    props[f'{prefix}.{mechanism.lower()}.sasl.jaas.config'] = (
                        'org.apache.kafka.common.security.scram.ScramLoginModule required;')
                props[f'{prefix}.oauthbearer.sasl.jaas.config'] = (
                    'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required '
                    'unsecuredLoginStringClaim_sub="admin";')
        # ``{node_id}`` in a value is this node's id (e.g. ``broker.rack=rack-{node_id}``).
        props.update({k: v.replace('{node_id}', str(node.node_id)) for k, v in self.extra_config.items()})
        return ''.join(f'{k}={v}\n' for k, v in props.items())


_LOG4J2 = """\
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = INFO
"""


def single_node(secure: bool = True, **kwargs: object) -> KafkaCluster:
    """A started single node (four listeners when ``secure``)."""
    return KafkaCluster(nodes=1, secure=secure, **kwargs).start()  # type: ignore[arg-type]


def three_nodes(**kwargs: object) -> KafkaCluster:
    """A started 3-node cluster (replication factor 3, ``min.insync.replicas=2``)."""
    return KafkaCluster(nodes=3, **kwargs).start()  # type: ignore[arg-type]


def running_cluster(nodes: int = 1, secure: bool = True) -> Iterator[KafkaCluster]:
    """Generator for fixtures: yield a started cluster, stop it afterwards."""
    cluster = KafkaCluster(nodes=nodes, secure=secure).start()
    try:
        yield cluster
    finally:
        cluster.stop()
