#!/usr/bin/env python3
"""fetch.py: GET an http:// URL over Yggdrasil from Python, through librtkc.

    python3 fetch.py --lib build/librtkc.so --peer tcp://[fd00::1]:7100 \
        http://[200:1234::1]:8000/hello.txt

Starts an embedded node, waits for a peer, opens the connection with
rtkc_dial (a plain socket for Python), sends an HTTP/1.0 GET and writes the
body to stdout. Exit status 0 for a 200 reply, 1 otherwise, 2 for bad usage.
The host may be an address or <64 hex key>.pk.ygg.
"""

import argparse
import sys
import urllib.parse

from rtkc import Node, RtkcError


def parse_url(url):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError("only http://[address]:port/path or http://<key>.pk.ygg:port/path URLs")
    host = parts.hostname
    port = parts.port or 80
    target = ("%s:%d" if host.endswith(".pk.ygg") else "[%s]:%d") % (host, port)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return target, host, path


def http_get(sock, host, path):
    """(status code, body) of an HTTP/1.0 GET over a connected socket."""
    request = "GET %s HTTP/1.0\r\nHost: [%s]\r\nConnection: close\r\n\r\n" % (path, host)
    sock.sendall(request.encode())
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    reply = b"".join(chunks)
    head, sep, body = reply.partition(b"\r\n\r\n")
    if not sep:
        raise RtkcError("%s: no HTTP header in %d bytes" % (host, len(reply)))
    status = head.split(b"\r\n", 1)[0].split()
    return int(status[1]), body


def main():
    parser = argparse.ArgumentParser(description="GET a URL over Yggdrasil through librtkc")
    parser.add_argument("--lib", help="path of librtkc.so (default $RTKC_LIB or the loader's search)")
    parser.add_argument("--peer", action="append", default=[], help="peer URI (repeatable)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds for the peer and the dial")
    parser.add_argument("url")
    args = parser.parse_args()
    try:
        target, host, path = parse_url(args.url)
    except ValueError as e:
        parser.error(str(e))

    try:
        with Node.start({"Peers": args.peer}, lib=args.lib) as node:
            print("fetch.py: node %s, key %s, subnet %s" % (node.address, node.public_key, node.subnet), file=sys.stderr)
            if args.peer:
                peer = node.wait_for_peer(args.timeout)
                print("fetch.py: peer up: %s (%s)" % (peer["uri"], peer["key"]), file=sys.stderr)
            with node.dial(target, timeout=args.timeout) as sock:
                status, body = http_get(sock, host, path)
            print("fetch.py: %s: HTTP %d, %d bytes" % (args.url, status, len(body)), file=sys.stderr)
            sys.stdout.buffer.write(body)
            sys.stdout.flush()
            return 0 if status == 200 else 1
    except RtkcError as e:
        print("fetch.py: %s: %s" % (args.url, e), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
