"""The asyncio floor of the ``aio-produce-100B`` scenario: the same loop as the benchmark
(``futs = [await send(topic, value=v) for ...]; await asyncio.gather(*futs)``) against a no-op
producer whose ``send()`` only returns an already-resolved ``asyncio.Future``.

No client that hands out ``asyncio.Future``s can beat this figure on the same interpreter and
machine: it is the cost of the coroutine calls, the futures and ``gather`` alone.

    python bench/asyncio_floor.py RECORDS   # prints one JSON line
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time


async def _run(n: int) -> dict[str, float]:
    loop = asyncio.get_running_loop()

    async def send(topic: str, value: bytes | None = None) -> asyncio.Future[None]:
        fut: asyncio.Future[None] = loop.create_future()
        fut.set_result(None)
        return fut

    values = [i.to_bytes(8, 'big') + b'x' * 92 for i in range(n)]
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    futs = [await send('topic', value=values[i]) for i in range(n)]
    await asyncio.gather(*futs)
    seconds = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
    return {'records': n, 'seconds': seconds, 'records_per_s': n / seconds, 'cpu_us_per_record': cpu / n * 1e6}


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    print(json.dumps(asyncio.run(_run(n))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
