#include "core/wire/SigRes.hpp"

namespace rtk::core::wire {

std::size_t SigRes::size() const { return req.size() + uvarintSize(port) + psig.size(); }

void SigRes::encode(Bytes& out) const {
  req.encode(out);
  appendUvarint(out, port);
  out.insert(out.end(), psig.begin(), psig.end());
}

bool SigRes::chop(WireReader& in) {
  WireReader probe = in;
  SigRes tmp;
  if (!tmp.req.chop(probe) || !probe.chopUint(tmp.port) || !probe.chop(tmp.psig)) return false;
  *this = tmp;
  in = probe;
  return true;
}

SigRes SigRes::decode(ByteView body) {
  WireReader in(body);
  SigRes res;
  if (!res.chop(in)) throwDecode("sigres", "truncated or malformed");
  if (!in.empty()) throwDecode("sigres", "trailing bytes");
  return res;
}

Bytes SigRes::bytesForSig(const PublicKey& node, const PublicKey& parent) const {
  Bytes out = req.bytesForSig(node, parent);
  appendUvarint(out, port);
  return out;
}

bool SigRes::check(const PublicKey& node, const PublicKey& parent) const {
  return crypto::verify(parent, bytesForSig(node, parent), psig);
}

}  // namespace rtk::core::wire
