// fixture-live: the plugin the run-time loading test loads and unloads a
// hundred times. It uses four of the core's services the way a real plugin
// does:
//   network      a TCP echo listener on the node (Modules.fixture-live.Port)
//   admin        liveEcho (answers its arguments), livePatch (NodeInfo),
//                liveCrawl (N asynchronous remote queries at once)
//   nodeinfo     livePatch publishes its arguments as NodeInfo keys
//   diagnostics  liveCrawl: query_async, counting this process's threads
//                while every query is in flight
// With LeaveConnectionsToHost it stops without closing the connection it
// serves, so the test sees what the host does with a handle left behind.
#include <dirent.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/admin.hpp"
#include "ratatoskr/services/diagnostics.hpp"
#include "ratatoskr/services/network.hpp"
#include "ratatoskr/services/nodeinfo.hpp"
#include "ratatoskr/thread.hpp"

namespace {

std::size_t threadsOfThisProcess() {
  std::size_t n = 0;
  if (DIR* d = ::opendir("/proc/self/task")) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') ++n;
    ::closedir(d);
  }
  return n;
}

}  // namespace

class LivePlugin final : public rtk::sdk::Plugin {
 public:
  static constexpr rtk::sdk::PluginInfo info{
      .name = "fixture-live",
      .version = "1.0.0",
      .description = "run-time loading fixture: echo listener, admin commands, NodeInfo, async queries",
      .requiredServices = {RTK_NETWORK_SERVICE_ID, RTK_ADMIN_SERVICE_ID, RTK_NODEINFO_SERVICE_ID,
                           RTK_DIAGNOSTICS_SERVICE_ID},
      .configSchema = R"({"type":"object","properties":{
          "Port":{"type":"integer","minimum":1,"maximum":65535,"default":7777},
          "LeaveConnectionsToHost":{"type":"boolean","default":false}},
          "additionalProperties":false})"};

  explicit LivePlugin(rtk::sdk::Host& host)
      : log_(host.log()),
        net_(rtk::sdk::NetworkClient::fromHost(host)),
        admin_(rtk::sdk::AdminClient::fromHost(host)),
        info_(rtk::sdk::NodeInfoClient::fromHost(host)),
        diag_(rtk::sdk::DiagnosticsClient::fromHost(host)),
        port_(static_cast<int>(host.config().get("Port").asInt64())),
        leave_(host.config().get("LeaveConnectionsToHost").asBool()) {}

  void start() override {
    const rtk_network_service& t = net_->table();
    std::string address = ":" + std::to_string(port_);
    rtk::sdk::StringSink err;
    rtk::sdk::check(t.listen(t.net, rtk::sdk::toStr("tcp"), rtk::sdk::toStr(address), &listener_, err.get()), err, "listen");
    server_.start("rtk-live-echo", [this] { serve(); });
    admin_->add("liveEcho", "echo the arguments", {"any"}, [](std::string_view args) {
      return "{\"echo\":" + std::string(args.empty() ? "{}" : args) + "}";
    });
    admin_->add("livePatch", "publish the arguments in NodeInfo", {"key=value"}, [this](std::string_view args) {
      info_->patch(args);
      return info_->get();
    });
    admin_->add("liveCrawl", "N asynchronous remote peers queries to key", {"key", "count"},
                [this](std::string_view args) { return crawl(rtk::json::Value::parse(args)); });
  }

  void stop() override {
    const rtk_network_service& t = net_->table();
    stopping_ = true;
    t.listener_close(listener_, nullptr);
    {
      std::lock_guard lock(mutex_);
      // Wakes the server's read with a past deadline, without closing.
      if (conn_) t.conn_set_read_deadline(conn_, 1, nullptr);
    }
    server_.join();
    t.listener_free(listener_);
    listener_ = nullptr;
    std::lock_guard lock(mutex_);
    if (conn_ && !leave_) t.conn_free(conn_);
    conn_ = nullptr;  // with LeaveConnectionsToHost the host takes it back
  }

 private:
  // One connection at a time, on the C table directly: a C++ wrapper would
  // free its handle when destroyed, and this fixture must be able not to.
  void serve() {
    const rtk_network_service& t = net_->table();
    while (!stopping_) {
      rtk_conn* raw = nullptr;
      if (t.listener_accept(listener_, RTK_NO_DEADLINE, &raw, nullptr) != RTK_OK) return;  // closed
      {
        std::lock_guard lock(mutex_);
        if (stopping_) {
          t.conn_free(raw);
          return;
        }
        conn_ = raw;
      }
      char buf[4096];
      for (;;) {
        std::size_t n = 0, w = 0;
        if (t.conn_read(raw, buf, sizeof buf, &n, nullptr) != RTK_OK || n == 0) break;
        if (t.conn_write(raw, buf, n, &w, nullptr) != RTK_OK) break;
      }
      std::lock_guard lock(mutex_);
      if (stopping_) return;  // stop() decides what happens to it
      t.conn_free(raw);
      conn_ = nullptr;
    }
  }

  std::string crawl(const rtk::json::Value& args) {
    auto key = rtk::PublicKey::fromHex(args.get("key").asString());
    if (!key) throw rtk::Error(rtk::Errc::InvalidArgument, "liveCrawl: key=<64 hex digits>");
    long count = std::stol(args.get("count").isString() ? args.get("count").asString() : std::string("256"));
    struct Tally {
      std::mutex m;
      std::condition_variable cv;
      long done = 0, ok = 0;
    };
    auto tally = std::make_shared<Tally>();
    std::size_t before = threadsOfThisProcess();
    for (long i = 0; i < count; ++i) {
      // Every other query goes to a key nobody has: it times out.
      rtk::PublicKey k = *key;
      if (i % 2) k.bytes[31] ^= static_cast<std::uint8_t>(i);
      diag_->queryRemote(rtk::RemoteQuery::Peers, k, std::chrono::seconds(3), [tally](rtk::Outcome<rtk::RemoteReply> r) {
        std::lock_guard lock(tally->m);
        ++tally->done;
        if (r.ok()) ++tally->ok;
        tally->cv.notify_all();
      });
    }
    std::size_t during = threadsOfThisProcess();
    std::unique_lock lock(tally->m);
    tally->cv.wait_for(lock, std::chrono::seconds(20), [&] { return tally->done == count; });
    rtk::json::Value reply = rtk::json::Value::object();
    reply.set("threads_before", static_cast<std::uint64_t>(before));
    reply.set("threads_in_flight", static_cast<std::uint64_t>(during));
    reply.set("done", static_cast<std::int64_t>(tally->done));
    reply.set("answered", static_cast<std::int64_t>(tally->ok));
    return reply.dump();
  }

  rtk::Log log_;
  std::unique_ptr<rtk::sdk::NetworkClient> net_;
  std::unique_ptr<rtk::sdk::AdminClient> admin_;
  std::unique_ptr<rtk::sdk::NodeInfoClient> info_;
  std::unique_ptr<rtk::sdk::DiagnosticsClient> diag_;
  int port_;
  bool leave_;
  rtk_listener* listener_ = nullptr;
  rtk::Thread server_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  rtk_conn* conn_ = nullptr;
};

RTK_PLUGIN(LivePlugin)
