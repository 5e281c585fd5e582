// Shared body of the fuzz_wire_* targets: decode arbitrary bytes; whatever
// decodes must re-encode to something that decodes to the same value, with
// size() equal to the encoded length. Decode failures must be
// rtk::Error(Errc::Protocol) and nothing else.
#pragma once

#include <cstdint>
#include <cstdlib>

#include "core/util/Bytes.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::fuzz {

[[noreturn]] inline void finding() { std::abort(); }

template <class T, class Extra>
void roundTrip(const std::uint8_t* data, std::size_t size, Extra extra) {
  const core::ByteView in(data, size);
  T first;
  try {
    first = T::decode(in);
  } catch (const Error& e) {
    if (e.code() != Errc::Protocol) finding();
    return;
  }
  core::Bytes out;
  first.encode(out);
  if (out.size() != first.size()) finding();
  T second;
  try {
    second = T::decode(out);
  } catch (const Error&) {
    finding();
  }
  if (!(first == second)) finding();
  extra(first);
}

template <class T>
void roundTrip(const std::uint8_t* data, std::size_t size) {
  roundTrip<T>(data, size, [](const T&) {});
}

}  // namespace rtk::fuzz
