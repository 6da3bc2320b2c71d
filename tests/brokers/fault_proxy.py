"""A TCP fault proxy between clients and a broker: cut every connection, stall, add latency.

``FaultProxy(target_host, target_port)`` listens on 127.0.0.1 (``listen_port`` or a free port)
and forwards each accepted connection to the target, one thread per direction.

- :meth:`cut`: close every open connection (clients see a reset and reconnect);
- :meth:`stall` / :meth:`resume`: stop / restart moving bytes (connections stay open, so
  clients see a broker that stopped answering; new connections are accepted but idle);
- ``latency_s``: delay added before each forwarded chunk.

The Apache Kafka harness (:mod:`brokers.apache_kafka`) puts one in front of each node's ``EXTERNAL`` listener
(``KafkaCluster(proxied=True)``), whose advertised address is the proxy's, so every client
connection after bootstrap goes through it too.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Self


class FaultProxy:
    """See the module docstring."""

    def __init__(self, target_host: str, target_port: int, listen_port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.latency_s = 0.0
        self.cuts = 0
        #: Bytes moved client -> broker and broker -> client (for request/response size figures).
        self.bytes_up = 0
        self.bytes_down = 0
        self._running = threading.Event()
        self._running.set()
        self._closed = False
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(('127.0.0.1', listen_port))
        self._server.listen(64)
        self.port = int(self._server.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True, name=f'fault-proxy-{self.port}').start()

    # -- faults ----------------------------------------------------------------------------
    def cut(self) -> None:
        """Close every open connection now."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
            self.cuts += 1
        for a, b in pairs:
            for sock in (a, b):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def stall(self) -> None:
        """Stop moving bytes (in both directions) until :meth:`resume`."""
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def close(self) -> None:
        self._closed = True
        self._running.set()
        try:
            self._server.close()
        except OSError:
            pass
        self.cut()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- forwarding ------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, up: bool) -> None:
        try:
            while True:
                data = src.recv(256 * 1024)
                if not data:
                    break
                if up:
                    self.bytes_up += len(data)
                else:
                    self.bytes_down += len(data)
                self._running.wait()
                if self.latency_s:
                    time.sleep(self.latency_s)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
