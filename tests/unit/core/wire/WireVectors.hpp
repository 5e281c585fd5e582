// Test vectors produced by ironwood's own Go code (see vectors/README.md):
// one record per line, "kind key=value ...". Byte fields are lowercase hex
// ("-" for empty), lists are comma separated.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/crypto/Ed25519.hpp"
#include "core/util/Bytes.hpp"
#include "core/wire/PortPath.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::test {

struct Record {
  std::string kind;
  std::map<std::string, std::string> fields;

  const std::string& at(const std::string& key) const {
    auto it = fields.find(key);
    if (it == fields.end()) CPPUNIT_FAIL("vector " + kind + " lacks field " + key);
    return it->second;
  }
  core::Bytes bytes(const std::string& key) const { return hexBytes(at(key)); }
  std::uint64_t num(const std::string& key) const { return std::stoull(at(key)); }
  bool flag(const std::string& key) const { return at(key) == "true" || at(key) == "1"; }
  std::vector<std::string> list(const std::string& key) const {
    std::vector<std::string> out;
    const std::string& v = at(key);
    if (v == "-" || v.empty()) return out;
    std::stringstream ss(v);
    std::string item;
    while (std::getline(ss, item, ',')) out.push_back(item);
    return out;
  }
  core::wire::PortPath ports(const std::string& key) const {
    core::wire::PortPath p;
    for (auto& s : list(key)) p.push_back(std::stoull(s));
    return p;
  }

  static core::Bytes hexBytes(const std::string& hex) {
    core::Bytes out;
    if (hex == "-") return out;
    if (hex.size() % 2) CPPUNIT_FAIL("odd hex length");
    for (std::size_t i = 0; i < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    return out;
  }
};

inline std::vector<Record> loadVectors(const std::string& path) {
  std::ifstream in(path);
  if (!in) CPPUNIT_FAIL("cannot open vector file " + path);
  std::vector<Record> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    Record r;
    ss >> r.kind;
    std::string tok;
    while (ss >> tok) {
      auto eq = tok.find('=');
      if (eq == std::string::npos) continue;
      r.fields[tok.substr(0, eq)] = tok.substr(eq + 1);
    }
    out.push_back(std::move(r));
  }
  return out;
}

inline const std::vector<Record>& wireVectors() {
  static const std::vector<Record> v = loadVectors(RTK_WIRE_VECTORS);
  return v;
}

inline std::vector<const Record*> vectorsOf(const std::string& kind) {
  std::vector<const Record*> out;
  for (auto& r : wireVectors())
    if (r.kind == kind) out.push_back(&r);
  if (out.empty()) CPPUNIT_FAIL("no vectors of kind " + kind);
  return out;
}

inline std::string hex(core::ByteView b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto c : b) {
    s.push_back(d[c >> 4]);
    s.push_back(d[c & 15]);
  }
  return s.empty() ? "-" : s;
}

inline PublicKey keyFromHex(const std::string& h) {
  auto k = PublicKey::fromHex(h);
  if (!k) CPPUNIT_FAIL("bad key hex " + h);
  return *k;
}

// The deterministic keys the vectors were signed with ("key idx=N").
inline core::crypto::SigningKey vectorKey(std::uint64_t idx) {
  for (auto* r : vectorsOf("key")) {
    if (r->num("idx") != idx) continue;
    auto k = core::crypto::SigningKey::fromHex(r->at("secret"));
    CPPUNIT_ASSERT_EQUAL(r->at("public"), k.publicKey().hex());
    return k;
  }
  CPPUNIT_FAIL("no vector key " + std::to_string(idx));
  throw;  // unreachable
}

inline PublicKey vectorPublic(std::uint64_t idx) { return vectorKey(idx).publicKey(); }

}  // namespace rtk::test
