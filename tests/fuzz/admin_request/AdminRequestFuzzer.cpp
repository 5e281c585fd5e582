// Feeds arbitrary bytes to the admin protocol exactly as AdminServer does
// (RequestFramer, then AdminDispatcher with the built-in handlers over a
// fake node, whose decoders are Poco::JSON's), split into reads at offsets
// taken from the input. Every reply must be one JSON object of the real
// node's shape ending in a newline. The framer and Poco's parser must agree:
// input Poco accepts as one value is framed as exactly that value, and
// whatever Poco writes it parses back to the same text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/FakeNode.hpp"
#include "core/admin/AdminDispatcher.hpp"
#include "core/admin/ArgumentReader.hpp"
#include "core/admin/BuiltinHandlers.hpp"
#include "core/admin/RequestFramer.hpp"
#include "core/proto/Json.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;
namespace json = proto::json;

namespace {

void checkReply(const std::string& text) {
  if (text.empty() || text.back() != '\n') std::abort();
  auto v = json::tryParse(text);
  if (!v) std::abort();
  auto o = json::asObject(*v);
  if (!o || !o->has("status") || !o->has("request") || !o->has("response")) std::abort();
  const std::string status = o->get("status").toString();
  if (status != "success" && status != "error") std::abort();
  if ((status == "error") != o->has("error")) std::abort();
  if (!json::isObject(o->get("request"))) std::abort();
}

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t chunk = data[0] == 0 ? input.size() + 1 : data[0];

  rtk::test::FakeNode node;
  node.keyValue = rtk::test::testKey(1);
  node.remoteNodeInfo = R"({"buildname":"fuzz"})";
  admin::AdminDispatcher dispatcher;
  admin::BuiltinHandlers::Options options;
  options.remoteTimeout = std::chrono::milliseconds(1);
  admin::BuiltinHandlers::install(dispatcher, node, options);

  admin::RequestFramer framer(4096);
  std::string request;
  bool open = true;
  for (std::size_t off = 0; open && off < input.size(); off += chunk) {
    framer.append(input.substr(off, chunk));
    admin::RequestFramer::Status st;
    while (open && (st = framer.next(request)) == admin::RequestFramer::Status::Request) {
      if (request.empty() || input.find(request) == std::string_view::npos) std::abort();
      auto reply = dispatcher.handle(request);
      checkReply(reply.text);
      open = reply.keepAlive;
    }
    if (open && st != admin::RequestFramer::Status::NeedMore) {
      checkReply(admin::AdminDispatcher::failedToFindRequest());
      open = false;
    }
  }
  if (open && framer.finish(request) == admin::RequestFramer::Status::Request) checkReply(dispatcher.handle(request).text);

  // One whole value: the framer finds exactly it, and Poco's text is stable.
  if (auto v = json::tryParse(input)) {
    admin::RequestFramer whole(input.size() + 1);
    whole.append(input);
    std::string framed;
    auto st = whole.next(framed);
    if (st == admin::RequestFramer::Status::NeedMore) st = whole.finish(framed);
    if (st != admin::RequestFramer::Status::Request || framed != trimmed(input)) std::abort();
    const std::string once = json::write(*v);
    auto again = json::tryParse(once);
    if (!again || json::write(*again) != once) std::abort();
    if (!json::tryParse(json::writeIndented(*v))) std::abort();
  }

  // Handler arguments: either read or refused with rtk::Error, never anything else.
  try {
    admin::ArgumentReader::read(input, "admin.AddPeerRequest", {"uri", "interface"});
  } catch (const rtk::Error&) {
  }
  return 0;
}
