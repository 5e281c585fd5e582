#include "NinfoService.hpp"

#include "ratatoskr/abi.hpp"

namespace rtk::plugins::ninfo {

namespace {
NinfoService* serviceOf(rtk_ninfo* p) { return reinterpret_cast<NinfoService*>(p); }
}  // namespace

NinfoService::NinfoService() {
  table_.struct_size = sizeof(rtk_ninfo_service);
  table_.ninfo = reinterpret_cast<rtk_ninfo*>(this);
  table_.ask = &NinfoService::ask;
  table_.cancel = &NinfoService::cancel;
}

void NinfoService::attach(rtk::ninfo::Asker& asker) {
  std::unique_lock lock(mutex_);
  asker_ = &asker;
  accepting_ = true;
}

void NinfoService::detach() {
  std::unique_lock lock(mutex_);
  accepting_ = false;
}

void NinfoService::release() {
  std::unique_lock lock(mutex_);
  accepting_ = false;
  asker_ = nullptr;
}

rtk_status NinfoService::ask(rtk_ninfo* p, rtk_str target, std::uint64_t timeoutMs, rtk_reply_fn done, void* ctx,
                             std::uint64_t* requestId, rtk_sink* error) noexcept {
  auto* self = serviceOf(p);
  return sdk::guard(error, [&] {
    if (!done) throw Error(Errc::InvalidArgument, "ninfo: ask without a reply function");
    std::shared_lock lock(self->mutex_);
    if (!self->accepting_) throw Error(Errc::Closed, "ninfo: not running");
    auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(std::min<std::uint64_t>(timeoutMs, INT64_MAX / 1000000)));
    auto id = self->asker_->ask(sdk::fromStr(target), timeout, [done, ctx](Outcome<rtk::ninfo::AskResult> r) {
      if (r.ok()) {
        const std::string json = rtk::ninfo::toJson(r.value).dump();
        done(ctx, RTK_OK, sdk::toStr(json), r.value.rtt.count(), rtk_str{nullptr, 0});
      } else {
        const std::string message = r.error->what();
        done(ctx, sdk::toStatus(r.error->code()), rtk_str{nullptr, 0}, 0, sdk::toStr(message));
      }
    });
    if (requestId) *requestId = id;
  });
}

void NinfoService::cancel(rtk_ninfo* p, std::uint64_t requestId) noexcept {
  auto* self = serviceOf(p);
  try {
    std::shared_lock lock(self->mutex_);
    if (self->asker_) self->asker_->cancel(requestId);
  } catch (...) {
    // cancel never fails; a stopped asker has no callbacks left to withhold.
  }
}

}  // namespace rtk::plugins::ninfo
