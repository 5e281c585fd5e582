// Ask targets as users and plugins type them (ninfo's AskTarget): any bytes
// either parse into a key, a node address (200::/8) or a /64 subnet prefix
// (300::/8, host bits zero), or are refused with rtk::Error
// InvalidArgument whose message starts with "ninfo: " — never anything
// else, and a parsed target parses again to the same thing.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ninfo/AskTarget.hpp"
#include "ratatoskr/error.hpp"

using rtk::ninfo::AskTarget;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  AskTarget target;
  try {
    target = rtk::ninfo::parseTarget(text);
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::InvalidArgument) std::abort();
    if (std::string_view(e.what()).substr(0, 7) != "ninfo: ") std::abort();
    return 0;
  }
  switch (target.kind) {
    case AskTarget::Kind::Key: break;
    case AskTarget::Kind::Address:
      if (target.address.bytes[0] != 0x02) std::abort();
      break;
    case AskTarget::Kind::Subnet:
      if (target.address.bytes[0] != 0x03) std::abort();
      for (int i = 8; i < 16; ++i)
        if (target.address.bytes[static_cast<std::size_t>(i)] != 0) std::abort();
      break;
  }
  AskTarget again = rtk::ninfo::parseTarget(target.text);
  if (again.kind != target.kind || again.key != target.key || again.address != target.address) std::abort();
  return 0;
}
