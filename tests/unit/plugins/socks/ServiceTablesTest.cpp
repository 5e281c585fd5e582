#include <cppunit/extensions/HelperMacros.h>

#include "ServiceTables.hpp"
#include "SocksTestSupport.hpp"
#include "ratatoskr/address.hpp"
#include "ratatoskr/services/resolver.hpp"
#include "ratatoskr/services/socks.hpp"

using namespace rtk::plugins::socks;
using namespace rtk::plugins::socks::test;

// The two provided services through their C tables and the SDK's C++
// clients, as another plugin would call them.
class ServiceTablesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ServiceTablesTest);
  CPPUNIT_TEST(resolverServiceAnswersAndKeepsErrorCodes);
  CPPUNIT_TEST(socksServiceSnapshotAndMaxConnections);
  CPPUNIT_TEST_SUITE_END();

 public:
  void resolverServiceAnswersAndKeepsErrorCodes() {
    MappedNetwork network;
    Resolver resolver(network, ResolverSettings{});
    const rtk_resolver_service table = makeResolverTable(resolver);
    rtk::sdk::ResolverClient client(table);
    rtk::PublicKey key;
    key.bytes.fill(0x5a);
    CPPUNIT_ASSERT(rtk::address::addressForKey(key) == client.resolve(rtk::address::pkYggName(key)));
    CPPUNIT_ASSERT(ip6("::ffff:10.0.0.1") == client.resolve("10.0.0.1"));
    for (const auto& [name, code] : {std::pair{std::string(63, 'a') + ".pk.ygg", rtk::Errc::InvalidArgument},
                                     std::pair{std::string("www.test.ygg"), rtk::Errc::NotFound}}) {
      try {
        client.resolve(name);
        CPPUNIT_FAIL("resolved " + name);
      } catch (const rtk::Error& e) {
        CPPUNIT_ASSERT_MESSAGE(e.what(), e.code() == code);
        assertContains(e.what(), name.substr(0, 10));
      }
    }
    resolver.close();
    try {
      client.resolve("www.test.ygg");
      CPPUNIT_FAIL("a closed resolver answered");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Closed);
    }
  }

  void socksServiceSnapshotAndMaxConnections() {
    MappedNetwork network;
    Resolver resolver(network, ResolverSettings{});
    UpstreamDialer dialer(network, resolver, false);
    ProxySettings settings;
    settings.listen.push_back({"127.0.0.1:0", ListenSpec::Protocol::Socks});
    SocksServer server(settings, dialer, rtk::Log());
    SocksState state{server, resolver, {}};
    const rtk_socks_service table = makeSocksTable(state);
    rtk::sdk::SocksClient client(table);
    CPPUNIT_ASSERT(!client.snapshot().get("running").asBool());
    server.start();
    state.running = true;
    client.setMaxConnections(7);
    auto snapshot = client.snapshot();
    CPPUNIT_ASSERT(snapshot.get("running").asBool());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), snapshot.get("max_connections").asUint64());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), snapshot.get("listen").size());
    CPPUNIT_ASSERT(snapshot.get("resolver").contains("lookups"));
    for (std::uint64_t bad : {0ull, 65537ull}) {
      try {
        client.setMaxConnections(bad);
        CPPUNIT_FAIL("accepted MaxConnections " + std::to_string(bad));
      } catch (const rtk::Error& e) {
        CPPUNIT_ASSERT(e.code() == rtk::Errc::InvalidArgument);
      }
    }
    server.stop();
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ServiceTablesTest);
