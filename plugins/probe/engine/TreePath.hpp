// Paths in what the local node knows of the spanning tree.
//
// treePath: parent links of getTree from `key` up to the root (the entry
// that is its own parent), returned root first: [root, …, key].
// Errors (rtk::Error): NotFound "the tree is empty" / "<key> is not in the
// local tree"; Protocol for a broken chain (a parent not in the tree) or a
// cycle.
//
// coordinatesOf: the ports of `key`'s entry in getPaths (root first), or
// nullopt when the node has no path to it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ratatoskr/node_interface.hpp"

namespace rtk::probe {

std::vector<PublicKey> treePath(const std::vector<TreeEntry>& tree, const PublicKey& key);
std::optional<std::vector<std::uint64_t>> coordinatesOf(const std::vector<PathEntry>& paths, const PublicKey& key);

}  // namespace rtk::probe
