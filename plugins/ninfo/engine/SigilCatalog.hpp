// SigilCatalog — who can read which sigil: the "ratatoskr" metadata reader
// and a parser per sigil name, built-in sigils first (their names are
// reserved), then the custom parsers this node has.
//
// NodeInfoReader asks it two things per reply; BuiltinSigilCatalog answers
// with rtk_sigil_core (sigils/core), tests answer with fakes.
// Thread-safety: const members from any thread (the catalog is immutable).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/ninfo.hpp"

namespace rtk::ninfo {

// What a node's "ratatoskr" metadata key declares.
struct DeclaredSigils {
  std::vector<std::string> names;  // valid, unique
  std::string version;             // the remote's version text, never empty
};

class SigilCatalog {
 public:
  virtual ~SigilCatalog() = default;
  // nullopt (with *why set) when `value` is not valid metadata.
  virtual std::optional<DeclaredSigils> readMetadata(std::string_view value, std::string* why) const = 0;
  // The parser owning `name`, nullptr when this node has none.
  virtual const SigilParser* parserFor(std::string_view name) const = 0;
};

}  // namespace rtk::ninfo
