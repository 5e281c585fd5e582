// rtk::sdk::NinfoClient — the ninfo service (services/ninfo.h): ask other
// nodes for their NodeInfo from a plugin.
//
//   // info: .requiredServices = {RTK_NINFO_SERVICE_ID}
//   auto ninfo = rtk::sdk::NinfoClient::fromHost(host);     // in the constructor
//   ninfo->ask("200:1234::1", std::chrono::seconds(10), [](rtk::Outcome<rtk::ninfo::AskResult> r) {
//     if (r.ok()) ...r.value.sigils...;
//   });
//
// Callbacks run on the ninfo plugin's thread "rtk-ninfo", not on this
// plugin's callback thread: return quickly, and never call the blocking
// ask() from there. The destructor cancels every ask still in flight, so
// destroying the client in stop() (or before) is all a plugin needs to do.
// Errors: rtk::Error with the service's Errc and message (ratatoskr/ninfo.hpp
// lists them). Thread-safety: every member from any thread. Header-only.
#pragma once

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/ninfo.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/ninfo.h"
#include "ratatoskr/services/reply.hpp"

namespace rtk::sdk {

class NinfoClient final {
 public:
  using Callback = std::function<void(Outcome<ninfo::AskResult>)>;

  explicit NinfoClient(const rtk_ninfo_service& table) : t_(&table) {
    if (table.struct_size < RTK_NINFO_SERVICE_SIZE_1_0) {
      throw Error(Errc::Abi, "ninfo service: table is " + std::to_string(table.struct_size) + " bytes, need at least " +
                                 std::to_string(RTK_NINFO_SERVICE_SIZE_1_0));
    }
  }
  ~NinfoClient() {
    std::vector<std::uint64_t> ids;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [id, pending] : byId_) ids.push_back(id);
    }
    for (auto id : ids) cancel(id);
  }
  NinfoClient(const NinfoClient&) = delete;
  NinfoClient& operator=(const NinfoClient&) = delete;

  static std::unique_ptr<NinfoClient> fromHost(const Host& host) {
    return std::make_unique<NinfoClient>(host.requireService<rtk_ninfo_service>(
        RTK_NINFO_SERVICE_ID, static_cast<std::uint32_t>(RTK_NINFO_SERVICE_SIZE_1_0)));
  }

  // Starts an ask; `done` runs exactly once on "rtk-ninfo" unless cancel(id)
  // comes first. timeout 0: only the plugin's limits. Throws for a bad target
  // (done is then never called).
  std::uint64_t ask(std::string_view target, std::chrono::milliseconds timeout, Callback done) {
    auto pending = std::make_shared<Pending>();
    pending->client = this;
    pending->done = std::move(done);
    std::lock_guard lock(mutex_);  // a reply arriving at once waits until the id is known
    StringSink err;
    std::uint64_t id = 0;
    rtk_status status = t_->ask(t_->ninfo, toStr(target), timeout.count() < 0 ? 0 : static_cast<std::uint64_t>(timeout.count()),
                                &NinfoClient::deliver, pending.get(), &id, err.get());
    check(status, err, "ninfo ask");
    pending->id = id;
    byId_.emplace(id, pending);
    byAddress_.emplace(pending.get(), pending);
    return id;
  }

  // Blocks until the answer: the result, or throws rtk::Error.
  ninfo::AskResult ask(std::string_view target, std::chrono::milliseconds timeout = {}) {
    auto promise = std::make_shared<std::promise<Outcome<ninfo::AskResult>>>();
    auto future = promise->get_future();
    ask(target, timeout, [promise](Outcome<ninfo::AskResult> r) { promise->set_value(std::move(r)); });
    auto outcome = future.get();
    if (!outcome.ok()) throw *outcome.error;
    return std::move(outcome.value);
  }

  // Once it returns, `done` of this ask is not running and never runs.
  void cancel(std::uint64_t id) {
    std::shared_ptr<Pending> pending;
    {
      std::lock_guard lock(mutex_);
      auto it = byId_.find(id);
      if (it == byId_.end()) return;
      pending = it->second;
    }
    t_->cancel(t_->ninfo, id);
    forget(pending);
  }

  // Asks still waiting for their answer.
  std::size_t pending() const {
    std::lock_guard lock(mutex_);
    return byId_.size();
  }

 private:
  struct Pending {
    NinfoClient* client = nullptr;
    std::uint64_t id = 0;
    Callback done;
  };

  void forget(const std::shared_ptr<Pending>& pending) {
    std::lock_guard lock(mutex_);
    auto it = byAddress_.find(pending.get());
    if (it == byAddress_.end() || it->second != pending) return;
    byAddress_.erase(it);
    byId_.erase(pending->id);
  }

  static void deliver(void* ctx, rtk_status status, rtk_str json, std::int64_t rttNs, rtk_str error) noexcept {
    // ctx is a Pending the client still holds: the provider never replies after cancel().
    auto* client = static_cast<Pending*>(ctx)->client;
    std::shared_ptr<Pending> pending;
    Callback done;
    {
      std::lock_guard lock(client->mutex_);
      auto it = client->byAddress_.find(static_cast<Pending*>(ctx));
      if (it == client->byAddress_.end()) return;
      pending = it->second;
      done = std::move(pending->done);
    }
    try {
      Outcome<ninfo::AskResult> out;
      if (status != RTK_OK) {
        out.error = RawReply{status, {}, {}, fromStr(error)}.toError("ninfo ask");
      } else {
        try {
          out.value = ninfo::askResultFromJson(json::Value::parse(fromStr(json)));
          out.value.rtt = std::chrono::nanoseconds(rttNs);
        } catch (const Error& e) {
          out.error = e;
        }
      }
      if (done) done(std::move(out));
    } catch (...) {
      // Nothing may unwind into the provider; the callback owns its errors.
    }
    client->forget(pending);
  }

  const rtk_ninfo_service* t_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::shared_ptr<Pending>> byId_;
  std::map<const Pending*, std::shared_ptr<Pending>> byAddress_;
};

}  // namespace rtk::sdk
