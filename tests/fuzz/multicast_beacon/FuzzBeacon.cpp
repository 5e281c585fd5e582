// Fuzzes the beacon decoder with what anyone on the LAN can send to
// [ff02::114]:9001 (seeds: beacons captured from yggdrasil 0.5.12). A beacon
// that decodes must re-encode to the same 104 bytes; anything but
// Errc::Protocol escaping the decoder is a bug.
#include <cstdint>
#include <algorithm>
#include <cstdlib>

#include "core/multicast/Beacon.hpp"
#include "ratatoskr/error.hpp"

using rtk::core::ByteView;
using rtk::core::multicast::Beacon;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    Beacon b = Beacon::decode(ByteView(data, size));
    auto again = b.encode();
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    (void)b.matchesPassword("");
    (void)b.matchesPassword("hunter2");
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Protocol) std::abort();
  }
  return 0;
}
