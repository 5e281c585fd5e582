// PathNotifyInfo — the signed part of a path notification: the responding
// node's coordinates at a sequence number (ironwood network/pathfinder.go,
// pathNotifyInfo). The real node uses the Unix time in seconds as seq.
//
// Wire: uvarint seq || path || 64-byte signature by the source key over
// uvarint seq || path. Thread-safety: a plain value.
#pragma once

#include "core/crypto/Ed25519.hpp"
#include "core/wire/PortPath.hpp"
#include "core/wire/WireReader.hpp"

namespace rtk::core::wire {

struct PathNotifyInfo {
  std::uint64_t seq = 0;
  PortPath path;
  crypto::Signature sig{};

  bool operator==(const PathNotifyInfo&) const = default;
  // Same seq and path, whatever the signature (ironwood's equal()).
  bool sameContent(const PathNotifyInfo& other) const { return seq == other.seq && path == other.path; }

  Bytes bytesForSig() const;
  void sign(const crypto::SigningKey& key) { sig = key.sign(bytesForSig()); }

  std::size_t size() const;
  void encode(Bytes& out) const;
  // The rest of a notify: rejects trailing bytes. Throws
  // rtk::Error(Errc::Protocol) on a short, malformed or overlong body.
  static PathNotifyInfo decode(ByteView body);
};

}  // namespace rtk::core::wire
