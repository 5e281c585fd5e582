#include "protocol/HttpConnectHandshake.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "ratatoskr/net.hpp"

namespace rtk::plugins::socks {

namespace {

bool equalsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y)); });
}

std::string_view trimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 4648 base64 (padding optional); nullopt on any other character.
std::optional<std::string> decodeBase64(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') break;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string httpResponse(const char* status, const std::string& body, const char* extraHeader = nullptr) {
  std::string text = std::string("HTTP/1.1 ") + status + "\r\n";
  if (extraHeader) text += std::string(extraHeader) + "\r\n";
  text += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size() + 1) + "\r\nConnection: close\r\n\r\n" + body + "\n";
  return text;
}

HandshakeStep httpFail(const char* status, std::string why, const char* extraHeader = nullptr) {
  std::string reply = httpResponse(status, why, extraHeader);
  return {HandshakeStep::Kind::Fail, std::move(reply), "http: " + std::string(status) + ": " + why};
}

}  // namespace

std::optional<HttpRequestLine> parseHttpRequestLine(std::string_view line, std::string& why) {
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    why = "the request line is not \"METHOD target HTTP/1.x\"";
    return std::nullopt;
  }
  HttpRequestLine r{std::string(line.substr(0, sp1)), std::string(line.substr(sp1 + 1, sp2 - sp1 - 1)),
                    std::string(line.substr(sp2 + 1))};
  if (r.method.empty() || r.target.empty() || (r.version != "HTTP/1.1" && r.version != "HTTP/1.0")) {
    why = "the request line is not \"METHOD target HTTP/1.x\"";
    return std::nullopt;
  }
  for (char c : r.method + r.target) {
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) == 0x7f) {
      why = "control characters in the request line";
      return std::nullopt;
    }
  }
  return r;
}

std::optional<Destination> parseAuthority(std::string_view authority, std::string& why) {
  auto colon = authority.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == authority.size()) {
    why = "target \"" + std::string(authority) + "\" has no port";
    return std::nullopt;
  }
  std::string_view host = authority.substr(0, colon), portText = authority.substr(colon + 1);
  unsigned long port = 0;
  for (char c : portText) {
    if (c < '0' || c > '9' || portText.size() > 5) {
      why = "target \"" + std::string(authority) + "\": the port is not a number";
      return std::nullopt;
    }
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port == 0 || port > 65535) {
    why = "target \"" + std::string(authority) + "\": port out of range";
    return std::nullopt;
  }
  const auto p = static_cast<std::uint16_t>(port);
  if (!host.empty() && host.front() == '[') {
    if (host.back() != ']') {
      why = "target \"" + std::string(authority) + "\": unterminated '['";
      return std::nullopt;
    }
    auto a = rtk::parseAddress(host.substr(1, host.size() - 2));
    if (!a || host.find('%') != std::string_view::npos) {
      why = "target \"" + std::string(authority) + "\": not an IPv6 literal";
      return std::nullopt;
    }
    return Destination::ipv6(*a, p);
  }
  if (host.empty() || host.size() > 255 || host.find(':') != std::string_view::npos) {
    why = "target \"" + std::string(authority) + "\": bad host (IPv6 needs brackets)";
    return std::nullopt;
  }
  in_addr v4;
  if (::inet_pton(AF_INET, std::string(host).c_str(), &v4) == 1) {
    const auto* b = reinterpret_cast<const std::uint8_t*>(&v4.s_addr);
    return Destination::ipv4({b[0], b[1], b[2], b[3]}, p);
  }
  return Destination::name(std::string(host), p);
}

HandshakeStep HttpConnectHandshake::feed(std::span<const std::uint8_t> bytes) {
  if (done_) return {HandshakeStep::Kind::Fail, {}, "http: bytes after the head was handled"};
  const std::size_t searchFrom = buffer_.size() >= 3 ? buffer_.size() - 3 : 0;
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  auto end = buffer_.find("\r\n\r\n", searchFrom);
  if (end == std::string::npos) {
    if (buffer_.size() > kMaxHeadBytes)
      return httpFail("431 Request Header Fields Too Large", "the request head exceeds " + std::to_string(kMaxHeadBytes) + " bytes");
    return {};
  }
  if (end + 4 > kMaxHeadBytes)
    return httpFail("431 Request Header Fields Too Large", "the request head exceeds " + std::to_string(kMaxHeadBytes) + " bytes");
  std::string head = buffer_.substr(0, end + 2);
  buffer_.erase(0, end + 4);
  done_ = true;
  return parseHead(head);
}

HandshakeStep HttpConnectHandshake::parseHead(std::string_view head) {
  auto lineEnd = head.find("\r\n");
  std::string why;
  auto line = parseHttpRequestLine(head.substr(0, lineEnd), why);
  if (!line) return httpFail("400 Bad Request", why);
  if (line->method != "CONNECT")
    return httpFail("405 Method Not Allowed", "this proxy only serves CONNECT, not " + line->method, "Allow: CONNECT");
  auto destination = parseAuthority(line->target, why);
  if (!destination) return httpFail("400 Bad Request", why);

  std::optional<std::string> credentials;
  std::string_view rest = head.substr(lineEnd + 2);
  while (!rest.empty()) {
    auto eol = rest.find("\r\n");
    std::string_view field = rest.substr(0, eol);
    rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 2);
    auto colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) return httpFail("400 Bad Request", "a header line without a name");
    if (equalsNoCase(field.substr(0, colon), "Proxy-Authorization")) credentials = std::string(trimSpaces(field.substr(colon + 1)));
  }

  if (!users_.empty()) {
    static constexpr const char* kChallenge = "Proxy-Authenticate: Basic realm=\"ratatoskr\"";
    if (!credentials) return httpFail("407 Proxy Authentication Required", "credentials required", kChallenge);
    std::string_view value = *credentials;
    if (value.size() < 6 || !equalsNoCase(value.substr(0, 6), "Basic "))
      return httpFail("407 Proxy Authentication Required", "only Basic credentials are accepted", kChallenge);
    auto decoded = decodeBase64(trimSpaces(value.substr(6)));
    auto sep = decoded ? decoded->find(':') : std::string::npos;
    if (sep == std::string::npos) return httpFail("407 Proxy Authentication Required", "malformed Basic credentials", kChallenge);
    std::string user = decoded->substr(0, sep), password = decoded->substr(sep + 1);
    if (!checkCredentials(users_, user, password))
      return httpFail("407 Proxy Authentication Required", "wrong username or password for \"" + user + "\"", kChallenge);
    user_ = std::move(user);
  }

  request_.command = static_cast<std::uint8_t>(Command::Connect);
  request_.destination = std::move(*destination);
  return {HandshakeStep::Kind::Ready, {}, {}};
}

std::string HttpConnectHandshake::successReply(const Ip6Address&, std::uint16_t) const {
  return "HTTP/1.1 200 Connection established\r\n\r\n";
}

std::string HttpConnectHandshake::failureReply(ReplyCode code, const std::string& why) const {
  if (code == ReplyCode::TtlExpired) return httpResponse("504 Gateway Timeout", why);
  if (code == ReplyCode::NotAllowed) return httpResponse("403 Forbidden", why);
  return httpResponse("502 Bad Gateway", why);
}

}  // namespace rtk::plugins::socks
