#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>
#include <vector>

#include "ratatoskr/error.hpp"
#include "runtime/ServiceRegistry.hpp"

namespace rtk::host {
namespace {

struct TableV1 {
  std::uint32_t struct_size = sizeof(TableV1);
  int value = 0;
};
struct TableV2 {
  std::uint32_t struct_size = sizeof(TableV2);
  int value = 0;
  int added = 0;  // a minor release appended a field
};

Errc codeOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return Errc::Unknown;
}

}  // namespace

class ServiceRegistryTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ServiceRegistryTest);
  CPPUNIT_TEST(validIds);
  CPPUNIT_TEST(firstProviderIsActive);
  CPPUNIT_TEST(minorVersionBySize);
  CPPUNIT_TEST(rejectsBadRegistrations);
  CPPUNIT_TEST(providersComeAndGoUnderConcurrentReaders);
  CPPUNIT_TEST_SUITE_END();

 public:
  void validIds() {
    CPPUNIT_ASSERT(ServiceRegistry::validId("ratatoskr.network/1"));
    CPPUNIT_ASSERT(ServiceRegistry::validId("my-app_x.y/12"));
    CPPUNIT_ASSERT(!ServiceRegistry::validId("ratatoskr.node"));
    CPPUNIT_ASSERT(!ServiceRegistry::validId("Ratatoskr.node/1"));
    CPPUNIT_ASSERT(!ServiceRegistry::validId("/1"));
    CPPUNIT_ASSERT(!ServiceRegistry::validId("node/"));
    CPPUNIT_ASSERT(!ServiceRegistry::validId("node/1a"));
    CPPUNIT_ASSERT(!ServiceRegistry::validId("a b/1"));
    CPPUNIT_ASSERT(!ServiceRegistry::validId(std::string(130, 'a') + "/1"));
  }

  void firstProviderIsActive() {
    ServiceRegistry r;
    TableV1 a, b;
    r.add("ratatoskr.sigil/1", "first", &a);
    r.add("ratatoskr.sigil/1", "second", &b);
    r.add("other/1", "first", &b);
    CPPUNIT_ASSERT_EQUAL(std::string("first"), r.find("ratatoskr.sigil/1")->provider);
    CPPUNIT_ASSERT(r.get<TableV1>("ratatoskr.sigil/1") == &a);
    auto all = r.findAll("ratatoskr.sigil/1");
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), all.size());
    CPPUNIT_ASSERT_EQUAL(std::string("second"), all[1].provider);
    CPPUNIT_ASSERT(!r.find("missing/1"));
    CPPUNIT_ASSERT(r.lookup("missing/1", 4) == nullptr);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.size());
  }

  void minorVersionBySize() {
    ServiceRegistry r;
    TableV1 old;
    r.add("svc/1", "old", &old);
    CPPUNIT_ASSERT(r.get<TableV1>("svc/1") == &old);
    CPPUNIT_ASSERT_MESSAGE("a client of the newer minor must not get the older table", r.get<TableV2>("svc/1") == nullptr);
    ServiceRegistry r2;
    TableV2 fresh;
    r2.add("svc/1", "new", &fresh);
    CPPUNIT_ASSERT_MESSAGE("an older client can use a newer table", r2.get<TableV1>("svc/1") != nullptr);
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(sizeof(TableV2)), r2.find("svc/1")->size);
  }

  void rejectsBadRegistrations() {
    ServiceRegistry r;
    TableV1 t;
    std::uint32_t tooSmall = 2;
    CPPUNIT_ASSERT(codeOf([&] { r.add("bad id", "p", &t); }) == Errc::InvalidArgument);
    CPPUNIT_ASSERT(codeOf([&] { r.add("svc/1", "p", nullptr); }) == Errc::InvalidArgument);
    CPPUNIT_ASSERT(codeOf([&] { r.add("svc/1", "p", &tooSmall); }) == Errc::InvalidArgument);
    r.add("svc/1", "p", &t);
    CPPUNIT_ASSERT(codeOf([&] { r.add("svc/1", "p", &t); }) == Errc::AlreadyExists);
    try {
      r.add("Svc/1", "plug", &t);
      CPPUNIT_FAIL("accepted");
    } catch (const Error& e) {
      std::string m = e.what();
      CPPUNIT_ASSERT_MESSAGE(m, m.find("\"plug\"") != std::string::npos && m.find("Svc/1") != std::string::npos);
    }
  }

  // Plugins are loaded and unloaded while the host runs: a provider's
  // services come and go while other threads look services up.
  void providersComeAndGoUnderConcurrentReaders() {
    ServiceRegistry r;
    TableV1 t, u;
    t.value = 42;
    u.value = 42;
    r.add("svc/1", "p", &t);
    r.add("svc/2", "p", &t);
    r.add("svc/1", "q", &u);
    CPPUNIT_ASSERT((r.providedBy("p") == std::vector<std::string>{"svc/1", "svc/2"}));
    std::atomic<int> found{0};
    std::atomic<bool> done{false};
    std::vector<std::thread> readers;
    for (int i = 0; i < 4; ++i)
      readers.emplace_back([&] {
        for (int k = 0; k < 1000; ++k)
          if (auto* tab = r.get<TableV1>("svc/1"); tab && tab->value == 42) ++found;
      });
    std::thread churn([&] {
      for (int k = 0; k < 200; ++k) {
        r.add("churn/1", "c", &t);
        r.removeProvider("c");
      }
      done = true;
    });
    for (auto& th : readers) th.join();
    churn.join();
    CPPUNIT_ASSERT(done.load());
    CPPUNIT_ASSERT_EQUAL(4000, found.load());
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.removeProvider("p"));
    CPPUNIT_ASSERT_EQUAL(std::string("q"), r.find("svc/1")->provider);  // the next provider becomes active
    CPPUNIT_ASSERT(!r.find("svc/2"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), r.removeProvider("p"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ServiceRegistryTest);

}  // namespace rtk::host
