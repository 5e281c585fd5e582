#include "protocol/SocksHandshake.hpp"

namespace rtk::plugins::socks {

namespace {

std::span<const std::uint8_t> bytesOf(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

HandshakeStep failStep(std::string why, std::string reply = {}) {
  return {HandshakeStep::Kind::Fail, std::move(reply), std::move(why)};
}

}  // namespace

HandshakeStep SocksHandshake::feed(std::span<const std::uint8_t> bytes) {
  if (stage_ == Stage::Done) return failStep("bytes after the handshake ended");
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return step();
}

HandshakeStep SocksHandshake::step() {
  std::string reply;
  for (;;) {
    switch (stage_) {
      case Stage::Greeting: {
        auto g = parseGreeting(bytesOf(buffer_));
        if (g.status == ParseStatus::Incomplete) return {HandshakeStep::Kind::NeedMore, std::move(reply), {}};
        if (g.status == ParseStatus::Invalid) return failStep("greeting: " + g.error);
        buffer_.erase(0, g.consumed);
        const AuthMethod want = users_.empty() ? AuthMethod::None : AuthMethod::UserPass;
        if (!g.value.offers(want)) {
          return failStep(users_.empty() ? "greeting: the client does not offer \"no authentication\""
                                         : "greeting: the client does not offer username/password authentication",
                          encodeMethodChoice(AuthMethod::NoAcceptable));
        }
        reply += encodeMethodChoice(want);
        stage_ = want == AuthMethod::UserPass ? Stage::Auth : Stage::Request;
        break;
      }
      case Stage::Auth: {
        auto a = parseUserPass(bytesOf(buffer_));
        if (a.status == ParseStatus::Incomplete) return {HandshakeStep::Kind::NeedMore, std::move(reply), {}};
        if (a.status == ParseStatus::Invalid) return failStep("authentication: " + a.error, reply);
        buffer_.erase(0, a.consumed);
        if (!checkCredentials(users_, a.value.user, a.value.password))
          return failStep("authentication: wrong username or password for \"" + a.value.user + "\"",
                          reply + encodeUserPassStatus(false));
        user_ = a.value.user;
        reply += encodeUserPassStatus(true);
        stage_ = Stage::Request;
        break;
      }
      case Stage::Request: {
        auto r = parseRequest(bytesOf(buffer_));
        if (r.status == ParseStatus::Incomplete) return {HandshakeStep::Kind::NeedMore, std::move(reply), {}};
        if (r.status == ParseStatus::Invalid) {
          // A wrong version or reserved byte has no reply code: just close.
          bool coded = r.reply != ReplyCode::GeneralFailure;
          return failStep(r.error, coded ? reply + encodeReply(r.reply) : reply);
        }
        buffer_.erase(0, r.consumed);
        request_ = std::move(r.value);
        const auto cmd = request_.command;
        if (cmd != static_cast<std::uint8_t>(Command::Connect) && cmd != static_cast<std::uint8_t>(Command::UdpAssociate)) {
          std::string name = cmd == static_cast<std::uint8_t>(Command::Bind) ? "BIND" : "command " + std::to_string(cmd);
          return failStep("request: " + name + " is not supported", reply + encodeReply(ReplyCode::CommandNotSupported));
        }
        stage_ = Stage::Done;
        return {HandshakeStep::Kind::Ready, std::move(reply), {}};
      }
      case Stage::Done: return {HandshakeStep::Kind::Ready, std::move(reply), {}};
    }
  }
}

std::string SocksHandshake::successReply(const Ip6Address& bound, std::uint16_t port) const {
  return encodeReply(ReplyCode::Succeeded, bound, port);
}

std::string SocksHandshake::failureReply(ReplyCode code, const std::string&) const { return encodeReply(code); }

}  // namespace rtk::plugins::socks
