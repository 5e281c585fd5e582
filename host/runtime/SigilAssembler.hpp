// rtk::host::SigilAssembler — builds the node's NodeInfo from the conf's
// "NodeInfo" object and the fragments of the started sigils (sigil.h).
//
// For each sigil, in the order given (the plugins' start order):
//   - its name must match ^[a-z0-9._-]{3,32}$ and be unique among sigils;
//   - it must own at least one key and not the reserved "ratatoskr";
//   - params() must succeed and return an object holding only owned keys;
//   - none of those keys may already be present (base NodeInfo or an earlier
//     sigil): keys are never overwritten.
// A sigil failing any rule is refused whole — none of its keys are published
// and it is left out of the metadata. Then the metadata key
//     "ratatoskr": "[a,b,c] v<host version>"   (names sorted, no spaces)
// is written (replacing a base "ratatoskr" key) when at least one sigil was
// published. If the compact JSON exceeds the budget, the last published sigil
// is refused ("NodeInfo would be N bytes, over the budget of B") and the rest
// re-checked, so what is published always fits and is always complete.
//
// Errors: rtk::Error(Errc::Config) when the base NodeInfo is not a JSON
// object or is itself over the budget. Refusals are returned, not thrown.
// Thread-safety: pure function of its inputs (calls the sigils' params()).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ratatoskr/sigil.h"

namespace rtk::host {

struct SigilSource {
  std::string plugin;                    // the providing plugin's name
  const rtk_sigil_service* table = nullptr;
};

struct SigilAssembly {
  std::string nodeInfo;                  // compact JSON object
  std::vector<std::string> published;    // sigil names, in input order
  std::vector<std::pair<std::string, std::string>> refused;  // plugin → reason
  std::map<std::string, std::string> owners;  // each key of nodeInfo → who set it ("the conf's NodeInfo", "sigil \"x\"")
};

class SigilAssembler {
 public:
  static constexpr const char* kMetadataKey = "ratatoskr";

  static SigilAssembly assemble(std::string_view baseNodeInfo, const std::vector<SigilSource>& sigils,
                                std::string_view hostVersion, std::size_t budgetBytes);
};

}  // namespace rtk::host
