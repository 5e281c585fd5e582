#include "Lab.hpp"

#include "Reaper.hpp"
#include "Tools.hpp"
#include "Trace.hpp"

#include <ratatoskr/error.hpp>

#include <cstdlib>
#include <exception>

namespace rtk::interop {
namespace {

bool validName(const std::string& s, std::size_t maxLength, bool allowDash) {
  if (s.empty() || s.size() > maxLength) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (allowDash && c == '-');
    if (!ok) return false;
  }
  return true;
}

std::filesystem::path baseDir() {
  const char* dir = std::getenv("RTK_INTEROP_DIR");
  return dir != nullptr && *dir != '\0' ? std::filesystem::path(dir) : "/tmp/rtk-interop";
}

bool keepRequested() {
  const char* keep = std::getenv("RTK_INTEROP_KEEP");
  return keep != nullptr && std::string(keep) == "1";
}

}  // namespace

std::string Lab::prepare(const std::string& label) {
  if (!validName(label, 24, true)) {
    throw Error(Errc::InvalidArgument, "interop: lab label \"" + label + "\" is not [a-z0-9-]{1,24}");
  }
  Tools::requireInteropPrivileges();
  const ReapReport reaped = Reaper::reapStale();
  if (!reaped.namespaces.empty() || !reaped.runs.empty()) {
    trace("lab " + label + ": reaped " + std::to_string(reaped.runs.size()) + " stale run(s), " +
          std::to_string(reaped.namespaces.size()) + " namespace(s), " +
          std::to_string(reaped.processesKilled) + " process(es)");
  }
  return label;
}

Lab::Lab(const std::string& label)
    : uncaughtAtStart_(std::uncaught_exceptions()),
      label_(prepare(label)),
      lock_(label),
      dir_(baseDir() / (label + "-" + lock_.runId())) {
  std::filesystem::create_directories(dir_);
  trace("lab " + label_ + ": run " + lock_.runId() + " in " + dir_.string());
}

Lab::~Lab() {
  const bool failed = std::uncaught_exceptions() > uncaughtAtStart_;
  if (failed) {
    for (const auto& node : nodes_) {
      trace("lab " + label_ + ": " + node->name() + " log tail (" + node->logPath().string() + "):\n" +
            node->logTail(25));
    }
  }
  nodes_.clear();
  links_.clear();
  namespaces_.clear();
  if (failed || keep_ || keepRequested()) {
    trace("lab " + label_ + ": " + (failed ? "failed; " : "") + "files kept in " + dir_.string());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (ec) trace("lab " + label_ + ": cannot remove " + dir_.string() + ": " + ec.message());
}

Netns& Lab::addNetns(const std::string& shortName) {
  if (!validName(shortName, 12, false)) {
    throw Error(Errc::InvalidArgument, "interop: netns short name \"" + shortName + "\" is not [a-z0-9]{1,12}");
  }
  namespaces_.push_back(std::make_unique<Netns>(lock_.netnsName(shortName)));
  return *namespaces_.back();
}

VethLink& Lab::connect(const Netns& a, const Netns& b, int mtuBytes) {
  links_.push_back(std::make_unique<VethLink>(a, b, static_cast<int>(links_.size()), mtuBytes));
  return *links_.back();
}

void Lab::prepareSpec(NodeSpec& spec) const {
  if (!validName(spec.name, 12, false)) {
    throw Error(Errc::InvalidArgument, "interop: node name \"" + spec.name + "\" is not [a-z0-9]{1,12}");
  }
  for (const auto& node : nodes_) {
    if (node->name() == spec.name) {
      throw Error(Errc::AlreadyExists, "interop: lab " + label_ + " already has a node " + spec.name);
    }
  }
  if (spec.privateKeyHex.empty()) spec.privateKeyHex = Node::generatePrivateKey();
}

RealNode& Lab::addRealNode(NodeSpec spec, const Netns& netns) {
  prepareSpec(spec);
  const auto dir = dir_ / spec.name;
  auto node = std::make_unique<RealNode>(std::move(spec), netns, dir);
  RealNode& ref = *node;
  nodes_.push_back(std::move(node));
  return ref;
}

OurNode& Lab::addOurNode(NodeSpec spec, const Netns& netns) {
  prepareSpec(spec);
  const auto dir = dir_ / spec.name;
  auto node = std::make_unique<OurNode>(std::move(spec), netns, dir);
  OurNode& ref = *node;
  nodes_.push_back(std::move(node));
  return ref;
}

}  // namespace rtk::interop
