"""Sequential query-version round trips through Python's qemu.qmp, timed for the Rust round-trip bench.

Usage: qemu_qmp_roundtrip.py SOCKET. Connects once; then for each line N read from stdin runs N round trips
and prints the nanoseconds they took (connection set-up excluded), so that criterion's `iter_custom` can put
qemu.qmp in the same run as the Rust clients.
"""

import asyncio
import sys
import time

from qemu.qmp import QMPClient


async def main(socket: str) -> None:
    qmp = QMPClient("bench")
    await qmp.connect(socket)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        n = int(line)
        start = time.perf_counter_ns()
        for _ in range(n):
            await qmp.execute("query-version")
        print(time.perf_counter_ns() - start, flush=True)
    await qmp.disconnect()


asyncio.run(main(sys.argv[1]))
