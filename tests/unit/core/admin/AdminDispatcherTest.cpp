#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "core/admin/AdminDispatcher.hpp"
#include "core/proto/Json.hpp"
#include "ratatoskr/error.hpp"

using rtk::core::admin::AdminDispatcher;
namespace json = rtk::core::proto::json;

namespace {
rtk::Errc addError(AdminDispatcher& d, const std::string& name, AdminDispatcher::Handler h) {
  try {
    d.addHandler(name, "d", {}, std::move(h));
  } catch (const rtk::Error& e) {
    return e.code();
  }
  return rtk::Errc::Unknown;
}
rtk::Errc removeError(AdminDispatcher& d, const std::string& name) {
  try {
    d.removeHandler(name);
  } catch (const rtk::Error& e) {
    return e.code();
  }
  return rtk::Errc::Unknown;
}
bool unknown(const AdminDispatcher::Reply& r) { return r.text.find("Unknown action") != std::string::npos; }

// A handler that blocks until released, reporting when it is entered.
struct Gate {
  std::mutex m;
  std::condition_variable cv;
  int entered = 0;
  bool open = false;
  std::string operator()() {
    std::unique_lock l(m);
    ++entered;
    cv.notify_all();
    cv.wait(l, [&] { return open; });
    return "{}";
  }
  void waitEntered(int n) {
    std::unique_lock l(m);
    cv.wait(l, [&] { return entered >= n; });
  }
  void release() {
    std::lock_guard l(m);
    open = true;
    cv.notify_all();
  }
};
}  // namespace

class AdminDispatcherTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AdminDispatcherTest);
  CPPUNIT_TEST(successReplyLayout);
  CPPUNIT_TEST(handlerGetsTheRawArguments);
  CPPUNIT_TEST(namesAreCaseInsensitive);
  CPPUNIT_TEST(handlerErrorsBecomeErrorReplies);
  CPPUNIT_TEST(keepAliveFollowsGo);
  CPPUNIT_TEST(listDescribesHandlers);
  CPPUNIT_TEST(registrationRules);
  CPPUNIT_TEST(handlersMayRegisterHandlers);
  CPPUNIT_TEST(removeRules);
  CPPUNIT_TEST(removeWaitsForRunningCalls);
  CPPUNIT_TEST(removeFromInsideHandlers);
  CPPUNIT_TEST_SUITE_END();

 public:
  void successReplyLayout() {
    AdminDispatcher d;
    d.addHandler("echo", "Echo", {"x"}, [](std::string_view) { return std::string(R"({"a":[],"b":{"c":"<"}})"); });
    auto r = d.handle(R"({"request":"echo","keepalive":true})");
    // The real node's fields, in its order; the response as the handler gave it.
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"status":"success","request":{"request":"echo","arguments":{},"keepalive":true},)"
                                     R"("response":{"a":[],"b":{"c":"<"}}})"),
                         json::write(json::parse(r.text)));
    // Indented by two spaces, one reply per line of output, newline-terminated.
    const std::string head = "{\n  \"status\": \"success\",\n  \"request\": {\n    \"request\": \"echo\"";
    CPPUNIT_ASSERT_EQUAL(head, r.text.substr(0, head.size()));
    CPPUNIT_ASSERT_EQUAL('\n', r.text.back());
    CPPUNIT_ASSERT(r.keepAlive);
  }

  void handlerGetsTheRawArguments() {
    AdminDispatcher d;
    std::string seen;
    d.addHandler("echo", "Echo", {}, [&](std::string_view a) {
      seen = std::string(a);
      return std::string("{}");
    });
    // The arguments as Poco writes them back: the same value, compact.
    auto r = d.handle(R"({"arguments":{ "b" : [1.50, "x"], "a": {} },"request":"echo"})");
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"b":[1.5,"x"],"a":{}})"), seen);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"request":"echo","arguments":{"b":[1.5,"x"],"a":{}}})"),
                         json::write(json::asObject(json::parse(r.text))->get("request")));
    d.handle(R"({"request":"echo"})");
    CPPUNIT_ASSERT_EQUAL(std::string("{}"), seen);
    d.handle(R"({"request":"echo","arguments":null})");
    CPPUNIT_ASSERT_EQUAL(std::string("null"), seen);
  }

  void namesAreCaseInsensitive() {
    AdminDispatcher d;
    d.addHandler("getThing", "", {}, [](std::string_view) { return std::string("{}"); });
    CPPUNIT_ASSERT(d.handle(R"({"request":"GETTHING"})").text.find("\"success\"") != std::string::npos);
    CPPUNIT_ASSERT(d.handle(R"({"REQUEST":"getthing"})").text.find("\"success\"") != std::string::npos);
    auto unknown = d.handle(R"({"request":"NoSuch"})").text;
    CPPUNIT_ASSERT(unknown.find("\"Unknown action 'nosuch', try 'list' for help\"") != std::string::npos);
    CPPUNIT_ASSERT(unknown.find("\"request\": \"NoSuch\"") != std::string::npos);
    // The error shape of the real node: status, error, the request echoed, response null.
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"status":"error","error":"Unknown action 'nosuch', try 'list' for help",)"
                                     R"("request":{"request":"NoSuch","arguments":{}},"response":null})"),
                         json::write(json::parse(unknown)));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"status":"error","error":"Failed to find request","request":{"request":""},"response":null})"),
                         json::write(json::parse(d.handle("{\"request\":").text)));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"status":"error","error":"Failed to unmarshal request","request":{"request":""},"response":null})"),
                         json::write(json::parse(d.handle("[1]").text)));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"status":"error","error":"No request specified","request":{"request":"","arguments":{}},"response":null})"),
                         json::write(json::parse(d.handle("null").text)));
  }

  void handlerErrorsBecomeErrorReplies() {
    AdminDispatcher d;
    d.addHandler("fail", "", {}, [](std::string_view) -> std::string { throw rtk::Error(rtk::Errc::NotFound, "peer is not configured"); });
    d.addHandler("bad", "", {}, [](std::string_view) { return std::string("{not json"); });
    d.addHandler("std", "", {}, [](std::string_view) -> std::string { throw std::runtime_error("plain failure"); });
    auto r = d.handle(R"({"request":"fail"})").text;
    CPPUNIT_ASSERT(r.find("\"status\": \"error\"") != std::string::npos);
    CPPUNIT_ASSERT(r.find("\"error\": \"peer is not configured\"") != std::string::npos);
    CPPUNIT_ASSERT(r.find("\"response\": null") != std::string::npos);
    CPPUNIT_ASSERT(d.handle(R"({"request":"bad"})").text.find("Failed to marshal response") != std::string::npos);
    CPPUNIT_ASSERT(d.handle(R"({"request":"std"})").text.find("\"error\": \"plain failure\"") != std::string::npos);
  }

  void keepAliveFollowsGo() {
    AdminDispatcher d;
    CPPUNIT_ASSERT(!d.handle(R"({"request":"list"})").keepAlive);
    // Go's Unmarshal fills what it can: a well-typed keepalive survives a bad "request".
    auto r = d.handle(R"({"keepalive":true,"request":5})");
    CPPUNIT_ASSERT(r.keepAlive);
    CPPUNIT_ASSERT(r.text.find("Failed to unmarshal request") != std::string::npos);
    CPPUNIT_ASSERT(!d.handle(R"({"keepalive":"yes","request":"list"})").keepAlive);
    CPPUNIT_ASSERT(!d.handle("garbage").keepAlive);
    CPPUNIT_ASSERT(d.handle("garbage").text.find("Failed to find request") != std::string::npos);
    CPPUNIT_ASSERT(d.handle(R"({"request":"","keepalive":true})").keepAlive);
  }

  void listDescribesHandlers() {
    AdminDispatcher d;
    d.addHandler("zeta", "Last", {"a", "b"}, [](std::string_view) { return std::string("{}"); });
    d.addHandler("Alpha", "First", {}, [](std::string_view) { return std::string("{}"); });
    auto r = d.handle(R"({"request":"list"})").text;
    // Sorted by command, lowercased; no "fields" when there are none.
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"list":[{"command":"alpha","description":"First"},)"
                                     R"({"command":"list","description":"List available commands"},)"
                                     R"({"command":"zeta","description":"Last","fields":["a","b"]}]})"),
                         json::write(json::asObject(json::parse(r))->get("response")));
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), d.commands().size());
  }

  void registrationRules() {
    AdminDispatcher d;
    auto ok = [](std::string_view) { return std::string("{}"); };
    CPPUNIT_ASSERT(addError(d, "getPeers", ok) == rtk::Errc::Unknown);
    CPPUNIT_ASSERT(addError(d, "GETPEERS", ok) == rtk::Errc::AlreadyExists);
    CPPUNIT_ASSERT(addError(d, "LIST", ok) == rtk::Errc::AlreadyExists);
    CPPUNIT_ASSERT(addError(d, "", ok) == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(addError(d, "x", {}) == rtk::Errc::InvalidArgument);
    CPPUNIT_ASSERT(d.hasHandler("getpeers"));
  }

  void handlersMayRegisterHandlers() {
    AdminDispatcher d;
    d.addHandler("grow", "", {}, [&d](std::string_view) {
      d.addHandler("grown", "", {}, [](std::string_view) { return std::string("{}"); });
      return std::string("{}");
    });
    d.handle(R"({"request":"grow"})");
    CPPUNIT_ASSERT(d.hasHandler("grown"));
  }

  void removeRules() {
    AdminDispatcher d;
    auto ok = [](std::string_view) { return std::string("{}"); };
    d.addBuiltin("getSelf", "", {}, ok);
    d.addHandler("Mine", "", {}, ok);
    CPPUNIT_ASSERT(removeError(d, "nosuch") == rtk::Errc::NotFound);
    CPPUNIT_ASSERT(removeError(d, "list") == rtk::Errc::NotFound);
    CPPUNIT_ASSERT(removeError(d, "GETSELF") == rtk::Errc::NotFound);
    CPPUNIT_ASSERT(d.hasHandler("list") && d.hasHandler("getself"));
    CPPUNIT_ASSERT(removeError(d, "MINE") == rtk::Errc::Unknown);  // case-insensitive, like add
    CPPUNIT_ASSERT(!d.hasHandler("mine"));
    CPPUNIT_ASSERT(unknown(d.handle(R"({"request":"mine"})")));
    CPPUNIT_ASSERT(removeError(d, "mine") == rtk::Errc::NotFound);
    // The name is free again.
    CPPUNIT_ASSERT(addError(d, "mine", ok) == rtk::Errc::Unknown);
    CPPUNIT_ASSERT(!unknown(d.handle(R"({"request":"mine"})")));
  }

  void removeWaitsForRunningCalls() {
    AdminDispatcher d;
    Gate gate;
    std::atomic<int> calls{0};
    d.addHandler("slow", "", {}, [&](std::string_view) {
      ++calls;
      return gate();
    });
    auto c1 = std::async(std::launch::async, [&] { return d.handle(R"({"request":"slow"})"); });
    auto c2 = std::async(std::launch::async, [&] { return d.handle(R"({"request":"slow"})"); });
    gate.waitEntered(2);
    std::atomic<bool> removed{false};
    auto remover = std::async(std::launch::async, [&] {
      d.removeHandler("slow");
      removed = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CPPUNIT_ASSERT(!removed);  // two calls still inside the handler
    // New requests no longer reach it while the removal waits.
    CPPUNIT_ASSERT(unknown(d.handle(R"({"request":"slow"})")));
    gate.release();
    remover.get();
    CPPUNIT_ASSERT(removed);
    CPPUNIT_ASSERT(!unknown(c1.get()) && !unknown(c2.get()));
    CPPUNIT_ASSERT_EQUAL(2, calls.load());
  }

  void removeFromInsideHandlers() {
    AdminDispatcher d;
    auto ok = [](std::string_view) { return std::string("{}"); };
    d.addHandler("victim", "", {}, ok);
    // An "unload" command removes other commands from inside its handler.
    d.addHandler("unload", "", {}, [&d](std::string_view) {
      d.removeHandler("victim");
      return std::string("{}");
    });
    auto r = std::async(std::launch::async, [&] { return d.handle(R"({"request":"unload"})"); });
    CPPUNIT_ASSERT(r.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    CPPUNIT_ASSERT(r.get().text.find("\"success\"") != std::string::npos);
    CPPUNIT_ASSERT(!d.hasHandler("victim"));
    // A handler removing itself does not wait for its own call, and is gone after.
    int selfCalls = 0;
    d.addHandler("once", "", {}, [&](std::string_view) {
      ++selfCalls;
      d.removeHandler("once");
      return std::string("{}");
    });
    auto s = std::async(std::launch::async, [&] { return d.handle(R"({"request":"once"})"); });
    CPPUNIT_ASSERT(s.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    CPPUNIT_ASSERT(s.get().text.find("\"success\"") != std::string::npos);
    CPPUNIT_ASSERT(unknown(d.handle(R"({"request":"once"})")));
    CPPUNIT_ASSERT_EQUAL(1, selfCalls);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminDispatcherTest);
