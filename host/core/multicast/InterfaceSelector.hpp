// InterfaceSelector — which interfaces multicast discovery uses, and with
// which MulticastInterfaces entry, as yggdrasil 0.5.12's
// _getAllowedInterfaces: interfaces that are up, running, multicast-capable
// and not point-to-point; the entry is the first one, in conf order, whose
// regex matches the name (unanchored search) and that has Beacon or Listen.
// (Go keeps the entries in a map, so when several match it picks one at
// random; conf order makes the choice deterministic.) Entries with a
// password longer than 64 bytes are skipped, as Go skips them.
//
// Regexes are ECMAScript (std::regex), which agrees with Go's RE2 on the
// patterns interface names need ("eth0", "^(en|wl)", ".*").
// Thread-safety: immutable after construction.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include "core/multicast/NetInterfaces.hpp"
#include "ratatoskr/node_config.hpp"

namespace rtk::core::multicast {

struct SelectedInterface {
  NetInterface os;
  MulticastInterfaceConfig entry;
  std::size_t entryIndex = 0;  // in the conf's MulticastInterfaces
};

class InterfaceSelector {
 public:
  // Throws Errc::Config "MulticastInterfaces[i].Regex: invalid multicast
  // regex ...".
  explicit InterfaceSelector(std::vector<MulticastInterfaceConfig> entries);

  std::vector<SelectedInterface> select(const std::vector<NetInterface>& interfaces) const;
  const std::vector<MulticastInterfaceConfig>& entries() const { return entries_; }

 private:
  std::vector<MulticastInterfaceConfig> entries_;
  std::vector<std::regex> regexes_;
};

}  // namespace rtk::core::multicast
