// Captured bytes in tests/unit/core/link/data (see its README.md).
#pragma once

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "core/util/Bytes.hpp"

namespace rtk::test {

inline core::Bytes testData(const std::string& name) {
  std::ifstream in(std::string(RTK_LINK_TESTDATA) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data " + name);
  return core::Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The real node's key in the captures: seed 00 01 .. 1f.
inline const char* kCaptureNodePrivateKey =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";

}  // namespace rtk::test
