#include "core/wire/Announce.hpp"

namespace rtk::core::wire {

std::size_t Announce::size() const { return 2 * PublicKey::size + res.size() + sig.size(); }

void Announce::encode(Bytes& out) const {
  out.insert(out.end(), key.bytes.begin(), key.bytes.end());
  out.insert(out.end(), parent.bytes.begin(), parent.bytes.end());
  res.encode(out);
  out.insert(out.end(), sig.begin(), sig.end());
}

Announce Announce::decode(ByteView body) {
  WireReader in(body);
  Announce ann;
  if (!in.chop(ann.key.bytes) || !in.chop(ann.parent.bytes) || !ann.res.chop(in) || !in.chop(ann.sig))
    throwDecode("announce", "truncated or malformed");
  if (!in.empty()) throwDecode("announce", "trailing bytes");
  return ann;
}

bool Announce::check() const {
  if (res.port == 0 && key != parent) return false;
  const Bytes signedBytes = res.bytesForSig(key, parent);
  return crypto::verify(key, signedBytes, sig) && crypto::verify(parent, signedBytes, res.psig);
}

}  // namespace rtk::core::wire
