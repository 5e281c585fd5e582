#!/usr/bin/env python3
"""Records the beacons on one interface, as tcpdump would show them.

    beacon_capture.py <interface> <seconds> <out.jsonl>

Binds [::]:9001 with SO_REUSEADDR (beside any yggdrasil on the host), joins
ff02::114 on <interface>, and writes one JSON line per datagram received in
<seconds>: {"source": "fe80::..", "length": 104, "hex": "..."}. A line
{"ready": true} comes first, once the socket listens."""
import json
import socket
import struct
import sys
import time

interface, seconds, out_path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("::", 9001))
index = socket.if_nametoindex(interface)
group = socket.inet_pton(socket.AF_INET6, "ff02::114") + struct.pack("@I", index)
sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, group)
deadline = time.monotonic() + seconds
with open(out_path, "w") as out:
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            data, source = sock.recvfrom(4096)
        except socket.timeout:
            break
        out.write(json.dumps({"source": source[0], "length": len(data), "hex": data.hex()}) + "\n")
        out.flush()
