#include "core/wire/PathNotifyInfo.hpp"

namespace rtk::core::wire {

Bytes PathNotifyInfo::bytesForSig() const {
  Bytes out;
  out.reserve(uvarintSize(seq) + pathSize(path));
  appendUvarint(out, seq);
  appendPath(out, path);
  return out;
}

std::size_t PathNotifyInfo::size() const { return uvarintSize(seq) + pathSize(path) + sig.size(); }

void PathNotifyInfo::encode(Bytes& out) const {
  appendUvarint(out, seq);
  appendPath(out, path);
  out.insert(out.end(), sig.begin(), sig.end());
}

PathNotifyInfo PathNotifyInfo::decode(ByteView body) {
  WireReader in(body);
  PathNotifyInfo info;
  if (!in.chopUint(info.seq) || !in.chopPath(info.path) || !in.chop(info.sig))
    throwDecode("notify info", "truncated or malformed");
  if (!in.empty()) throwDecode("notify info", "trailing bytes");
  return info;
}

}  // namespace rtk::core::wire
