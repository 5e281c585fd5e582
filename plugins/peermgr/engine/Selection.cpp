#include "Selection.hpp"

#include <algorithm>

namespace rtk::peermgr {

std::vector<std::size_t> selectFastest(std::vector<Measured> measured, const std::map<std::string, std::size_t>& slots) {
  std::sort(measured.begin(), measured.end(), [](const Measured& a, const Measured& b) {
    if (a.rtt != b.rtt) return a.rtt < b.rtt;
    return a.identity < b.identity;
  });
  std::map<std::string, std::size_t> left = slots;
  std::vector<std::size_t> out;
  for (const auto& m : measured) {
    auto it = left.find(m.scheme);
    if (it == left.end() || it->second == 0) continue;
    --it->second;
    out.push_back(m.index);
  }
  return out;
}

}  // namespace rtk::peermgr
