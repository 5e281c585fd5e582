#!/usr/bin/env python3
"""Opens connections through a SOCKS5 proxy and holds them (rtk_bench_socks).

usage: bench_hold.py <proxy port> <target address> <target port> <total> <step>
Opens <step> connections at a time (CONNECT to [target]:port, one 8-byte
echo each), prints "held <k> failed <f>" after each step and waits 3 s so
the caller can sample the proxy; prints "done" and holds until killed."""
import asyncio
import socket
import sys

PORT, TARGET, TPORT, TOTAL, STEP = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
REQUEST = b"\x05\x01\x00\x04" + socket.inet_pton(socket.AF_INET6, TARGET) + TPORT.to_bytes(2, "big")


async def one(held):
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    writer.write(b"\x05\x01\x00" + REQUEST)
    await writer.drain()
    if await reader.readexactly(2) != b"\x05\x00":
        raise ConnectionError("no method accepted")
    head = await reader.readexactly(4)  # VER REP RSV ATYP
    if head[1] != 0:
        raise ConnectionError("reply 0x%02x" % head[1])
    await reader.readexactly(16 + 2 if head[3] == 4 else 4 + 2)
    writer.write(b"ping1234")
    await writer.drain()
    if await reader.readexactly(8) != b"ping1234":
        raise ConnectionError("bad echo")
    held.append(writer)


async def main():
    held, failed = [], 0
    while len(held) + failed < TOTAL:
        n = min(STEP, TOTAL - len(held) - failed)
        results = await asyncio.gather(*(one(held) for _ in range(n)), return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        failed += len(errors)
        print("held", len(held), "failed", failed, flush=True)
        for why in sorted(set(repr(e) for e in errors))[:5]:
            print("  failure:", why, file=sys.stderr, flush=True)
        await asyncio.sleep(3)
    print("done", flush=True)
    await asyncio.sleep(3600)


asyncio.run(main())
