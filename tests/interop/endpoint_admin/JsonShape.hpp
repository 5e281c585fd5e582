// The shape of a JSON value — field names and JSON types, not values — so
// two nodes' admin replies can be compared field by field:
//   {"peers":[{"key":string,"up":bool,"uptime":number}]}
// Objects list their keys sorted; an array shows its first element's shape
// ("[]" when empty); numbers are "number" whether integral or not.
// `dynamicTopKey` replaces the keys of the top-level object with "*" (the
// replies keyed by a node's key or address).
#pragma once

#include <Poco/Dynamic/Var.h>

#include <set>
#include <string>
#include <vector>

namespace rtk::interop {

std::string jsonShape(const Poco::Dynamic::Var& value, bool dynamicTopKey = false,
                      const std::set<std::string>& ignoredKeys = {});

// Where two values' shapes differ ("peers[0].latency: number vs string",
// "getSelf: field subnet missing on the right"). Arrays compare their first
// elements; an empty array on either side matches any array (a node may
// simply have no entry there, e.g. the root's empty path). A key in
// `optionalKeys` may be missing on either side (Go's omitempty fields whose
// presence depends on the moment's values, e.g. a peer's rate_sent while no
// traffic flows); where both sides have it, its types must agree.
std::vector<std::string> shapeDifferences(const Poco::Dynamic::Var& left, const Poco::Dynamic::Var& right,
                                          bool dynamicTopKey = false, const std::set<std::string>& optionalKeys = {});

}  // namespace rtk::interop
