#include "protocol/UdpHeader.hpp"

namespace rtk::plugins::socks {

Parsed<UdpHeader> parseUdpHeader(std::span<const std::uint8_t> datagram) {
  Parsed<UdpHeader> p;
  p.status = ParseStatus::Invalid;
  if (datagram.size() < 4) {
    p.error = "datagram of " + std::to_string(datagram.size()) + " bytes is shorter than a SOCKS UDP header";
    return p;
  }
  if (datagram[0] != 0 || datagram[1] != 0) {
    p.error = "reserved bytes of the UDP header are not zero";
    return p;
  }
  auto address = parseSocksAddress(datagram.subspan(3));
  if (address.status != ParseStatus::Done) {
    p.error = address.status == ParseStatus::Incomplete ? "the UDP header's address is cut short" : address.error;
    return p;
  }
  p.status = ParseStatus::Done;
  p.value.fragment = datagram[2];
  p.value.destination = std::move(address.value);
  p.value.length = 3 + address.consumed;
  p.consumed = p.value.length;
  return p;
}

std::string encodeUdpHeader(const Destination& destination) {
  std::string out(3, '\0');
  appendSocksAddress(out, destination);
  return out;
}

}  // namespace rtk::plugins::socks
