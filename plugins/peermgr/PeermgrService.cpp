#include "PeermgrService.hpp"

#include "ratatoskr/abi.hpp"

namespace rtk::plugins::peermgr {

namespace {
PeermgrService* peermgrServiceOf(rtk_peermgr* p) { return reinterpret_cast<PeermgrService*>(p); }
[[noreturn]] void notRunning() { throw Error(Errc::Closed, "peermgr: not running"); }
}  // namespace

PeermgrService::PeermgrService() {
  table_.struct_size = sizeof(rtk_peermgr_service);
  table_.peermgr = reinterpret_cast<rtk_peermgr*>(this);
  table_.active = &PeermgrService::active;
  table_.optimize = &PeermgrService::optimize;
  table_.snapshot = &PeermgrService::snapshot;
}

void PeermgrService::attach(rtk::peermgr::PeerManager& manager) {
  std::unique_lock lock(mutex_);
  manager_ = &manager;
}

void PeermgrService::detach() {
  std::unique_lock lock(mutex_);
  manager_ = nullptr;
}

rtk_status PeermgrService::active(rtk_peermgr* p, rtk_sink* json, rtk_sink* error) noexcept {
  auto* self = peermgrServiceOf(p);
  return sdk::guard(error, [&] {
    std::shared_lock lock(self->mutex_);
    if (!self->manager_) notRunning();
    json::Value list = json::Value::array();
    for (const auto& uri : self->manager_->active()) list.push(uri);
    sdk::writeSink(json, list.dump());
  });
}

rtk_status PeermgrService::optimize(rtk_peermgr* p, rtk_sink* error) noexcept {
  auto* self = peermgrServiceOf(p);
  return sdk::guard(error, [&] {
    std::shared_lock lock(self->mutex_);
    if (!self->manager_) notRunning();
    self->manager_->optimize();
  });
}

rtk_status PeermgrService::snapshot(rtk_peermgr* p, rtk_sink* json, rtk_sink* error) noexcept {
  auto* self = peermgrServiceOf(p);
  return sdk::guard(error, [&] {
    std::shared_lock lock(self->mutex_);
    if (!self->manager_) notRunning();
    sdk::writeSink(json, self->manager_->snapshot().dump());
  });
}

}  // namespace rtk::plugins::peermgr
