// rtk::host::SigilAssembler — builds the node's NodeInfo from the conf's
// "NodeInfo" object and the fragments of the started sigils (sigil.h).
//
// For each sigil, in the order given (the plugins' start order):
//   - its table is complete, its name matches ^[a-z0-9._-]{3,32}$ and is
//     unique among sigils;
//   - a parse-only sigil (params == NULL) is kept as a parser: never
//     published, not in the metadata, not counted; its name must not be a
//     built-in one (ninfo always reads those with the built-in rules);
//   - a publishing sigil owns 1..256 keys, none reserved ("ratatoskr", the
//     build keys) and none owned already — by the conf's NodeInfo or an
//     earlier sigil (ownership is by declared key, whether or not the
//     fragment sets it); the refusal names both owners;
//   - at most 64 are published (Go nodes refuse metadata listing more);
//   - params() returns an object holding only owned keys; a sigil named
//     "info", "public", "inet" or "services" must own exactly that built-in
//     sigil's keys and publish a fragment its rules accept;
//   - NodeInfo with its fragment and the metadata, as the node publishes it
//     (Options::published: the build keys the node adds unless
//     NodeInfoPrivacy), must fit the budget; otherwise this sigil is refused
//     ("NodeInfo would be N bytes with it ... over the budget of B bytes")
//     and the next ones are still tried.
// A refused sigil publishes nothing. Then the metadata key
//     "ratatoskr": "[a,b,c] v<host version>"   (names sorted, no spaces)
// is written whenever a publishing sigil was enabled, also "[] v…" when every
// one was refused (as Go); it replaces a "ratatoskr" key of the conf (with a
// warning). Parse-only sigils alone write no key.
//
// Errors: rtk::Error(Errc::Config) when the conf's NodeInfo is not a JSON
// object or is itself over the budget. Refusals are returned, not thrown.
// Thread-safety: pure function of its inputs (calls the sigils' params()).
#pragma once

#include <cstddef>
#include <functional>
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
  std::string nodeInfo;                  // compact JSON object for NodeConfig::nodeInfo
  std::size_t publishedBytes = 0;        // its size as the node publishes it
  std::vector<std::string> published;    // sigil names, in input order
  std::vector<std::string> parseOnly;    // parse-only sigil names, in input order
  std::vector<std::pair<std::string, std::string>> refused;  // plugin → reason
  // Each key of nodeInfo, and each key a published sigil owns, → its owner
  // ("the conf's NodeInfo", "sigil \"x\"", "the sigil metadata").
  std::map<std::string, std::string> owners;
  std::vector<std::string> warnings;     // for the log; nothing refused
};

class SigilAssembler {
 public:
  static constexpr const char* kMetadataKey = "ratatoskr";

  struct Options {
    std::string baseNodeInfo;            // the conf's NodeInfo ("" = none)
    std::string baseOrigin = "the conf"; // the conf file, named in messages
    std::string hostVersion;             // metadata version "v<hostVersion>"
    std::size_t budgetBytes = RTK_NODEINFO_MAX_BYTES;
    // NodeInfo as the node publishes it, for a composed object (adds the
    // build keys unless NodeInfoPrivacy); unset: the text itself.
    std::function<std::string(const std::string&)> published;
  };

  static SigilAssembly assemble(const std::vector<SigilSource>& sigils, const Options& options);
};

}  // namespace rtk::host
