#include "core/multicast/InterfaceSelector.hpp"

#include "core/multicast/Beacon.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::multicast {

InterfaceSelector::InterfaceSelector(std::vector<MulticastInterfaceConfig> entries) : entries_(std::move(entries)) {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    try {
      regexes_.emplace_back(entries_[i].regex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw Error(Errc::Config, "MulticastInterfaces[" + std::to_string(i) + "].Regex: invalid multicast regex \"" +
                                    entries_[i].regex + "\": " + e.what());
    }
  }
}

std::vector<SelectedInterface> InterfaceSelector::select(const std::vector<NetInterface>& interfaces) const {
  std::vector<SelectedInterface> out;
  for (const auto& os : interfaces) {
    if (!os.up || !os.running || !os.multicast || os.pointToPoint) continue;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const auto& e = entries_[i];
      if (!e.beacon && !e.listen) continue;
      if (e.password.size() > Beacon::kHashBytes) continue;
      if (!std::regex_search(os.name, regexes_[i])) continue;
      out.push_back(SelectedInterface{os, e, i});
      break;
    }
  }
  return out;
}

}  // namespace rtk::core::multicast
