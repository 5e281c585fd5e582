// One interop test's world: a run id, its lock, a directory for confs and
// logs, and the namespaces, veth links and nodes it creates. Everything is
// torn down when the Lab goes out of scope.
//
// Construction checks the privileges (root, /dev/net/tun, tools) and throws
// a one-sentence rtk::Error if they are missing, then reaps stale
// namespaces of crashed runs (Reaper), then takes a RunLock.
//
// The directory, $RTK_INTEROP_DIR or /tmp/rtk-interop, then <label>-<run>/,
// is deleted on success and kept when the Lab is destroyed by an exception
// (a failed CppUnit assertion unwinds through it), when keep() was called,
// or when RTK_INTEROP_KEEP=1; on failure each node's log tail is traced.
// Declare a Lab as a local in the test method, not as a fixture member, so
// that it sees the failing assertion.
// Thread-safety: one thread.
#pragma once

#include "Netns.hpp"
#include "OurNode.hpp"
#include "RealNode.hpp"
#include "RunLock.hpp"
#include "VethLink.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace rtk::interop {

class Lab {
 public:
  // label: [a-z0-9-]{1,24}, e.g. "line3"; names the directory.
  explicit Lab(const std::string& label);
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  const std::string& label() const { return label_; }
  const std::string& runId() const { return lock_.runId(); }
  const std::filesystem::path& dir() const { return dir_; }
  // dir()/name (not created).
  std::filesystem::path file(const std::string& name) const { return dir_ / name; }
  // Keep the directory even if the test passes.
  void keep() { keep_ = true; }

  // A namespace named "rtki-<run>-<shortName>"; shortName [a-z0-9]{1,12}.
  Netns& addNetns(const std::string& shortName);
  // A veth between two of this lab's namespaces; indexes count from 0.
  VethLink& connect(const Netns& a, const Netns& b, int mtuBytes = 1500);
  // Nodes with their directory dir()/<spec.name>; a missing private key is
  // generated. They are not started.
  RealNode& addRealNode(NodeSpec spec, const Netns& netns);
  OurNode& addOurNode(NodeSpec spec, const Netns& netns);

  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }

 private:
  static std::string prepare(const std::string& label);
  void prepareSpec(NodeSpec& spec) const;

  int uncaughtAtStart_;
  std::string label_;
  RunLock lock_;
  std::filesystem::path dir_;
  bool keep_ = false;
  std::vector<std::unique_ptr<Netns>> namespaces_;
  std::vector<std::unique_ptr<VethLink>> links_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace rtk::interop
