#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "common/TempDir.hpp"
#include "core/crypto/Pem.hpp"
#include "ratatoskr/address.hpp"
#include "unit/core/crypto/TestVectors.hpp"
#include "unit/sdk/address/LeadingZeroBits.hpp"

using rtk::Ip6Address;
using namespace rtk::core;
using rtk::test::TempDir;
using rtk::test::leadingZeroBits;
namespace address = rtk::address;

namespace {

struct RunResult {
  int status = -1;
  std::string out;
};

// Runs the real yggdrasil with `args` (no shell metacharacters in them) and
// returns its exit status and stdout.
RunResult runYggdrasil(const std::string& args) {
  std::string cmd = std::string(RTK_YGGDRASIL_EXECUTABLE) + " " + args + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  CPPUNIT_ASSERT_MESSAGE("cannot run " + cmd, p != nullptr);
  RunResult r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string runOk(const std::string& args) {
  auto r = runYggdrasil(args);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(RTK_YGGDRASIL_EXECUTABLE) + " " + args, 0, r.status);
  return r.out;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Ip6Address parseIp6(const std::string& text) {
  Ip6Address a;
  CPPUNIT_ASSERT_EQUAL_MESSAGE("not an IPv6 address: " + text, 1, ::inet_pton(AF_INET6, text.c_str(), a.bytes.data()));
  return a;
}

std::string toJson(const Poco::JSON::Object::Ptr& obj) {
  std::ostringstream os;
  obj->stringify(os, 2);
  return os.str();
}

// Every identity the real node derives from a config must equal ours.
void checkConfig(const TempDir& dir, const std::string& name, const Poco::JSON::Object::Ptr& conf) {
  auto key = crypto::SigningKey::fromHex(conf->getValue<std::string>("PrivateKey"));
  auto confPath = dir.write(name + ".json", toJson(conf));
  const std::string use = "-useconffile " + confPath;

  CPPUNIT_ASSERT_EQUAL(key.publicKey().hex(), trim(runOk(use + " -publickey")));
  CPPUNIT_ASSERT(address::addressForKey(key.publicKey()) == parseIp6(trim(runOk(use + " -address"))));

  auto subnetText = trim(runOk(use + " -subnet"));
  auto slash = subnetText.find('/');
  CPPUNIT_ASSERT(slash != std::string::npos);
  CPPUNIT_ASSERT_EQUAL(std::string("64"), subnetText.substr(slash + 1));
  CPPUNIT_ASSERT(address::subnetForKey(key.publicKey()) == parseIp6(subnetText.substr(0, slash)));

  // What the real node's address and subnet say about its key, and its
  // -publickey as a .pk.ygg name in either case.
  const auto realAddress = parseIp6(trim(runOk(use + " -address")));
  CPPUNIT_ASSERT(address::isValidAddress(realAddress) && !address::isValidSubnet(realAddress));
  CPPUNIT_ASSERT(address::partialKeyForAddress(realAddress).matches(key.publicKey()));
  const auto realSubnet = parseIp6(subnetText.substr(0, slash));
  CPPUNIT_ASSERT(address::isValidSubnet(realSubnet) && !address::isValidAddress(realSubnet));
  CPPUNIT_ASSERT(address::partialKeyForSubnet(realSubnet).matches(key.publicKey()));
  const auto realKeyHex = trim(runOk(use + " -publickey"));
  CPPUNIT_ASSERT_EQUAL(realKeyHex + ".pk.ygg", address::pkYggName(key.publicKey()));
  std::string shouted = realKeyHex + ".PK.YGG.";
  for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CPPUNIT_ASSERT(address::keyFromPkYggName(shouted) == key.publicKey());

  // -exportkey: loadPemPrivateKey reads it back to the same key, and our
  // encoder writes the same text (exportkey adds one empty line).
  auto exported = runOk(use + " -exportkey");
  auto pemPath = dir.write(name + "-exported.pem", exported);
  CPPUNIT_ASSERT(crypto::loadPemPrivateKey(pemPath).secret() == key.secret());
  CPPUNIT_ASSERT_EQUAL(exported, crypto::toPemPrivateKey(key) + "\n");

  // Our PEM as the node's PrivateKeyPath, with PrivateKey removed.
  auto ourPem = dir.write(name + "-ours.pem", crypto::toPemPrivateKey(key));
  Poco::JSON::Object::Ptr viaPath = new Poco::JSON::Object(*conf);
  viaPath->remove("PrivateKey");
  viaPath->set("PrivateKeyPath", ourPem);
  auto pathConf = dir.write(name + "-path.json", toJson(viaPath));
  CPPUNIT_ASSERT_EQUAL(key.publicKey().hex(), trim(runOk("-useconffile " + pathConf + " -publickey")));
  CPPUNIT_ASSERT(address::addressForKey(key.publicKey()) ==
                 parseIp6(trim(runOk("-useconffile " + pathConf + " -address"))));
}

Poco::JSON::Object::Ptr generatedConfig() {
  auto text = runOk("-genconf -json");
  Poco::JSON::Parser parser;
  auto conf = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
  CPPUNIT_ASSERT(conf->has("PrivateKey"));
  return conf;
}

}  // namespace

// Needs the real yggdrasil (0.5.12) binary; no root. Configs are generated by
// the binary during the run.
class IdentityTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(IdentityTest);
  CPPUNIT_TEST(binaryIsTheReference);
  CPPUNIT_TEST(generatedConfigsAgree);
  CPPUNIT_TEST(keysWithLongRunsAgree);
  CPPUNIT_TEST(freshKeysAgree);
  CPPUNIT_TEST_SUITE_END();

 public:
  void binaryIsTheReference() {
    auto version = runOk("-version");
    CPPUNIT_ASSERT_MESSAGE(version, version.find("0.5.") != std::string::npos);
  }

  void generatedConfigsAgree() {
    TempDir dir("identity");
    for (int i = 0; i < 6; ++i) checkConfig(dir, "gen" + std::to_string(i), generatedConfig());
  }

  // Keys whose public key starts with 15 to 25 zero bits (so the NOT the
  // address encodes starts with that many ones), mined once and kept in
  // data/long_run_keys.txt; substituted into configs the binary generates.
  void keysWithLongRunsAgree() {
    TempDir dir("identity");
    int i = 0, longest = 0;
    for (auto& row : rtk::test::readVectors(RTK_ADDRESS_DATA "/long_run_keys.txt")) {
      auto conf = generatedConfig();
      conf->set("PrivateKey", row[0]);
      auto key = crypto::SigningKey::fromHex(row[0]);
      longest = std::max(longest, leadingZeroBits(key.publicKey()));
      checkConfig(dir, "run" + std::to_string(i++), conf);
    }
    CPPUNIT_ASSERT(longest >= 25);
  }

  // Keys we generate ourselves, written as PrivateKey into a generated config.
  void freshKeysAgree() {
    TempDir dir("identity");
    for (int i = 0; i < 4; ++i) {
      auto conf = generatedConfig();
      conf->set("PrivateKey", crypto::SigningKey::generate().hex());
      checkConfig(dir, "ours" + std::to_string(i), conf);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IdentityTest);
