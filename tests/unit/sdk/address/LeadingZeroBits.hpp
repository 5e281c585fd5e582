// The number of leading zero bits of a key, counted independently of
// ratatoskr/address.hpp (which derives it as the run of ones of the NOT key).
#pragma once

#include "ratatoskr/types.hpp"

namespace rtk::test {

inline int leadingZeroBits(const PublicKey& k) {
  int n = 0;
  for (auto b : k.bytes) {
    for (int i = 7; i >= 0; --i) {
      if (b >> i & 1) return n;
      ++n;
    }
  }
  return n;
}

}  // namespace rtk::test
