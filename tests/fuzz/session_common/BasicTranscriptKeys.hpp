// Fixed state for the session fuzzers, taken from the Go transcript
// tests/unit/core/session/data/basic.txt (ironwood encrypted, real bytes):
// node B receiving from node A. The seed corpora are packets A sent to B in
// the Go transcripts, so they open under exactly this state.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/crypto/Box.hpp"
#include "core/crypto/Ed25519.hpp"
#include "core/crypto/KeyConversion.hpp"
#include "core/session/Session.hpp"
#include "core/session/SessionInit.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::fuzz {

inline core::Bytes unhex(std::string_view text) {
  core::Bytes out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(detail::hexNibble(text[i]) << 4 | detail::hexNibble(text[i + 1])));
  return out;
}

struct BasicTranscriptKeys {
  // "node A" / "node B" in basic.txt.
  PublicKey a = *PublicKey::fromHex("8521cb25413d3055f23229e3457cc496cccfff6329f7cd39525b944a03e7ddeb");
  core::crypto::SigningKey b = core::crypto::SigningKey::fromHex(
      "464b37a3d2dc1c7775bc659901d3cfca95c6344f240dbc0421c68af1f13a73ee"
      "36c3166311b4e7ba475e9405e8e88e4961ff9e4de8c7b856103b9e78cdcda10d");
  core::crypto::BoxSecretKey bBox = core::crypto::boxSecretFromEd(b);
  // A's first init to B (line 10 of basic.txt).
  core::Bytes firstInit = unhex(
      "019ddda48749f0e0b139fd6487450e1a4a829560dfdb93cacedff949134cb5906d5048d1a91a34a2dc22a82304091b08d46b158b5c98"
      "e322228afc6cd9fa2f85b08adf9e4c152c5b3bc83714425bbe0635ec13437111aa488700d131d31e7e3ad723a311e43e961968d7c9a2"
      "ef6c200497cdedeed9d8df270162d3bc696a3538820a29730c7239b1713607c88c5b69b39c4cbf6c56ab3d1519a86ea1d20f63f0d323"
      "84233a7b3b91e58b7b0d3cfe567ce896d759d3654bbb8be49ac67c6eeb7146");
  // The box key pairs B drew for that session (recv, send, next, then next again on the update).
  std::array<std::string_view, 4> bKeys{
      "a23dfddbd874217c6d9f2d33f0693afdc330bd5967ad919f4de698821c814b9d",
      "515f68abc31da9f000d7dd033e0f041ae3b1120314f9ebd6fe9757cdc969d385",
      "7f87bf1e460032c61435bf955cad15b831a454ce53cd22739146870fa24d4eca",
      "8cf74d0de0d07d9b939392723947ef6dc78de3a02a08669fcd0b16a7338c00d9"};

  static core::session::Session::Clock::time_point t0() {
    return core::session::Session::Clock::time_point(std::chrono::hours(1));
  }

  // Deterministic key pairs after the recorded ones run out.
  core::session::Session::KeySource keySource() const {
    auto counter = std::make_shared<std::uint64_t>(0);
    auto recorded = bKeys;
    return [counter, recorded] {
      core::crypto::BoxSecretKey s;
      std::uint64_t n = (*counter)++;
      if (n < recorded.size()) {
        auto bytes = unhex(recorded[n]);
        std::copy(bytes.begin(), bytes.end(), s.bytes.begin());
      } else {
        for (int i = 0; i < 8; ++i) s.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
        s.bytes[31] = 0x40;
      }
      return core::crypto::BoxKeyPair::fromSecret(s);
    };
  }

  // B's session with A right after A's first init, exactly as Go's B had it.
  core::session::Session sessionAfterFirstInit() const {
    auto init = core::session::SessionInit::decode(core::ByteView(firstInit), bBox, a);
    if (!init) __builtin_trap();  // the fixture itself is broken
    core::session::Session s(a, init->current, init->next, init->seq, keySource(), std::chrono::minutes(1), t0());
    s.update(*init, t0());
    return s;
  }
};

}  // namespace rtk::fuzz
