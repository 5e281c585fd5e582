#!/usr/bin/env python3
"""Holds many SOCKS5 connections half-way through their greeting.

usage: slowloris.py <proxy host> <proxy port> <count>
Opens <count> connections, sends each the first byte of a greeting and
prints "holding <count>". On SIGTERM prints "closed-by-proxy <n>" (how many
the proxy had closed) and exits."""
import select
import signal
import socket
import sys
import time

HOST, PORT, COUNT = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
socks = []
for _ in range(COUNT):
    s = socket.create_connection((HOST, PORT), timeout=10)
    s.sendall(b"\x05")
    socks.append(s)
print("holding", len(socks), flush=True)


def report(*_):
    closed = 0
    for s in socks:
        readable, _, _ = select.select([s], [], [], 0)
        if readable:
            try:
                if s.recv(1, socket.MSG_DONTWAIT) == b"":
                    closed += 1
            except OSError:
                closed += 1
    print("closed-by-proxy", closed, flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, report)
while True:
    time.sleep(1)
