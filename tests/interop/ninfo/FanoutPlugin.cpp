// ninfo-fanout: a plugin that uses the ninfo service (ratatoskr.ninfo/1)
// as any other plugin would, through rtk::sdk::NinfoClient, to put many asks
// in flight at once. One admin command:
//   ninfoFanout targets=<t1,t2,...> [count=N] [timeout=MS]
// starts N asynchronous asks (default: one per target), target i going to
// targets[i % len], all before the first answer is awaited, then waits for
// every answer and reports what came back and how many threads the process
// had before and while they were in flight.
#include <dirent.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/admin.hpp"
#include "ratatoskr/services/ninfo.hpp"

namespace {

std::size_t threadCount() {
  std::size_t n = 0;
  if (DIR* d = ::opendir("/proc/self/task")) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') ++n;
    ::closedir(d);
  }
  return n;
}

std::uint64_t numberArgument(const rtk::json::Value& v, std::uint64_t fallback) {
  if (v.isNull()) return fallback;
  if (v.isInteger()) return v.asUint64();
  return std::stoull(v.asString());
}

// What the answers of one fan-out were.
struct Tally {
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t done = 0, ok = 0;
  std::map<std::string, std::size_t> errors;    // errc name -> count
  std::map<std::string, std::string> messages;  // errc name -> first message
  std::set<std::string> keys;                   // keys that answered
  double maxRttMs = 0;
};

}  // namespace

class FanoutPlugin final : public rtk::sdk::Plugin {
 public:
  static constexpr rtk::sdk::PluginInfo info{
      .name = "ninfo-fanout",
      .version = "1.0.0",
      .description = "interop fixture: many asks in flight through the ninfo service",
      .requiredServices = {RTK_NINFO_SERVICE_ID, RTK_ADMIN_SERVICE_ID}};

  explicit FanoutPlugin(rtk::sdk::Host& host)
      : ninfo_(rtk::sdk::NinfoClient::fromHost(host)), admin_(rtk::sdk::AdminClient::fromHost(host)) {}

  void start() override {
    admin_->add("ninfoFanout", "Ask many targets at once through ratatoskr.ninfo/1", {"targets", "count", "timeout"},
                [this](std::string_view args) { return fanout(rtk::json::Value::parse(args)); });
  }
  void stop() override { ninfo_.reset(); }

 private:
  std::string fanout(const rtk::json::Value& args) {
    std::vector<std::string> targets;
    const std::string list = args.get("targets").isString() ? args.get("targets").asString() : std::string();
    for (std::size_t start = 0; start <= list.size();) {
      auto comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      if (comma > start) targets.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
    if (targets.empty()) throw rtk::Error(rtk::Errc::InvalidArgument, "ninfoFanout: no targets");
    const std::uint64_t count = numberArgument(args.get("count"), targets.size());
    const auto timeout = std::chrono::milliseconds(numberArgument(args.get("timeout"), 60000));

    auto tally = std::make_shared<Tally>();
    const std::size_t before = threadCount();
    const auto started = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < count; ++i) {
      ninfo_->ask(targets[i % targets.size()], timeout, [tally](rtk::Outcome<rtk::ninfo::AskResult> r) {
        std::lock_guard lock(tally->mutex);
        ++tally->done;
        if (r.ok()) {
          ++tally->ok;
          tally->keys.insert(r.value.key.hex());
          tally->maxRttMs = std::max(tally->maxRttMs, static_cast<double>(r.value.rtt.count()) / 1e6);
        } else {
          const std::string code = rtk::errcName(r.error->code());
          ++tally->errors[code];
          tally->messages.emplace(code, r.error->what());
        }
        tally->cv.notify_all();
      });
    }
    const std::size_t during = threadCount();
    std::unique_lock lock(tally->mutex);
    tally->cv.wait_for(lock, timeout + std::chrono::seconds(30), [&] { return tally->done == count; });
    const auto elapsed = std::chrono::steady_clock::now() - started;

    auto reply = rtk::json::Value::object();
    reply.set("asked", count);
    reply.set("done", static_cast<std::uint64_t>(tally->done));
    reply.set("ok", static_cast<std::uint64_t>(tally->ok));
    auto errors = rtk::json::Value::object();
    for (const auto& [code, n] : tally->errors) errors.set(code, static_cast<std::uint64_t>(n));
    reply.set("errors", std::move(errors));
    auto messages = rtk::json::Value::object();
    for (const auto& [code, m] : tally->messages) messages.set(code, m);
    reply.set("messages", std::move(messages));
    auto keys = rtk::json::Value::array();
    for (const auto& k : tally->keys) keys.push(k);
    reply.set("ok_keys", std::move(keys));
    reply.set("max_rtt_ms", tally->maxRttMs);
    reply.set("threads_before", static_cast<std::uint64_t>(before));
    reply.set("threads_in_flight", static_cast<std::uint64_t>(during));
    reply.set("elapsed_ms", static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
    return reply.dump();
  }

  std::unique_ptr<rtk::sdk::NinfoClient> ninfo_;
  std::unique_ptr<rtk::sdk::AdminClient> admin_;
};

RTK_PLUGIN(FanoutPlugin)
