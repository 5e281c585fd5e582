// Fuzzes parseAaaaAnswer: any message either is refused with
// rtk::Error(Protocol) or yields at most 64 addresses. The question is the
// one the seeds answer (www.test.ygg, ID 0x1234); the first two input bytes
// replace the ID so mismatches are explored too.
#include <cstdint>
#include <cstdlib>

#include "ratatoskr/error.hpp"
#include "resolver/DnsMessage.hpp"

using namespace rtk::plugins::socks;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const DnsQuery kQuery = buildAaaaQuery("www.test.ygg", 0x1234);
  try {
    DnsAnswer a = parseAaaaAnswer({data, size}, kQuery);
    if (a.addresses.size() > 64) std::abort();
    if ((a.rcode != 0 || a.truncated) && !a.addresses.empty()) std::abort();
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Protocol) std::abort();
  }
  return 0;
}
