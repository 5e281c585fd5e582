// Fuzzes the HTTP CONNECT head parser fed in two pieces, with and without
// users: it ends in NeedMore, Ready (a CONNECT with a port) or Fail with an
// HTTP answer, and never buffers more than the head limit plus one read.
#include <cstdint>
#include <cstdlib>

#include "protocol/HttpConnectHandshake.hpp"

using namespace rtk::plugins::socks;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t split = 1 + data[0] % size;
  static const UserTable kNone;
  static const UserTable kUsers{{"alice", "s3cret"}};
  for (const UserTable* users : {&kNone, &kUsers}) {
    HttpConnectHandshake h(*users);
    HandshakeStep step = h.feed({data + 1, split - 1});
    if (step.kind == HandshakeStep::Kind::NeedMore) step = h.feed({data + split, size - split});
    if (step.kind == HandshakeStep::Kind::Fail && step.reply.rfind("HTTP/1.1 4", 0) != 0) std::abort();
    if (step.kind == HandshakeStep::Kind::Ready) {
      if (h.request().destination.port == 0 || h.request().command != 1) std::abort();
      if (!users->empty() && h.principal() != "user:alice") std::abort();
    }
  }
  std::string why;
  auto line = parseHttpRequestLine({reinterpret_cast<const char*>(data), size}, why);
  if (!line && why.empty()) std::abort();
  return 0;
}
