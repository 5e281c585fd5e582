#include "core/link/SocksStream.hpp"

#include <arpa/inet.h>

#include "ratatoskr/error.hpp"

namespace rtk::core::link {
namespace {

constexpr std::uint8_t kVersion = 5;
constexpr std::uint8_t kNoAuth = 0x00, kUserPass = 0x02, kNoAcceptable = 0xff;
constexpr std::uint8_t kConnect = 0x01;
constexpr std::uint8_t kIPv4 = 0x01, kDomain = 0x03, kIPv6 = 0x04;

std::string replyText(std::uint8_t code) {
  switch (code) {
    case 1: return "general SOCKS server failure";
    case 2: return "connection not allowed by ruleset";
    case 3: return "network unreachable";
    case 4: return "host unreachable";
    case 5: return "connection refused";
    case 6: return "TTL expired";
    case 7: return "command not supported";
    case 8: return "address type not supported";
    default: return "unknown code " + std::to_string(code);
  }
}

}  // namespace

SocksStream::SocksStream(std::unique_ptr<Stream> inner, std::string targetHost, std::uint16_t targetPort,
                         std::string user, std::string password)
    : inner_(std::move(inner)),
      targetHost_(std::move(targetHost)),
      targetPort_(targetPort),
      user_(std::move(user)),
      password_(std::move(password)) {}

bool SocksStream::sendAll(IoResult& blocked) {
  while (outPos_ < out_.size()) {
    IoResult r = inner_->write(ByteView(out_).subspan(outPos_));
    if (r.wait != IoWait::None) {
      blocked = r;
      return false;
    }
    outPos_ += r.bytes;
  }
  out_.clear();
  outPos_ = 0;
  return true;
}

bool SocksStream::receive(std::size_t want, IoResult& blocked) {
  while (in_.size() < want) {
    std::uint8_t buf[300];
    std::size_t n = std::min(want - in_.size(), sizeof buf);
    IoResult r = inner_->read(std::span<std::uint8_t>(buf, n));
    if (r.eof) throw Error(Errc::Reset, "socks: proxy closed the connection during negotiation");
    if (r.wait != IoWait::None) {
      blocked = r;
      return false;
    }
    in_.insert(in_.end(), buf, buf + r.bytes);
  }
  return true;
}

IoResult SocksStream::handshake() {
  IoResult blocked;
  for (;;) {
    switch (phase_) {
      case Phase::Inner: {
        IoResult r = inner_->handshake();
        if (r.eof || r.wait != IoWait::None) return r;
        if (user_.empty())
          out_ = {kVersion, 1, kNoAuth};
        else
          out_ = {kVersion, 2, kNoAuth, kUserPass};
        phase_ = Phase::Greeting;
        break;
      }
      case Phase::Greeting:
        if (!sendAll(blocked)) return blocked;
        phase_ = Phase::Method;
        break;
      case Phase::Method: {
        if (!receive(2, blocked)) return blocked;
        if (in_[0] != kVersion) throw Error(Errc::Protocol, "socks: proxy speaks SOCKS version " + std::to_string(in_[0]));
        std::uint8_t method = in_[1];
        in_.clear();
        if (method == kUserPass && !user_.empty()) {
          out_ = {1, static_cast<std::uint8_t>(user_.size())};
          out_.insert(out_.end(), user_.begin(), user_.end());
          out_.push_back(static_cast<std::uint8_t>(password_.size()));
          out_.insert(out_.end(), password_.begin(), password_.end());
          phase_ = Phase::Auth;
        } else if (method == kNoAuth) {
          phase_ = Phase::Connect;
          out_.clear();
        } else if (method == kNoAcceptable) {
          throw Error(Errc::Refused, "socks: proxy accepts none of our authentication methods");
        } else {
          throw Error(Errc::Protocol, "socks: proxy chose authentication method " + std::to_string(method) +
                                          " which we did not offer");
        }
        break;
      }
      case Phase::Auth:
        if (!sendAll(blocked)) return blocked;
        phase_ = Phase::AuthReply;
        break;
      case Phase::AuthReply:
        if (!receive(2, blocked)) return blocked;
        if (in_[1] != 0) throw Error(Errc::Refused, "socks: proxy refused the user name and password");
        in_.clear();
        phase_ = Phase::Connect;
        break;
      case Phase::Connect: {
        if (out_.empty()) {
          out_ = {kVersion, kConnect, 0};
          std::uint8_t addr[16];
          if (inet_pton(AF_INET, targetHost_.c_str(), addr) == 1) {
            out_.push_back(kIPv4);
            out_.insert(out_.end(), addr, addr + 4);
          } else if (inet_pton(AF_INET6, targetHost_.c_str(), addr) == 1) {
            out_.push_back(kIPv6);
            out_.insert(out_.end(), addr, addr + 16);
          } else {
            out_.push_back(kDomain);
            out_.push_back(static_cast<std::uint8_t>(targetHost_.size()));
            out_.insert(out_.end(), targetHost_.begin(), targetHost_.end());
          }
          out_.push_back(static_cast<std::uint8_t>(targetPort_ >> 8));
          out_.push_back(static_cast<std::uint8_t>(targetPort_));
        }
        if (!sendAll(blocked)) return blocked;
        phase_ = Phase::ReplyHead;
        break;
      }
      case Phase::ReplyHead: {
        // VER REP RSV ATYP; the bound address follows.
        if (!receive(4, blocked)) return blocked;
        if (in_[0] != kVersion) throw Error(Errc::Protocol, "socks: malformed CONNECT reply");
        if (in_[1] != 0) {
          Errc code = (in_[1] == 3 || in_[1] == 4) ? Errc::Unreachable : Errc::Refused;
          throw Error(code, "socks: proxy could not connect to " + targetHost_ + ":" + std::to_string(targetPort_) +
                                ": " + replyText(in_[1]));
        }
        if (in_[3] != kIPv4 && in_[3] != kIPv6 && in_[3] != kDomain)
          throw Error(Errc::Protocol, "socks: CONNECT reply has address type " + std::to_string(in_[3]));
        phase_ = Phase::ReplyRest;
        break;
      }
      case Phase::ReplyRest: {
        if (in_[3] == kDomain && !receive(5, blocked)) return blocked;  // the name's length byte
        std::size_t addrBytes = in_[3] == kIPv4 ? 4 : in_[3] == kIPv6 ? 16 : 1u + in_[4];
        if (!receive(4 + addrBytes + 2, blocked)) return blocked;
        in_.clear();
        phase_ = Phase::Done;
        break;
      }
      case Phase::Done:
        return IoResult::done();
    }
  }
}

}  // namespace rtk::core::link
