#include "resolver/DnsMessage.hpp"

#include <ares.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include "ratatoskr/error.hpp"

namespace rtk::plugins::socks {

namespace {

constexpr std::size_t kDnsHeaderBytes = 12;
constexpr std::size_t kMaxAddressesKept = 64;

[[noreturn]] void badAnswer(const std::string& why) { throw Error(Errc::Protocol, "dns: " + why); }

std::uint16_t read16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

}  // namespace

const char* rcodeName(std::uint8_t rcode) noexcept {
  switch (rcode) {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    default: return "an unknown RCODE";
  }
}

DnsQuery buildAaaaQuery(std::string_view name, std::uint16_t id) {
  std::string zname(name);
  unsigned char* buffer = nullptr;
  int length = 0;
  int rc = ares_create_query(zname.c_str(), 1 /* IN */, kDnsTypeAaaa, id, 1 /* RD */, &buffer, &length, 0);
  if (rc != ARES_SUCCESS || !buffer)
    throw Error(Errc::InvalidArgument, "dns: cannot ask for \"" + zname + "\": " + ares_strerror(rc));
  std::unique_ptr<unsigned char, void (*)(void*)> owned(buffer, ares_free_string);
  return DnsQuery{id, std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length))};
}

DnsAnswer parseAaaaAnswer(std::span<const std::uint8_t> message, const DnsQuery& query) {
  if (message.size() < kDnsHeaderBytes) badAnswer("a message of " + std::to_string(message.size()) + " bytes has no header");
  if (message.size() > 65535) badAnswer("a message of " + std::to_string(message.size()) + " bytes is too long");
  const std::uint8_t* h = message.data();
  if (read16(h) != query.id) badAnswer("the answer's ID does not match the query's");
  const std::uint8_t flags1 = h[2], flags2 = h[3];
  if (!(flags1 & 0x80)) badAnswer("the message is a query, not a response");
  if (((flags1 >> 3) & 0x0f) != 0) badAnswer("the response's opcode is not QUERY");
  if (read16(h + 4) != 1) badAnswer("the response does not carry exactly one question");

  // The question section must be ours, byte for byte except letter case.
  const std::size_t questionBytes = query.bytes.size() - kDnsHeaderBytes;
  if (message.size() < kDnsHeaderBytes + questionBytes) badAnswer("the response's question is cut short");
  const auto* ours = reinterpret_cast<const std::uint8_t*>(query.bytes.data()) + kDnsHeaderBytes;
  for (std::size_t i = 0; i < questionBytes; ++i) {
    if (std::tolower(ours[i]) != std::tolower(h[kDnsHeaderBytes + i])) badAnswer("the response answers another question");
  }

  DnsAnswer answer;
  answer.rcode = flags2 & 0x0f;
  answer.truncated = (flags1 & 0x02) != 0;
  if (answer.rcode != 0 || answer.truncated) return answer;

  ares_addr6ttl records[kMaxAddressesKept];
  int count = static_cast<int>(kMaxAddressesKept);
  int rc = ares_parse_aaaa_reply(message.data(), static_cast<int>(message.size()), nullptr, records, &count);
  if (rc == ARES_ENODATA) return answer;  // the name exists but has no AAAA record
  if (rc != ARES_SUCCESS) badAnswer(std::string("malformed answer: ") + ares_strerror(rc));
  for (int i = 0; i < count; ++i) {
    DnsAnswer::Address a;
    std::memcpy(a.address.bytes.data(), &records[i].ip6addr, 16);
    a.ttl = std::chrono::seconds(std::max(0, records[i].ttl));
    answer.addresses.push_back(a);
  }
  return answer;
}

}  // namespace rtk::plugins::socks
