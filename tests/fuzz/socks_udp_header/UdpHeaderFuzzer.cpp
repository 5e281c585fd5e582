// Fuzzes the UDP ASSOCIATE header parser: never reads past the datagram,
// and a parsed header re-encodes to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "protocol/UdpHeader.hpp"

using namespace rtk::plugins::socks;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto h = parseUdpHeader({data, size});
  if (h.status == ParseStatus::Incomplete) std::abort();  // a whole datagram is never "incomplete"
  if (h.status == ParseStatus::Done) {
    if (h.value.length > size) std::abort();
    std::string again = encodeUdpHeader(h.value.destination);
    if (h.value.fragment == 0 && (again.size() != h.value.length || std::memcmp(again.data(), data, again.size()) != 0))
      std::abort();
  }
  return 0;
}
