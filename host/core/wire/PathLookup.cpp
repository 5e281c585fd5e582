#include "core/wire/PathLookup.hpp"

namespace rtk::core::wire {

std::size_t PathLookup::size() const { return 2 * PublicKey::size + pathSize(from); }

void PathLookup::encode(Bytes& out) const {
  out.insert(out.end(), source.bytes.begin(), source.bytes.end());
  out.insert(out.end(), dest.bytes.begin(), dest.bytes.end());
  appendPath(out, from);
}

PathLookup PathLookup::decode(ByteView body) {
  WireReader in(body);
  PathLookup lookup;
  if (!in.chop(lookup.source.bytes) || !in.chop(lookup.dest.bytes) || !in.chopPath(lookup.from))
    throwDecode("lookup", "truncated or malformed");
  if (!in.empty()) throwDecode("lookup", "trailing bytes");
  return lookup;
}

}  // namespace rtk::core::wire
