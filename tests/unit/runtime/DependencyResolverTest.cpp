#include <cppunit/extensions/HelperMacros.h>

#include "runtime/DependencyResolver.hpp"

namespace rtk::host {
namespace {

DependencyNode node(std::string name, std::vector<std::string> provides, std::vector<std::string> requires_,
                    std::vector<std::string> optional = {}) {
  return DependencyNode{std::move(name), std::move(provides), std::move(requires_), std::move(optional)};
}

const std::map<std::string, std::string> kHost{{"ratatoskr.network/1", "core"}};

std::size_t indexOf(const std::vector<std::string>& v, const std::string& s) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] == s) return i;
  CPPUNIT_FAIL(s + " not in the order");
  return 0;
}

}  // namespace

class DependencyResolverTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DependencyResolverTest);
  CPPUNIT_TEST(ordersProvidersFirst);
  CPPUNIT_TEST(keepsInputOrderForIndependents);
  CPPUNIT_TEST(missingProviderIsNamed);
  CPPUNIT_TEST(missingProviderMentionsDisabledPlugin);
  CPPUNIT_TEST(dependentsOfRefusedAreRefused);
  CPPUNIT_TEST(cycleIsRefusedWithItsPath);
  CPPUNIT_TEST(cycleLeavesOthersRunning);
  CPPUNIT_TEST(selfProvidedRequirementIsNoCycle);
  CPPUNIT_TEST(multipleProvidersAllComeFirst);
  CPPUNIT_TEST(optionalProviderComesFirstWhenPresent);
  CPPUNIT_TEST(optionalServiceMissingRefusesNothing);
  CPPUNIT_TEST(optionalEdgeClosingACycleIsDropped);
  CPPUNIT_TEST_SUITE_END();

 public:
  void ordersProvidersFirst() {
    // Given in reverse: web needs socks, socks needs the node and resolver.
    auto r = DependencyResolver::resolve({node("web", {}, {"ratatoskr.socks/1"}),
                                          node("socks", {"ratatoskr.socks/1"}, {"ratatoskr.network/1", "ratatoskr.resolver/1"}),
                                          node("resolver", {"ratatoskr.resolver/1"}, {"ratatoskr.network/1"})},
                                         kHost);
    CPPUNIT_ASSERT(r.refused.empty());
    std::vector<std::string> expected{"resolver", "socks", "web"};
    CPPUNIT_ASSERT(r.order == expected);
    // Stopping walks this backwards: web before socks before resolver.
  }

  void keepsInputOrderForIndependents() {
    auto r = DependencyResolver::resolve({node("b", {}, {}), node("a", {}, {}), node("c", {}, {"ratatoskr.network/1"})}, kHost);
    std::vector<std::string> expected{"b", "a", "c"};
    CPPUNIT_ASSERT(r.order == expected);
  }

  void missingProviderIsNamed() {
    auto r = DependencyResolver::resolve({node("web", {}, {"ratatoskr.socks/1"}), node("ok", {}, {})}, kHost);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.refused.size());
    CPPUNIT_ASSERT_EQUAL(std::string("\"web\" requires \"ratatoskr.socks/1\", which no enabled plugin provides"),
                         r.refused.at("web"));
    CPPUNIT_ASSERT(r.order == std::vector<std::string>{"ok"});
  }

  void missingProviderMentionsDisabledPlugin() {
    auto r = DependencyResolver::resolve({node("web", {}, {"ratatoskr.socks/1"})}, kHost, {{"ratatoskr.socks/1", {"socks"}}});
    CPPUNIT_ASSERT_EQUAL(std::string("\"web\" requires \"ratatoskr.socks/1\", which no enabled plugin provides "
                                     "(plugin \"socks\" provides it but is not enabled)"),
                         r.refused.at("web"));
  }

  void dependentsOfRefusedAreRefused() {
    auto r = DependencyResolver::resolve(
        {node("socks", {"ratatoskr.socks/1"}, {"ratatoskr.missing/1"}), node("web", {}, {"ratatoskr.socks/1"}),
         node("stats", {}, {"ratatoskr.network/1"})},
        kHost);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.refused.size());
    CPPUNIT_ASSERT_EQUAL(std::string("\"web\" requires \"ratatoskr.socks/1\", whose provider \"socks\" was refused"),
                         r.refused.at("web"));
    CPPUNIT_ASSERT(r.order == std::vector<std::string>{"stats"});
  }

  void cycleIsRefusedWithItsPath() {
    auto r = DependencyResolver::resolve(
        {node("a", {"svc.a/1"}, {"svc.b/1"}), node("b", {"svc.b/1"}, {"svc.c/1"}), node("c", {"svc.c/1"}, {"svc.a/1"})}, kHost);
    CPPUNIT_ASSERT(r.order.empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.refused.size());
    std::string expected = "dependency cycle: a -[svc.b/1]-> b -[svc.c/1]-> c -[svc.a/1]-> a";
    CPPUNIT_ASSERT_EQUAL(expected, r.refused.at("a"));
    CPPUNIT_ASSERT_EQUAL(expected, r.refused.at("b"));
    CPPUNIT_ASSERT_EQUAL(expected, r.refused.at("c"));
  }

  void cycleLeavesOthersRunning() {
    auto r = DependencyResolver::resolve({node("x", {"svc.x/1"}, {"svc.y/1"}), node("y", {"svc.y/1"}, {"svc.x/1"}),
                                          node("user", {}, {"svc.x/1"}), node("free", {"svc.f/1"}, {"ratatoskr.network/1"}),
                                          node("free-user", {}, {"svc.f/1"})},
                                         kHost);
    CPPUNIT_ASSERT_EQUAL(std::string("dependency cycle: x -[svc.y/1]-> y -[svc.x/1]-> x"), r.refused.at("x"));
    CPPUNIT_ASSERT_EQUAL(std::string("\"user\" requires \"svc.x/1\", whose provider \"x\" was refused"), r.refused.at("user"));
    std::vector<std::string> expected{"free", "free-user"};
    CPPUNIT_ASSERT(r.order == expected);
  }

  void selfProvidedRequirementIsNoCycle() {
    auto r = DependencyResolver::resolve({node("loop", {"svc.l/1"}, {"svc.l/1"})}, kHost);
    CPPUNIT_ASSERT(r.refused.empty());
    CPPUNIT_ASSERT(r.order == std::vector<std::string>{"loop"});
  }

  void multipleProvidersAllComeFirst() {
    auto r = DependencyResolver::resolve({node("reader", {}, {"ratatoskr.sigil/1"}), node("s1", {"ratatoskr.sigil/1"}, {}),
                                          node("s2", {"ratatoskr.sigil/1"}, {})},
                                         kHost);
    CPPUNIT_ASSERT(r.refused.empty());
    CPPUNIT_ASSERT(indexOf(r.order, "s1") < indexOf(r.order, "reader"));
    CPPUNIT_ASSERT(indexOf(r.order, "s2") < indexOf(r.order, "reader"));
  }

  void optionalProviderComesFirstWhenPresent() {
    auto r = DependencyResolver::resolve({node("ninfo", {"ratatoskr.ninfo/1"}, {"ratatoskr.network/1"}, {"ratatoskr.sigil/1"}),
                                          node("info", {"ratatoskr.sigil/1"}, {}), node("public", {"ratatoskr.sigil/1"}, {})},
                                         kHost);
    CPPUNIT_ASSERT(r.refused.empty());
    CPPUNIT_ASSERT(indexOf(r.order, "info") < indexOf(r.order, "ninfo"));
    CPPUNIT_ASSERT(indexOf(r.order, "public") < indexOf(r.order, "ninfo"));
  }

  void optionalServiceMissingRefusesNothing() {
    auto r = DependencyResolver::resolve({node("ninfo", {}, {"ratatoskr.network/1"}, {"ratatoskr.sigil/1", "svc.none/1"})}, kHost);
    CPPUNIT_ASSERT(r.refused.empty());
    CPPUNIT_ASSERT(r.order == std::vector<std::string>{"ninfo"});
    // A refused optional provider does not take its optional users down.
    auto r2 = DependencyResolver::resolve({node("user", {}, {}, {"svc.x/1"}), node("x", {"svc.x/1"}, {"svc.missing/1"})}, kHost);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), r2.refused.size());
    CPPUNIT_ASSERT(r2.refused.count("x"));
    CPPUNIT_ASSERT(r2.order == std::vector<std::string>{"user"});
  }

  void optionalEdgeClosingACycleIsDropped() {
    // a requires b; b would like a. Both run, b first.
    auto r = DependencyResolver::resolve({node("a", {"svc.a/1"}, {"svc.b/1"}), node("b", {"svc.b/1"}, {}, {"svc.a/1"})}, kHost);
    CPPUNIT_ASSERT(r.refused.empty());
    CPPUNIT_ASSERT((r.order == std::vector<std::string>{"b", "a"}));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DependencyResolverTest);

}  // namespace rtk::host
