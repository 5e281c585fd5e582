// What the sigil suites share: the captured NodeInfo objects and checks that
// say which input broke which expectation.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>
#include <string>

#include "ratatoskr/error.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/sigils/builtin.hpp"

namespace rtk::sigils::test {

inline json::Value capturedNodeInfo(const std::string& file) {
  std::ifstream in(std::string(RTK_NODEINFO_DIR) + "/" + file);
  CPPUNIT_ASSERT_MESSAGE("missing " + file, in.good());
  std::stringstream s;
  s << in.rdbuf();
  return json::Value::parse(s.str());
}

inline const BuiltinSigil& builtin(std::string_view name) {
  const BuiltinSigil* s = findBuiltin(name);
  CPPUNIT_ASSERT_MESSAGE(std::string(name), s != nullptr);
  return *s;
}

// The settings are accepted and give exactly `fragment`; parse() reads the
// fragment back unchanged (what we publish, our parser accepts).
inline void expectFragment(const BuiltinSigil& sigil, const std::string& settings, const std::string& fragment) {
  json::Value got;
  try {
    got = sigil.fragmentFromSettings(json::Value::parse(settings));
  } catch (const Error& e) {
    CPPUNIT_FAIL(std::string(sigil.name()) + ": refused " + settings + ": " + e.what());
  }
  CPPUNIT_ASSERT_EQUAL_MESSAGE(settings, fragment, got.dump());
  std::string why;
  auto back = sigil.parse(got, &why);
  CPPUNIT_ASSERT_MESSAGE(settings + ": own fragment not parsed: " + why, back.has_value());
  CPPUNIT_ASSERT_EQUAL_MESSAGE(settings, fragment, back->dump());
}

// The settings are refused with Errc::Config and a message containing `expected`.
inline void expectSettingError(const BuiltinSigil& sigil, const std::string& settings, const std::string& expected) {
  try {
    auto got = sigil.fragmentFromSettings(json::Value::parse(settings));
    CPPUNIT_FAIL(std::string(sigil.name()) + ": accepted " + settings + " as " + got.dump());
  } catch (const Error& e) {
    CPPUNIT_ASSERT_MESSAGE(settings, e.code() == Errc::Config);
    CPPUNIT_ASSERT_MESSAGE(settings + ": \"" + e.what() + "\" lacks \"" + expected + "\"",
                           std::string(e.what()).find(expected) != std::string::npos);
  }
}

// parse() accepts `nodeInfo` and returns exactly `fragment`.
inline void expectParsedFrom(const BuiltinSigil& sigil, const json::Value& nodeInfo, const std::string& fragment) {
  std::string why;
  auto got = sigil.parse(nodeInfo, &why);
  CPPUNIT_ASSERT_MESSAGE(std::string(sigil.name()) + ": " + nodeInfo.dump() + ": " + why, got.has_value());
  CPPUNIT_ASSERT_EQUAL_MESSAGE(nodeInfo.dump(), fragment, got->dump());
}
inline void expectParsed(const BuiltinSigil& sigil, const std::string& nodeInfo, const std::string& fragment) {
  expectParsedFrom(sigil, json::Value::parse(nodeInfo), fragment);
}

// parse() refuses `nodeInfo`, saying something containing `expected`.
inline void expectNoMatchIn(const BuiltinSigil& sigil, const json::Value& nodeInfo, const std::string& expected) {
  std::string why;
  auto got = sigil.parse(nodeInfo, &why);
  CPPUNIT_ASSERT_MESSAGE(std::string(sigil.name()) + ": accepted " + nodeInfo.dump(), !got.has_value());
  CPPUNIT_ASSERT_MESSAGE(nodeInfo.dump() + ": \"" + why + "\" lacks \"" + expected + "\"", why.find(expected) != std::string::npos);
  CPPUNIT_ASSERT_MESSAGE("a null why is allowed", !sigil.parse(nodeInfo, nullptr).has_value());
}
inline void expectNoMatch(const BuiltinSigil& sigil, const std::string& nodeInfo, const std::string& expected) {
  expectNoMatchIn(sigil, json::Value::parse(nodeInfo), expected);
}

inline std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace rtk::sigils::test
