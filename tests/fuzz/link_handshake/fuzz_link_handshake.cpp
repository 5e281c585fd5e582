// Fuzzes the version metadata decoder with what a hostile peer could send
// first, checked with no password and with "hunter2" (as in the captured
// seeds). Anything but Errc::Protocol escaping the decoder is a bug.
#include <cstdint>
#include <cstdlib>

#include "core/link/VersionMetadata.hpp"
#include "ratatoskr/error.hpp"

using rtk::core::ByteView;
using rtk::core::link::VersionMetadata;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  for (const char* password : {"", "hunter2"}) {
    try {
      if (in.size() < VersionMetadata::kHeaderBytes) {
        VersionMetadata::messageBytes(in);
        continue;
      }
      std::size_t n = VersionMetadata::messageBytes(in.first(VersionMetadata::kHeaderBytes));
      if (n > in.size()) continue;  // the link would wait for more bytes
      VersionMetadata m = VersionMetadata::decode(in.first(n), password);
      (void)m.compatible();
    } catch (const rtk::Error& e) {
      if (e.code() != rtk::Errc::Protocol) std::abort();
    }
  }
  return 0;
}
