#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cstring>

#include "core/link/WsFrameCodec.hpp"
#include "ratatoskr/error.hpp"
#include "support/TestData.hpp"

using rtk::core::Bytes;
using rtk::core::ByteView;
using rtk::core::link::WsFrameCodec;
using Op = WsFrameCodec::Opcode;
using Role = WsFrameCodec::Role;

namespace {

Bytes afterHead(const Bytes& capture) {
  const char* sep = "\r\n\r\n";
  auto it = std::search(capture.begin(), capture.end(), sep, sep + 4);
  return Bytes(it + 4, capture.end());
}

void expectProtocolError(Role role, const Bytes& input, const std::string& needle) {
  WsFrameCodec codec(role);
  Bytes data;
  std::vector<WsFrameCodec::Control> controls;
  try {
    codec.decode(input, data, controls);
  } catch (const rtk::Error& e) {
    CPPUNIT_ASSERT(e.code() == rtk::Errc::Protocol);
    CPPUNIT_ASSERT_MESSAGE(std::string(e.what()) + " lacks " + needle, std::string(e.what()).find(needle) != std::string::npos);
    return;
  }
  CPPUNIT_FAIL("decode should fail with " + needle);
}

}  // namespace

class WsFrameCodecTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WsFrameCodecTest);
  CPPUNIT_TEST(decodesRealServerFramesToTheNodeMetadata);
  CPPUNIT_TEST(decodesRealMaskedClientFramesByteByByte);
  CPPUNIT_TEST(roundTripsEveryLengthEncoding);
  CPPUNIT_TEST(fragmentedMessagesAndInterleavedControls);
  CPPUNIT_TEST(maskingRulesPerRole);
  CPPUNIT_TEST(refusesWhatNoPeerMaySend);
  CPPUNIT_TEST_SUITE_END();

 public:
  void decodesRealServerFramesToTheNodeMetadata() {
    Bytes frames = afterHead(rtk::test::testData("real-ws-server-to-client.bin"));
    WsFrameCodec client(Role::Client);
    Bytes data;
    std::vector<WsFrameCodec::Control> controls;
    client.decode(frames, data, controls);
    CPPUNIT_ASSERT(controls.empty());
    // The listener's first bytes are its metadata: the same as on its tcp listener.
    Bytes meta = rtk::test::testData("real-meta-seed00-prio0.bin");
    CPPUNIT_ASSERT(data.size() > meta.size());
    CPPUNIT_ASSERT(std::equal(meta.begin(), meta.end(), data.begin()));
  }

  void decodesRealMaskedClientFramesByteByByte() {
    Bytes frames = afterHead(rtk::test::testData("real-ws-client-to-server.bin"));
    WsFrameCodec server(Role::Server);
    Bytes data;
    std::vector<WsFrameCodec::Control> controls;
    for (auto b : frames) server.decode(ByteView(&b, 1), data, controls);
    Bytes tcpDialer = rtk::test::testData("real-tcp-dialer-to-listener.bin");
    // The same node dialled over tcp and ws: identical metadata.
    CPPUNIT_ASSERT(std::equal(tcpDialer.begin(), tcpDialer.begin() + 123, data.begin()));
  }

  void roundTripsEveryLengthEncoding() {
    for (Role sender : {Role::Client, Role::Server}) {
      Role receiver = sender == Role::Client ? Role::Server : Role::Client;
      for (std::size_t size : {std::size_t(0), std::size_t(125), std::size_t(126), std::size_t(65535),
                               std::size_t(65536), std::size_t(200000)}) {
        Bytes payload(size);
        for (std::size_t i = 0; i < size; ++i) payload[i] = std::uint8_t(i * 31 + 7);
        Bytes wire;
        WsFrameCodec(sender).encode(wire, Op::Binary, payload);
        std::size_t header = (size < 126 ? 2 : size <= 65535 ? 4 : 10) + (sender == Role::Client ? 4 : 0);
        CPPUNIT_ASSERT_EQUAL(header + size, wire.size());
        WsFrameCodec decoder(receiver);
        Bytes data;
        std::vector<WsFrameCodec::Control> controls;
        decoder.decode(wire, data, controls);
        CPPUNIT_ASSERT(data == payload);
      }
    }
  }

  void fragmentedMessagesAndInterleavedControls() {
    // Binary "ab" (FIN clear), ping "p", continuation "c" (FIN), close 1000.
    Bytes wire = {0x02, 0x02, 'a', 'b', 0x89, 0x01, 'p', 0x80, 0x01, 'c', 0x88, 0x02, 0x03, 0xe8};
    WsFrameCodec client(Role::Client);
    Bytes data;
    std::vector<WsFrameCodec::Control> controls;
    client.decode(wire, data, controls);
    CPPUNIT_ASSERT((data == Bytes{'a', 'b', 'c'}));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), controls.size());
    CPPUNIT_ASSERT(controls[0].opcode == Op::Ping);
    CPPUNIT_ASSERT((controls[0].payload == Bytes{'p'}));
    CPPUNIT_ASSERT(controls[1].opcode == Op::Close);
    CPPUNIT_ASSERT((controls[1].payload == WsFrameCodec::closePayload(1000, "")));
  }

  void maskingRulesPerRole() {
    expectProtocolError(Role::Server, Bytes{0x82, 0x01, 'x'}, "client frame is not masked");
    expectProtocolError(Role::Client, Bytes{0x82, 0x81, 1, 2, 3, 4, 'x'}, "server frame is masked");
    Bytes masked;
    WsFrameCodec(Role::Client).encode(masked, Op::Binary, Bytes{'h', 'i'});
    CPPUNIT_ASSERT(masked[1] & 0x80);
    CPPUNIT_ASSERT_EQUAL(std::size_t(8), masked.size());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t('h' ^ masked[2]), masked[6]);  // XOR with the frame's key
    CPPUNIT_ASSERT_EQUAL(std::uint8_t('i' ^ masked[3]), masked[7]);
    WsFrameCodec server(Role::Server);
    Bytes data;
    std::vector<WsFrameCodec::Control> controls;
    server.decode(masked, data, controls);
    CPPUNIT_ASSERT((data == Bytes{'h', 'i'}));
  }

  void refusesWhatNoPeerMaySend() {
    expectProtocolError(Role::Client, Bytes{0x81, 0x01, 'x'}, "text message");
    expectProtocolError(Role::Client, Bytes{0xc2, 0x00}, "reserved bits");
    expectProtocolError(Role::Client, Bytes{0x09, 0x00}, "fragmented control frame");
    expectProtocolError(Role::Client, Bytes{0x89, 126, 0x00, 0x7e}, "control frame longer than 125 bytes");
    expectProtocolError(Role::Client, Bytes{0x80, 0x00}, "continuation frame outside a message");
    expectProtocolError(Role::Client, Bytes{0x02, 0x00, 0x82, 0x00}, "new message before the previous one ended");
    expectProtocolError(Role::Client, Bytes{0x83, 0x00}, "unknown opcode 3");
    expectProtocolError(Role::Client, Bytes{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}, "top bit set");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WsFrameCodecTest);
