#include "LinksCommon.hpp"

#include "Trace.hpp"

#include <Poco/JSON/Array.h>

#include <fstream>

namespace rtk::interop::links {
namespace {

double number(const Poco::JSON::Object::Ptr& o, const std::string& field) {
  if (!o->has(field)) return 0;
  try {
    return o->getValue<double>(field);
  } catch (const std::exception&) {
    return 0;
  }
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

std::vector<PeerRow> peerRows(const Node& node) {
  std::vector<PeerRow> rows;
  const auto peers = node.ctl().getPeers()->getArray("peers");
  if (!peers) return rows;
  for (std::size_t i = 0; i < peers->size(); ++i) {
    const auto p = peers->getObject(static_cast<unsigned>(i));
    if (!p) continue;
    PeerRow row;
    row.remote = p->optValue<std::string>("remote", "");
    row.up = p->optValue<bool>("up", false);
    row.inbound = p->optValue<bool>("inbound", false);
    row.key = p->optValue<std::string>("key", "");
    row.latencyNs = number(p, "latency");
    row.rxBytes = number(p, "bytes_recvd");
    row.txBytes = number(p, "bytes_sent");
    row.uptimeS = number(p, "uptime");
    row.lastError = p->optValue<std::string>("last_error", "");
    rows.push_back(row);
  }
  return rows;
}

std::vector<PeerRow> upRows(const std::vector<PeerRow>& rows, const std::string& key, const std::string& scheme,
                            bool inbound) {
  std::vector<PeerRow> out;
  for (const auto& r : rows) {
    if (r.up && r.key == key && r.inbound == inbound && startsWith(r.remote, scheme + "://")) out.push_back(r);
  }
  return out;
}

std::optional<PeerRow> rowWithUri(const std::vector<PeerRow>& rows, const std::string& uri) {
  const std::string identity = uri.substr(0, uri.find('?'));
  for (const auto& r : rows) {
    if (r.remote == identity) return r;
  }
  return std::nullopt;
}

std::string logLineWith(const Node& node, const std::vector<std::string>& needles) {
  std::ifstream in(node.logPath());
  for (std::string line; std::getline(in, line);) {
    bool all = true;
    for (const auto& n : needles) all = all && line.find(n) != std::string::npos;
    if (all) return line;
  }
  return {};
}

bool logContains(const Node& node, const std::string& needle) { return !logLineWith(node, {needle}).empty(); }

int logCount(const Node& node, const std::string& needle) {
  std::ifstream in(node.logPath());
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

long msSince(Clock::time_point t0) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
}

void figure(const std::string& name, const std::string& value) { trace("figure: " + name + ": " + value); }

}  // namespace rtk::interop::links
