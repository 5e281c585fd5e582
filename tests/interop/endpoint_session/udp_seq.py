# Counting UDP receiver for SessionTest, run with python3 in a namespace:
#   udp_seq.py <bind-address> <port> <seconds-idle>
# Each datagram is 8-byte big-endian sequence number + (seq & 0xff) repeated.
# Prints "listening" once bound. Exits after <seconds-idle> without datagrams (once at least one arrived) and
# prints {"received": n, "distinct": n, "duplicates": n, "corrupt": n, "max_seq": n,
#         "gaps": [[first, last], ...]} where gaps are the missing sequence
# numbers below max_seq, as inclusive ranges (the first 1000).
import json, socket, struct, sys

s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind((sys.argv[1], int(sys.argv[2])))
print("listening", flush=True)
idle = float(sys.argv[3])
seen, received, dup, bad, top = set(), 0, 0, 0, -1
s.settimeout(120.0)
while True:
    try:
        data = s.recv(70000)
    except socket.timeout:
        break
    s.settimeout(idle)
    received += 1
    if len(data) < 8:
        bad += 1
        continue
    seq = struct.unpack("!Q", data[:8])[0]
    if data[8:] != bytes([seq & 0xFF]) * (len(data) - 8):
        bad += 1
        continue
    if seq in seen:
        dup += 1
    seen.add(seq)
    top = max(top, seq)
gaps, start = [], None
for seq in range(top + 1):
    if seq not in seen:
        if start is None:
            start = seq
    elif start is not None:
        gaps.append([start, seq - 1])
        start = None
print(json.dumps({"received": received, "distinct": len(seen), "duplicates": dup, "corrupt": bad, "max_seq": top,
                  "gaps": gaps[:1000]}), flush=True)
