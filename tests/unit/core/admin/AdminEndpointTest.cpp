#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>

#include "AdminTestUtil.hpp"
#include "core/admin/AdminEndpoint.hpp"
#include "ratatoskr/error.hpp"

using rtk::core::admin::AdminEndpoint;
using rtk::test::TempDir;

namespace {
rtk::Errc parseError(const std::string& a) {
  try {
    AdminEndpoint::parse(a);
  } catch (const rtk::Error& e) {
    return e.code();
  }
  return rtk::Errc::Unknown;
}
rtk::Errc listenError(const std::string& a, std::string* message = nullptr) {
  try {
    auto e = AdminEndpoint::parse(a);
    int fd = e.listen(rtk::Log{});
    ::close(fd);
    e.cleanup();
  } catch (const rtk::Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return rtk::Errc::Unknown;
}
// A Unix socket bound at `path`, listening unless told otherwise; the file
// stays behind when closed (a stale socket).
int bindUnix(const std::string& path, bool listen) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  if (listen) ::listen(fd, 4);
  return fd;
}
}  // namespace

class AdminEndpointTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AdminEndpointTest);
  CPPUNIT_TEST(parsesAddresses);
  CPPUNIT_TEST(rejectsBadAddresses);
  CPPUNIT_TEST(unixSocketIsCreated0660AndRemoved);
  CPPUNIT_TEST(staleSocketIsReplaced);
  CPPUNIT_TEST(liveSocketIsRefused);
  CPPUNIT_TEST(nonSocketIsNeverTouched);
  CPPUNIT_TEST(tcpBindsWhatIsNamed);
  CPPUNIT_TEST_SUITE_END();

 public:
  void parsesAddresses() {
    auto u = AdminEndpoint::parse("unix:///run/x/admin.sock");
    CPPUNIT_ASSERT(u.kind() == AdminEndpoint::Kind::Unix);
    CPPUNIT_ASSERT_EQUAL(std::string("/run/x/admin.sock"), u.path());
    CPPUNIT_ASSERT_EQUAL(std::string("rel.sock"), AdminEndpoint::parse("UNIX://rel.sock").path());
    auto t = AdminEndpoint::parse("tcp://[::1]:9001");
    CPPUNIT_ASSERT(t.kind() == AdminEndpoint::Kind::Tcp);
    CPPUNIT_ASSERT_EQUAL(std::string("::1"), t.host());
    CPPUNIT_ASSERT_EQUAL(std::string("9001"), t.port());
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), AdminEndpoint::parse("tcp://127.0.0.1:9001/").host());
    auto bare = AdminEndpoint::parse("localhost:9001");
    CPPUNIT_ASSERT(bare.kind() == AdminEndpoint::Kind::Tcp);
    CPPUNIT_ASSERT_EQUAL(std::string("localhost"), bare.host());
    CPPUNIT_ASSERT_EQUAL(std::string(""), AdminEndpoint::parse("tcp://:9001").host());
  }

  void rejectsBadAddresses() {
    CPPUNIT_ASSERT(parseError("") == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(parseError("none") == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(parseError("unix://") == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(parseError("unix:///" + std::string(200, 'a')) == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(parseError("http://h:1") == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(parseError("tcp://host") == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(parseError("tcp://host:") == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(parseError("tcp://::1:9001") == rtk::Errc::InvalidArgument);
  }

  void unixSocketIsCreated0660AndRemoved() {
    TempDir dir{"admin"};
    const mode_t old = ::umask(0);  // the socket's own mode must hold even with no umask
    auto e = AdminEndpoint::parse("unix://" + dir.file("admin.sock"));
    int fd = e.listen(rtk::Log{});
    ::umask(old);
    struct stat st{};
    CPPUNIT_ASSERT_EQUAL(0, ::lstat(dir.file("admin.sock").c_str(), &st));
    CPPUNIT_ASSERT(S_ISSOCK(st.st_mode));
    CPPUNIT_ASSERT_EQUAL(0660u, static_cast<unsigned>(st.st_mode & 07777));
    CPPUNIT_ASSERT_EQUAL("unix://" + dir.file("admin.sock"), e.boundAddress());
    CPPUNIT_ASSERT(e.loopbackOnly());
    int c = rtk::test::connectTo(e.boundAddress());
    CPPUNIT_ASSERT(c >= 0);
    ::close(c);
    ::close(fd);
    e.cleanup();
    CPPUNIT_ASSERT(!std::filesystem::exists(dir.file("admin.sock")));
  }

  void staleSocketIsReplaced() {
    TempDir dir{"admin"};
    ::close(bindUnix(dir.file("s"), false));  // left behind by a "crash"
    CPPUNIT_ASSERT(std::filesystem::exists(dir.file("s")));
    CPPUNIT_ASSERT(listenError("unix://" + dir.file("s")) == rtk::Errc::Unknown);
  }

  void liveSocketIsRefused() {
    TempDir dir{"admin"};
    int live = bindUnix(dir.file("s"), true);
    std::string message;
    CPPUNIT_ASSERT(listenError("unix://" + dir.file("s"), &message) == rtk::Errc::AddressInUse);
    CPPUNIT_ASSERT(message.find("in use by another process") != std::string::npos);
    // The other process keeps its socket.
    int c = rtk::test::connectTo("unix://" + dir.file("s"));
    CPPUNIT_ASSERT(c >= 0);
    ::close(c);
    ::close(live);
  }

  void nonSocketIsNeverTouched() {
    TempDir dir{"admin"};
    { std::ofstream(dir.file("f")) << "precious"; }
    CPPUNIT_ASSERT(listenError("unix://" + dir.file("f")) == rtk::Errc::AddressInUse);
    CPPUNIT_ASSERT_EQUAL(std::string("precious"), rtk::test::readFile(dir.file("f")));
  }

  void tcpBindsWhatIsNamed() {
    auto e = AdminEndpoint::parse("tcp://127.0.0.1:0");
    int fd = e.listen(rtk::Log{});
    CPPUNIT_ASSERT(e.boundAddress().rfind("tcp://127.0.0.1:", 0) == 0);
    CPPUNIT_ASSERT(e.boundAddress() != "tcp://127.0.0.1:0");
    CPPUNIT_ASSERT(e.loopbackOnly());
    // The same port again is taken.
    CPPUNIT_ASSERT(listenError(e.boundAddress()) == rtk::Errc::AddressInUse);
    ::close(fd);
    auto any = AdminEndpoint::parse("tcp://0.0.0.0:0");
    int fd2 = any.listen(rtk::Log{});
    CPPUNIT_ASSERT(!any.loopbackOnly());
    ::close(fd2);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminEndpointTest);
