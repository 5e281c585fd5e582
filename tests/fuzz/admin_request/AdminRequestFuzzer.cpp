// Feeds arbitrary bytes to the admin protocol exactly as AdminServer does
// (RequestFramer, then AdminDispatcher with the built-in handlers over a
// fake node), split into reads at offsets taken from the input. Every reply
// must be valid JSON ending in a newline; JSON the parser accepts must
// survive compact + indent.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "FakeNode.hpp"
#include "core/admin/AdminDispatcher.hpp"
#include "core/admin/BuiltinHandlers.hpp"
#include "core/admin/RequestFramer.hpp"
#include "core/proto/JsonScanner.hpp"
#include "core/proto/JsonValue.hpp"
#include "core/proto/JsonWriter.hpp"

using namespace rtk::core;

namespace {
void checkReply(const std::string& text) {
  if (text.empty() || text.back() != '\n' || !proto::JsonScanner::isValid(text)) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t chunk = data[0] == 0 ? input.size() + 1 : data[0];

  rtk::test::FakeNode node;
  node.self = rtk::test::testKey(1);
  node.nodeInfo = R"({"buildname":"fuzz"})";
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

  if (auto v = proto::JsonValue::parse(input)) {
    auto compact = proto::JsonWriter::compact(input);
    if (!compact || !proto::JsonScanner::isValid(proto::JsonWriter::indent(*compact))) std::abort();
    if (!proto::JsonValue::parse(*compact)) std::abort();
  } else if (proto::JsonScanner::isValid(input)) {
    std::abort();  // the scanner and the parser must agree
  }
  return 0;
}
