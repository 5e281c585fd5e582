#include <cppunit/extensions/HelperMacros.h>

#include <future>
#include <memory>

#include "AskAdminCommands.hpp"
#include "AskerTestSupport.hpp"
#include "FakeSigils.hpp"

using rtk::Errc;
using rtk::Error;
using rtk::plugins::ninfo::AskAdminCommands;
using rtk::test::replyWith;
using rtk::test::testKey;
using rtk::test::waitFor;

// The `ask` and `askStats` admin commands: the arguments yggdrasilctl sends
// (strings) and the response it prints.
class AskAdminCommandsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AskAdminCommandsTest);
  CPPUNIT_TEST(askAnswersWithTheResultJson);
  CPPUNIT_TEST(argumentsAreChecked);
  CPPUNIT_TEST(askErrorsBecomeAdminErrors);
  CPPUNIT_TEST(defaultWaitFollowsTheLimits);
  CPPUNIT_TEST(statsCountFlights);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    node_ = std::make_unique<rtk::test::FakeNode>();
    upstream_ = std::make_unique<rtk::ninfo::NodeUpstream>(*node_, *node_, rtk::Log());
    asker_ = std::make_unique<rtk::ninfo::Asker>(*upstream_, catalog_, rtk::ninfo::AskOptions{}, rtk::Log());
    commands_ = std::make_unique<AskAdminCommands>(*asker_, std::chrono::seconds(10));
  }
  void tearDown() override { asker_->close(); }

  void askAnswersWithTheResultJson() {
    const std::string args = R"({"target":")" + testKey(1).hex() + R"("})";
    auto response = std::async(std::launch::async, [&] { return commands_->ask(args); });
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    node_->answerQueries([] { return replyWith(R"({"name":"n"})", std::chrono::milliseconds(2)); });
    auto v = rtk::json::Value::parse(response.get());
    CPPUNIT_ASSERT_EQUAL(testKey(1).hex(), v.get("target").asString());
    CPPUNIT_ASSERT_EQUAL(2.0, v.get("rtt_ms").asDouble());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":"n"})"), v.get("extra").dump());
  }

  void argumentsAreChecked() {
    expectError(R"({})", Errc::InvalidArgument, "ask: no target given");
    expectError(R"({"target":""})", Errc::InvalidArgument, "ask: no target given");
    expectError(R"({"target":5})", Errc::InvalidArgument, "ask: no target given");
    expectError(R"({"target":"200::1","timeout":"soon"})", Errc::InvalidArgument, "whole number of milliseconds");
    expectError(R"({"target":"200::1","timeout":"0"})", Errc::InvalidArgument, "at least 1 ms");
    expectError(R"({"target":"www.example.com"})", Errc::InvalidArgument, "ninfo: bad target");
    // A timeout as yggdrasilctl sends it (a string) applies to this caller.
    expectError(R"({"target":")" + testKey(2).hex() + R"(","timeout":"25"})", Errc::Timeout, "the caller's 25 ms");
  }

  void askErrorsBecomeAdminErrors() {
    const std::string args = R"({"target":")" + testKey(3).hex() + R"(","timeout":10000})";
    auto response = std::async(std::launch::async, [&] {
      try {
        commands_->ask(args);
      } catch (const Error& e) {
        return std::string(e.what());
      }
      return std::string("no error");
    });
    CPPUNIT_ASSERT(waitFor([&] { return node_->pendingQueries() == 1; }));
    node_->answerQueries([] { return replyWith("{\"x\":\"" + std::string(17000, 'x') + "\"}"); });
    const std::string message = response.get();
    CPPUNIT_ASSERT_MESSAGE(message, message.find("too large") != std::string::npos);
  }

  void defaultWaitFollowsTheLimits() {
    rtk::ninfo::AskOptions o;
    CPPUNIT_ASSERT_EQUAL(std::int64_t(65000), static_cast<std::int64_t>(AskAdminCommands::defaultTimeoutFor(o).count()));
    o.maxLookupTime = std::chrono::milliseconds(3000);
    o.maxAskTime = std::chrono::milliseconds(4000);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(12000), static_cast<std::int64_t>(AskAdminCommands::defaultTimeoutFor(o).count()));
    o.maxAskTime = std::chrono::milliseconds(-1);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(300000), static_cast<std::int64_t>(AskAdminCommands::defaultTimeoutFor(o).count()));
  }

  void statsCountFlights() {
    for (int i = 0; i < 3; ++i) asker_->ask(testKey(4).hex(), {}, [](rtk::Outcome<rtk::ninfo::AskResult>) {});
    rtk::test::drain(*asker_);
    auto v = rtk::json::Value::parse(commands_->stats("{}"));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), v.get("asks").asUint64());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), v.get("key_flights").asUint64());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), v.get("key_flights_now").asUint64());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), v.get("nodeinfo_calls").asUint64());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), v.get("busy").asUint64());
  }

 private:
  void expectError(const std::string& args, Errc code, const std::string& fragment) {
    try {
      commands_->ask(args);
    } catch (const Error& e) {
      CPPUNIT_ASSERT_MESSAGE(e.what(), e.code() == code);
      CPPUNIT_ASSERT_MESSAGE(std::string(e.what()) + " lacks " + fragment, std::string(e.what()).find(fragment) != std::string::npos);
      return;
    }
    CPPUNIT_FAIL("accepted " + args);
  }

  rtk::test::FakeCatalog catalog_;
  std::unique_ptr<rtk::test::FakeNode> node_;
  std::unique_ptr<rtk::ninfo::NodeUpstream> upstream_;
  std::unique_ptr<rtk::ninfo::Asker> asker_;
  std::unique_ptr<AskAdminCommands> commands_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AskAdminCommandsTest);
