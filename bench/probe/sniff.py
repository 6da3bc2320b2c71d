"""Passive Kafka frame logger on the loopback interface (root: AF_PACKET). Not in the data path.

    python3 bench/probe/sniff.py BROKER_PORT OUT &   ...run lat.py...   kill %1   (SIGTERM writes)

OUT: t_ns conn Q|R api_key correlation_id size per request/response; OUT.seq: t_ns P|F seq for
each probe record seen in a Produce request (P) or Fetch response (F); OUT.bodies: Fetch requests
and small Fetch responses in hex (fetch offset / high watermark, see analyze.py).
"""
import re
import signal
import socket
import struct
import sys
import time

PORT, OUT = int(sys.argv[1]), sys.argv[2]
PAT = re.compile(rb'(.{8}).{8}x{84}', re.DOTALL)
log, seqlog, dumps = [], [], []
streams = {}  # key -> [next_seq, buf, conn_id, is_req]
pending = {}  # conn_id -> {corr: key}
conn_ids = {}


def conn_of(key):
    c = key if key[1][1] == PORT else (key[1], key[0])
    if c not in conn_ids:
        conn_ids[c] = len(conn_ids) + 1
    return conn_ids[c]


def on_frame(t, cid, is_req, body):
    if is_req:
        if len(body) < 8:
            return
        k, _ver, corr = struct.unpack('>hhi', body[:8])
        pending.setdefault(cid, {})[corr] = k
        log.append((t, cid, 'Q', k, corr, len(body)))
        if k == 1:
            dumps.append((t, cid, 'Q', corr, body.hex()))
        if k == 0:
            for m in PAT.finditer(body):
                seqlog.append((t, 'P', int.from_bytes(m.group(1), 'big')))
    else:
        corr = struct.unpack('>i', body[:4])[0]
        k = pending.get(cid, {}).pop(corr, -1)
        log.append((t, cid, 'R', k, corr, len(body)))
        if k == 1:
            if len(body) < 200:
                dumps.append((t, cid, 'R', corr, body.hex()))
            for m in PAT.finditer(body):
                seqlog.append((t, 'F', int.from_bytes(m.group(1), 'big')))


def dump(*_):
    with open(OUT, 'w') as f:
        f.writelines('%d %d %s %d %d %d\n' % row for row in log)
    with open(OUT + '.bodies', 'w') as f:
        f.writelines('%d %d %s %d %s\n' % row for row in dumps)
    with open(OUT + '.seq', 'w') as f:
        f.writelines('%d %s %d\n' % row for row in seqlog)
    sys.exit(0)


signal.signal(signal.SIGTERM, dump)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
s.bind(('lo', 0))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
while True:
    pkt, addr = s.recvfrom(262144)
    if addr[2] != 4:  # PACKET_OUTGOING only (each lo packet is seen twice)
        continue
    t = time.monotonic_ns()
    if len(pkt) < 34 or pkt[12:14] != b'\x08\x00':
        continue
    ip = pkt[14:]
    ihl = (ip[0] & 15) * 4
    if ip[9] != 6:
        continue
    tot = struct.unpack('>H', ip[2:4])[0]
    tcp = ip[ihl:tot]
    sp, dp, seq = struct.unpack('>HHI', tcp[:8])
    if sp != PORT and dp != PORT:
        continue
    flags = tcp[13]
    doff = (tcp[12] >> 4) * 4
    payload = tcp[doff:]
    key = ((ip[12:16], sp), (ip[16:20], dp))
    st = streams.get(key)
    if flags & 0x02:  # SYN
        streams[key] = [(seq + 1) & 0xffffffff, b'', conn_of(key), dp == PORT]
        continue
    if not payload:
        continue
    if st is None:
        continue  # joined mid-stream: ignore
    if seq != st[0]:
        diff = (st[0] - seq) & 0xffffffff
        if diff < len(payload):
            payload = payload[diff:]
        elif diff < (1 << 31):
            continue  # pure retransmit
        else:
            st[1] = b''  # gap: lost sync
            streams.pop(key)
            continue
    st[0] = (st[0] + len(payload)) & 0xffffffff
    buf = st[1] + payload
    while len(buf) >= 4:
        n = struct.unpack('>i', buf[:4])[0]
        if len(buf) < 4 + n:
            break
        on_frame(t, st[2], st[3], buf[4:4 + n])
        buf = buf[4 + n:]
    st[1] = buf
