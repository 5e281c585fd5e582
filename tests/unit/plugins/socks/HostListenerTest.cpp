#include <cppunit/extensions/HelperMacros.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <filesystem>

#include "SocksTestSupport.hpp"
#include "common/TempDir.hpp"
#include "server/HostListener.hpp"

using namespace rtk::plugins::socks;
using namespace rtk::plugins::socks::test;
using rtk::Errc;

namespace {

std::pair<Errc, std::string> refusal(const std::string& address) {
  try {
    HostListener::open(address);
  } catch (const rtk::Error& e) {
    return {e.code(), e.what()};
  }
  CPPUNIT_FAIL("opened " + address);
  return {};
}

mode_t modeOf(const std::string& path) {
  struct stat st {};
  ::lstat(path.c_str(), &st);
  return st.st_mode;
}

}  // namespace

// TCP forms, and the Unix socket rules (safe directory, 0600, stale and live
// sockets, symlinks), on real sockets.
class HostListenerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HostListenerTest);
  CPPUNIT_TEST(tcpOnLoopbackWithAnEphemeralPort);
  CPPUNIT_TEST(tcpFormsRefused);
  CPPUNIT_TEST(unixSocketIsPrivateAndRemovedOnClose);
  CPPUNIT_TEST(unsafeDirectoriesAreRefused);
  CPPUNIT_TEST(staleSocketIsReplacedLiveOneRefused);
  CPPUNIT_TEST(symlinksAndFilesAreNeverRemoved);
  CPPUNIT_TEST_SUITE_END();

 public:
  void tcpOnLoopbackWithAnEphemeralPort() {
    HostListener l = HostListener::open("127.0.0.1:0");
    CPPUNIT_ASSERT(l.fd() >= 0);
    CPPUNIT_ASSERT(!l.isUnix());
    CPPUNIT_ASSERT(l.boundAddress().rfind("127.0.0.1:", 0) == 0);
    CPPUNIT_ASSERT(l.boundAddress() != "127.0.0.1:0");
    HostListener v6 = HostListener::open("[::1]:0");
    CPPUNIT_ASSERT(v6.boundAddress().rfind("[::1]:", 0) == 0);
    // The same port twice: AddressInUse naming it.
    auto taken = refusal(l.boundAddress());
    CPPUNIT_ASSERT(taken.first == Errc::AddressInUse);
    assertContains(taken.second, l.boundAddress());
  }

  void tcpFormsRefused() {
    assertContains(refusal(":1080").second, "no host");
    assertContains(refusal("localhost").second, "host:port");
    assertContains(refusal("example.com:1080").second, "IP literal");
    assertContains(refusal("127.0.0.1:99999").second, "out of range");
    assertContains(refusal("[::1:1080").second, "'['");
  }

  void unixSocketIsPrivateAndRemovedOnClose() {
    rtk::test::TempDir dir("socks-unix");
    const std::string path = dir.file("socks.sock");
    {
      HostListener l = HostListener::open(path);
      CPPUNIT_ASSERT(l.isUnix());
      CPPUNIT_ASSERT(S_ISSOCK(modeOf(path)));
      CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(modeOf(path) & 0777));
    }
    CPPUNIT_ASSERT(!std::filesystem::exists(path));
  }

  void unsafeDirectoriesAreRefused() {
    rtk::test::TempDir dir("socks-unix");
    const std::string open = dir.file("open");
    std::filesystem::create_directory(open);
    ::chmod(open.c_str(), 0755);
    assertContains(refusal(open + "/s.sock").second, "open to group or others");
    const std::string link = dir.file("link");
    std::filesystem::create_directory_symlink(dir.path(), link);
    assertContains(refusal(link + "/s.sock").second, "symlink");
    assertContains(refusal(dir.file("missing") + "/s.sock").second, "directory");
  }

  void staleSocketIsReplacedLiveOneRefused() {
    rtk::test::TempDir dir("socks-unix");
    const std::string path = dir.file("socks.sock");
    {
      // A socket file left behind by a process that died: bound, never removed.
      int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
      sockaddr_un sun{};
      sun.sun_family = AF_UNIX;
      std::strcpy(sun.sun_path, path.c_str());
      CPPUNIT_ASSERT_EQUAL(0, ::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun));
      ::close(fd);
    }
    CPPUNIT_ASSERT(std::filesystem::exists(path));
    HostListener l = HostListener::open(path);
    CPPUNIT_ASSERT(l.isUnix());
    auto live = refusal(path);
    CPPUNIT_ASSERT(live.first == Errc::AddressInUse);
    assertContains(live.second, "already listening");
    CPPUNIT_ASSERT(std::filesystem::exists(path));
  }

  void symlinksAndFilesAreNeverRemoved() {
    rtk::test::TempDir dir("socks-unix");
    const std::string file = dir.write("plain", "data");
    assertContains(refusal(file).second, "not a socket");
    CPPUNIT_ASSERT(std::filesystem::exists(file));
    const std::string link = dir.file("link.sock");
    std::filesystem::create_symlink(file, link);
    assertContains(refusal(link).second, "symlink");
    CPPUNIT_ASSERT(std::filesystem::is_symlink(link));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostListenerTest);
