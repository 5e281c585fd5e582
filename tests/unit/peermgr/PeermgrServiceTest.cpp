// The plugin's "ratatoskr.peermgr/1" table through rtk::sdk::PeermgrClient,
// over a passive manager and a node fake that only keeps added peers.
#include <cppunit/extensions/HelperMacros.h>

#include <mutex>
#include <set>

#include "PeermgrService.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/services/peermgr.hpp"

using rtk::peermgr::Candidate;
using rtk::peermgr::ManagerOptions;
using rtk::peermgr::PeerManager;

namespace {

class AddOnlyPeers final : public rtk::PeerInterface {
 public:
  void addPeer(std::string_view uri, std::string_view) override {
    std::lock_guard lock(mutex_);
    added_.insert(std::string(uri));
  }
  void removePeer(std::string_view uri, std::string_view) override {
    std::lock_guard lock(mutex_);
    added_.erase(std::string(uri));
  }
  std::vector<rtk::PeerInfo> getPeers() const override {
    std::lock_guard lock(mutex_);
    std::vector<rtk::PeerInfo> out;
    for (const auto& uri : added_) out.push_back(rtk::PeerInfo{.uri = uri});
    return out;
  }
  void retryPeers() override {}
  std::uint64_t subscribePeerEvents(PeerEventHandler) override { return 0; }
  void unsubscribePeerEvents(std::uint64_t) override {}
  void probePeer(std::string_view, std::chrono::milliseconds, ProbeCallback) override {
    throw rtk::Error(rtk::Errc::NotSupported, "passive mode does not probe");
  }

 private:
  mutable std::mutex mutex_;
  std::set<std::string> added_;
};

}  // namespace

class PeermgrServiceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PeermgrServiceTest);
  CPPUNIT_TEST(answersThroughTheClientAndClosesWhenDetached);
  CPPUNIT_TEST_SUITE_END();

 public:
  void answersThroughTheClientAndClosesWhenDetached() {
    AddOnlyPeers peers;
    ManagerOptions o;
    o.passive = true;
    std::vector<Candidate> candidates{{rtk::peermgr::parseCandidateUri("tls://a.example:1?key=ab"), "test[0]"},
                                      {rtk::peermgr::parseCandidateUri("tcp://b.example:2"), "test[1]"}};
    PeerManager manager(peers, candidates, o, rtk::Log());
    rtk::plugins::peermgr::PeermgrService service;
    rtk::sdk::PeermgrClient client(*service.table());
    CPPUNIT_ASSERT_THROW(client.active(), rtk::Error);  // not attached yet

    service.attach(manager);
    manager.start();
    client.optimize();
    const auto active = client.active();
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, active.size());
    CPPUNIT_ASSERT_EQUAL(std::string("tls://a.example:1?key=ab"), active[0]);
    const auto snap = client.snapshot();
    CPPUNIT_ASSERT_EQUAL(std::string("passive"), snap.get("mode").asString());
    CPPUNIT_ASSERT_EQUAL(std::string("tls://a.example:1"), snap.get("managed").at(0).asString());

    manager.stop();
    service.detach();
    try {
      client.optimize();
      CPPUNIT_FAIL("optimize after detach");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::Closed);
      CPPUNIT_ASSERT_EQUAL(std::string("peermgr: not running"), std::string(e.what()));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PeermgrServiceTest);
