// TrafficHeader — the clear-text header of a session traffic packet (ironwood
// encrypted/session.go, sessionInfo.doSend/doRecv):
//   type 3 | uvarint localKeySeq | uvarint remoteKeySeq | uvarint nonce
// written from the sender's point of view, followed by the box.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/util/Bytes.hpp"

namespace rtk::core::session {

struct TrafficHeader {
  std::uint64_t localKeySeq = 0;   // the sender's own key sequence number
  std::uint64_t remoteKeySeq = 0;  // the sender's view of the receiver's key sequence number
  std::uint64_t nonce = 0;         // the box nonce of this packet

  // Appends the type byte and the three minimal uvarints to `out`.
  void encode(Bytes& out) const;

  struct Decoded;
  // What the receiver accepts before trying the box: at least
  // kTrafficOverheadMin bytes, type 3, three uvarints as Go's binary.Uvarint
  // reads them (non-minimal forms accepted, overflow and truncation
  // rejected). nullopt otherwise; never throws.
  static std::optional<Decoded> decode(ByteView packet);

  bool operator==(const TrafficHeader&) const = default;
};

struct TrafficHeader::Decoded {
  TrafficHeader header;
  std::size_t size = 0;  // header bytes; the box starts here
};

}  // namespace rtk::core::session
