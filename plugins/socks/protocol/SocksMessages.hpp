// SOCKS5 messages (RFC 1928) and username/password authentication
// (RFC 1929): parsers for what a client sends, encoders for our answers.
//
// Every parser looks at the front of a buffer that may hold a partial
// message and says Incomplete (read more), Done (with how many bytes the
// message took) or Invalid (with a reason, and the reply code to send when
// the protocol has one). They never read past `input`, never allocate more
// than the message itself, and never throw.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "protocol/Destination.hpp"

namespace rtk::plugins::socks {

inline constexpr std::uint8_t kSocksVersion = 0x05;
inline constexpr std::uint8_t kUserPassVersion = 0x01;

enum class AuthMethod : std::uint8_t { None = 0x00, UserPass = 0x02, NoAcceptable = 0xff };
enum class Command : std::uint8_t { Connect = 0x01, Bind = 0x02, UdpAssociate = 0x03 };

// RFC 1928 §6 reply codes.
enum class ReplyCode : std::uint8_t {
  Succeeded = 0x00,
  GeneralFailure = 0x01,
  NotAllowed = 0x02,
  NetworkUnreachable = 0x03,
  HostUnreachable = 0x04,
  ConnectionRefused = 0x05,
  TtlExpired = 0x06,
  CommandNotSupported = 0x07,
  AddressTypeNotSupported = 0x08,
};
const char* replyCodeName(ReplyCode code) noexcept;

enum class ParseStatus { Incomplete, Done, Invalid };

template <class T>
struct Parsed {
  ParseStatus status = ParseStatus::Incomplete;
  std::size_t consumed = 0;  // Done: the message's length
  T value{};
  std::string error;                              // Invalid: why, for the log
  ReplyCode reply = ReplyCode::GeneralFailure;    // Invalid requests: the code to answer with
};

// VER NMETHODS METHODS...
struct Greeting {
  std::vector<std::uint8_t> methods;
  bool offers(AuthMethod m) const noexcept;
};
Parsed<Greeting> parseGreeting(std::span<const std::uint8_t> input);

// VER(0x01) ULEN UNAME PLEN PASSWD (RFC 1929 §2).
struct UserPass {
  std::string user;
  std::string password;
};
Parsed<UserPass> parseUserPass(std::span<const std::uint8_t> input);

// VER CMD RSV ATYP DST.ADDR DST.PORT. An unknown command parses (the caller
// answers CommandNotSupported); an unknown ATYP is Invalid with
// AddressTypeNotSupported; an empty domain is Invalid with HostUnreachable.
struct Request {
  std::uint8_t command = 0;  // a Command value, or whatever the client sent
  Destination destination;
};
Parsed<Request> parseRequest(std::span<const std::uint8_t> input);

// An address in SOCKS form (ATYP + address + port) from the front of
// `input`: shared by requests and UDP ASSOCIATE headers.
Parsed<Destination> parseSocksAddress(std::span<const std::uint8_t> input);
// Appends ATYP + address + port. Domains longer than 255 bytes are refused
// with rtk::Error(InvalidArgument).
void appendSocksAddress(std::string& out, const Destination& destination);

// Our answers.
std::string encodeMethodChoice(AuthMethod method);
std::string encodeUserPassStatus(bool ok);
// VER REP RSV ATYP BND.ADDR BND.PORT. `bound` is an IPv6 (or v4-mapped)
// address; failures carry 0.0.0.0:0.
std::string encodeReply(ReplyCode code, const Ip6Address& bound = {}, std::uint16_t port = 0);

}  // namespace rtk::plugins::socks
