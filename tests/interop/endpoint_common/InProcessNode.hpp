// Our node as a library (rtk::Node) inside the test process, living in one
// of the lab's namespaces (see NetnsScope.hpp): its links and listeners are
// in that namespace, its TCP/UDP run in the process' userspace stack.
//
// The node logs to <lab>/<name>/node.log (debug level), so a failed test
// keeps its log with the lab directory.
// Errors: what rtk::Node::create throws.
// Thread-safety: node() as rtk::Node documents; the rest from one thread.
#pragma once

#include "Lab.hpp"

#include <ratatoskr/node.hpp>

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace rtk::interop {

struct InProcessSpec {
  std::string name = "ours";
  std::string privateKeyHex;           // empty: a fresh key from yggdrasil -genconf
  std::vector<std::string> peers;
  std::vector<std::string> listen;
  Poco::JSON::Object::Ptr nodeInfo;    // null: {"name": name}
  bool nodeInfoPrivacy = false;
  bool admin = false;                  // unix socket <lab>/<name>/admin.sock
  std::uint64_t ifMtu = 65535;
};

class InProcessNode {
 public:
  InProcessNode(Lab& lab, const Netns& netns, InProcessSpec spec);
  ~InProcessNode();

  rtk::Node& node() const { return *node_; }
  std::shared_ptr<rtk::Node> shared() const { return node_; }
  const Netns& netns() const { return netns_; }
  const InProcessSpec& spec() const { return spec_; }
  std::string address() const { return formatAddress(node_->address()); }
  std::string publicKeyHex() const { return node_->publicKey().hex(); }
  std::string adminEndpoint() const { return "unix://" + (dir_ / "admin.sock").string(); }
  const std::filesystem::path& dir() const { return dir_; }
  // Closes the node (idempotent); returns the close error text, empty if none.
  std::string close();

 private:
  Lab& lab_;
  const Netns& netns_;
  InProcessSpec spec_;
  std::filesystem::path dir_;
  std::shared_ptr<rtk::Node> node_;
};

}  // namespace rtk::interop
