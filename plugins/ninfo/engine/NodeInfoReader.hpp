// NodeInfoReader — turns the NodeInfo text another node answered with into
// the parts of an ask result (ratatoskr/ninfo.hpp): software, the remote
// ratatoskr version, each declared sigil parsed, and everything else.
//
// Rules (the Go ninfo's, plugins.md §7.2 and §7.4):
//  - more than 16384 bytes: MessageTooLarge; not a JSON object: Protocol;
//  - buildname/buildversion/buildplatform/buildarch become the software
//    (non-strings read as empty, none set: no software) and leave `extra`;
//  - the "ratatoskr" key, when it is a string the catalog reads as metadata,
//    gives the version and the declared names and leaves `extra`; otherwise
//    everything stays in `extra`;
//  - each declared name with a parser in the catalog is parsed; a valid
//    fragment goes to `sigils` and its keys leave `extra`; an invalid one
//    (or a name no parser owns) leaves its keys in `extra`;
//  - sigils present in the data but not declared are never parsed.
// Thread-safety: const, any thread (as its catalog).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "SigilCatalog.hpp"
#include "ratatoskr/ninfo.hpp"

namespace rtk::ninfo {

struct ParsedNodeInfo {
  std::string version;
  std::optional<Software> software;
  json::Value sigils = json::Value::object();
  json::Value extra = json::Value::object();
};

class NodeInfoReader {
 public:
  explicit NodeInfoReader(const SigilCatalog& catalog) : catalog_(catalog) {}

  // `from` names the node in error messages.
  ParsedNodeInfo read(std::string_view text, const PublicKey& from) const;

 private:
  const SigilCatalog& catalog_;
};

}  // namespace rtk::ninfo
