// DNS messages for AAAA lookups: the query we send and the answer we accept.
//
// Building and parsing the records is c-ares' (Debian's libc-ares, 1.18:
// ares_create_query, ares_parse_aaaa_reply, which follows CNAME chains);
// here we add what a client over an untrusted path must check itself: the
// header (ID, QR, opcode, RCODE, TC) and that the question echoed back is
// the one we asked.
// Thread-safety: pure functions (c-ares' parsers keep no state).
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/types.hpp"

namespace rtk::plugins::socks {

inline constexpr std::uint16_t kDnsTypeAaaa = 28;
inline constexpr std::size_t kDnsMaxUdpBytes = 512;  // no EDNS: larger answers come truncated, then over TCP

struct DnsQuery {
  std::uint16_t id = 0;
  std::string bytes;  // the whole message
};

// A recursive AAAA query for `name` (no trailing dot needed). Throws
// rtk::Error(InvalidArgument) naming the name when c-ares refuses it.
DnsQuery buildAaaaQuery(std::string_view name, std::uint16_t id);

struct DnsAnswer {
  enum class Rcode : std::uint8_t { NoError = 0, FormErr = 1, ServFail = 2, NxDomain = 3, NotImp = 4, Refused = 5 };
  std::uint8_t rcode = 0;
  bool truncated = false;  // TC: ask again over TCP
  struct Address {
    Ip6Address address;
    std::chrono::seconds ttl{0};
  };
  std::vector<Address> addresses;  // AAAA records of the name (after CNAMEs), in answer order
};

// The answer to `query`. Throws rtk::Error(Protocol) when `message` is not a
// response to it (short, another ID or question, not a response, malformed
// records). An RCODE other than NoError, or TC, is returned, not thrown.
DnsAnswer parseAaaaAnswer(std::span<const std::uint8_t> message, const DnsQuery& query);

const char* rcodeName(std::uint8_t rcode) noexcept;

}  // namespace rtk::plugins::socks
