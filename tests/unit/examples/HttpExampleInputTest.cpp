// examples/http: what comes from outside — a remote node's peers list and a
// request's key parameter (KeyInput), and request paths (StaticFiles).
#include "KeyInput.hpp"
#include "StaticFiles.hpp"

#include <ratatoskr/error.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <unistd.h>

using namespace rtk::example;

namespace {

// A reply yggdrasil 0.5.12 gave to debug_remoteGetPeers (as the node hands it over).
const std::string kRealPeers =
    "[\"d974c5d50fdd31d08b2ff9a535ea50040d7cd3845ce493519dd89048ae30838d\","
    "\"7651f9ab8faa9b9c9050246756c10df52af0b77c6a5f1822a5541a199176204a\"]";

rtk::Errc errcOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const rtk::Error& e) {
    return e.code();
  }
  return rtk::Errc::Unknown;
}

}  // namespace

class HttpExampleInputTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpExampleInputTest);
  CPPUNIT_TEST(realPeersReplyGivesSortedKeys);
  CPPUNIT_TEST(junkEntriesAreSkippedAndTheCapHolds);
  CPPUNIT_TEST(anythingButAListIsRefused);
  CPPUNIT_TEST(keyParameterIsExactly64Hex);
  CPPUNIT_TEST(staticFilesServeOnlyPlainNamesInTheDirectory);
  CPPUNIT_TEST(wwwWithoutIndexIsAConfigError);
  CPPUNIT_TEST_SUITE_END();

 public:
  void realPeersReplyGivesSortedKeys() {
    const auto keys = parsePeerList(kRealPeers, 1024);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), keys.size());
    CPPUNIT_ASSERT_EQUAL(std::string("7651f9ab8faa9b9c9050246756c10df52af0b77c6a5f1822a5541a199176204a"), keys[0].hex());
    CPPUNIT_ASSERT_EQUAL(std::string("d974c5d50fdd31d08b2ff9a535ea50040d7cd3845ce493519dd89048ae30838d"), keys[1].hex());
  }

  void junkEntriesAreSkippedAndTheCapHolds() {
    const std::string ab(64, 'a'), cd(64, 'c');
    const auto keys = parsePeerList("[\"" + cd + "\",\"short\",7,null,\"" + ab + "\",\"" + ab + "\",\"" +
                                        std::string(63, 'a') + "z\"]",
                                    1024);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), keys.size());
    CPPUNIT_ASSERT_EQUAL(ab, keys[0].hex());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), parsePeerList(kRealPeers, 1).size());
    CPPUNIT_ASSERT(parsePeerList("[]", 8).empty());
  }

  void anythingButAListIsRefused() {
    CPPUNIT_ASSERT(errcOf([] { parsePeerList("{\"peers\":[]}", 8); }) == rtk::Errc::Protocol);
    CPPUNIT_ASSERT(errcOf([] { parsePeerList("[\"abc\"", 8); }) != rtk::Errc::Unknown);
    CPPUNIT_ASSERT(errcOf([] { parsePeerList("", 8); }) != rtk::Errc::Unknown);
    CPPUNIT_ASSERT(errcOf([] { parsePeerList(std::string(2 * 1024 * 1024, ' '), 8); }) == rtk::Errc::MessageTooLarge);
  }

  void keyParameterIsExactly64Hex() {
    const std::string key = "D974C5D50FDD31D08B2FF9A535EA50040D7CD3845CE493519DD89048AE30838D";
    CPPUNIT_ASSERT_EQUAL(std::string("d974c5d50fdd31d08b2ff9a535ea50040d7cd3845ce493519dd89048ae30838d"),
                         parseKeyParameter(key, "key").hex());
    for (const std::string& bad : {std::string(), key.substr(1), key + "0", std::string(63, '0') + "g",
                                  key + ".pk.ygg", std::string(500, 'x')}) {
      try {
        parseKeyParameter(bad, "key");
        CPPUNIT_FAIL("accepted \"" + bad + "\"");
      } catch (const rtk::Error& e) {
        CPPUNIT_ASSERT(e.code() == rtk::Errc::InvalidArgument);
        const std::string message = e.what();
        CPPUNIT_ASSERT_MESSAGE(message, message.find("key: expected a public key of 64 hex digits") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(message, message.size() < 200);
      }
    }
  }

  void staticFilesServeOnlyPlainNamesInTheDirectory() {
    const auto dir = makeDir();
    std::ofstream(dir / "index.html") << "<p>hi</p>";
    std::ofstream(dir / "app.js") << "1;";
    std::ofstream(dir / ".hidden.js") << "secret";
    std::ofstream(dir / "notes.exe") << "x";
    std::filesystem::create_directories(dir / "sub");
    std::ofstream(dir / "sub" / "x.js") << "x";
    std::ofstream(dir.parent_path() / "outside.js") << "x";
    const StaticFiles files(dir);
    const auto index = files.read("/");
    CPPUNIT_ASSERT(index.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("<p>hi</p>"), index->body);
    CPPUNIT_ASSERT_EQUAL(std::string("text/html; charset=utf-8"), index->contentType);
    CPPUNIT_ASSERT_EQUAL(std::string("text/javascript; charset=utf-8"), files.read("/app.js")->contentType);
    for (const char* path : {"", "app.js", "/.hidden.js", "/notes.exe", "/sub/x.js", "/../outside.js", "/sub",
                             "/missing.js", "/APP.JS", "/app.js/"}) {
      CPPUNIT_ASSERT_MESSAGE(path, !files.read(path).has_value());
    }
    std::filesystem::remove_all(dir.parent_path());
  }

  void wwwWithoutIndexIsAConfigError() {
    const auto dir = makeDir();
    CPPUNIT_ASSERT(errcOf([&] { StaticFiles files(dir); }) == rtk::Errc::Config);
    std::filesystem::remove_all(dir.parent_path());
  }

 private:
  static std::filesystem::path makeDir() {
    const auto root = std::filesystem::temp_directory_path() / ("rtk-http-www-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root / "www");
    return root / "www";
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpExampleInputTest);
