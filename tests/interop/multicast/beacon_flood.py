#!/usr/bin/env python3
"""Sends malformed beacons to [ff02::114%<interface>]:9001.

    beacon_flood.py <interface> <count per kind>
    beacon_flood.py <interface> <count> valid

The second form sends well-formed beacons (no password) of <count> random
keys, all pointing at port 9 of the sender, where nothing listens: each is
dialled back and refused at once.

Kinds, each built around a well-formed beacon of a random stranger's key (so
only the defect tells it apart from one that would be dialled): short (0..103 bytes, the header often
intact, the hash cut), long (105..1400 bytes), wrong version (0.4, 1.5,
0.6), wrong hash (64 random bytes), and declared hash lengths other than 64
(0, 63, 65, 2009, 65535) at 104 bytes. Prints how many it sent."""
import hashlib
import os
import random
import socket
import struct
import sys
import time

interface, per_kind = sys.argv[1], int(sys.argv[2])
valid_only = len(sys.argv) > 3 and sys.argv[3] == "valid"
index = socket.if_nametoindex(interface)
sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
target = ("ff02::114", 9001, 0, index)
rng = random.Random(14)


def beacon(major=0, minor=5, hash_length=64, digest=None):
    digest = digest if digest is not None else os.urandom(64)
    return struct.pack(">HH", major, minor) + os.urandom(32) + struct.pack(">HH", 4242, hash_length) + digest


sent = 0
if valid_only:
    for i in range(per_kind):
        key = os.urandom(32)
        digest = hashlib.blake2b(key, digest_size=64).digest()
        sock.sendto(struct.pack(">HH", 0, 5) + key + struct.pack(">HH", 9, 64) + digest, target)
        sent += 1
        time.sleep(0.0005)
    print(sent)
    sys.exit(0)
for i in range(per_kind):
    good = beacon()
    kinds = [
        good[: rng.randrange(0, 104)],
        good + os.urandom(rng.randrange(1, 1297)),
        beacon(*rng.choice([(0, 4), (1, 5), (0, 6)])),
        beacon(),
        beacon(hash_length=rng.choice([0, 63, 65, 2009, 65535])),
    ]
    for datagram in kinds:
        sock.sendto(datagram, target)
        sent += 1
        time.sleep(0.0005)  # ~0.5 s in all: receive buffers (ours and the witness') keep up
print(sent)
