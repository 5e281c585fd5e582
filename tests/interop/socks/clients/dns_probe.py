#!/usr/bin/env python3
"""Asks <server>:53 for the AAAA record of <name> over UDP; prints the first
address, exits 1 when there is no answer within 2 s.

usage: dns_probe.py <server ipv6> <name>"""
import socket
import struct
import sys

server, name = sys.argv[1], sys.argv[2]
query = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
query += b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\x00"
query += struct.pack(">HH", 28, 1)
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(query, (server, 53))
answer = s.recv(4096)
if len(answer) < 16 + len(query) or answer[:2] != b"\x42\x42":
    sys.exit(1)
print(socket.inet_ntop(socket.AF_INET6, answer[-16:]))
