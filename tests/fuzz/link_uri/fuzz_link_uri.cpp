// Fuzzes the peer URI parser: any text must parse or throw rtk::Error, and a
// parsed URI's identity must parse again to the same identity.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/link/PeerUri.hpp"
#include "ratatoskr/error.hpp"

using rtk::core::link::PeerUri;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  for (auto purpose : {PeerUri::Purpose::Peer, PeerUri::Purpose::Listen}) {
    try {
      PeerUri uri = PeerUri::parse(text, purpose);
      PeerUri again = PeerUri::parse(uri.identity(), purpose);
      if (again.identity() != uri.identity() || again.scheme() != uri.scheme() || again.port() != uri.port()) std::abort();
      if (uri.options().password.size() > rtk::core::link::kMaxPasswordBytes) std::abort();
    } catch (const rtk::Error&) {
      // Refusing the text is a fine answer.
    }
  }
  return 0;
}
