#include "ForwardProbes.hpp"

#include <fstream>
#include <sstream>

#include "Json.hpp"
#include "Tools.hpp"
#include "Wait.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::interop::forward {
namespace {

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path writeScript(const std::filesystem::path& dir, const std::string& name, const char* text) {
  auto path = dir / name;
  if (!std::filesystem::exists(path)) std::ofstream(path) << text;
  return path;
}

Poco::JSON::Object::Ptr lastJsonLine(const std::string& text, const std::string& context) {
  std::istringstream lines(text);
  std::string last;
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line.front() == '{') last = line;
  return parseJsonObject(last, context);
}

const char* const kUdpEcho = R"(
import json, os, socket, sys
addr, port, report = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind((addr, port))
s.settimeout(0.2)
seen, sources, firsts = set(), set(), set()
received = dups = 0
def write():
    with open(report + ".tmp", "w") as f:
        json.dump({"received": received, "unique": len(seen), "duplicates": dups,
                   "sources": len(sources), "firsts": len(firsts)}, f)
    os.replace(report + ".tmp", report)
write()
dirty = False
while True:
    try:
        data, peer = s.recvfrom(65535)
    except socket.timeout:
        if dirty:
            write()
            dirty = False
        continue
    received += 1
    tag = data.split(b" ", 1)[0]
    if tag in seen:
        dups += 1
    seen.add(tag)
    session, _, seq = tag.partition(b":")
    if seq == b"0":
        firsts.add(session)
    sources.add(peer[1])
    s.sendto(data, peer)
    dirty = True
)";

const char* const kUdpClient = R"(
import json, select, socket, sys, time
addr, port, nsess, per, window = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
socks = []
for _ in range(nsess):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setblocking(False)
    socks.append(s)
pad = b"x" * 200
echoed, outstanding = set(), {}
dups = sent = 0
def drain(timeout):
    global dups
    ready, _, _ = select.select(socks, [], [], timeout)
    for s in ready:
        while True:
            try:
                data = s.recv(65535)
            except BlockingIOError:
                break
            tag = data.split(b" ", 1)[0]
            if tag in echoed:
                dups += 1
            echoed.add(tag)
            outstanding.pop(tag, None)
start = time.time()
for seq in range(per):
    for i in range(nsess):
        while len(outstanding) >= window:
            drain(0.2)
            now = time.time()
            for tag in [t for t, at in outstanding.items() if now - at > 1.0]:
                outstanding.pop(tag)
        tag = b"%d:%d" % (i, seq)
        socks[i].sendto(tag + b" " + pad, (addr, port))
        sent += 1
        outstanding[tag] = time.time()
        drain(0)
deadline = time.time() + 3
while outstanding and time.time() < deadline:
    drain(0.2)
firsts = sum(1 for i in range(nsess) if (b"%d:0" % i) in echoed)
print(json.dumps({"sent": sent, "echoed": len(echoed), "duplicates": dups, "firsts_echoed": firsts,
                  "seconds": time.time() - start}), flush=True)
)";

const char* const kProxyCatcher = R"(
import ipaddress, json, socket, sys
port, report = int(sys.argv[1]), sys.argv[2]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(4)
srv.settimeout(60)
out = {}
try:
    c, _ = srv.accept()
    c.settimeout(20)
    def readn(n):
        b = b""
        while len(b) < n:
            x = c.recv(n - len(b))
            if not x:
                raise EOFError("closed after %d bytes" % len(b))
            b += x
        return b
    head = readn(16)
    out["signature_ok"] = head[:12] == b"\r\n\r\n\x00\r\nQUIT\n"
    out["version_command"] = head[12]
    out["family"] = head[13]
    body = readn(int.from_bytes(head[14:16], "big"))
    out["source"] = str(ipaddress.IPv6Address(body[0:16]))
    out["destination"] = str(ipaddress.IPv6Address(body[16:32]))
    out["source_port"] = int.from_bytes(body[32:34], "big")
    out["destination_port"] = int.from_bytes(body[34:36], "big")
    tlvs, i = body[36:], 0
    while i + 3 <= len(tlvs):
        kind, length = tlvs[i], int.from_bytes(tlvs[i + 1:i + 3], "big")
        if kind == 0xE0:
            out["key"] = tlvs[i + 3:i + 3 + length].hex()
        i += 3 + length
    line = b""
    while not line.endswith(b"\n"):
        line += readn(1)
    out["line"] = line.decode().strip()
    c.sendall(b"ok\n")
    c.close()
except Exception as e:
    out["error"] = repr(e)
with open(report, "w") as f:
    json.dump(out, f)
)";

const char* const kTcpExchange = R"(
import errno, socket, sys
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
    s.sendall(sys.argv[3].encode() + b"\n")
    got = b""
    while True:
        x = s.recv(4096)
        if not x:
            break
        got += x
    print("reply:" + got.decode(errors="replace").strip(), flush=True)
except OSError as e:
    print("error:" + errno.errorcode.get(e.errno, str(e.errno)), flush=True)
)";

}  // namespace

TransferResult forwardedTransfer(const Netns& from, const std::string& connectAddress, int connectPort, const Netns& to,
                                 const std::string& bindAddress, int bindPort, std::uint64_t bytes, int timeoutMs,
                                 const std::filesystem::path& scratchDir) {
  const auto recvLog = scratchDir / ("xfer-recv-" + std::to_string(bindPort) + ".log");
  std::filesystem::remove(recvLog);
  Subprocess receiver = to.spawn({Tools::xfer(), "recv", bindAddress, std::to_string(bindPort), std::to_string(timeoutMs)},
                                 recvLog.string());
  const RunResult sent = from.run({Tools::xfer(), "send", connectAddress, std::to_string(connectPort), std::to_string(bytes),
                                   std::to_string(timeoutMs)},
                                  timeoutMs + 5000);
  const auto recvStatus = receiver.waitFor(sent.ok() ? 5000 : 0);
  if (!recvStatus) receiver.terminate(1000);
  const std::string recvText = readFile(recvLog);
  const std::string where = "forwarded transfer " + connectAddress + ":" + std::to_string(connectPort) + " -> " +
                            bindAddress + ":" + std::to_string(bindPort);
  if (!sent.ok() || !recvStatus || !recvStatus->success()) {
    throw Error(Errc::Io, where + ": sender: " + sent.describe() + " " + sent.out + "; receiver (" +
                              (recvStatus ? recvStatus->describe() : std::string("still running")) + "): " + recvText);
  }
  const auto s = lastJsonLine(sent.out, where + ": sender output");
  const auto r = lastJsonLine(recvText, where + ": receiver output");
  TransferResult result;
  result.bytesSent = s->getValue<Poco::UInt64>("bytes");
  result.sha256Sent = s->getValue<std::string>("sha256");
  result.seconds = s->getValue<double>("seconds");
  result.bytesReceived = r->getValue<Poco::UInt64>("bytes");
  result.sha256Received = r->getValue<std::string>("sha256");
  return result;
}

UdpEchoServer::UdpEchoServer(const Netns& ns, const std::string& address, int port, const std::filesystem::path& dir)
    : reportPath_(dir / ("udp-echo-" + std::to_string(port) + ".json")) {
  auto script = writeScript(dir, "udp_echo.py", kUdpEcho);
  process_ = ns.spawn({"python3", script.string(), address, std::to_string(port), reportPath_.string()},
                      (dir / ("udp-echo-" + std::to_string(port) + ".log")).string());
  waitUntil("udp echo server on port " + std::to_string(port) + " listening", 5000, [&] {
    if (!process_.running()) throw Error(Errc::Io, "udp echo server on port " + std::to_string(port) + " exited");
    return std::filesystem::exists(reportPath_);
  }, 20);
}

UdpServerReport UdpEchoServer::report() const {
  auto o = parseJsonObject(readFile(reportPath_), reportPath_.string());
  UdpServerReport r;
  r.received = o->getValue<int>("received");
  r.unique = o->getValue<int>("unique");
  r.duplicates = o->getValue<int>("duplicates");
  r.sources = o->getValue<int>("sources");
  r.firsts = o->getValue<int>("firsts");
  return r;
}

UdpClientReport runUdpClient(const Netns& ns, const std::string& address, int port, int sessions, int perSession, int window,
                             const std::filesystem::path& dir) {
  auto script = writeScript(dir, "udp_client.py", kUdpClient);
  RunResult run = ns.run({"python3", script.string(), address, std::to_string(port), std::to_string(sessions),
                          std::to_string(perSession), std::to_string(window)},
                         120000);
  if (!run.ok()) throw Error(Errc::Io, "udp client: " + run.describe());
  auto o = lastJsonLine(run.out, "udp client output");
  UdpClientReport r;
  r.sent = o->getValue<int>("sent");
  r.echoed = o->getValue<int>("echoed");
  r.duplicates = o->getValue<int>("duplicates");
  r.firstsEchoed = o->getValue<int>("firsts_echoed");
  r.seconds = o->getValue<double>("seconds");
  return r;
}

Subprocess startProxyCatcher(const Netns& ns, int port, const std::filesystem::path& reportPath) {
  auto script = writeScript(reportPath.parent_path(), "proxy_catcher.py", kProxyCatcher);
  return ns.spawn({"python3", script.string(), std::to_string(port), reportPath.string()},
                  (reportPath.parent_path() / "proxy-catcher.log").string());
}

std::string tcpExchange(const Netns& ns, const std::string& address, int port, const std::string& line,
                        const std::filesystem::path& dir) {
  auto script = writeScript(dir, "tcp_exchange.py", kTcpExchange);
  RunResult run = ns.run({"python3", script.string(), address, std::to_string(port), line}, 30000);
  if (!run.ok()) throw Error(Errc::Io, "tcp exchange: " + run.describe());
  std::string out = run.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (out.rfind("reply:", 0) == 0) return out.substr(6);
  return out;
}

}  // namespace rtk::interop::forward
