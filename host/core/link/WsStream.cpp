#include "core/link/WsStream.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/SHA1Engine.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <sstream>

#include "core/crypto/Ed25519.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::link {
namespace {

using Poco::Net::HTTPMessage;
using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;

std::string base64(const std::uint8_t* data, std::size_t size) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  encoder.close();
  return out.str();
}

// True when the comma-separated header value lists `token` (case-insensitive).
bool hasToken(const std::string& value, const std::string& token) {
  Poco::StringTokenizer tokens(value, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
  return std::any_of(tokens.begin(), tokens.end(), [&](const std::string& t) { return Poco::icompare(t, token) == 0; });
}

// The head of a request or response, as sent on the wire.
template <class Message>
std::string headText(const Message& message) {
  std::ostringstream out;
  message.write(out);
  return out.str();
}

// "HTTP/1.1 101 Switching Protocols" -> 101; -1 unless "HTTP/" and a
// three-digit code follow.
int wsResponseStatus(const std::string& line) {
  const auto space = line.find(' ');
  if (line.compare(0, 5, "HTTP/") != 0 || space == std::string::npos || line.size() < space + 4) return -1;
  int code = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    if (line[i] < '0' || line[i] > '9') return -1;
    code = code * 10 + (line[i] - '0');
  }
  if (line.size() > space + 4 && line[space + 4] != ' ') return -1;
  return code;
}

}  // namespace

WsStream::WsStream(std::unique_ptr<Stream> inner, WsFrameCodec::Role role)
    : inner_(std::move(inner)), role_(role), codec_(role) {}

std::unique_ptr<WsStream> WsStream::client(std::unique_ptr<Stream> inner, std::string hostHeader, std::string path) {
  std::unique_ptr<WsStream> s(new WsStream(std::move(inner), WsFrameCodec::Role::Client));
  s->hostHeader_ = std::move(hostHeader);
  s->path_ = path.empty() ? "/" : std::move(path);
  return s;
}

std::unique_ptr<WsStream> WsStream::server(std::unique_ptr<Stream> inner) {
  return std::unique_ptr<WsStream>(new WsStream(std::move(inner), WsFrameCodec::Role::Server));
}

std::string WsStream::acceptKey(const std::string& key) {
  Poco::SHA1Engine sha1;
  sha1.update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
  const auto& digest = sha1.digest();
  return base64(digest.data(), digest.size());
}

void WsStream::queueFrame(WsFrameCodec::Opcode op, ByteView payload) {
  if (txPos_ == tx_.size()) {
    tx_.clear();
    txPos_ = 0;
  }
  codec_.encode(tx_, op, payload);
}

IoResult WsStream::flush() {
  while (txPos_ < tx_.size()) {
    IoResult r = inner_->write(ByteView(tx_).subspan(txPos_));
    if (r.wait != IoWait::None) return r;
    txPos_ += r.bytes;
  }
  tx_.clear();
  txPos_ = 0;
  return inner_->flush();
}

void WsStream::buildRequest() {
  std::array<std::uint8_t, 16> nonce{};
  crypto::initSodium();
  randombytes_buf(nonce.data(), nonce.size());
  key_ = base64(nonce.data(), nonce.size());
  std::string target;
  Poco::URI::encode(path_, "?#", target);
  HTTPRequest req(HTTPRequest::HTTP_GET, target, HTTPMessage::HTTP_1_1);
  req.setHost(hostHeader_);
  req.set("Upgrade", "websocket");
  req.set("Connection", "Upgrade");
  req.set("Sec-WebSocket-Key", key_);
  req.set("Sec-WebSocket-Version", "13");
  req.set("Sec-WebSocket-Protocol", kSubprotocol);
  std::string text = headText(req);
  tx_.insert(tx_.end(), text.begin(), text.end());
}

bool WsStream::readHead(IoResult& blocked) {
  for (;;) {
    auto end = head_.find("\r\n\r\n");
    if (end != std::string::npos) {
      leftover_.assign(head_.begin() + static_cast<std::ptrdiff_t>(end + 4), head_.end());
      head_.resize(end + 4);
      return true;
    }
    if (head_.size() > kMaxHeadBytes) throw Error(Errc::Protocol, "ws: HTTP head longer than 16 KiB");
    std::array<std::uint8_t, 4096> buf;
    IoResult r = inner_->read(buf);
    if (r.eof) throw Error(Errc::Reset, "ws: connection closed during the HTTP upgrade");
    if (r.wait != IoWait::None) {
      blocked = r;
      return false;
    }
    head_.append(reinterpret_cast<const char*>(buf.data()), r.bytes);
  }
}

void WsStream::answerRequest(const std::string& head) {
  // A plain answer that ends the exchange (health check, refusal).
  auto respond = [&](HTTPResponse::HTTPStatus status, const std::string& body) {
    HTTPResponse resp(HTTPMessage::HTTP_1_1, status);
    resp.setContentType("text/plain; charset=utf-8");
    resp.setContentLength(static_cast<std::streamsize>(body.size()));
    resp.set("Connection", "close");
    if (status == HTTPResponse::HTTP_UPGRADE_REQUIRED) resp.set("Sec-WebSocket-Version", "13");
    return resp;
  };
  auto queue = [&](const HTTPResponse& resp, const std::string& body) {
    std::string text = headText(resp) + body;
    tx_.insert(tx_.end(), text.begin(), text.end());
  };
  auto refuse = [&](HTTPResponse::HTTPStatus status, const std::string& reason) {
    queue(respond(status, reason), reason);
    refusal_ = "ws: refused the upgrade: " + reason;
    phase_ = Phase::Refusing;
  };

  HTTPRequest req;
  try {
    std::istringstream in(head);
    req.read(in);
  } catch (const Poco::Exception& e) {
    refuse(HTTPResponse::HTTP_BAD_REQUEST, "malformed HTTP request (" + e.displayText() + ")");
    return;
  }
  std::string path = req.getURI().substr(0, std::min(req.getURI().find('?'), req.getURI().size()));
  if (req.getMethod() == HTTPRequest::HTTP_GET && (path == "/health" || path == "/healthz")) {
    // link_ws.go's health endpoint, for load balancers in front of a ws listener.
    queue(respond(HTTPResponse::HTTP_OK, "OK"), "OK");
    phase_ = Phase::HealthCheck;
    return;
  }
  if (req.getMethod() != HTTPRequest::HTTP_GET) return refuse(HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method must be GET");
  if (Poco::icompare(req.get("Upgrade", ""), "websocket") != 0 || !hasToken(req.get("Connection", ""), "upgrade"))
    return refuse(HTTPResponse::HTTP_UPGRADE_REQUIRED, "not a WebSocket upgrade request");
  if (req.get("Sec-WebSocket-Version", "") != "13")
    return refuse(HTTPResponse::HTTP_UPGRADE_REQUIRED, "unsupported Sec-WebSocket-Version");
  std::string key = req.get("Sec-WebSocket-Key", "");
  if (key.empty()) return refuse(HTTPResponse::HTTP_BAD_REQUEST, "missing Sec-WebSocket-Key");
  if (!hasToken(req.get("Sec-WebSocket-Protocol", ""), kSubprotocol))
    return refuse(HTTPResponse::HTTP_BAD_REQUEST, "client must speak the ygg-ws subprotocol");

  HTTPResponse resp(HTTPMessage::HTTP_1_1, HTTPResponse::HTTP_SWITCHING_PROTOCOLS);
  resp.set("Upgrade", "websocket");
  resp.set("Connection", "Upgrade");
  resp.set("Sec-WebSocket-Accept", acceptKey(key));
  resp.set("Sec-WebSocket-Protocol", kSubprotocol);
  queue(resp, "");
  phase_ = Phase::SendHead;
}

void WsStream::checkResponse(const std::string& head) {
  // The status is read here, before Poco: Poco keeps it in an enum, which
  // cannot hold every code a server may send (fuzz_link_ws_upgrade: 801).
  const std::string statusLine = head.substr(0, std::min(head.find("\r\n"), std::size_t{120}));
  const int code = wsResponseStatus(statusLine);
  if (code < 0) throw Error(Errc::Protocol, "ws: malformed HTTP response status line");
  if (code != 101)
    throw Error(Errc::Refused, "ws: server answered \"" + statusLine + "\" instead of switching protocols");
  HTTPResponse resp;
  try {
    std::istringstream in(head);
    resp.read(in);
  } catch (const Poco::Exception& e) {
    throw Error(Errc::Protocol, "ws: malformed HTTP response (" + e.displayText() + ")");
  }
  if (Poco::icompare(resp.get("Upgrade", ""), "websocket") != 0)
    throw Error(Errc::Protocol, "ws: server did not upgrade to websocket");
  if (resp.get("Sec-WebSocket-Accept", "") != acceptKey(key_))
    throw Error(Errc::Protocol, "ws: server sent a wrong Sec-WebSocket-Accept");
  if (resp.get("Sec-WebSocket-Protocol", "") != kSubprotocol)
    throw Error(Errc::Protocol, "ws: server did not select the ygg-ws subprotocol");
}

IoResult WsStream::handshake() {
  for (;;) {
    switch (phase_) {
      case Phase::Inner: {
        IoResult r = inner_->handshake();
        if (r.eof || r.wait != IoWait::None) return r;
        if (role_ == WsFrameCodec::Role::Client) buildRequest();
        phase_ = role_ == WsFrameCodec::Role::Client ? Phase::SendHead : Phase::ReadHead;
        break;
      }
      case Phase::SendHead:
      case Phase::Refusing:
      case Phase::HealthCheck: {
        IoResult r = flush();
        if (r.wait != IoWait::None) return r;
        if (phase_ == Phase::Refusing) throw Error(Errc::Protocol, refusal_);
        if (phase_ == Phase::HealthCheck) {
          inner_->shutdown();
          return IoResult::end();
        }
        if (role_ == WsFrameCodec::Role::Client) {
          phase_ = Phase::ReadHead;
          break;
        }
        phase_ = Phase::Open;
        break;
      }
      case Phase::ReadHead: {
        IoResult blocked;
        if (!readHead(blocked)) return blocked;
        if (role_ == WsFrameCodec::Role::Client) {
          checkResponse(head_);
          phase_ = Phase::Open;
        } else {
          answerRequest(head_);  // sets SendHead, Refusing or HealthCheck
        }
        head_.clear();
        break;
      }
      case Phase::Open: {
        if (!leftover_.empty()) {
          std::vector<WsFrameCodec::Control> controls;
          codec_.decode(leftover_, rx_, controls);
          leftover_.clear();
          handleControls(controls);
        }
        return IoResult::done();
      }
    }
  }
}

void WsStream::handleControls(std::vector<WsFrameCodec::Control>& controls) {
  for (auto& c : controls) {
    switch (c.opcode) {
      case WsFrameCodec::Opcode::Ping:
        if (!closeSent_) queueFrame(WsFrameCodec::Opcode::Pong, c.payload);
        break;
      case WsFrameCodec::Opcode::Close:
        closeReceived_ = true;
        if (!closeSent_) {
          // Echo the status code (RFC 6455 section 5.5.1), without the reason.
          ByteView code = ByteView(c.payload).first(std::min<std::size_t>(c.payload.size(), 2));
          queueFrame(WsFrameCodec::Opcode::Close, code.size() == 2 ? code : ByteView());
          closeSent_ = true;
        }
        break;
      default:
        break;  // pong: nothing to do
    }
  }
}

IoResult WsStream::read(std::span<std::uint8_t> buf) {
  for (;;) {
    if (rxPos_ < rx_.size()) {
      std::size_t n = std::min(buf.size(), rx_.size() - rxPos_);
      std::memcpy(buf.data(), rx_.data() + rxPos_, n);
      rxPos_ += n;
      if (rxPos_ == rx_.size()) {
        rx_.clear();
        rxPos_ = 0;
      }
      return IoResult::done(n);
    }
    if (closeReceived_) return IoResult::end();
    std::array<std::uint8_t, 16384> raw;
    IoResult r = inner_->read(raw);
    if (r.eof) return IoResult::end();
    if (r.wait != IoWait::None) return r;
    std::vector<WsFrameCodec::Control> controls;
    codec_.decode(ByteView(raw.data(), r.bytes), rx_, controls);
    handleControls(controls);
  }
}

IoResult WsStream::write(ByteView data) {
  if (data.empty()) return IoResult::done();
  if (closeSent_) throw Error(Errc::Reset, "ws: write after the connection started closing");
  if (txPos_ < tx_.size()) {
    IoResult r = flush();
    if (r.wait != IoWait::None) return r;
  }
  std::size_t n = std::min(data.size(), kMaxMessageBytes);
  queueFrame(WsFrameCodec::Opcode::Binary, data.first(n));
  flush();  // whatever stays buffered goes out on the next flush()
  return IoResult::done(n);
}

void WsStream::shutdown() {
  if (phase_ == Phase::Open && !closeSent_) {
    queueFrame(WsFrameCodec::Opcode::Close, WsFrameCodec::closePayload(1000, ""));
    closeSent_ = true;
    try {
      flush();
    } catch (const Error&) {
      // The socket is closed right after this goodbye; its failure adds nothing
      // to the reason the link is closing for, which the link logs.
    }
  }
  inner_->shutdown();
}

}  // namespace rtk::core::link
