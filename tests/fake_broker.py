"""A scripted Kafka server for faults no real broker produces on demand.

It speaks just enough of the protocol to be bootstrapped: ApiVersions (v0 answers; a v3 request
gets UNSUPPORTED_VERSION so the client retries v0), Metadata v1 (itself as the only broker and
leader of every partition of the topics asked for). Every other request, and what the server
does after a trigger, follows ``behaviour``:

- ``'silent'``: read requests, never answer (a stalled broker);
- ``'huge_length'``: answer with a frame that declares ``declared`` bytes and then sends
  only ``trickle`` bytes of it (a server that decides our memory);
- ``'garbage'``: answer with random bytes of a plausible length;
- ``'wrong_correlation'``: answer with a correlation id nobody asked for;
- ``'close'``: close the connection;
- ``'trickle'``: a valid-looking frame, one byte per second.

``FakeBroker(behaviour, on=...)``: ``on`` names the API keys that trigger the behaviour
(default: anything but ApiVersions and Metadata); with ``on='all'`` even the bootstrap fails.
"""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Self

API_VERSIONS = 18
METADATA = 3
PRODUCE = 0
ADVERTISED = {PRODUCE: (3, 3), METADATA: (1, 1), API_VERSIONS: (0, 0), 10: (0, 0), 1: (4, 4), 2: (1, 1)}


def _string(s: str) -> bytes:
    data = s.encode()
    return struct.pack('>h', len(data)) + data


class FakeBroker:
    """A background TCP server on 127.0.0.1 (see the module docstring)."""

    def __init__(self, behaviour: str = 'silent', on: Any = None, declared: int = 400 * 1024 * 1024,
                 trickle: int = 1024, partitions: int = 1) -> None:
        self.behaviour = behaviour
        self.on = on
        self.declared = declared
        self.trickle = trickle
        self.partitions = partitions
        self.requests: list[int] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(('127.0.0.1', 0))
        self._sock.listen(16)
        self.port = int(self._sock.getsockname()[1])
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def bootstrap(self) -> str:
        return f'127.0.0.1:{self.port}'

    def close(self) -> None:
        self._stop.set()
        for sock in [self._sock, *self._conns]:
            try:
                sock.close()
            except OSError:
                pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- server ------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _triggers(self, api_key: int) -> bool:
        if self.on == 'all':
            return True
        if self.on is None:
            return api_key not in (API_VERSIONS, METADATA)
        return api_key in self.on

    def _serve(self, conn: socket.socket) -> None:
        try:
            while not self._stop.is_set():
                header = self._recv(conn, 4)
                if header is None:
                    return
                frame = self._recv(conn, struct.unpack('>i', header)[0])
                if frame is None:
                    return
                api_key, version, correlation = struct.unpack('>hhi', frame[:8])
                self.requests.append(api_key)
                if self._triggers(api_key):
                    if not self._misbehave(conn, correlation):
                        return
                    continue
                if api_key == API_VERSIONS:
                    self._send(conn, correlation, self._api_versions(version))
                elif api_key == METADATA:
                    self._send(conn, correlation, self._metadata(frame))
        except OSError:
            return

    def _misbehave(self, conn: socket.socket, correlation: int) -> bool:
        """Apply the behaviour; False ends the connection."""
        b = self.behaviour
        if b == 'silent':
            return True
        if b == 'close':
            conn.close()
            return False
        if b == 'huge_length':
            conn.sendall(struct.pack('>ii', self.declared, correlation) + b'\0' * self.trickle)
            return True
        if b == 'garbage':
            body = os.urandom(64)
            conn.sendall(struct.pack('>ii', len(body) + 4, correlation) + body)
            return True
        if b == 'wrong_correlation':
            conn.sendall(struct.pack('>ii', 8, correlation + 1000) + b'\0' * 4)
            return True
        if b == 'trickle':
            data = struct.pack('>ii', 1000, correlation) + b'\0' * 996
            for byte in data:
                if self._stop.is_set():
                    return False
                conn.sendall(bytes([byte]))
                time.sleep(1.0)
            return True
        raise ValueError(f'unknown behaviour {b!r}')

    def _api_versions(self, version: int) -> bytes:
        if version > 0:
            return struct.pack('>hi', 35, 0)  # UNSUPPORTED_VERSION: the client retries v0
        body = struct.pack('>hi', 0, len(ADVERTISED))
        for key, (lo, hi) in ADVERTISED.items():
            body += struct.pack('>hhh', key, lo, hi)
        return body

    def _metadata(self, frame: bytes) -> bytes:
        client_id_len = struct.unpack('>h', frame[8:10])[0]
        pos = 10 + max(client_id_len, 0)
        count = struct.unpack('>i', frame[pos:pos + 4])[0]
        pos += 4
        topics = []
        for _ in range(max(count, 0)):
            n = struct.unpack('>h', frame[pos:pos + 2])[0]
            topics.append(frame[pos + 2:pos + 2 + n].decode())
            pos += 2 + n
        body = struct.pack('>i', 1) + struct.pack('>i', 0) + _string('127.0.0.1') + struct.pack('>i', self.port)
        body += struct.pack('>h', -1)  # rack: null
        body += struct.pack('>i', 0)  # controller id
        body += struct.pack('>i', len(topics))
        for name in topics:
            body += struct.pack('>h', 0) + _string(name) + b'\0' + struct.pack('>i', self.partitions)
            for p in range(self.partitions):
                body += struct.pack('>hii', 0, p, 0) + struct.pack('>ii', 1, 0) + struct.pack('>ii', 1, 0)
        return body

    @staticmethod
    def _send(conn: socket.socket, correlation: int, body: bytes) -> None:
        conn.sendall(struct.pack('>ii', len(body) + 4, correlation) + body)

    @staticmethod
    def _recv(conn: socket.socket, n: int) -> bytes | None:
        buf = b''
        while len(buf) < n:
            chunk = conn.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf
