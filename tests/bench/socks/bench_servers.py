#!/usr/bin/env python3
"""Servers for rtk_bench_socks, on the real node's TUN address.

usage: bench_servers.py <address> <hold port> <bytes port> <bytes>
- hold port: echoes whatever each connection sends and keeps it open
  (asyncio: any number of connections, one thread);
- bytes port: answers any HTTP request with <bytes> zero bytes
  (HTTP/1.0, Content-Length), so curl can measure goodput."""
import asyncio
import sys

ADDRESS, HOLD_PORT, BYTES_PORT, SIZE = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
CHUNK = b"\0" * (1 << 20)


async def hold(reader, writer):
    try:
        while True:
            data = await reader.read(4096)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()


async def serve_bytes(reader, writer):
    try:
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass
        writer.write(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % SIZE)
        left = SIZE
        while left > 0:
            n = min(left, len(CHUNK))
            writer.write(CHUNK[:n])
            await writer.drain()
            left -= n
    except ConnectionError:
        pass
    writer.close()


async def main():
    a = await asyncio.start_server(hold, ADDRESS, HOLD_PORT, backlog=4096)
    b = await asyncio.start_server(serve_bytes, ADDRESS, BYTES_PORT, backlog=64)
    print("serving", flush=True)
    async with a, b:
        await asyncio.gather(a.serve_forever(), b.serve_forever())


asyncio.run(main())
