// One session message (0x02 …) from a remote node into a ProtoDispatcher
// that has a request of every kind pending for that node. The first input
// byte picks the sender (the one asked, or a stranger) and the NodeInfo
// privacy flag; the rest is the message, and is also tried as NodeInfo
// configuration. Replies we send must be well formed (Poco::JSON parses
// them); NodeInfo built from any input is a JSON object within the limit.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/proto/Json.hpp"
#include "core/proto/NodeInfo.hpp"
#include "core/proto/ProtoDispatcher.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
using namespace rtk::core::proto;

namespace {
bool isJson(const std::string& text) { return json::tryParse(text).has_value(); }
bool isJsonObject(const std::string& text) {
  auto v = json::tryParse(text);
  return v && json::isObject(*v);
}

rtk::PublicKey key(std::uint8_t seed) {
  rtk::PublicKey k;
  for (std::size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<std::uint8_t>(seed + i * 5);
  return k;
}

void checkSent(const Bytes& m) {
  if (m.size() < 2 || m[0] != kSessionProto) std::abort();
  if (m[1] == kProtoNodeInfoResponse && !isJsonObject(std::string(m.begin() + 2, m.end()))) std::abort();
  if (m[1] == kProtoDebug) {
    if (m.size() < 3) std::abort();
    if ((m[2] == kDebugGetPeersResponse || m[2] == kDebugGetTreeResponse) && ((m.size() - 3) % 32 != 0 || m.size() > 1280)) std::abort();
    if (m[2] == kDebugGetSelfResponse && !isJsonObject(std::string(m.begin() + 3, m.end()))) std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const rtk::PublicKey asked = key(1), stranger = key(2);
  ProtoDispatcher::Hooks h;
  int sent = 0;
  h.send = [&](const rtk::PublicKey&, Bytes m) {
    checkSent(m);
    ++sent;
  };
  h.getSelf = [&] { return rtk::SelfInfo{key(3), 12}; };
  h.getPeerKeys = [] { return std::vector<rtk::PublicKey>(50, key(4)); };  // more than fit: trimmed
  h.getTreeKeys = [] { return std::vector<rtk::PublicKey>{key(5), key(6)}; };
  h.mtu = [] { return std::uint64_t(1279); };
  ProtoDispatcher d(h, R"({"buildname":"fuzz"})", ProtoDispatcher::Limits{}, rtk::Log{});
  const auto now = ProtoDispatcher::Clock::time_point(std::chrono::hours(1));
  int answered = 0;
  for (auto kind : {RequestKind::NodeInfo, RequestKind::Self, RequestKind::Peers, RequestKind::Tree})
    d.request(kind, asked, [&, kind](const Bytes& body) {
      if ((kind == RequestKind::Peers || kind == RequestKind::Tree) && body.size() % 32 != 0) std::abort();
      if ((kind == RequestKind::NodeInfo || kind == RequestKind::Self) &&
          !isJson(std::string(body.begin(), body.end())))
        std::abort();
      ++answered;
    }, now);

  const rtk::PublicKey& from = (data[0] & 1) ? stranger : asked;
  ByteView message(data + 1, size - 1);
  d.handleMessage(from, message, now);
  if (from == stranger && answered) std::abort();  // nobody asked the stranger
  if (answered > 1) std::abort();                  // one reply answers one kind

  try {
    std::string config(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string info = NodeInfo::build(config, data[0] & 2);
    if (info.size() > NodeInfo::kMaxBytes || !isJsonObject(info)) std::abort();
    // Built once more from its own output, NodeInfo does not change.
    if (NodeInfo::build(info, true) != info) std::abort();
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Config) std::abort();
  }
  return 0;
}
