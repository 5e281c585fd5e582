#include "core/wire/PathBroken.hpp"

namespace rtk::core::wire {

std::size_t PathBroken::size() const { return pathSize(path) + uvarintSize(watermark) + 2 * PublicKey::size; }

void PathBroken::encode(Bytes& out) const {
  appendPath(out, path);
  appendUvarint(out, watermark);
  out.insert(out.end(), source.bytes.begin(), source.bytes.end());
  out.insert(out.end(), dest.bytes.begin(), dest.bytes.end());
}

PathBroken PathBroken::decode(ByteView body) {
  WireReader in(body);
  PathBroken broken;
  if (!in.chopPath(broken.path) || !in.chopUint(broken.watermark) || !in.chop(broken.source.bytes) ||
      !in.chop(broken.dest.bytes))
    throwDecode("broken", "truncated or malformed");
  if (!in.empty()) throwDecode("broken", "trailing bytes");
  return broken;
}

}  // namespace rtk::core::wire
