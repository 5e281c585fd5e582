// Fuzzes the SOCKS5 handshake: any bytes, split at a point the input
// chooses, must end in NeedMore, Ready or Fail with bounded replies — and
// a Ready request must re-encode and parse back to the same destination.
#include <cstdint>
#include <cstdlib>

#include "protocol/SocksHandshake.hpp"

using namespace rtk::plugins::socks;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t split = 1 + data[0] % size;
  static const UserTable kNone;
  static const UserTable kUsers{{"alice", "s3cret"}};
  for (const UserTable* users : {&kNone, &kUsers}) {
    SocksHandshake h(*users);
    HandshakeStep step = h.feed({data + 1, split - 1});
    std::size_t replied = step.reply.size();
    if (step.kind == HandshakeStep::Kind::NeedMore) {
      step = h.feed({data + split, size - split});
      replied += step.reply.size();
    }
    if (replied > 32) std::abort();  // method choice + auth status + a reply at most
    if (step.kind == HandshakeStep::Kind::Ready) {
      const Request& r = h.request();
      std::string encoded;
      appendSocksAddress(encoded, r.destination);
      auto back = parseSocksAddress({reinterpret_cast<const std::uint8_t*>(encoded.data()), encoded.size()});
      if (back.status != ParseStatus::Done || back.value.describe() != r.destination.describe()) std::abort();
      if (r.command != 1 && r.command != 3) std::abort();
    }
    if (step.kind == HandshakeStep::Kind::Fail && step.error.empty()) std::abort();
  }
  auto request = parseRequest({data, size});
  if (request.status == ParseStatus::Done && request.consumed > size) std::abort();
  return 0;
}
