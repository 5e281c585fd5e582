#include <cppunit/extensions/HelperMacros.h>

#include <memory>
#include <string>

#include "core/link/VersionMetadata.hpp"
#include "core/link/WsStream.hpp"
#include "ratatoskr/error.hpp"
#include "support/MemoryStream.hpp"
#include "support/TestData.hpp"

using rtk::core::Bytes;
using rtk::core::ByteView;
using rtk::core::link::IoResult;
using rtk::core::link::IoWait;
using rtk::core::link::VersionMetadata;
using rtk::core::link::WsStream;
using rtk::test::MemoryStream;

namespace {

std::string text(const Bytes& b) { return std::string(b.begin(), b.end()); }

Bytes bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

// Reads everything the stream can give right now.
Bytes drain(WsStream& s) {
  Bytes out;
  std::uint8_t buf[1000];
  for (;;) {
    IoResult r = s.read(buf);
    if (r.bytes == 0) break;
    out.insert(out.end(), buf, buf + r.bytes);
  }
  return out;
}

}  // namespace

class WsStreamTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WsStreamTest);
  CPPUNIT_TEST(acceptKeyMatchesTheRealServer);
  CPPUNIT_TEST(serverUpgradesTheRealGoClient);
  CPPUNIT_TEST(clientRejectsAWrongAcceptKey);
  CPPUNIT_TEST(clientAndServerTalk);
  CPPUNIT_TEST(healthEndpointsAnswerOk);
  CPPUNIT_TEST(serverRefusesWithoutTheSubprotocol);
  CPPUNIT_TEST(serverRefusesGarbage);
  CPPUNIT_TEST(headLimitIsEnforced);
  CPPUNIT_TEST_SUITE_END();

 public:
  void acceptKeyMatchesTheRealServer() {
    // From the capture: the Go client's key and the Go server's answer.
    CPPUNIT_ASSERT_EQUAL(std::string("F2k4gZp+OVOju4iFMDPKa+TKrMs="), WsStream::acceptKey("QcfzEfhtqljxBnnKB3J8sA=="));
    CPPUNIT_ASSERT_EQUAL(std::string("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), WsStream::acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
  }

  void serverUpgradesTheRealGoClient() {
    auto inner = std::make_unique<MemoryStream>();
    MemoryStream* mem = inner.get();
    mem->input = rtk::test::testData("real-ws-client-to-server.bin");
    auto server = WsStream::server(std::move(inner));
    IoResult r = server->handshake();
    CPPUNIT_ASSERT(!r.eof && r.wait == IoWait::None);
    std::string answer = text(mem->output);
    CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0);
    CPPUNIT_ASSERT(answer.find("Sec-WebSocket-Accept: F2k4gZp+OVOju4iFMDPKa+TKrMs=\r\n") != std::string::npos);
    CPPUNIT_ASSERT(answer.find("Sec-WebSocket-Protocol: ygg-ws\r\n") != std::string::npos);
    Bytes data = drain(*server);
    std::size_t n = VersionMetadata::messageBytes(ByteView(data).first(6));
    auto meta = VersionMetadata::decode(ByteView(data).first(n), "");
    CPPUNIT_ASSERT(meta.compatible());
  }

  void clientRejectsAWrongAcceptKey() {
    auto inner = std::make_unique<MemoryStream>();
    MemoryStream* mem = inner.get();
    auto client = WsStream::client(std::move(inner), "127.0.0.1:39202", "/");
    CPPUNIT_ASSERT(client->handshake().wait == IoWait::Read);
    std::string request = text(mem->output);
    CPPUNIT_ASSERT(request.rfind("GET / HTTP/1.1\r\n", 0) == 0);
    CPPUNIT_ASSERT(request.find("Host: 127.0.0.1:39202\r\n") != std::string::npos);
    CPPUNIT_ASSERT(request.find("Sec-WebSocket-Protocol: ygg-ws\r\n") != std::string::npos);
    CPPUNIT_ASSERT(request.find("Sec-WebSocket-Version: 13\r\n") != std::string::npos);
    // The captured answer was for another key.
    mem->input = rtk::test::testData("real-ws-server-to-client.bin");
    try {
      client->handshake();
      CPPUNIT_FAIL("a foreign Sec-WebSocket-Accept must be refused");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(std::string(e.what()).find("wrong Sec-WebSocket-Accept") != std::string::npos);
    }
  }

  void clientAndServerTalk() {
    auto ci = std::make_unique<MemoryStream>();
    auto si = std::make_unique<MemoryStream>();
    MemoryStream *cm = ci.get(), *sm = si.get();
    auto client = WsStream::client(std::move(ci), "peer.example", "/ygg");
    auto server = WsStream::server(std::move(si));
    auto pump = [&] {
      sm->input.insert(sm->input.end(), cm->output.begin(), cm->output.end());
      cm->output.clear();
      cm->input.insert(cm->input.end(), sm->output.begin(), sm->output.end());
      sm->output.clear();
    };
    CPPUNIT_ASSERT(client->handshake().wait == IoWait::Read);
    pump();
    CPPUNIT_ASSERT(server->handshake().wait == IoWait::None);
    pump();
    CPPUNIT_ASSERT(client->handshake().wait == IoWait::None);

    Bytes big(150000);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = std::uint8_t(i);
    std::size_t sent = 0;
    while (sent < big.size()) sent += client->write(ByteView(big).subspan(sent)).bytes;
    CPPUNIT_ASSERT(client->flush().wait == IoWait::None);
    pump();
    CPPUNIT_ASSERT(drain(*server) == big);

    CPPUNIT_ASSERT_EQUAL(std::size_t(5), server->write(bytes("hello")).bytes);
    pump();
    CPPUNIT_ASSERT(drain(*client) == bytes("hello"));

    // A ping gets a pong; a close is echoed and ends the stream.
    rtk::core::link::WsFrameCodec serverCodec(rtk::core::link::WsFrameCodec::Role::Server);
    serverCodec.encode(cm->input, rtk::core::link::WsFrameCodec::Opcode::Ping, bytes("p"));
    std::uint8_t buf[16];
    CPPUNIT_ASSERT(client->read(buf).wait == IoWait::Read);
    CPPUNIT_ASSERT(client->flush().wait == IoWait::None);
    pump();
    Bytes none;
    std::vector<rtk::core::link::WsFrameCodec::Control> controls;
    serverCodec.decode(sm->input, none, controls);
    sm->input.clear();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), controls.size());
    CPPUNIT_ASSERT(controls[0].opcode == rtk::core::link::WsFrameCodec::Opcode::Pong);
    CPPUNIT_ASSERT(controls[0].payload == bytes("p"));

    client->shutdown();
    CPPUNIT_ASSERT(cm->shutDown);
    pump();
    CPPUNIT_ASSERT(server->read(buf).eof);
    CPPUNIT_ASSERT(server->flush().wait == IoWait::None);
    pump();
    // The server echoed the close; the client sees the end of the stream.
    CPPUNIT_ASSERT(client->read(buf).eof);
  }

  void healthEndpointsAnswerOk() {
    for (std::string path : {"/health", "/healthz", "/healthz?probe=1"}) {
      auto inner = std::make_unique<MemoryStream>();
      MemoryStream* mem = inner.get();
      mem->input = bytes("GET " + path + " HTTP/1.1\r\nHost: node\r\n\r\n");
      auto server = WsStream::server(std::move(inner));
      CPPUNIT_ASSERT(server->handshake().eof);
      std::string answer = text(mem->output);
      CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
      CPPUNIT_ASSERT(answer.size() >= 2 && answer.substr(answer.size() - 2) == "OK");
      CPPUNIT_ASSERT(answer.find("Content-Length: 2\r\n") != std::string::npos);
    }
  }

  void serverRefusesWithoutTheSubprotocol() {
    auto inner = std::make_unique<MemoryStream>();
    MemoryStream* mem = inner.get();
    mem->input = bytes(
        "GET / HTTP/1.1\r\nHost: node\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    auto server = WsStream::server(std::move(inner));
    try {
      server->handshake();
      CPPUNIT_FAIL("an upgrade without ygg-ws must be refused");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Protocol);
      CPPUNIT_ASSERT(std::string(e.what()).find("client must speak the ygg-ws subprotocol") != std::string::npos);
    }
    CPPUNIT_ASSERT(text(mem->output).rfind("HTTP/1.1 400", 0) == 0);
  }

  void serverRefusesGarbage() {
    auto inner = std::make_unique<MemoryStream>();
    MemoryStream* mem = inner.get();
    mem->input = bytes("meta this is not HTTP\r\n\r\n");
    auto server = WsStream::server(std::move(inner));
    CPPUNIT_ASSERT_THROW(server->handshake(), rtk::Error);
    CPPUNIT_ASSERT(text(mem->output).rfind("HTTP/1.1 4", 0) == 0);
  }

  void headLimitIsEnforced() {
    auto inner = std::make_unique<MemoryStream>();
    inner->input = bytes("GET / HTTP/1.1\r\nX: " + std::string(20000, 'a'));
    auto server = WsStream::server(std::move(inner));
    try {
      server->handshake();
      CPPUNIT_FAIL("an endless head must be refused");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(std::string(e.what()).find("longer than 16 KiB") != std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WsStreamTest);
