"""Splits end-to-end latency into client and broker parts from a lat.py + sniff.py run.

    python3 bench/probe/analyze.py BASE [BASE ...]

BASE.txt is lat.py's per-record output, BASE.log (+ .seq, .bodies) sniff.py's. Per run it prints
- the latency components per record: send -> Produce on the wire -> (broker) -> Fetch response
  carrying it -> poll() return, as p50/p99/p99.9/max;
- Fetch requests: count, duration percentiles, gap between a response and the next request;
- in-run empty Fetch responses whose high watermark was past the fetch offset (the broker had the
  data but did not return it), with their start time in ms;
- for the slowest 1% of records: mean send->Produce, Produce->ack, ack->Fetch response.
Fetch offsets / high watermarks are parsed for Fetch v12-v16 only.
"""
import sys

NAMES = {0: 'Produce', 1: 'Fetch'}


def pct(a, p):
    a = sorted(a)
    return a[min(len(a) - 1, int(len(a) * p))] if a else float('nan')


def uvarint(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7f) << s
        s += 7
        if x < 128:
            return r, i


def fetch_offset(b):
    ver = int.from_bytes(b[2:4], 'big')
    i = 8
    cl = int.from_bytes(b[i:i + 2], 'big', signed=True)
    i += 2 + max(cl, 0)
    _, i = uvarint(b, i)
    if ver < 15:
        i += 4
    i += 4 + 4 + 4 + 1 + 4 + 4
    _, i = uvarint(b, i)
    if ver >= 13:
        i += 16
    else:
        n, i = uvarint(b, i)
        i += n - 1
    _, i = uvarint(b, i)
    return int.from_bytes(b[i + 8:i + 16], 'big', signed=True), ver


def high_watermark(b, ver):
    i = 4
    _, i = uvarint(b, i)
    i += 4 + 2 + 4
    _, i = uvarint(b, i)
    if ver >= 13:
        i += 16
    else:
        n, i = uvarint(b, i)
        i += n - 1
    _, i = uvarint(b, i)
    return int.from_bytes(b[i + 6:i + 14], 'big', signed=True)


def run(base):
    rows = {int(s): (int(a), int(b)) for s, a, b in (ln.split() for ln in open(base + '.txt'))}
    produced, fetched = {}, {}
    for ln in open(base + '.log.seq'):
        t, k, s = ln.split()
        (produced if k == 'P' else fetched).setdefault(int(s), int(t))
    pending, acks, fetches = {}, {}, []
    for ln in open(base + '.log'):
        t, c, d, k, corr, sz = ln.split()
        t = int(t)
        if k not in ('0', '1'):
            continue
        if d == 'Q':
            pending[(c, corr)] = t
        elif (c, corr) in pending:
            start = pending.pop((c, corr))
            if k == '0':
                acks[start] = t
            else:
                fetches.append((start, t, int(sz)))
    t0 = min(produced.values())
    end = max(r for _, r in rows.values())
    print(base)
    comps = [(r - s, produced[q] - s, fetched[q] - produced[q], r - fetched[q])
             for q, (s, r) in rows.items() if q in produced and q in fetched]
    for i, name in enumerate(('total', 'send->produce', 'produce->fetch resp', 'fetch resp->poll')):
        a = [c[i] / 1e6 for c in comps]
        print('  %-20s p50 %6.2f  p99 %6.2f  p99.9 %6.2f  max %6.2f ms'
              % (name, pct(a, .5), pct(a, .99), pct(a, .999), max(a)))
    durs = [(b - a) / 1e6 for a, b, _ in fetches]
    fetches.sort()
    gaps = [(n[0] - p[1]) / 1e6 for p, n in zip(fetches, fetches[1:])]
    print('  fetches %d: duration p50 %.2f p90 %.2f p99 %.2f ms; response->next request p50 %.2f p99 %.2f ms'
          % (len(fetches), pct(durs, .5), pct(durs, .9), pct(durs, .99), pct(gaps, .5), pct(gaps, .99)))
    try:
        q, empties = {}, []
        for ln in open(base + '.log.bodies'):
            t, c, d, corr, h = ln.split()
            b = bytes.fromhex(h)
            if d == 'Q':
                q[(c, corr)] = (int(t),) + fetch_offset(b)
            elif (c, corr) in q:
                ts, off, ver = q.pop((c, corr))
                hw = high_watermark(b, ver)
                if t0 < int(t) < end and hw > off:
                    empties.append('%.0f' % ((ts - t0) / 1e6))
        print('  empty fetch responses with data available (high watermark > fetch offset): %d  at %s ms'
              % (len(empties), ' '.join(empties)))
    except FileNotFoundError:
        pass
    lat = sorted((r - s, q) for q, (s, r) in rows.items() if q in produced and q in fetched
                 and produced[q] in acks)
    top = lat[-max(1, len(lat) // 100):]
    parts = [0.0, 0.0, 0.0]
    for _, q in top:
        s = rows[q][0]
        a = acks[produced[q]]
        parts[0] += (produced[q] - s) / 1e6
        parts[1] += (a - produced[q]) / 1e6
        parts[2] += (fetched[q] - a) / 1e6
    n = len(top)
    print(f'  slowest 1% (>= {top[0][0] / 1e6:.1f} ms): send->produce {parts[0] / n:.1f}, produce->ack {parts[1] / n:.1f}, ack->fetch resp {parts[2] / n:.1f} ms (means)')


if __name__ == '__main__':
    for base in sys.argv[1:]:
        run(base)
