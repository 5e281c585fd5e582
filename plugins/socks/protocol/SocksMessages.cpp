#include "protocol/SocksMessages.hpp"

#include <algorithm>

#include "ratatoskr/error.hpp"

namespace rtk::plugins::socks {

namespace {

template <class T>
Parsed<T> invalidMessage(std::string why, ReplyCode reply = ReplyCode::GeneralFailure) {
  Parsed<T> p;
  p.status = ParseStatus::Invalid;
  p.error = std::move(why);
  p.reply = reply;
  return p;
}

std::string hexByte(std::uint8_t b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return std::string("0x") + kDigits[b >> 4] + kDigits[b & 15];
}

}  // namespace

const char* replyCodeName(ReplyCode code) noexcept {
  switch (code) {
    case ReplyCode::Succeeded: return "succeeded";
    case ReplyCode::GeneralFailure: return "general failure";
    case ReplyCode::NotAllowed: return "not allowed by ruleset";
    case ReplyCode::NetworkUnreachable: return "network unreachable";
    case ReplyCode::HostUnreachable: return "host unreachable";
    case ReplyCode::ConnectionRefused: return "connection refused";
    case ReplyCode::TtlExpired: return "TTL expired";
    case ReplyCode::CommandNotSupported: return "command not supported";
    case ReplyCode::AddressTypeNotSupported: return "address type not supported";
  }
  return "unknown reply";
}

bool Greeting::offers(AuthMethod m) const noexcept {
  return std::find(methods.begin(), methods.end(), static_cast<std::uint8_t>(m)) != methods.end();
}

Parsed<Greeting> parseGreeting(std::span<const std::uint8_t> input) {
  Parsed<Greeting> p;
  if (input.empty()) return p;
  if (input[0] != kSocksVersion) return invalidMessage<Greeting>("not SOCKS5: the greeting starts with " + hexByte(input[0]));
  if (input.size() < 2) return p;
  const std::size_t count = input[1];
  if (count == 0) return invalidMessage<Greeting>("the greeting offers no authentication method");
  if (input.size() < 2 + count) return p;
  p.value.methods.assign(input.begin() + 2, input.begin() + 2 + static_cast<std::ptrdiff_t>(count));
  p.consumed = 2 + count;
  p.status = ParseStatus::Done;
  return p;
}

Parsed<UserPass> parseUserPass(std::span<const std::uint8_t> input) {
  Parsed<UserPass> p;
  if (input.empty()) return p;
  if (input[0] != kUserPassVersion)
    return invalidMessage<UserPass>("username/password version " + hexByte(input[0]) + ", expected 0x01");
  if (input.size() < 2) return p;
  const std::size_t userLen = input[1];
  if (input.size() < 2 + userLen + 1) return p;
  const std::size_t passLen = input[2 + userLen];
  const std::size_t total = 3 + userLen + passLen;
  if (input.size() < total) return p;
  p.value.user.assign(reinterpret_cast<const char*>(input.data()) + 2, userLen);
  p.value.password.assign(reinterpret_cast<const char*>(input.data()) + 3 + userLen, passLen);
  p.consumed = total;
  p.status = ParseStatus::Done;
  return p;
}

Parsed<Destination> parseSocksAddress(std::span<const std::uint8_t> input) {
  Parsed<Destination> p;
  if (input.empty()) return p;
  const std::uint8_t atyp = input[0];
  std::size_t addrLen = 0, addrStart = 1;
  switch (atyp) {
    case static_cast<std::uint8_t>(Destination::Kind::Ipv4): addrLen = 4; break;
    case static_cast<std::uint8_t>(Destination::Kind::Ipv6): addrLen = 16; break;
    case static_cast<std::uint8_t>(Destination::Kind::Domain):
      if (input.size() < 2) return p;
      addrLen = input[1];
      addrStart = 2;
      if (addrLen == 0) return invalidMessage<Destination>("empty domain name", ReplyCode::HostUnreachable);
      break;
    default:
      return invalidMessage<Destination>("address type " + hexByte(atyp) + " is not IPv4 (0x01), a domain (0x03) or IPv6 (0x04)",
                                         ReplyCode::AddressTypeNotSupported);
  }
  const std::size_t total = addrStart + addrLen + 2;
  if (input.size() < total) return p;
  const std::uint16_t port = static_cast<std::uint16_t>(input[addrStart + addrLen] << 8 | input[addrStart + addrLen + 1]);
  const auto* addr = input.data() + addrStart;
  if (atyp == static_cast<std::uint8_t>(Destination::Kind::Ipv4)) {
    p.value = Destination::ipv4({addr[0], addr[1], addr[2], addr[3]}, port);
  } else if (atyp == static_cast<std::uint8_t>(Destination::Kind::Ipv6)) {
    Ip6Address a;
    std::copy(addr, addr + 16, a.bytes.begin());
    p.value = Destination::ipv6(a, port);
  } else {
    std::string name(reinterpret_cast<const char*>(addr), addrLen);
    if (name.find('\0') != std::string::npos)
      return invalidMessage<Destination>("the domain name holds a NUL byte", ReplyCode::HostUnreachable);
    p.value = Destination::name(std::move(name), port);
  }
  p.consumed = total;
  p.status = ParseStatus::Done;
  return p;
}

Parsed<Request> parseRequest(std::span<const std::uint8_t> input) {
  Parsed<Request> p;
  if (input.empty()) return p;
  if (input[0] != kSocksVersion) return invalidMessage<Request>("request version " + hexByte(input[0]) + ", expected 0x05");
  if (input.size() < 4) return p;
  if (input[2] != 0) return invalidMessage<Request>("reserved byte " + hexByte(input[2]) + " is not zero");
  auto address = parseSocksAddress(input.subspan(3));
  if (address.status == ParseStatus::Incomplete) return p;
  if (address.status == ParseStatus::Invalid) return invalidMessage<Request>("request: " + address.error, address.reply);
  p.value.command = input[1];
  p.value.destination = std::move(address.value);
  p.consumed = 3 + address.consumed;
  p.status = ParseStatus::Done;
  return p;
}

void appendSocksAddress(std::string& out, const Destination& d) {
  out.push_back(static_cast<char>(d.kind));
  switch (d.kind) {
    case Destination::Kind::Ipv4: out.append(reinterpret_cast<const char*>(d.ip.data()), 4); break;
    case Destination::Kind::Ipv6: out.append(reinterpret_cast<const char*>(d.ip.data()), 16); break;
    case Destination::Kind::Domain:
      if (d.domain.empty() || d.domain.size() > 255)
        throw Error(Errc::InvalidArgument, "socks: a domain of " + std::to_string(d.domain.size()) + " bytes has no SOCKS form");
      out.push_back(static_cast<char>(d.domain.size()));
      out.append(d.domain);
      break;
  }
  out.push_back(static_cast<char>(d.port >> 8));
  out.push_back(static_cast<char>(d.port & 0xff));
}

std::string encodeMethodChoice(AuthMethod method) {
  return std::string{static_cast<char>(kSocksVersion), static_cast<char>(method)};
}

std::string encodeUserPassStatus(bool ok) { return std::string{static_cast<char>(kUserPassVersion), static_cast<char>(ok ? 0 : 1)}; }

std::string encodeReply(ReplyCode code, const Ip6Address& bound, std::uint16_t port) {
  std::string out{static_cast<char>(kSocksVersion), static_cast<char>(code), 0};
  Destination d = isV4Mapped(bound) || bound.isUnspecified()
                      ? Destination::ipv4({bound.bytes[12], bound.bytes[13], bound.bytes[14], bound.bytes[15]}, port)
                      : Destination::ipv6(bound, port);
  appendSocksAddress(out, d);
  return out;
}

}  // namespace rtk::plugins::socks
