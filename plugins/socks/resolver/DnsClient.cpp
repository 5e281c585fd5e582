#include "resolver/DnsClient.hpp"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <memory>

#include "ratatoskr/error.hpp"

namespace rtk::plugins::socks {

namespace {

std::uint16_t randomQueryId() {
  std::uint16_t id = 0;
  if (::getrandom(&id, sizeof id, 0) != sizeof id) throw Error(Errc::Io, "dns: getrandom failed");
  return id;
}

// Closes the connection when the token fires, so a blocked read returns.
struct CancelGuard {
  CancelGuard(const CancelToken& token, const std::shared_ptr<Conn>& conn)
      : registration(token.onCancel([conn] {
          try {
            conn->close();
          } catch (const Error&) {
            // Closing a connection that already failed: nothing left to interrupt.
          }
        })) {}
  CancelRegistration registration;
};

void readExactly(Conn& conn, std::uint8_t* out, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    std::size_t n = conn.read(out + got, size - got);
    if (n == 0) throw Error(Errc::Protocol, "dns: the nameserver closed the TCP connection mid-answer");
    got += n;
  }
}

void throwIfCancelled(const CancelToken& cancel) {
  if (cancel.cancelled()) throw Error(Errc::Cancelled, "dns: lookup cancelled");
}

}  // namespace

DnsAnswer DnsClient::queryAaaa(std::string_view name, TimePoint deadline, const CancelToken& cancel) const {
  const DnsQuery query = buildAaaaQuery(name, randomQueryId());
  DnsAnswer answer = overUdp(query, deadline, cancel);
  if (answer.truncated) answer = overTcp(query, deadline, cancel);
  return answer;
}

DnsAnswer DnsClient::overUdp(const DnsQuery& query, TimePoint deadline, const CancelToken& cancel) const {
  std::shared_ptr<Conn> conn = network_.dial("udp", formatEndpoint(nameserver_), DialOptions{deadline, cancel});
  CancelGuard guard(cancel, conn);
  std::array<std::uint8_t, 65536> buffer;
  auto wait = std::chrono::milliseconds(1000);
  for (;;) {
    throwIfCancelled(cancel);
    conn->write(query.bytes.data(), query.bytes.size());
    const TimePoint attemptEnd = std::min(deadline, Clock::now() + wait);
    wait *= 2;
    conn->setReadDeadline(attemptEnd);
    for (;;) {
      std::size_t n = 0;
      try {
        n = conn->read(buffer.data(), buffer.size());
      } catch (const Error& e) {
        if (e.code() == Errc::Timeout && attemptEnd < deadline) break;  // send again
        if (e.code() == Errc::Closed) throwIfCancelled(cancel);
        throw;
      }
      try {
        return parseAaaaAnswer({buffer.data(), n}, query);
      } catch (const Error& e) {
        if (e.code() != Errc::Protocol) throw;
        // Not an answer to this question (late, spoofed or broken): keep waiting.
      }
    }
  }
}

DnsAnswer DnsClient::overTcp(const DnsQuery& query, TimePoint deadline, const CancelToken& cancel) const {
  std::shared_ptr<Conn> conn = network_.dial("tcp", formatEndpoint(nameserver_), DialOptions{deadline, cancel});
  CancelGuard guard(cancel, conn);
  conn->setDeadline(deadline);
  std::string framed;
  framed.push_back(static_cast<char>(query.bytes.size() >> 8));
  framed.push_back(static_cast<char>(query.bytes.size() & 0xff));
  framed += query.bytes;
  try {
    conn->write(framed.data(), framed.size());
    std::array<std::uint8_t, 2> length{};
    readExactly(*conn, length.data(), 2);
    std::vector<std::uint8_t> message(static_cast<std::size_t>(length[0] << 8 | length[1]));
    readExactly(*conn, message.data(), message.size());
    conn->close();
    return parseAaaaAnswer(message, query);
  } catch (const Error& e) {
    if (e.code() == Errc::Closed) throwIfCancelled(cancel);
    throw;
  }
}

}  // namespace rtk::plugins::socks
