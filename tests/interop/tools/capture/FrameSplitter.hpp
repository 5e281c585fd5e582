// Splits one recorded direction of a yggdrasil 0.5 link into its parts:
// the handshake metadata, then Ironwood frames.
//
//   meta: "meta" | uint16 BE length | TLVs (uint16 type, uint16 length,
//         value) | 64-byte Ed25519 signature      (yggdrasil core/version.go)
//   frame: uvarint length | type byte | payload   (ironwood network/peers.go)
//
// Independent of the node library on purpose: the captures are the test data
// its codecs are checked against, so they must not be cut by the code under
// test.
// Thread-safety: stateless.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rtk::interop {

struct MetaInfo {
  bool parsed = false;
  int versionMajor = -1;
  int versionMinor = -1;
  std::string publicKeyHex;
  int priority = -1;
};

struct SplitFrame {
  std::size_t offset = 0;        // of the length prefix in the stream
  std::size_t prefixBytes = 0;   // bytes of the uvarint
  std::vector<std::uint8_t> body;  // type byte + payload (what a frame decoder takes)
  std::uint8_t type() const { return body.empty() ? 0 : body.front(); }
};

struct SplitStream {
  std::vector<std::uint8_t> meta;  // the whole metadata message, "meta" included
  MetaInfo metaInfo;
  std::vector<SplitFrame> frames;
  std::size_t trailingBytes = 0;  // an incomplete last frame (capture cut it)
  std::string error;              // why splitting stopped early, empty if it did not
};

class FrameSplitter {
 public:
  // Never throws on malformed input: it stops and says why in `error`.
  static SplitStream split(const std::vector<std::uint8_t>& stream);
  // "KeepAlive", "SigReq", ..., "Traffic", or "Unknown(<n>)".
  static std::string typeName(std::uint8_t type);
  // yggdrasil sets ironwood's peerMaxMessageSize to 65535*2.
  static constexpr std::uint64_t kMaxFrameBytes = 65535 * 2;
};

}  // namespace rtk::interop
