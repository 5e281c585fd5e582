// examples/tiny-chat: the bytes on the wire (ChatCodec) and the WHO forms
// a user types (ChatTarget).
#include "ChatCodec.hpp"
#include "ChatTarget.hpp"

#include <ratatoskr/address.hpp>
#include <ratatoskr/error.hpp>
#include <ratatoskr/net.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <string>

using tinychat::ChatDecoder;

namespace {

// Feeds `wire` one byte at a time (the worst split) and returns the text.
std::string decodeBytewise(const std::string& wire, ChatDecoder& decoder) {
  std::string text;
  for (char c : wire) decoder.feed(std::string_view(&c, 1), text);
  return text;
}

}  // namespace

class TinyChatCodecTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TinyChatCodecTest);
  CPPUNIT_TEST(plainTextPassesUntouched);
  CPPUNIT_TEST(controlBytesInTextAreEscaped);
  CPPUNIT_TEST(eotThenAckInEitherOrder);
  CPPUNIT_TEST(textAfterEotAndRepeatsAreProtocolErrors);
  CPPUNIT_TEST(whoFormsBecomeDialAddresses);
  CPPUNIT_TEST_SUITE_END();

 public:
  void plainTextPassesUntouched() {
    const std::string text = "hello\nzażółć gęślą jaźń\n\r\t\x7f\xff\n";
    CPPUNIT_ASSERT_EQUAL(text, tinychat::encodeText(text));
    ChatDecoder d;
    CPPUNIT_ASSERT_EQUAL(text, decodeBytewise(text, d));
    CPPUNIT_ASSERT(!d.endOfText() && !d.allReceived() && !d.midEscape());
  }

  void controlBytesInTextAreEscaped() {
    const std::string text("a\x04" "b\x06" "c\x10" "d", 7);
    const std::string wire = tinychat::encodeText(text);
    CPPUNIT_ASSERT_EQUAL(std::string("a\x10\x04" "b\x10\x06" "c\x10\x10" "d", 10), wire);
    ChatDecoder d;
    CPPUNIT_ASSERT_EQUAL(text, decodeBytewise(wire + "\x04", d));
    CPPUNIT_ASSERT(d.endOfText());
    CPPUNIT_ASSERT(!d.allReceived());
    ChatDecoder half;
    std::string got;
    half.feed("x\x10", got);  // an escape split from its byte
    CPPUNIT_ASSERT(half.midEscape());
    half.feed("\x04", got);
    CPPUNIT_ASSERT_EQUAL(std::string("x\x04"), got);
    CPPUNIT_ASSERT(!half.endOfText());
  }

  void eotThenAckInEitherOrder() {
    ChatDecoder first;
    CPPUNIT_ASSERT_EQUAL(std::string("hi\n"), decodeBytewise("hi\n\x04\x06", first));
    CPPUNIT_ASSERT(first.endOfText() && first.allReceived());
    ChatDecoder second;  // the peer acknowledged our text before ending its own
    CPPUNIT_ASSERT_EQUAL(std::string("a\nb\n"), decodeBytewise("a\n\x06" "b\n\x04", second));
    CPPUNIT_ASSERT(second.endOfText() && second.allReceived());
  }

  void textAfterEotAndRepeatsAreProtocolErrors() {
    for (const std::string wire : {"a\x04" "b", "\x04\x04", "\x06\x06", "\x04\x10"}) {
      ChatDecoder d;
      std::string text;
      try {
        d.feed(wire, text);
        CPPUNIT_FAIL("accepted " + wire);
      } catch (const rtk::Error& e) {
        CPPUNIT_ASSERT(e.code() == rtk::Errc::Protocol);
      }
    }
  }

  void whoFormsBecomeDialAddresses() {
    const std::string keyHex = "000000000000000000000000000000000000000000000000000000000000ffff";
    const auto key = *rtk::PublicKey::fromHex(keyHex);
    const std::string expected = "[" + rtk::formatAddress(rtk::address::addressForKey(key)) + "]:7777";
    CPPUNIT_ASSERT_EQUAL(expected, tinychat::dialAddress(keyHex + ".pk.ygg", 7777));
    CPPUNIT_ASSERT_EQUAL(expected, tinychat::dialAddress(keyHex, 7777));
    CPPUNIT_ASSERT_EQUAL(std::string("[200:1234::1]:80"), tinychat::dialAddress("200:1234::1", 80));
    CPPUNIT_ASSERT_EQUAL(std::string("[300:1234::1]:80"), tinychat::dialAddress("300:1234::1", 80));
    for (const std::string bad : {"", "fd00::1", "10.0.0.1", "example.com", "abcd.pk.ygg", "[200::1]:80"}) {
      try {
        tinychat::dialAddress(bad, 1);
        CPPUNIT_FAIL("accepted " + bad);
      } catch (const rtk::Error& e) {
        CPPUNIT_ASSERT(e.code() == rtk::Errc::InvalidArgument);
        CPPUNIT_ASSERT(std::string(e.what()).find(bad.substr(0, 4)) != std::string::npos);
      }
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TinyChatCodecTest);
