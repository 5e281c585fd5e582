#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <cstdio>
#include <condition_variable>
#include <mutex>
#include <future>
#include <thread>

#include "AdminTestUtil.hpp"
#include "common/FakeNode.hpp"
#include "common/ProcessCounters.hpp"
#include "core/admin/AdminServer.hpp"
#include "core/admin/BuiltinHandlers.hpp"

using rtk::core::admin::AdminServer;
using rtk::core::admin::BuiltinHandlers;
using rtk::test::FakeNode;
using rtk::test::TempDir;
using namespace std::chrono_literals;

namespace {

bool hasThread(const std::string& name) {
  for (const auto& n : rtk::test::threadNames())
    if (n == name) return true;
  return false;
}

struct Fixture {
  TempDir dir{"admin"};
  FakeNode node;
  std::unique_ptr<AdminServer> server;
  std::string endpoint;

  explicit Fixture(AdminServer::Options o = AdminServer::Options()) {
    node.keyValue = rtk::test::testKey(42);
    server = std::make_unique<AdminServer>(rtk::Log{}, o);
    BuiltinHandlers::install(server->dispatcher(), node);
    endpoint = "unix://" + dir.file("admin.sock");
    server->start(endpoint);
  }
};

}  // namespace

class AdminServerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AdminServerTest);
  CPPUNIT_TEST(repliesMatchTheRealNode);
  CPPUNIT_TEST(keepAliveThenEndOfInput);
  CPPUNIT_TEST(garbageIsAnsweredAtOnce);
  CPPUNIT_TEST(hostileClientsDoNotStallOthers);
  CPPUNIT_TEST(oversizedRequestIsCutOff);
  CPPUNIT_TEST(stalledClientsDoNotBlockOthers);
  CPPUNIT_TEST(slowHandlerDoesNotBlockOthers);
  CPPUNIT_TEST(idleClientsAreDisconnected);
  CPPUNIT_TEST(fullServerEvictsTheLongestIdle);
  CPPUNIT_TEST(stopClosesEverythingAndRestarts);
  CPPUNIT_TEST(secondServerOnTheSameSocketIsRefused);
  CPPUNIT_TEST(servesTcp);
  CPPUNIT_TEST(removeWhileAClientIsCallingIt);
  CPPUNIT_TEST(manyClientsDoNotAddThreads);
  CPPUNIT_TEST(busyWorkersQueueThenRefuse);
  CPPUNIT_TEST_SUITE_END();

 public:
  // Replies a real 0.5.12 node gave to the same bytes, field by field (see
  // comparableReplies): names, order, types, values and error texts.
  void repliesMatchTheRealNode() {
    Fixture f;
    std::ifstream in(RTK_ADMIN_TEST_DATA "/real_node_replies.txt");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto space = line.find(' ');
      std::string request = rtk::test::unhex(line.substr(0, space)), want = rtk::test::unhex(line.substr(space + 1));
      std::string got = rtk::test::exchange(f.endpoint, request);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(request + "\nours:\n" + got, rtk::test::jsonValues(want).size(), rtk::test::jsonValues(got).size());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(request, rtk::test::comparableReplies(want), rtk::test::comparableReplies(got));
      ++n;
    }
    CPPUNIT_ASSERT(n >= 30);
  }

  void keepAliveThenEndOfInput() {
    Fixture f;
    std::string r = rtk::test::exchange(f.endpoint, R"({"request":"getTun","keepalive":true}  {"request":"getTun","keepalive":true})");
    std::size_t first = r.find("\"enabled\": false"), second = r.find("\"enabled\": false", first + 1);
    CPPUNIT_ASSERT(first != std::string::npos && second != std::string::npos);
    // Go's decoder then hits end of input and says so before closing.
    CPPUNIT_ASSERT(r.find("Failed to find request", second) != std::string::npos);
  }

  void garbageIsAnsweredAtOnce() {
    Fixture f;
    // No half-close: the reply must not wait for more input. Bytes that
    // cannot start a JSON value are refused at once; a request that closes
    // but is not JSON is refused as soon as it closes.
    for (const std::string bad : {"garbage", "{\"request\" x}", "{\"request\":\"list\"]"}) {
      int fd = rtk::test::connectTo(f.endpoint);
      rtk::test::sendAll(fd, bad);
      std::string r = rtk::test::readUntil(fd, "}\n");
      CPPUNIT_ASSERT_MESSAGE(bad + ": " + r, r.find("\"error\": \"Failed to find request\"") != std::string::npos);
      CPPUNIT_ASSERT(rtk::test::closedByPeer(fd));
      ::close(fd);
    }
  }

  // Clients that send garbage, huge or never-ending requests, or hold their
  // connection open, each on its own thread: a well-behaved client is
  // answered promptly all the while.
  void hostileClientsDoNotStallOthers() {
    AdminServer::Options o;
    o.maxRequestBytes = 64 * 1024;
    Fixture f(o);
    std::atomic<bool> stop{false};
    std::vector<std::thread> hostile;
    hostile.emplace_back([&] {  // garbage, over and over
      while (!stop) {
        int fd = rtk::test::connectTo(f.endpoint);
        rtk::test::sendAll(fd, "\x01\x02garbage");
        rtk::test::readUntil(fd, {}, 2000);
        ::close(fd);
        fd = rtk::test::connectTo(f.endpoint);
        rtk::test::sendAll(fd, std::string(1000, '['));  // nested too deep
        rtk::test::readUntil(fd, {}, 2000);
        ::close(fd);
      }
    });
    hostile.emplace_back([&] {  // a request that never ends, one byte at a time
      int fd = rtk::test::connectTo(f.endpoint);
      rtk::test::sendAll(fd, "{\"request\":\"");
      while (!stop && rtk::test::sendAll(fd, "x")) std::this_thread::sleep_for(1ms);
      ::close(fd);
    });
    hostile.emplace_back([&] {  // huge requests, as fast as they go
      while (!stop) {
        int fd = rtk::test::connectTo(f.endpoint);
        rtk::test::sendAll(fd, "{\"request\":\"" + std::string(1 << 20, 'x'));
        rtk::test::readUntil(fd, {}, 2000);
        ::close(fd);
      }
    });
    std::vector<int> holders;  // connected, silent
    for (int i = 0; i < 20; ++i) holders.push_back(rtk::test::connectTo(f.endpoint));

    auto worst = 0ms;
    for (int i = 0; i < 20; ++i) {
      auto start = std::chrono::steady_clock::now();
      std::string r = rtk::test::exchange(f.endpoint, R"({"request":"getSelf"})");
      auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
      worst = std::max(worst, took);
      CPPUNIT_ASSERT_MESSAGE(r, r.find("\"status\": \"success\"") != std::string::npos);
    }
    stop = true;
    for (auto& t : hostile) t.join();
    for (int fd : holders) ::close(fd);
    // Generous for a loaded 2-core machine; a stalled server would take the idle timeout (60 s).
    CPPUNIT_ASSERT_MESSAGE("slowest answer " + std::to_string(worst.count()) + " ms", worst < 3000ms);
  }

  void oversizedRequestIsCutOff() {
    AdminServer::Options o;
    o.maxRequestBytes = 1024;
    Fixture f(o);
    int fd = rtk::test::connectTo(f.endpoint);
    rtk::test::sendAll(fd, "{\"request\":\"" + std::string(4096, 'x'));
    std::string r = rtk::test::readUntil(fd, "}\n");
    CPPUNIT_ASSERT(r.find("Failed to find request: request larger than 1024 bytes") != std::string::npos);
    CPPUNIT_ASSERT(rtk::test::closedByPeer(fd));
    ::close(fd);
    // A large request under the limit, split in pieces, still works.
    std::string ok = "{\"request\":\"getTun\",\"arguments\":{\"pad\":\"" + std::string(900, 'p') + "\"}}";
    int fd2 = rtk::test::connectTo(f.endpoint);
    for (std::size_t i = 0; i < ok.size(); i += 7) {
      rtk::test::sendAll(fd2, ok.substr(i, 7));
    }
    CPPUNIT_ASSERT(rtk::test::readUntil(fd2, "}\n").find("\"status\": \"success\"") != std::string::npos);
    ::close(fd2);
  }

  void stalledClientsDoNotBlockOthers() {
    Fixture f;
    int stalled = rtk::test::connectTo(f.endpoint);
    rtk::test::sendAll(stalled, "{\"request\":");  // and nothing more
    int silent = rtk::test::connectTo(f.endpoint);  // sends nothing at all
    CPPUNIT_ASSERT(rtk::test::exchange(f.endpoint, R"({"request":"getSelf"})").find("\"status\": \"success\"") != std::string::npos);
    CPPUNIT_ASSERT(rtk::test::exchange(f.endpoint, "garbage").find("Failed to find request") != std::string::npos);
    // A client that never reads its replies does not hold anyone up either.
    int deaf = rtk::test::connectTo(f.endpoint);
    std::string many;
    for (int i = 0; i < 2000; ++i) many += R"({"request":"list","keepalive":true})";
    rtk::test::sendAll(deaf, many);
    CPPUNIT_ASSERT(rtk::test::exchange(f.endpoint, R"({"request":"getTun"})").find("\"enabled\": false") != std::string::npos);
    ::close(stalled);
    ::close(silent);
    ::close(deaf);
  }

  void slowHandlerDoesNotBlockOthers() {
    Fixture f;
    f.node.remoteNodeInfo = R"({"slow":true})";
    f.node.holdNodeInfo = true;
    auto slow = std::async(std::launch::async, [&] {
      return rtk::test::exchange(f.endpoint, R"({"request":"getNodeInfo","arguments":{"key":"00"}})");
    });
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return f.node.held.load() == 1; }));
    CPPUNIT_ASSERT(rtk::test::exchange(f.endpoint, R"({"request":"getSelf"})").find("\"status\": \"success\"") != std::string::npos);
    f.node.release();
    CPPUNIT_ASSERT(slow.get().find("\"slow\": true") != std::string::npos);
  }

  void idleClientsAreDisconnected() {
    AdminServer::Options o;
    o.idleTimeout = 100ms;
    Fixture f(o);
    int fd = rtk::test::connectTo(f.endpoint);
    CPPUNIT_ASSERT(rtk::test::closedByPeer(fd));
    ::close(fd);
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return f.server->clientCount() == 0; }));
  }

  void fullServerEvictsTheLongestIdle() {
    AdminServer::Options o;
    o.maxClients = 2;
    Fixture f(o);
    int first = rtk::test::connectTo(f.endpoint);
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return f.server->clientCount() == 1; }));
    int second = rtk::test::connectTo(f.endpoint);
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return f.server->clientCount() == 2; }));
    CPPUNIT_ASSERT(rtk::test::exchange(f.endpoint, R"({"request":"getSelf"})").find("\"status\": \"success\"") != std::string::npos);
    CPPUNIT_ASSERT(rtk::test::closedByPeer(first));
    ::close(first);
    ::close(second);

    // When every client is inside a handler, a newcomer is turned away instead.
    AdminServer::Options one;
    one.maxClients = 1;
    Fixture g(one);
    g.node.remoteNodeInfo = "{}";
    g.node.holdNodeInfo = true;
    auto busy = std::async(std::launch::async, [&] {
      return rtk::test::exchange(g.endpoint, R"({"request":"getNodeInfo","arguments":{"key":"00"}})");
    });
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return g.node.held.load() == 1; }));
    CPPUNIT_ASSERT_EQUAL(std::string(), rtk::test::exchange(g.endpoint, R"({"request":"getSelf"})"));
    g.node.release();
    CPPUNIT_ASSERT(busy.get().find("\"status\": \"success\"") != std::string::npos);
  }

  void stopClosesEverythingAndRestarts() {
    Fixture f;
    // Threads name themselves once running.
    CPPUNIT_ASSERT(rtk::test::eventually([] { return hasThread("rtk-admin"); }));
    int fd = rtk::test::connectTo(f.endpoint);
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return f.server->clientCount() == 1; }));
    // A request starts the first handler worker.
    CPPUNIT_ASSERT(rtk::test::exchange(f.endpoint, R"({"request":"getTun"})").find("\"enabled\": false") != std::string::npos);
    CPPUNIT_ASSERT(hasThread("rtk-admin-w-1"));
    try {
      f.server->start(f.endpoint);
      CPPUNIT_FAIL("started twice");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::AlreadyExists);
    }
    f.server->stop();
    CPPUNIT_ASSERT(rtk::test::closedByPeer(fd, 2000));
    ::close(fd);
    CPPUNIT_ASSERT(!f.server->running());
    CPPUNIT_ASSERT(!std::filesystem::exists(f.dir.file("admin.sock")));
    CPPUNIT_ASSERT(!hasThread("rtk-admin"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), rtk::test::threadsNamed("rtk-admin"));
    f.server->stop();  // idempotent
    f.server->start(f.endpoint);
    CPPUNIT_ASSERT(rtk::test::exchange(f.endpoint, R"({"request":"getTun"})").find("\"enabled\": false") != std::string::npos);
  }

  void secondServerOnTheSameSocketIsRefused() {
    Fixture f;
    AdminServer other(rtk::Log{});
    try {
      other.start(f.endpoint);
      CPPUNIT_FAIL("took over a live socket");
    } catch (const rtk::Error& e) {
      CPPUNIT_ASSERT(e.code() == rtk::Errc::AddressInUse);
    }
    CPPUNIT_ASSERT(!other.running());
    CPPUNIT_ASSERT(rtk::test::exchange(f.endpoint, R"({"request":"getTun"})").find("\"enabled\": false") != std::string::npos);
  }

  void servesTcp() {
    FakeNode node;
    AdminServer server(rtk::Log{});
    BuiltinHandlers::install(server.dispatcher(), node);
    server.start("tcp://127.0.0.1:0");
    CPPUNIT_ASSERT(rtk::test::exchange(server.boundAddress(), R"({"request":"getTun"})").find("\"enabled\": false") != std::string::npos);
    server.stop();
    CPPUNIT_ASSERT_EQUAL(std::string(), server.boundAddress());
  }

  // The handler is inside a call from a socket client: removal waits for it,
  // other clients are served meanwhile, and later requests are unknown.
  void removeWhileAClientIsCallingIt() {
    Fixture f;
    std::mutex m;
    std::condition_variable cv;
    bool entered = false, open = false;
    std::atomic<int> calls{0};
    f.server->addHandler("pluginCmd", "", {}, [&](std::string_view) {
      ++calls;
      std::unique_lock l(m);
      entered = true;
      cv.notify_all();
      cv.wait(l, [&] { return open; });
      return std::string(R"({"done":true})");
    });
    auto client = std::async(std::launch::async, [&] {
      return rtk::test::exchange(f.endpoint, R"({"request":"pluginCmd"})");
    });
    {
      std::unique_lock l(m);
      CPPUNIT_ASSERT(cv.wait_for(l, 5s, [&] { return entered; }));
    }
    std::atomic<bool> removed{false};
    auto remover = std::async(std::launch::async, [&] {
      f.server->removeHandler("PLUGINCMD");
      removed = true;
    });
    std::this_thread::sleep_for(100ms);
    CPPUNIT_ASSERT(!removed);
    std::string other = rtk::test::exchange(f.endpoint, R"({"request":"pluginCmd"})");
    CPPUNIT_ASSERT(other.find("Unknown action 'plugincmd'") != std::string::npos);
    CPPUNIT_ASSERT(rtk::test::exchange(f.endpoint, R"({"request":"getSelf"})").find("\"success\"") != std::string::npos);
    {
      std::lock_guard l(m);
      open = true;
    }
    cv.notify_all();
    CPPUNIT_ASSERT(remover.wait_for(5s) == std::future_status::ready);
    remover.get();
    CPPUNIT_ASSERT(client.get().find("\"done\": true") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(1, calls.load());
    f.server->stop();
  }

  // 200 connected clients, silent and then each with a request, are served
  // by the loop thread and the fixed pool of handler workers: the thread
  // count does not grow with them.
  void manyClientsDoNotAddThreads() {
    AdminServer::Options o;
    o.maxClients = 256;
    o.maxQueuedRequests = 256;  // all 200 requests arrive at once
    Fixture f(o);
    const std::size_t before = rtk::test::settledThreadCount();
    std::vector<int> fds;
    for (int i = 0; i < 200; ++i) {
      int fd = rtk::test::connectTo(f.endpoint);
      CPPUNIT_ASSERT(fd >= 0);
      fds.push_back(fd);
    }
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return f.server->clientCount() == 200; }));
    const std::size_t idle = rtk::test::threadCount();
    for (int fd : fds) CPPUNIT_ASSERT(rtk::test::sendAll(fd, R"({"request":"getSelf","keepalive":true})"));
    for (int fd : fds) CPPUNIT_ASSERT(rtk::test::readUntil(fd, "}\n").find("\"status\": \"success\"") != std::string::npos);
    const std::size_t busy = rtk::test::threadCount();
    std::printf("\n  admin threads: %zu before, %zu with 200 idle clients, %zu after 200 requests (pool of %zu)\n",
                before, idle, busy, o.handlerThreads);
    CPPUNIT_ASSERT_EQUAL(std::size_t(200), f.server->clientCount());
    CPPUNIT_ASSERT(idle <= before + 1);
    CPPUNIT_ASSERT(busy <= before + o.handlerThreads + 1);
    CPPUNIT_ASSERT(rtk::test::threadsNamed("rtk-admin-w-") <= o.handlerThreads);
    for (int fd : fds) ::close(fd);
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return f.server->clientCount() == 0; }));
  }

  // Slow handlers hold every worker: the next request waits in the queue and
  // is answered once a worker frees; one more than the queue holds is
  // answered "busy" at once (the loop still does everyone's I/O), and its
  // keepalive connection stays usable.
  void busyWorkersQueueThenRefuse() {
    AdminServer::Options o;
    o.handlerThreads = 2;
    o.maxQueuedRequests = 1;
    Fixture f(o);
    std::mutex m;
    std::condition_variable cv;
    int inside = 0;
    bool open = false;
    f.server->addHandler("slow", "", {}, [&](std::string_view) {
      std::unique_lock l(m);
      ++inside;
      cv.notify_all();
      cv.wait(l, [&] { return open; });
      return std::string(R"({"slow":true})");
    });
    std::vector<std::future<std::string>> slow;
    for (int i = 0; i < 2; ++i)
      slow.push_back(std::async(std::launch::async, [&] { return rtk::test::exchange(f.endpoint, R"({"request":"slow"})"); }));
    {
      std::unique_lock l(m);
      CPPUNIT_ASSERT(cv.wait_for(l, 10s, [&] { return inside == 2; }));
    }
    auto waiting = std::async(std::launch::async, [&] { return rtk::test::exchange(f.endpoint, R"({"request":"getSelf"})"); });
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return f.server->queuedRequests() == 1; }));

    int extra = rtk::test::connectTo(f.endpoint);
    rtk::test::sendAll(extra, R"({"request":"getTun","keepalive":true})");
    std::string refused = rtk::test::readUntil(extra, "}\n");
    CPPUNIT_ASSERT_MESSAGE(refused, refused.find("\"error\": \"admin server busy: every handler worker is in use and the queue is full (1 waiting); try again later\"") != std::string::npos);
    CPPUNIT_ASSERT(refused.find("\"request\": \"getTun\"") != std::string::npos);
    // Nothing ran or was answered for the queued one meanwhile.
    CPPUNIT_ASSERT(waiting.wait_for(0s) != std::future_status::ready);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), f.server->queuedRequests());

    {
      std::lock_guard l(m);
      open = true;
    }
    cv.notify_all();
    CPPUNIT_ASSERT(waiting.get().find("\"status\": \"success\"") != std::string::npos);
    for (auto& s : slow) CPPUNIT_ASSERT(s.get().find("\"slow\": true") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.server->queuedRequests());
    // The refused client kept its connection and is served now.
    rtk::test::sendAll(extra, R"({"request":"getTun"})");
    CPPUNIT_ASSERT(rtk::test::readUntil(extra, "}\n").find("\"enabled\": false") != std::string::npos);
    ::close(extra);
    CPPUNIT_ASSERT_EQUAL(2, inside);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminServerTest);
