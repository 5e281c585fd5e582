// Fuzzes the traffic path: TrafficHeader::decode and Session::open on node
// B's session from the Go transcript (state right after A's first init), so
// that A's real packets in the corpus open and the fuzzer starts from
// authenticated traffic. Oracles: a packet is never delivered twice, a
// delivered message is never larger than the packet minus the overhead.
#include <cstdint>
#include <cstdlib>

#include "core/session/Session.hpp"
#include "core/session/SessionWire.hpp"
#include "core/session/TrafficHeader.hpp"
#include "session_common/BasicTranscriptKeys.hpp"

using namespace rtk::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const rtk::fuzz::BasicTranscriptKeys keys;
  static const session::Session pristine = keys.sessionAfterFirstInit();
  ByteView in(data, size);
  auto header = session::TrafficHeader::decode(in);
  if (header && (header->size > size || size < session::kTrafficOverheadMin)) std::abort();

  session::Session s = pristine;
  auto t0 = rtk::fuzz::BasicTranscriptKeys::t0();
  auto first = s.open(Bytes(in.begin(), in.end()), t0);
  if (first.outcome == session::Session::Outcome::Delivered) {
    if (!header || first.message.size() + session::kTrafficOverheadMin > size) std::abort();
    auto again = s.open(Bytes(in.begin(), in.end()), t0);
    if (again.outcome == session::Session::Outcome::Delivered) std::abort();
    if (s.rxBytes() != first.message.size()) std::abort();
  } else if (s.rxBytes() != 0) {
    std::abort();
  }
  return 0;
}
