// The C entry points: each catches everything, so no C++ exception ever
// reaches the host (see include/rtkc.h for the contract).
#include "rtkc.h"

#include "CapiNode.hpp"
#include "ConfReader.hpp"

#include <ratatoskr/net.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>

struct rtkc_node {
  explicit rtkc_node(const rtkc::Conf& conf) : impl(conf) {}
  rtkc::CapiNode impl;
};

namespace {

char* copyOut(const std::string& s) noexcept {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out) std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

void setError(char** error, const std::string& message) noexcept {
  if (error) *error = copyOut(message);
}

void clearError(char** error) noexcept {
  if (error) *error = nullptr;
}

// Runs `body`, turning any exception into *error and `failed`.
template <typename T, typename Body>
T guarded(char** error, T failed, const char* what, Body&& body) noexcept {
  clearError(error);
  try {
    return body();
  } catch (const std::exception& e) {
    setError(error, std::string(what) + ": " + e.what());
  } catch (...) {
    setError(error, std::string(what) + ": unknown failure");
  }
  return failed;
}

}  // namespace

extern "C" {

int rtkc_api_version(void) { return RTKC_API_VERSION; }

rtkc_node* rtkc_start(const char* conf_json, char** error) {
  return guarded<rtkc_node*>(error, nullptr, "start", [&] {
    if (!conf_json) throw rtk::Error(rtk::Errc::InvalidArgument, "conf is NULL");
    return new rtkc_node(rtkc::readConf(conf_json));
  });
}

void rtkc_stop(rtkc_node* node) {
  if (!node) return;
  try {
    node->impl.stop();
  } catch (...) {
    // close() reports component failures; the node is stopped regardless.
  }
  delete node;
}

char* rtkc_address(const rtkc_node* node) {
  return node ? copyOut(rtk::formatAddress(node->impl.node().address())) : nullptr;
}

char* rtkc_subnet(const rtkc_node* node) {
  return node ? copyOut(rtk::formatAddress(node->impl.node().subnet()) + "/64") : nullptr;
}

char* rtkc_public_key(const rtkc_node* node) {
  return node ? copyOut(node->impl.node().publicKey().hex()) : nullptr;
}

char* rtkc_peers_json(const rtkc_node* node) {
  if (!node) return nullptr;
  try {
    return copyOut(node->impl.peersJson());
  } catch (...) {
    return nullptr;
  }
}

int rtkc_add_peer(rtkc_node* node, const char* uri, char** error) {
  return guarded<int>(error, -1, "add peer", [&] {
    if (!node || !uri) throw rtk::Error(rtk::Errc::InvalidArgument, "node or uri is NULL");
    node->impl.node().addPeer(uri);
    return 0;
  });
}

int rtkc_dial(rtkc_node* node, const char* target, int timeout_ms, char** error) {
  return guarded<int>(error, -1, "dial", [&] {
    if (!node || !target) throw rtk::Error(rtk::Errc::InvalidArgument, "node or target is NULL");
    return node->impl.dial(target, std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : 30000));
  });
}

void rtkc_free(char* string) { std::free(string); }

}  // extern "C"
