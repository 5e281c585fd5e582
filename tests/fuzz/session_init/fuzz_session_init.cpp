// Fuzzes the session init/ack decoder (SessionInit::decode) as node B of the
// Go transcript receiving from node A, and what the manager does with a
// decoded init: build a session and apply it.
#include <chrono>
#include <cstdint>
#include <cstdlib>

#include "core/session/Session.hpp"
#include "core/session/SessionInit.hpp"
#include "core/session/SessionWire.hpp"
#include "session_common/BasicTranscriptKeys.hpp"

using namespace rtk::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const rtk::fuzz::BasicTranscriptKeys keys;
  ByteView in(data, size);
  auto init = session::SessionInit::decode(in, keys.bBox, keys.a);
  if (!init) return 0;
  if (size != session::kSessionInitSize) std::abort();
  auto t0 = rtk::fuzz::BasicTranscriptKeys::t0();
  session::Session s(keys.a, init->current, init->next, init->seq, keys.keySource(), std::chrono::minutes(1), t0);
  // A new session starts one seq behind its init (except seq 0, which wraps).
  if (s.update(*init, t0) != (init->seq != 0)) std::abort();
  // The same init never applies twice.
  if (s.update(*init, t0)) std::abort();
  // An answer can always be made and read back.
  auto ack = s.makeInit(init->seq);
  if (ack.keySeq != s.localKeySeq()) std::abort();
  return 0;
}
