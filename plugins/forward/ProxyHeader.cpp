#include "ProxyHeader.hpp"

namespace rtk::plugins::forward {

std::vector<std::uint8_t> encodeProxyV2(const Endpoint& source, const Endpoint& destination, bool stream,
                                        const std::optional<PublicKey>& sourceKey) {
  static constexpr std::uint8_t kSignature[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
  constexpr std::uint8_t kVersion2Proxy = 0x21;
  constexpr std::uint8_t kInet6Stream = 0x21, kInet6Datagram = 0x22;

  std::vector<std::uint8_t> out(kSignature, kSignature + sizeof kSignature);
  out.push_back(kVersion2Proxy);
  out.push_back(stream ? kInet6Stream : kInet6Datagram);
  const std::size_t tlvBytes = sourceKey ? 3 + PublicKey::size : 0;
  const std::size_t length = 16 + 16 + 2 + 2 + tlvBytes;
  out.push_back(static_cast<std::uint8_t>(length >> 8));
  out.push_back(static_cast<std::uint8_t>(length & 0xff));
  out.insert(out.end(), source.address.bytes.begin(), source.address.bytes.end());
  out.insert(out.end(), destination.address.bytes.begin(), destination.address.bytes.end());
  for (std::uint16_t port : {source.port, destination.port}) {
    out.push_back(static_cast<std::uint8_t>(port >> 8));
    out.push_back(static_cast<std::uint8_t>(port & 0xff));
  }
  if (sourceKey) {
    out.push_back(kProxyTlvYggdrasilKey);
    out.push_back(0);
    out.push_back(static_cast<std::uint8_t>(PublicKey::size));
    out.insert(out.end(), sourceKey->bytes.begin(), sourceKey->bytes.end());
  }
  return out;
}

}  // namespace rtk::plugins::forward
