#include "core/wire/PathNotify.hpp"

namespace rtk::core::wire {

std::size_t PathNotify::size() const {
  return pathSize(path) + uvarintSize(watermark) + 2 * PublicKey::size + info.size();
}

void PathNotify::encode(Bytes& out) const {
  appendPath(out, path);
  appendUvarint(out, watermark);
  out.insert(out.end(), source.bytes.begin(), source.bytes.end());
  out.insert(out.end(), dest.bytes.begin(), dest.bytes.end());
  info.encode(out);
}

PathNotify PathNotify::decode(ByteView body) {
  WireReader in(body);
  PathNotify notify;
  if (!in.chopPath(notify.path) || !in.chopUint(notify.watermark) || !in.chop(notify.source.bytes) ||
      !in.chop(notify.dest.bytes))
    throwDecode("notify", "truncated or malformed");
  notify.info = PathNotifyInfo::decode(in.rest());
  return notify;
}

}  // namespace rtk::core::wire
