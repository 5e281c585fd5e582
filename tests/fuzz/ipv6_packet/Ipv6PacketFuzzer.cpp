// Input: op byte, flags byte, then a packet. Flags can stamp our address or
// the remote's (address or subnet) into the source and destination, so
// random packets get past the address checks. Ops: inbound from the remote,
// outbound, inbound raw (no session type byte added), outbound after the
// remote's key is known. Whatever is sent must be a traffic message carrying
// an IPv6 packet from us; whatever is delivered must be an IPv6 packet for us;
// every Packet Too Big the node writes (in answer to an inbound packet) must
// carry a valid checksum. Outbound packets are the application's bytes, sent
// as they are, so an ICMPv6 message in them may carry any checksum.
#include <cstdint>
#include <cstdlib>

#include "ratatoskr/address.hpp"
#include "core/ipv6/Icmpv6.hpp"
#include "core/ipv6/KeyStore.hpp"

using namespace rtk::core;
namespace address = rtk::address;

namespace {
rtk::PublicKey key(std::uint8_t seed) {
  rtk::PublicKey k;
  for (std::size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<std::uint8_t>(seed * 29 + i * 11);
  return k;
}

bool checksumOk(const Bytes& p) {
  std::uint64_t sum = 0;
  auto add = [&](std::uint8_t hi, std::uint8_t lo) { sum += static_cast<std::uint32_t>(hi << 8 | lo); };
  for (std::size_t i = 8; i < 40; i += 2) add(p[i], p[i + 1]);
  std::uint32_t len = static_cast<std::uint32_t>(p.size() - 40);
  sum += (len >> 16) + (len & 0xffff) + 58;
  for (std::size_t i = 40; i < p.size(); i += 2) add(p[i], i + 1 < p.size() ? p[i + 1] : 0);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum == 0xffff;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t op = data[0], flags = data[1];
  Bytes packet(data + 2, data + size);
  const bool inbound = op % 4 == 0 || op % 4 == 2;
  const rtk::PublicKey self = key(1), remote = key(2);
  const rtk::Ip6Address selfAddr = address::addressForKey(self), remoteAddr = address::addressForKey(remote);
  rtk::Ip6Address remoteHost = address::subnetForKey(remote);
  remoteHost.bytes[15] = 1;

  if (packet.size() >= 40) {
    if (flags & 1) {
      const auto& a = (flags & 2) ? remoteAddr : selfAddr;
      std::copy(a.bytes.begin(), a.bytes.end(), packet.begin() + 8);
    }
    if (flags & 4) {
      const auto& a = (flags & 8) ? selfAddr : ((flags & 16) ? remoteHost : remoteAddr);
      std::copy(a.bytes.begin(), a.bytes.end(), packet.begin() + 24);
    }
  }

  ipv6::KeyStore::Hooks hooks;
  hooks.send = [&](const rtk::PublicKey&, rtk::core::OffsetBytes sent) {
    const Bytes m = std::move(sent).take();
    if (m.size() < 41 || m[0] != 1 || (m[1] & 0xf0) != 0x60) std::abort();
    rtk::Ip6Address src;
    std::copy(m.begin() + 9, m.begin() + 25, src.bytes.begin());
    bool fromUs = src == selfAddr || std::equal(src.bytes.begin(), src.bytes.begin() + 8, address::subnetForKey(self).bytes.begin());
    if (!fromUs) std::abort();
    Bytes inner(m.begin() + 1, m.end());
    if (inbound && inner[6] == 58 && inner.size() >= 41 && inner[40] == 2 && !checksumOk(inner)) std::abort();
  };
  hooks.sendLookup = [](const rtk::PublicKey&) {};
  ipv6::KeyStore::Options o;
  o.maxMtuBytes = 65535;
  ipv6::KeyStore ks(self, hooks, o, rtk::Log{});
  ks.setMtu(1280 + (flags >> 5) * 100);
  ks.setPacketHandler([&](const rtk::core::OffsetBytes& p) {
    if (p.size() < 40 || p.size() > ks.mtu() || (p[0] & 0xf0) != 0x60) std::abort();
  });

  switch (op % 4) {
    case 0: {
      Bytes m(packet);
      m.insert(m.begin(), 1);
      ks.handleMessage(remote, std::move(m));
      break;
    }
    case 1:
      ks.writePacket(packet);
      break;
    case 2:
      ks.handleMessage(remote, packet);
      break;
    case 3:
      ks.pathNotify(remote);
      ks.writePacket(packet);
      break;
  }

  if (packet.size() >= 40) {
    Bytes ptb = ipv6::Icmpv6::packetTooBig(packet, 1280);
    if (!checksumOk(ptb) || ptb.size() != 48 + std::min<std::size_t>(packet.size(), 512)) std::abort();
  }
  return 0;
}
