// NodeInfo — the JSON object this node publishes to anyone who asks
// (yggdrasil core/nodeinfo.go).
//
// Built at start from NodeConfig::nodeInfo (build) and replaced at run time
// through NodeInfoInterface::setNodeInfo (buildAtRunTime): the object's
// members, plus buildname / buildversion / buildplatform / buildarch (see
// BuildInfo.hpp) unless NodeConfig::nodeInfoPrivacy is set. Parsed and
// written with Poco::JSON the way yggdrasil's map[string]interface{} comes
// out of json.Marshal: keys sorted at every level, the last of duplicate
// keys wins, numbers as float64 (5.0 is written 5), compact.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rtk::core::proto {

class NodeInfo {
 public:
  static constexpr std::size_t kMaxBytes = 16384;

  // `configJson`: a JSON object; "" and "null" mean an empty one.
  // Throws rtk::Error(Errc::Config) when it is not a JSON object, or with
  // "NodeInfo exceeds max length of 16384 bytes" when the result is larger
  // than kMaxBytes (the same limit and wording as yggdrasil).
  static std::string build(std::string_view configJson, bool privacy);
  // build() without the size check: what the node would publish, however
  // large, so that a caller can tell by how much it is over kMaxBytes (the
  // host sizes NodeInfo with its sigils this way before creating the node).
  static std::string preview(std::string_view configJson, bool privacy);

  // setNodeInfo's rules for the same result: `userJson` must be a JSON
  // object (Errc::InvalidArgument otherwise, "", "null" and invalid JSON
  // included); with privacy off it must not set a build key (Errc::
  // InvalidArgument naming it: the conf's silent overwrite would publish
  // something other than what the caller asked for); a result over kMaxBytes
  // is Errc::MessageTooLarge.
  static std::string buildAtRunTime(std::string_view userJson, bool privacy);

  // The members the node adds when privacy is off.
  static constexpr const char* kBuildKeys[] = {"buildname", "buildversion", "buildplatform", "buildarch"};
};

}  // namespace rtk::core::proto
