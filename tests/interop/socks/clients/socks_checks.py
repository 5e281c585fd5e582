#!/usr/bin/env python3
"""Bad and borderline SOCKS5 requests against the proxy, one connection each.

usage: socks_checks.py <proxy host> <proxy port> <yggdrasil server address>
Prints one line per case: "<case> <result>", where result is the reply code
in hex ("0x07"), "closed" (the proxy closed without a reply) or "silent"
(nothing within 20 s)."""
import socket
import sys

HOST, PORT, SERVER = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def domain(name, port):
    raw = name.encode()
    return b"\x05\x01\x00\x03" + bytes([len(raw)]) + raw + port.to_bytes(2, "big")


def ipv6(addr, port, command=1):
    return b"\x05" + bytes([command]) + b"\x00\x04" + socket.inet_pton(socket.AF_INET6, addr) + port.to_bytes(2, "big")


def run(name, first, then=None, shut=False):
    s = socket.create_connection((HOST, PORT), timeout=20)
    try:
        s.sendall(first)
        if then is not None:
            choice = s.recv(2)
            if choice != b"\x05\x00":
                print(name, "choice=" + choice.hex(), flush=True)
                return
            s.sendall(then)
        if shut:
            s.shutdown(socket.SHUT_WR)
        try:
            reply = s.recv(4)
        except socket.timeout:
            print(name, "silent", flush=True)
            return
        except ConnectionResetError:
            reply = b""
        print(name, ("0x%02x" % reply[1]) if len(reply) >= 2 else "closed", flush=True)
    finally:
        s.close()


GREETING = b"\x05\x01\x00"
run("garbage", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
run("socks4", b"\x04\x01\x00\x50\x0a\x00\x00\x01\x00")
run("truncated", GREETING, ipv6(SERVER, 8080)[:9], shut=True)
run("bind", GREETING, ipv6(SERVER, 8080, command=2))
run("unknown-command", GREETING, ipv6(SERVER, 8080, command=9))
run("bad-address-type", GREETING, b"\x05\x01\x00\x09\x00\x00")
run("ipv4-not-yggdrasil", GREETING, b"\x05\x01\x00\x01" + socket.inet_aton("10.77.0.1") + (80).to_bytes(2, "big"))
run("pk-ygg-63-hex", GREETING, domain("a" * 63 + ".pk.ygg", 80))
run("pk-ygg-subdomain", GREETING, domain("www." + "a" * 64 + ".pk.ygg", 80))
run("name-outside-200", GREETING, domain("clear.test.ygg", 80))
run("name-nxdomain", GREETING, domain("missing.test.ygg", 80))
run("refused", GREETING, ipv6(SERVER, 1))
