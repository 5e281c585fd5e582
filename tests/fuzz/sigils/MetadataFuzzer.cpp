// Any bytes as the value of a foreign "ratatoskr" metadata key. parseMetadata
// never throws; what it accepts is within the rules (at most 64 valid,
// sorted, unique names; a version of 1 to 64 printable ASCII characters)
// and survives formatMetadata → parseMetadata unchanged.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ratatoskr/sigils/builtin.hpp"

using namespace rtk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view value(reinterpret_cast<const char*>(data), size);
  std::string why;
  auto m = sigils::parseMetadata(value, &why);
  if (!m) {
    if (why.empty()) std::abort();
    return 0;
  }
  if (m->names.size() > sigils::kMaxSigils) std::abort();
  if (!std::is_sorted(m->names.begin(), m->names.end())) std::abort();
  if (std::adjacent_find(m->names.begin(), m->names.end()) != m->names.end()) std::abort();
  for (const auto& n : m->names)
    if (!sigils::isValidSigilName(n)) std::abort();
  if (m->version.empty() || m->version.size() > 64) std::abort();
  for (char c : m->version)
    if (c < 0x20 || c > 0x7e) std::abort();
  auto again = sigils::parseMetadata(sigils::formatMetadata(m->names, m->version), nullptr);
  if (!again || again->names != m->names || again->version != m->version) std::abort();
  return 0;
}
