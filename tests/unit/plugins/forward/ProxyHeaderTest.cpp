#include <cppunit/extensions/HelperMacros.h>

#include "ProxyHeader.hpp"

namespace rtk::plugins::forward {

class ProxyHeaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProxyHeaderTest);
  CPPUNIT_TEST(streamHeaderWithKey);
  CPPUNIT_TEST(datagramHeaderWithoutKey);
  CPPUNIT_TEST_SUITE_END();

 public:
  void streamHeaderWithKey() {
    Endpoint source = parseEndpoint("[200:6fa0:50a6:cdd1:8125:b9fd:f240:14e0]:54376");
    Endpoint destination = parseEndpoint("[203:e157:e817:790d:761e:9e85:d733:fd32]:8080");
    PublicKey key = *PublicKey::fromHex("c82fd7ac99173f6d230106dff58fa66fade4e0415f590370cdc938f4d074c01e");
    auto bytes = encodeProxyV2(source, destination, true, key);
    // Written out by hand from HAProxy's proxy-protocol.txt, section 2.2.
    const std::vector<std::uint8_t> expected = {
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,  // signature
        0x21,                                                                    // version 2, PROXY
        0x21,                                                                    // AF_INET6, STREAM
        0x00, 0x47,                                                              // 36 + 35 bytes follow
        0x02, 0x00, 0x6f, 0xa0, 0x50, 0xa6, 0xcd, 0xd1, 0x81, 0x25, 0xb9, 0xfd, 0xf2, 0x40, 0x14, 0xe0,  // source
        0x02, 0x03, 0xe1, 0x57, 0xe8, 0x17, 0x79, 0x0d, 0x76, 0x1e, 0x9e, 0x85, 0xd7, 0x33, 0xfd, 0x32,  // destination
        0xd4, 0x68,                                                              // 54376
        0x1f, 0x90,                                                              // 8080
        0xE0, 0x00, 0x20,                                                        // TLV 0xE0, 32 bytes
        0xc8, 0x2f, 0xd7, 0xac, 0x99, 0x17, 0x3f, 0x6d, 0x23, 0x01, 0x06, 0xdf, 0xf5, 0x8f, 0xa6, 0x6f,
        0xad, 0xe4, 0xe0, 0x41, 0x5f, 0x59, 0x03, 0x70, 0xcd, 0xc9, 0x38, 0xf4, 0xd0, 0x74, 0xc0, 0x1e};
    CPPUNIT_ASSERT_EQUAL(expected.size(), bytes.size());
    CPPUNIT_ASSERT(expected == bytes);
  }

  void datagramHeaderWithoutKey() {
    Endpoint source = parseEndpoint("[300:1::5]:53");
    Endpoint destination = parseEndpoint("[200::1]:5353");
    auto bytes = encodeProxyV2(source, destination, false, std::nullopt);
    CPPUNIT_ASSERT_EQUAL(std::size_t(16 + 36), bytes.size());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0x22), bytes[13]);                   // AF_INET6, DGRAM
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), bytes[14]);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(36), bytes[15]);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0x03), bytes[16]);                   // 300:1::5
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0x01), bytes[19]);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0x05), bytes[31]);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0x00), bytes[48]);                   // port 53
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(53), bytes[49]);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0x14), bytes[50]);                   // port 5353
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0xe9), bytes[51]);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProxyHeaderTest);

}  // namespace rtk::plugins::forward
