// Reads the text vector files under tests/unit/core/*/data: one vector per
// line, fields separated by spaces, '#' starts a comment line. Shared by the
// crypto, address and session suites.
#pragma once

#include <cppunit/TestAssert.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::test {

inline std::vector<std::vector<std::string>> readVectors(const std::string& path) {
  std::ifstream in(path);
  CPPUNIT_ASSERT_MESSAGE("cannot open vector file " + path, in.good());
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::vector<std::string> row;
    for (std::string f; fields >> f;) row.push_back(f);
    if (!row.empty()) rows.push_back(std::move(row));
  }
  CPPUNIT_ASSERT_MESSAGE("no vectors in " + path, !rows.empty());
  return rows;
}

// "-" stands for no bytes.
inline core::Bytes unhex(const std::string& text) {
  core::Bytes out;
  if (text == "-") return out;
  CPPUNIT_ASSERT_MESSAGE("odd hex length: " + text, text.size() % 2 == 0);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = detail::hexNibble(text[i]), lo = detail::hexNibble(text[i + 1]);
    CPPUNIT_ASSERT_MESSAGE("bad hex: " + text, hi >= 0 && lo >= 0);
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

template <std::size_t N>
std::array<std::uint8_t, N> unhexArray(const std::string& text) {
  auto b = unhex(text);
  CPPUNIT_ASSERT_EQUAL_MESSAGE("hex field length: " + text, N, b.size());
  std::array<std::uint8_t, N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

inline std::string hex(core::ByteView bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (auto b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}
template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& a) {
  return hex(core::ByteView(a.data(), a.size()));
}

inline PublicKey keyFromHex(const std::string& text) { return PublicKey{unhexArray<32>(text)}; }

}  // namespace rtk::test
