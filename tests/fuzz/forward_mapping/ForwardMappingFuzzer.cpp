// The first byte picks the direction, the rest is a mapping spec. A spec is
// either refused with rtk::Error(InvalidArgument) or parsed into a mapping
// that, written back in the 4-part form, parses to the same mapping. The
// same bytes also go through parseHostEndpoint and AccessList::addPrefix.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "AccessList.hpp"
#include "HostEndpoint.hpp"
#include "MappingSpec.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::plugins::forward;

namespace {

void expectRefusal(const rtk::Error& e) {
  if (e.code() != rtk::Errc::InvalidArgument) std::abort();
}

bool sameMapping(const Mapping& a, const Mapping& b) {
  return a.direction == b.direction && a.host == b.host && a.ygg == b.ygg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Direction d = static_cast<Direction>(data[0] % 4);
  std::string_view spec(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    Mapping m = parseMappingSpec(spec, d, "-fuzz");
    std::string again = isRemote(d) ? std::to_string(m.ygg.port) + ":" + formatHostEndpoint(m.host)
                                    : formatHostEndpoint(m.host) + ":" + formatEndpoint(m.ygg);
    if (!sameMapping(m, parseMappingSpec(again, d, "-again"))) std::abort();
  } catch (const rtk::Error& e) {
    expectRefusal(e);
  }
  try {
    HostEndpoint e = parseHostEndpoint(spec);
    if (parseHostEndpoint(formatHostEndpoint(e)) != e) std::abort();
  } catch (const rtk::Error& e) {
    expectRefusal(e);
  }
  try {
    AccessList list;
    list.addPrefix(spec);
    (void)list.allows(rtk::Ip6Address{});
  } catch (const rtk::Error& e) {
    expectRefusal(e);
  }
  return 0;
}
