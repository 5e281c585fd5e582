// Selection — which probed candidates win: per scheme, the lowest measured
// round trip first (ties by identity, so the choice is stable), as many as
// the scheme has slots.
// Thread-safety: pure function.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace rtk::peermgr {

struct Measured {
  std::size_t index = 0;              // the candidate's index
  std::string scheme;
  std::string identity;
  std::chrono::nanoseconds rtt{0};    // > 0
};

// The indexes of the winners, fastest first. Schemes missing from `slots` get none.
std::vector<std::size_t> selectFastest(std::vector<Measured> measured, const std::map<std::string, std::size_t>& slots);

}  // namespace rtk::peermgr
