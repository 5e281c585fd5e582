#!/usr/bin/env python3
"""UDP ASSOCIATE through the proxy to a UDP echo.

usage: udp_associate.py <proxy host> <proxy port> <echo ipv6> <echo port> <echo name>
1. sends 1000 numbered datagrams to [echo]:port in windows of 32 and
   resends the missing ones (up to 5 rounds); prints
   "numbered <sent> back <received> first-round <received in round 1>";
   when the first 4 windows bring nothing back it stops there (the path is
   down: waiting out every window would outlast the caller's timeout and
   hide these figures) and prints them with "gave-up";
2. sends 10 to <echo name>:port and checks each reply carries the name
   header; prints "by-name <n>";
3. sends 5 from another socket to the relay; prints "other-source <n>"
   (replies that reached it or the first socket: must be 0)."""
import socket
import sys

HOST, PORT, ECHO, ECHO_PORT, NAME = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]

control = socket.create_connection((HOST, PORT), timeout=10)
control.sendall(b"\x05\x01\x00")
assert control.recv(2) == b"\x05\x00"
control.sendall(b"\x05\x03\x00\x01\x00\x00\x00\x00\x00\x00")
reply = control.recv(10)
assert len(reply) == 10 and reply[1] == 0, reply.hex()
relay = (socket.inet_ntoa(reply[4:8]), int.from_bytes(reply[8:10], "big"))

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
by_address = b"\x00\x00\x00\x04" + socket.inet_pton(socket.AF_INET6, ECHO) + ECHO_PORT.to_bytes(2, "big")
by_name = b"\x00\x00\x00\x03" + bytes([len(NAME)]) + NAME.encode() + ECHO_PORT.to_bytes(2, "big")


def collect(sock, header, wanted, timeout):
    got = set()
    sock.settimeout(timeout)
    while len(got) < wanted:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        if data.startswith(header):
            got.add(data[len(header):])
    return got


COUNT = 1000
received = set()
first_round = None
gave_up = False
for round_number in range(5):
    missing = [n for n in range(COUNT) if b"n:%d" % n not in received]
    if not missing:
        break
    for index, start in enumerate(range(0, len(missing), 32)):
        window = missing[start:start + 32]
        for n in window:
            udp.sendto(by_address + b"n:%d" % n, relay)
        received |= collect(udp, by_address, len(window), 2.0)
        if round_number == 0 and index == 3 and not received:
            gave_up = True
            break
    if first_round is None:
        first_round = len(received)
    if gave_up:
        break
print("numbered", COUNT, "back", len(received), "first-round", first_round, *(["gave-up"] if gave_up else []),
      flush=True)
if gave_up:
    sys.exit(3)

for n in range(10):
    udp.sendto(by_name + b"name:%d" % n, relay)
print("by-name", len(collect(udp, by_name, 10, 3.0)), flush=True)

other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
other.bind(("127.0.0.1", 0))
for n in range(5):
    other.sendto(by_address + b"intruder:%d" % n, relay)
leaked = len(collect(other, by_address, 5, 1.0)) + len([d for d in collect(udp, by_address, 5, 1.0) if d.startswith(b"intruder")])
print("other-source", leaked, flush=True)
control.close()
