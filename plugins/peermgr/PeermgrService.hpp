// PeermgrService — the plugin's "ratatoskr.peermgr/1" table
// (services/peermgr.h) over the engine (engine/PeerManager).
//
// The table exists from load() on and answers RTK_ERR_CLOSED until attach()
// (start) and again after detach() (stop, which waits for calls in
// progress; an optimize in progress ends with CLOSED as the manager stops).
// Thread-safety: the table's functions from any thread; attach/detach from
// the plugin's lifecycle thread.
#pragma once

#include <shared_mutex>

#include "peermgr/PeerManager.hpp"
#include "ratatoskr/services/peermgr.h"

namespace rtk::plugins::peermgr {

class PeermgrService {
 public:
  PeermgrService();
  PeermgrService(const PeermgrService&) = delete;
  PeermgrService& operator=(const PeermgrService&) = delete;

  const rtk_peermgr_service* table() const { return &table_; }
  void attach(rtk::peermgr::PeerManager& manager);
  void detach();

 private:
  static rtk_status active(rtk_peermgr* self, rtk_sink* json, rtk_sink* error) noexcept;
  static rtk_status optimize(rtk_peermgr* self, rtk_sink* error) noexcept;
  static rtk_status snapshot(rtk_peermgr* self, rtk_sink* json, rtk_sink* error) noexcept;

  std::shared_mutex mutex_;
  rtk::peermgr::PeerManager* manager_ = nullptr;
  rtk_peermgr_service table_{};
};

}  // namespace rtk::plugins::peermgr
