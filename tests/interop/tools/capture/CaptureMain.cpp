// rtk_interop_capture: records a real yggdrasil 0.5.12 link on the wire and
// splits it into test data.
//
//   rtk_interop_capture --out <dir> [--settle-seconds N]
//
// Two real nodes, "a" (listens on tcp://) and "b" (dials), in their own
// namespaces, with rtk_interop_relay in a third namespace between them. Once
// the link is up they exchange traffic: ping6 both ways over TUN, NodeInfo
// requests both ways, debug_remoteGet{Self,Peers,Tree}, a 256 KiB TCP
// transfer; then a few seconds of idle link (keepalives). The nodes stop, and
// each recorded direction is split (FrameSplitter) into one file per frame
// under <dir>/conn<k>-{c2s,s2c}/, indexed in <dir>/README.md, with both
// nodes' keys in <dir>/keys.json. Needs root. Used by
// scripts/interop/capture-frames.
#include "CaptureRecording.hpp"
#include "FrameSplitter.hpp"

#include "Json.hpp"
#include "Lab.hpp"
#include "Ping.hpp"
#include "TcpTransfer.hpp"
#include "Tools.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"

#include <ratatoskr/error.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace rtk::interop;

namespace {

constexpr int kListenPort = 7100;
constexpr int kRelayPort = 7200;

struct Direction {
  std::string id;        // "c2s" / "s2c"
  std::string sender;    // node name
  std::string receiver;  // node name
};

std::string utcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::ostringstream s;
  s << std::put_time(&tm, "%Y-%m-%d %H:%M:%S UTC");
  return s.str();
}

void writeFile(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw rtk::Error(rtk::Errc::Io, "capture: cannot write " + path.string());
}

std::string pad4(std::size_t n) {
  std::ostringstream s;
  s << std::setw(4) << std::setfill('0') << n;
  return s.str();
}

// Drives the two nodes through the traffic listed at the top of this file.
void exchangeTraffic(Lab& lab, Node& a, Node& b, int settleSeconds) {
  for (auto [from, to] : {std::pair<Node*, Node*>{&b, &a}, {&a, &b}}) {
    const PingResult ping = ping6(from->netns(), to->address(), PingOptions{5, 10000, 0.2, 56});
    trace("capture: ping " + from->name() + " -> " + to->name() + ": " + std::to_string(ping.received) + "/" +
          std::to_string(ping.sent));
    if (ping.received == 0) throw rtk::Error(rtk::Errc::Unreachable, "capture: ping " + ping.run.describe());
    const auto info = from->ctl().getNodeInfo(to->publicKey());
    trace("capture: nodeinfo " + from->name() + " -> " + to->name() + ": " + toJson(info, 0));
  }
  a.ctl().debugRemoteGetSelf(b.publicKey());
  a.ctl().debugRemoteGetPeers(b.publicKey());
  a.ctl().debugRemoteGetTree(b.publicKey());
  const TransferResult t = tcpTransfer(b.netns(), a.netns(), a.address(), 7300, 256 * 1024, 30000, lab.dir());
  if (!t.intact()) throw rtk::Error(rtk::Errc::Protocol, "capture: the TCP transfer arrived damaged");
  trace("capture: idle link for " + std::to_string(settleSeconds) + " s (keepalives)");
  std::this_thread::sleep_for(std::chrono::seconds(settleSeconds));
}

struct ConnectionIndex {
  std::string name;
  std::ostringstream table;
  std::map<std::string, int> counts;  // "c2s Traffic" -> n
};

// Splits conn<k>-<dir> of the relay's recordings into <out>/conn<k>-<dir>/
// and appends the rows of the index.
void splitDirection(const fs::path& streams, const fs::path& out, const std::string& conn, const Direction& d,
                    std::int64_t t0, ConnectionIndex& index, std::ostringstream& metaNotes) {
  const auto rec = CaptureRecording::load((streams / (conn + "-" + d.id)).string());
  const SplitStream split = FrameSplitter::split(rec.bytes());
  const fs::path dir = out / (conn + "-" + d.id);
  fs::create_directories(dir);
  const std::string arrow = d.sender + " → " + d.receiver;
  auto ms = [&](std::uint64_t offset) {
    const std::int64_t ns = rec.unixNsAt(offset);
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << (ns < 0 ? 0.0 : (ns - t0) / 1e6);
    return s.str();
  };
  if (!split.meta.empty()) {
    const std::string file = dir.filename().string() + "/0000-meta.bin";
    writeFile(dir / "0000-meta.bin", split.meta);
    index.table << "| " << d.id << " 0 | `" << file << "` | " << ms(0) << " | " << arrow << " | meta | "
                << split.meta.size() << " |\n";
    metaNotes << "- " << conn << " " << d.id << " (" << arrow << "): version " << split.metaInfo.versionMajor
              << "." << split.metaInfo.versionMinor << ", key `" << split.metaInfo.publicKeyHex
              << "`, priority " << split.metaInfo.priority << "\n";
  }
  std::size_t n = 1;
  for (const auto& frame : split.frames) {
    const std::string type = FrameSplitter::typeName(frame.type());
    const std::string name = pad4(n) + "-" + type + ".bin";
    writeFile(dir / name, frame.body);
    index.table << "| " << d.id << " " << n << " | `" << dir.filename().string() << "/" << name << "` | "
                << ms(frame.offset) << " | " << arrow << " | " << type << " | " << frame.body.size() << " |\n";
    ++index.counts[d.id + " " + type];
    ++n;
  }
  if (!split.error.empty() || split.trailingBytes != 0) {
    metaNotes << "- " << conn << " " << d.id << ": " << (split.error.empty() ? "" : split.error + "; ")
              << split.trailingBytes << " trailing byte(s) not split (the capture ended mid-frame)\n";
  }
  trace("capture: " + conn + " " + d.id + ": meta " + std::to_string(split.meta.size()) + " bytes, " +
        std::to_string(split.frames.size()) + " frames" + (split.error.empty() ? "" : ", " + split.error));
}

int run(const fs::path& out, int settleSeconds) {
  Lab lab("capture");
  Netns& nsA = lab.addNetns("a");
  Netns& nsRelay = lab.addNetns("relay");
  Netns& nsB = lab.addNetns("b");
  const VethLink& toA = lab.connect(nsA, nsRelay);
  const VethLink& toRelay = lab.connect(nsRelay, nsB);

  NodeSpec specA;
  specA.name = "a";
  specA.listen = {transportUri(Transport::Tcp, toA.a().ipv6, kListenPort)};
  NodeSpec specB;
  specB.name = "b";
  specB.peers = {transportUri(Transport::Tcp, toRelay.a().ipv6, kRelayPort)};
  Node& a = lab.addRealNode(specA, nsA);
  Node& b = lab.addRealNode(specB, nsB);

  fs::create_directories(out);
  const fs::path streams = out / "streams";
  fs::create_directories(streams);
  Subprocess relay = nsRelay.spawn({Tools::relay(), "--listen", toRelay.a().ipv6, std::to_string(kRelayPort),
                                    "--connect", toA.a().ipv6, std::to_string(kListenPort), "--out",
                                    streams.string(), "--max-seconds", "300"},
                                   lab.file("relay.log").string());
  a.start();
  b.start();
  waitUntil("a and b peered through the relay", 30000, [&] {
    const auto up = b.ctl().upPeerKeys();
    return std::find(up.begin(), up.end(), a.publicKey()) != up.end();
  });
  exchangeTraffic(lab, a, b, settleSeconds);
  b.stop();
  a.stop();
  relay.terminate(5000);

  // keys.json: test data, so signatures and sessions in the frames can be checked.
  Poco::JSON::Object::Ptr keys = new Poco::JSON::Object;
  for (Node* node : {&a, &b}) {
    Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
    entry->set("role", node == &a ? "listener (server side of the relay: s2c sender)"
                                  : "dialer (client side of the relay: c2s sender)");
    entry->set("private_key", node->spec().privateKeyHex);
    entry->set("public_key", node->publicKey());
    entry->set("address", node->address());
    keys->set(node->name(), entry);
  }
  std::ofstream(out / "keys.json") << toJson(keys) << "\n";

  std::ostringstream tables;
  std::ostringstream metaNotes;
  int connections = 0;
  for (int k = 0; fs::exists(streams / ("conn" + std::to_string(k) + "-c2s.bin")); ++k, ++connections) {
    const std::string conn = "conn" + std::to_string(k);
    const auto c2s = CaptureRecording::load((streams / (conn + "-c2s")).string());
    const auto s2c = CaptureRecording::load((streams / (conn + "-s2c")).string());
    std::int64_t t0 = INT64_MAX;
    for (const auto* rec : {&c2s, &s2c}) {
      if (!rec->chunks().empty()) t0 = std::min(t0, rec->chunks().front().unixNs);
    }
    ConnectionIndex index;
    splitDirection(streams, out, conn, Direction{"c2s", "b", "a"}, t0, index, metaNotes);
    splitDirection(streams, out, conn, Direction{"s2c", "a", "b"}, t0, index, metaNotes);
    tables << "\n## " << conn << "\n\nFrames per type: ";
    bool first = true;
    for (const auto& [key, count] : index.counts) {
      tables << (first ? "" : ", ") << key << " " << count;
      first = false;
    }
    tables << ".\n\n| # | file | t (ms) | direction | type | bytes |\n|---|---|---|---|---|---|\n"
           << index.table.str();
  }
  if (connections == 0) throw rtk::Error(rtk::Errc::NotFound, "capture: the relay recorded no connection");

  std::ofstream readme(out / "README.md");
  readme << "# Relay capture " << out.filename().string() << "\n\n"
         << "Two real yggdrasil 0.5.12 nodes peered over `tcp://` through `rtk_interop_relay`, captured "
         << utcNow() << " by `rtk_interop_capture` (`scripts/interop/capture-frames`).\n\n"
         << "| node | role | public key | address |\n|---|---|---|---|\n"
         << "| a | listener; sends the `s2c` direction | `" << a.publicKey() << "` | " << a.address() << " |\n"
         << "| b | dialer; sends the `c2s` direction | `" << b.publicKey() << "` | " << b.address() << " |\n\n"
         << "Private keys are in `keys.json` (test data, never used elsewhere), so signatures, the handshake "
            "and session traffic can be verified.\n\n"
         << "Traffic: link setup; ping6 b→a and a→b (5 each, over TUN); getNodeInfo both ways; "
            "debug_remoteGetSelf/Peers/Tree a→b; a 256 KiB TCP transfer b→a over TUN; "
         << settleSeconds << " s idle (keepalives); b stopped, then a.\n\n"
         << "## Files\n\n"
         << "- `streams/`: the relay's raw recordings: `conn<k>-c2s.bin` (bytes b sent), `conn<k>-s2c.bin` "
            "(bytes a sent), each with `.times` (`unix_time_ns offset length` per read) and `connections.txt`.\n"
         << "- `conn<k>-<dir>/0000-meta.bin`: the whole 0.5 handshake metadata message: `meta`, uint16 BE "
            "length, TLVs (uint16 type, uint16 length, value), 64-byte Ed25519 signature.\n"
         << "- `conn<k>-<dir>/NNNN-<Type>.bin`: one Ironwood frame *without* its uvarint length prefix: the "
            "type byte first, then the payload — what a frame decoder takes.\n"
         << "- t (ms) is when the relay read the chunk holding the frame's first byte, from the connection's "
            "first byte.\n\n"
         << "## Handshake metadata\n\n"
         << metaNotes.str() << tables.str();
  trace("capture: wrote " + out.string());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path out;
  int settleSeconds = 4;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else if (arg == "--settle-seconds" && i + 1 < argc) {
      settleSeconds = std::stoi(argv[++i]);
    } else {
      out.clear();
      break;
    }
  }
  if (out.empty()) {
    std::cerr << "usage: rtk_interop_capture --out <dir> [--settle-seconds N]\n";
    return 2;
  }
  try {
    return run(fs::absolute(out), settleSeconds);
  } catch (const std::exception& e) {
    std::cerr << "rtk_interop_capture: " << e.what() << "\n";
    return 1;
  }
}
