#include "TreePath.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace rtk::probe {

std::vector<PublicKey> treePath(const std::vector<TreeEntry>& tree, const PublicKey& key) {
  if (tree.empty()) throw Error(Errc::NotFound, "probe: the local tree is empty");
  std::map<PublicKey, PublicKey> parentOf;
  for (const auto& e : tree) parentOf.emplace(e.key, e.parent);
  if (!parentOf.count(key)) throw Error(Errc::NotFound, "probe: " + key.hex() + " is not in the local tree");
  std::vector<PublicKey> path;
  std::set<PublicKey> seen;
  PublicKey at = key;
  for (;;) {
    if (!seen.insert(at).second) {
      throw Error(Errc::Protocol, "probe: the local tree has a cycle above " + key.hex() + " (at " + at.hex() + ")");
    }
    path.push_back(at);
    auto it = parentOf.find(at);
    if (it == parentOf.end()) {
      throw Error(Errc::Protocol, "probe: no root above " + key.hex() + ": the chain breaks at " + at.hex());
    }
    if (it->second == at) break;
    at = it->second;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::optional<std::vector<std::uint64_t>> coordinatesOf(const std::vector<PathEntry>& paths, const PublicKey& key) {
  for (const auto& p : paths)
    if (p.key == key) return p.path;
  return std::nullopt;
}

}  // namespace rtk::probe
