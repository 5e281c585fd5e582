#include "core/session/TrafficHeader.hpp"

#include "core/session/SessionWire.hpp"
#include "core/wire/Uvarint.hpp"

namespace rtk::core::session {

void TrafficHeader::encode(Bytes& out) const {
  out.push_back(static_cast<std::uint8_t>(SessionPacketType::Traffic));
  wire::appendUvarint(out, localKeySeq);
  wire::appendUvarint(out, remoteKeySeq);
  wire::appendUvarint(out, nonce);
}

std::optional<TrafficHeader::Decoded> TrafficHeader::decode(ByteView packet) {
  if (packet.size() < kTrafficOverheadMin || packet[0] != static_cast<std::uint8_t>(SessionPacketType::Traffic))
    return std::nullopt;
  Decoded d;
  std::size_t offset = 1;
  for (std::uint64_t* field : {&d.header.localKeySeq, &d.header.remoteKeySeq, &d.header.nonce}) {
    int n = wire::decodeUvarint(packet.subspan(offset), *field);
    if (n <= 0) return std::nullopt;
    offset += static_cast<std::size_t>(n);
  }
  d.size = offset;
  return d;
}

}  // namespace rtk::core::session
