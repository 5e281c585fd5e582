// Frames captured between real yggdrasil 0.5.12 nodes
// (tests/data/captures/README.md): each direction's raw stream, the 0.5
// handshake stripped, split into frames.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/crypto/Ed25519.hpp"
#include "core/wire/Frame.hpp"

namespace rtk::test {

struct CapturedStream {
  PublicKey handshakeKey;          // the sender's key from its "meta" handshake
  std::vector<core::Bytes> frames;  // type byte first
};

struct Capture {
  std::map<std::string, core::crypto::SigningKey> keys;  // role -> key
  CapturedStream dialerToListener, listenerToDialer;
};

inline core::Bytes readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) CPPUNIT_FAIL("cannot open " + path);
  return core::Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline CapturedStream parseStream(const core::Bytes& raw) {
  CapturedStream s;
  CPPUNIT_ASSERT(raw.size() > 6 && std::string(raw.begin(), raw.begin() + 4) == "meta");
  const std::size_t len = std::size_t(raw[4]) << 8 | raw[5];
  CPPUNIT_ASSERT(raw.size() >= 6 + len && len >= 64);
  // TLVs (uint16 type, uint16 length, value) then a 64-byte signature.
  std::size_t pos = 6;
  const std::size_t tlvEnd = 6 + len - 64;
  bool gotKey = false;
  while (pos + 4 <= tlvEnd) {
    const int type = raw[pos] << 8 | raw[pos + 1];
    const std::size_t vlen = std::size_t(raw[pos + 2]) << 8 | raw[pos + 3];
    pos += 4;
    CPPUNIT_ASSERT(pos + vlen <= tlvEnd);
    if (type == 2 && vlen == 32) {
      std::copy(raw.begin() + pos, raw.begin() + pos + 32, s.handshakeKey.bytes.begin());
      gotKey = true;
    }
    pos += vlen;
  }
  CPPUNIT_ASSERT(gotKey);
  core::wire::FrameSplitter splitter;
  splitter.feed(core::ByteView(raw).subspan(6 + len));
  while (auto f = splitter.next()) s.frames.emplace_back(f->begin(), f->end());
  CPPUNIT_ASSERT_EQUAL(std::size_t(0), splitter.buffered());
  return s;
}

inline Capture loadCapture(const std::string& name) {
  const std::string dir = std::string(RTK_CAPTURES_DIR) + "/" + name + "/";
  Capture c;
  std::ifstream keys(dir + "keys.txt");
  std::string line;
  while (std::getline(keys, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    std::string role, secret, pub;
    ss >> role >> secret >> pub;
    auto k = core::crypto::SigningKey::fromHex(secret);
    CPPUNIT_ASSERT_EQUAL(pub, k.publicKey().hex());
    c.keys.emplace(role, k);
  }
  CPPUNIT_ASSERT(c.keys.count("dialer") && c.keys.count("listener"));
  c.dialerToListener = parseStream(readFile(dir + "dialer_to_listener.bin"));
  c.listenerToDialer = parseStream(readFile(dir + "listener_to_dialer.bin"));
  CPPUNIT_ASSERT(c.dialerToListener.handshakeKey == c.keys.at("dialer").publicKey());
  CPPUNIT_ASSERT(c.listenerToDialer.handshakeKey == c.keys.at("listener").publicKey());
  return c;
}

}  // namespace rtk::test
