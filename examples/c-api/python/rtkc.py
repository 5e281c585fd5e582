"""rtkc: an embedded Yggdrasil node for Python, through librtkc.so and ctypes.

    from rtkc import Node
    with Node.start({"Peers": ["tcp://[fd00::1]:7100"]}, lib="build/librtkc.so") as node:
        print(node.address, node.public_key)
        node.wait_for_peer(timeout=30)
        with node.dial("[200:1234::1]:80", timeout=20) as sock:   # a socket.socket
            sock.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n")

Strings the library returns are copied into Python and released with
rtkc_free (the header's ownership rule); a dialled connection arrives as a
local socket this module wraps in socket.socket, which owns and closes it.
Errors raise RtkcError with the library's message.
"""

import ctypes
import json
import os
import socket
import time


class RtkcError(Exception):
    """A failure reported by librtkc (the message names what failed)."""


def _load(path):
    lib = ctypes.CDLL(path)
    # Returned strings are void pointers, not c_char_p: ctypes would copy a
    # c_char_p and lose the pointer that rtkc_free needs.
    lib.rtkc_api_version.restype = ctypes.c_int
    lib.rtkc_start.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.rtkc_start.restype = ctypes.c_void_p
    lib.rtkc_stop.argtypes = [ctypes.c_void_p]
    lib.rtkc_stop.restype = None
    for name in ("rtkc_address", "rtkc_subnet", "rtkc_public_key", "rtkc_peers_json"):
        fn = getattr(lib, name)
        fn.argtypes = [ctypes.c_void_p]
        fn.restype = ctypes.c_void_p
    lib.rtkc_add_peer.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.rtkc_add_peer.restype = ctypes.c_int
    lib.rtkc_dial.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)]
    lib.rtkc_dial.restype = ctypes.c_int
    lib.rtkc_free.argtypes = [ctypes.c_void_p]
    lib.rtkc_free.restype = None
    return lib


def _default_lib_path():
    return os.environ.get("RTKC_LIB", "librtkc.so")


class Node:
    """One running node; stop() (or leaving a `with` block) ends it."""

    def __init__(self, lib, handle):
        self._lib = lib
        self._handle = handle

    @classmethod
    def start(cls, conf=None, lib=None):
        """Starts a node from a conf dict or JSON text (see rtkc.h)."""
        library = _load(lib or _default_lib_path())
        text = conf if isinstance(conf, str) else json.dumps(conf or {})
        error = ctypes.c_void_p()
        handle = library.rtkc_start(text.encode(), ctypes.byref(error))
        if not handle:
            raise RtkcError(cls._take(library, error.value))
        return cls(library, handle)

    @staticmethod
    def _take(lib, pointer):
        """The text at `pointer`, then freed by the library that made it."""
        if not pointer:
            return ""
        try:
            return ctypes.string_at(pointer).decode()
        finally:
            lib.rtkc_free(pointer)

    def _string(self, fn):
        self._check_running()
        return self._take(self._lib, fn(self._handle))

    def _check_running(self):
        if not self._handle:
            raise RtkcError("the node is stopped")

    @property
    def address(self):
        return self._string(self._lib.rtkc_address)

    @property
    def subnet(self):
        return self._string(self._lib.rtkc_subnet)

    @property
    def public_key(self):
        return self._string(self._lib.rtkc_public_key)

    def peers(self):
        """The peers: a list of dicts (uri, up, inbound, key, latency_ms, ...)."""
        return json.loads(self._string(self._lib.rtkc_peers_json) or "[]")

    def add_peer(self, uri):
        self._check_running()
        error = ctypes.c_void_p()
        if self._lib.rtkc_add_peer(self._handle, uri.encode(), ctypes.byref(error)) != 0:
            raise RtkcError(self._take(self._lib, error.value))

    def wait_for_peer(self, timeout):
        """Returns the first peer that is up; RtkcError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            up = [p for p in self.peers() if p["up"]]
            if up:
                return up[0]
            if time.monotonic() > deadline:
                raise RtkcError("no peer came up in %s s: %s" % (timeout, self.peers()))
            time.sleep(0.05)

    def dial(self, target, timeout=30):
        """A TCP connection over Yggdrasil to "[address]:port" or
        "<key>.pk.ygg:port", as a connected socket.socket."""
        self._check_running()
        error = ctypes.c_void_p()
        fd = self._lib.rtkc_dial(self._handle, target.encode(), int(timeout * 1000), ctypes.byref(error))
        if fd < 0:
            raise RtkcError(self._take(self._lib, error.value))
        return socket.socket(fileno=fd)

    def stop(self):
        if self._handle:
            self._lib.rtkc_stop(self._handle)
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
