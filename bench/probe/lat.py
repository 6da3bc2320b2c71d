"""End-to-end latency probe (the bench's latency scenario, one process, any producer/consumer mix).

    python bench/probe/lat.py PRODUCER CONSUMER SECONDS [OUT]

PRODUCER and CONSUMER are `ours` or `ck` (confluent-kafka); run it with a Python that has both (the
repository's .venv). 1,000 records/s of 100 B to a fresh 1-partition topic, linger 0, fetch wait
$FMW ms (default 10), broker $BOOTSTRAP (default 127.0.0.1:19192). Prints p50/p99/p99.9 and this
process's CPU ticks / context switches; OUT gets one line per record: seq send_ns poll_return_ns
(time.monotonic_ns, comparable with sniff.py's timestamps).
"""
import json
import os
import sys
import threading
import time
import uuid

BOOT = os.environ.get('BOOTSTRAP', '127.0.0.1:19192')
prod_kind, cons_kind, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
out = sys.argv[4] if len(sys.argv) > 4 else None
RATE = 1000
WAIT = int(os.environ.get('FMW', '10'))
topic = f'lat-{uuid.uuid4().hex[:8]}'

from confluent_kafka.admin import AdminClient, NewTopic

adm = AdminClient({'bootstrap.servers': BOOT})
for f in adm.create_topics([NewTopic(topic, 1, 1)]).values():
    f.result()
time.sleep(0.5)

WARM = b'\xff' * 8
pad = b'x' * 84

if cons_kind == 'ours':
    from kafka import KafkaConsumer, TopicPartition
    c = KafkaConsumer(bootstrap_servers=BOOT, group_id=None, enable_auto_commit=False,
                      auto_offset_reset='earliest', fetch_max_wait_ms=WAIT, max_poll_records=500)
    tp = TopicPartition(topic, 0)
    while not c.partitions_for_topic(topic):
        time.sleep(0.1)
    c.assign([tp]); c.seek_to_beginning(tp)

    def poll_batch():
        res = []
        for recs in c.poll(timeout_ms=100).values():
            now = time.monotonic_ns()
            for m in recs:
                res.append((m.value, now))
        return res
else:
    from confluent_kafka import OFFSET_BEGINNING, Consumer
    from confluent_kafka import TopicPartition as CTP
    c = Consumer({'bootstrap.servers': BOOT, 'group.id': 'g' + uuid.uuid4().hex, 'enable.auto.commit': False,
                  'auto.offset.reset': 'earliest', 'fetch.wait.max.ms': WAIT, 'enable.partition.eof': False})
    c.assign([CTP(topic, 0, OFFSET_BEGINNING)])

    def poll_batch():
        m = c.poll(0.1)
        if m is not None and not m.error():
            return [(m.value(), time.monotonic_ns())]
        return []

if prod_kind == 'ours':
    from kafka import KafkaProducer
    p = KafkaProducer(bootstrap_servers=BOOT, acks=1, linger_ms=0, batch_size=131072,
                      enable_idempotence=False, max_in_flight_requests_per_connection=5)
    def send(v): p.send(topic, value=v, partition=0)
    def after(): pass
    def warm():
        p.send(topic, value=WARM + pad + bytes(8), partition=0).get(timeout=10)
    def fin(): p.flush()
else:
    from confluent_kafka import Producer
    p = Producer({'bootstrap.servers': BOOT, 'acks': '1', 'linger.ms': 0, 'batch.size': 131072,
                  'batch.num.messages': 1000000, 'enable.idempotence': False,
                  'max.in.flight.requests.per.connection': 5})
    def send(v): p.produce(topic, v, partition=0)
    def after(): p.poll(0)
    def warm():
        p.produce(topic, WARM + pad + bytes(8), partition=0); p.flush(10)
    def fin(): p.flush(30)

import glob


def procstats():
    cpu = 0; vcs = 0; nvcs = 0; per = {}
    for d in glob.glob('/proc/self/task/*'):
        try:
            st = open(d + '/stat').read(); name = open(d + '/comm').read().strip()
            f = st.rsplit(')', 1)[1].split(); c = int(f[11]) + int(f[12])
            stt = open(d + '/status').read()
            v = int(stt.split('voluntary_ctxt_switches:')[1].split()[0]); nv = int(stt.split('nonvoluntary_ctxt_switches:')[1].split()[0])
            cpu += c; vcs += v; nvcs += nv; per[name] = per.get(name, 0) + c
        except Exception: pass
    return cpu, vcs, nvcs, per
seen, stop = threading.Event(), threading.Event()
rows = []
def loop():
    while not stop.is_set():
        for v, now in poll_batch():
            if v[:8] == WARM:
                seen.set(); continue
            rows.append((int.from_bytes(v[:8], 'big'), int.from_bytes(v[8:16], 'big'), now))
t = threading.Thread(target=loop, daemon=True); t.start()
while not seen.is_set():
    warm(); seen.wait(1.0)
n = int(RATE * seconds)
start = time.perf_counter()
for i in range(n):
    target = start + i / RATE
    d = target - time.perf_counter()
    if d > 0:
        time.sleep(d)
    send(i.to_bytes(8, 'big') + time.monotonic_ns().to_bytes(8, 'big') + pad)
    after()
fin()
end = time.monotonic() + 30
while len(rows) < n and time.monotonic() < end:
    time.sleep(0.01)
PS = procstats()
stop.set(); t.join(5)
lat = sorted((r - s) / 1e6 for _, s, r in rows)
def pct(p): return lat[min(len(lat) - 1, max(0, round(p / 100 * len(lat) + 0.5) - 1))]
print(json.dumps({'prod': prod_kind, 'cons': cons_kind, 'n': len(rows), 'p50': round(pct(50), 2),
                  'p99': round(pct(99), 2), 'p999': round(pct(99.9), 2), 'max': round(lat[-1], 2), 'cpu_ticks': PS[0], 'vcs': PS[1], 'nvcs': PS[2], 'per': PS[3]}), flush=True)
if out:
    with open(out, 'w') as f:
        f.writelines('%d %d %d\n' % row for row in rows)
for f in adm.delete_topics([topic]).values():
    try: f.result()
    except Exception as e: print('delete', e)
