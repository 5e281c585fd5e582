#include "core/wire/Traffic.hpp"

#include "core/util/BufferPool.hpp"

namespace rtk::core::wire {

std::size_t Traffic::size() const {
  return pathSize(path) + pathSize(from) + 2 * PublicKey::size + uvarintSize(watermark) + payload.size();
}

void Traffic::encode(Bytes& out) const {
  appendPath(out, path);
  appendPath(out, from);
  out.insert(out.end(), source.bytes.begin(), source.bytes.end());
  out.insert(out.end(), dest.bytes.begin(), dest.bytes.end());
  appendUvarint(out, watermark);
  const ByteView body = payload.view();
  out.insert(out.end(), body.begin(), body.end());
}

Traffic Traffic::decode(ByteView body) {
  WireReader in(body);
  Traffic tr;
  if (!in.chopPath(tr.path) || !in.chopPath(tr.from) || !in.chop(tr.source.bytes) || !in.chop(tr.dest.bytes) ||
      !in.chopUint(tr.watermark))
    throwDecode("traffic", "truncated or malformed");
  const ByteView rest = in.rest();
  // Pooled: the payload travels to the session layer and the netstack,
  // which give the storage back (core/util/BufferPool.hpp).
  tr.payload = OffsetBytes(BufferPool::shared().take(rest.size()));
  tr.payload.buffer.assign(rest.begin(), rest.end());
  return tr;
}

std::size_t Traffic::minimumOverhead() { return 1 + 1 + 2 * PublicKey::size + uvarintSize(~std::uint64_t{0}); }

}  // namespace rtk::core::wire
