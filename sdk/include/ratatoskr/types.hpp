// Value types shared by the whole API: keys, IPv6 addresses, endpoints.
// Header-only; every type is a regular value (copyable, comparable, hashable)
// and safe to use from any thread as long as each object is not mutated
// concurrently.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace rtk {

namespace detail {
inline int hexNibble(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
template <std::size_t N>
std::string toHex(const std::array<std::uint8_t, N>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out(N * 2, '0');
  for (std::size_t i = 0; i < N; ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0x0f];
  }
  return out;
}
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> fromHex(std::string_view text) {
  if (text.size() != N * 2) return std::nullopt;
  std::array<std::uint8_t, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    int hi = hexNibble(text[2 * i]), lo = hexNibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}
}  // namespace detail

// An Ed25519 public key: a node's identity on the network.
struct PublicKey {
  static constexpr std::size_t size = 32;
  std::array<std::uint8_t, size> bytes{};

  auto operator<=>(const PublicKey&) const = default;
  std::string hex() const { return detail::toHex(bytes); }
  // 64 hex digits, either case; nullopt otherwise.
  static std::optional<PublicKey> fromHex(std::string_view text) {
    auto b = detail::fromHex<size>(text);
    if (!b) return std::nullopt;
    return PublicKey{*b};
  }
};

// A raw IPv6 address in network byte order.
struct Ip6Address {
  std::array<std::uint8_t, 16> bytes{};
  auto operator<=>(const Ip6Address&) const = default;
  bool isUnspecified() const {
    for (auto b : bytes)
      if (b) return false;
    return true;
  }
  // True for 200::/7, the Yggdrasil range (node addresses and subnets).
  bool isYggdrasil() const { return (bytes[0] & 0xfe) == 0x02; }
};

// An IPv6 address and a port. Text form: "[200:1::2]:80".
struct Endpoint {
  Ip6Address address;
  std::uint16_t port = 0;
  auto operator<=>(const Endpoint&) const = default;
};

}  // namespace rtk

template <>
struct std::hash<rtk::PublicKey> {
  std::size_t operator()(const rtk::PublicKey& k) const noexcept {
    std::size_t h;
    std::memcpy(&h, k.bytes.data(), sizeof h);
    return h;
  }
};
template <>
struct std::hash<rtk::Ip6Address> {
  std::size_t operator()(const rtk::Ip6Address& a) const noexcept {
    std::size_t h1, h2;
    std::memcpy(&h1, a.bytes.data(), sizeof h1);
    std::memcpy(&h2, a.bytes.data() + 8, sizeof h2);
    return h1 ^ (h2 * 0x9e3779b97f4a7c15ull);
  }
};
