#include "FrameSplitter.hpp"

namespace rtk::interop {
namespace {

constexpr std::size_t kSignatureBytes = 64;

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

std::string hex(const std::uint8_t* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

MetaInfo parseMeta(const std::vector<std::uint8_t>& meta) {
  MetaInfo info;
  if (meta.size() < 6 + kSignatureBytes) return info;
  const std::uint8_t* p = meta.data() + 6;
  std::size_t left = meta.size() - 6 - kSignatureBytes;
  while (left >= 4) {
    const std::uint16_t type = be16(p);
    const std::uint16_t length = be16(p + 2);
    p += 4;
    left -= 4;
    if (length > left) return info;
    if (type == 0 && length == 2) info.versionMajor = be16(p);
    if (type == 1 && length == 2) info.versionMinor = be16(p);
    if (type == 2 && length == 32) info.publicKeyHex = hex(p, 32);
    if (type == 3 && length == 1) info.priority = p[0];
    p += length;
    left -= length;
  }
  info.parsed = true;
  return info;
}

}  // namespace

std::string FrameSplitter::typeName(std::uint8_t type) {
  static const char* names[] = {"Dummy",       "KeepAlive",  "SigReq",     "SigRes",     "Announce",
                                "BloomFilter", "PathLookup", "PathNotify", "PathBroken", "Traffic"};
  if (type < sizeof names / sizeof names[0]) return names[type];
  return "Unknown(" + std::to_string(type) + ")";
}

SplitStream FrameSplitter::split(const std::vector<std::uint8_t>& stream) {
  SplitStream result;
  if (stream.size() < 6) {
    result.trailingBytes = stream.size();
    result.error = stream.empty() ? "" : "stream shorter than a metadata header";
    return result;
  }
  if (stream[0] != 'm' || stream[1] != 'e' || stream[2] != 't' || stream[3] != 'a') {
    result.error = "stream does not start with \"meta\"";
    result.trailingBytes = stream.size();
    return result;
  }
  const std::size_t metaBytes = 6 + be16(stream.data() + 4);
  if (metaBytes > stream.size()) {
    result.error = "metadata truncated";
    result.trailingBytes = stream.size();
    return result;
  }
  result.meta.assign(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(metaBytes));
  result.metaInfo = parseMeta(result.meta);

  std::size_t pos = metaBytes;
  while (pos < stream.size()) {
    std::uint64_t length = 0;
    std::size_t prefix = 0;
    bool complete = false;
    for (int shift = 0; shift < 64 && pos + prefix < stream.size(); shift += 7) {
      const std::uint8_t byte = stream[pos + prefix++];
      length |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        complete = true;
        break;
      }
    }
    if (!complete) {
      if (prefix >= 10) {
        result.error = "uvarint longer than 10 bytes at offset " + std::to_string(pos);
      }
      break;
    }
    if (length == 0 || length > kMaxFrameBytes) {
      result.error = "frame length " + std::to_string(length) + " out of range at offset " + std::to_string(pos);
      break;
    }
    if (pos + prefix + length > stream.size()) break;
    SplitFrame frame;
    frame.offset = pos;
    frame.prefixBytes = prefix;
    frame.body.assign(stream.begin() + static_cast<std::ptrdiff_t>(pos + prefix),
                      stream.begin() + static_cast<std::ptrdiff_t>(pos + prefix + length));
    result.frames.push_back(std::move(frame));
    pos += prefix + static_cast<std::size_t>(length);
  }
  result.trailingBytes = stream.size() - pos;
  return result;
}

}  // namespace rtk::interop
