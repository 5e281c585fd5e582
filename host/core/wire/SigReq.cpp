#include "core/wire/SigReq.hpp"

namespace rtk::core::wire {

std::size_t SigReq::size() const { return uvarintSize(seq) + uvarintSize(nonce); }

void SigReq::encode(Bytes& out) const {
  appendUvarint(out, seq);
  appendUvarint(out, nonce);
}

bool SigReq::chop(WireReader& in) {
  WireReader probe = in;
  SigReq tmp;
  if (!probe.chopUint(tmp.seq) || !probe.chopUint(tmp.nonce)) return false;
  *this = tmp;
  in = probe;
  return true;
}

SigReq SigReq::decode(ByteView body) {
  WireReader in(body);
  SigReq req;
  if (!req.chop(in)) throwDecode("sigreq", "truncated or malformed");
  if (!in.empty()) throwDecode("sigreq", "trailing bytes");
  return req;
}

void SigReq::appendForSig(Bytes& out, const PublicKey& node, const PublicKey& parent) const {
  out.insert(out.end(), node.bytes.begin(), node.bytes.end());
  out.insert(out.end(), parent.bytes.begin(), parent.bytes.end());
  encode(out);
}

Bytes SigReq::bytesForSig(const PublicKey& node, const PublicKey& parent) const {
  Bytes out;
  out.reserve(2 * PublicKey::size + 2 * kMaxUvarintBytes + kMaxUvarintBytes);
  appendForSig(out, node, parent);
  return out;
}

}  // namespace rtk::core::wire
