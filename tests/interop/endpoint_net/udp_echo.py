# UDP helper for UdpPingTest, run with python3 inside the real node's namespace.
#   udp_echo.py server <bind-address> <port>           echo every datagram back
#       (prints "listening" once bound)
#   udp_echo.py client <address> <port> <sizes-csv>    send each size (retrying
#       up to 5 times, 1 s apart) and wait for its echo; prints one JSON line
#       {"sent": n, "echoed": n, "bad": n, "retries": n, "missing": [sizes]}
#       where "retries" counts every send after a datagram's first.
import json, socket, struct, sys

def server(addr, port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, port))
    print("listening", flush=True)
    while True:
        data, peer = s.recvfrom(70000)
        s.sendto(data, peer)

def payload(seq, size):
    head = struct.pack("!II", seq, size)
    body = bytes((seq * 31 + i) & 0xFF for i in range(max(0, size - 8)))
    return (head + body)[:size] if size >= 8 else head[:size]

def client(addr, port, sizes):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    echoed, bad, retries, missing = 0, 0, 0, []
    for seq, size in enumerate(sizes):
        want = payload(seq, size)
        got = False
        for attempt in range(5):
            if attempt > 0:
                retries += 1
            s.sendto(want, (addr, port))
            try:
                while True:
                    data, _ = s.recvfrom(70000)
                    if data == want:
                        got = True
                        break
                    if len(data) >= 8 and struct.unpack("!I", data[:4])[0] == seq:
                        bad += 1
            except socket.timeout:
                pass
            if got:
                break
        if got:
            echoed += 1
        else:
            missing.append(size)
    print(json.dumps({"sent": len(sizes), "echoed": echoed, "bad": bad, "retries": retries,
                      "missing": missing}), flush=True)

if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2], int(sys.argv[3]))
    else:
        client(sys.argv[2], int(sys.argv[3]), [int(x) for x in sys.argv[4].split(",")])
