// NinfoService — the plugin's "ratatoskr.ninfo/1" table (services/ninfo.h)
// over the engine (engine/Asker): results as JSON (rtk::ninfo::toJson),
// errors as their status and message.
//
// The table exists from load() on; ask answers RTK_ERR_CLOSED until attach()
// (start) and again after detach() (stop). cancel keeps reaching the asker
// until release(), which the plugin calls once the asker is closed, so a
// client cancelling late never races the asker's last callbacks. Replies run
// on the asker's thread "rtk-ninfo", as the header says.
// Thread-safety: the table's functions from any thread; attach/detach from
// the plugin's lifecycle thread.
#pragma once

#include <shared_mutex>

#include "ninfo/Asker.hpp"
#include "ratatoskr/services/ninfo.h"

namespace rtk::plugins::ninfo {

class NinfoService {
 public:
  NinfoService();
  NinfoService(const NinfoService&) = delete;
  NinfoService& operator=(const NinfoService&) = delete;

  const rtk_ninfo_service* table() const { return &table_; }
  void attach(rtk::ninfo::Asker& asker);
  // Waits for asks in progress; afterwards ask answers CLOSED.
  void detach();
  // Forgets the asker (closed already): cancel becomes a no-op.
  void release();

 private:
  static rtk_status ask(rtk_ninfo* self, rtk_str target, std::uint64_t timeoutMs, rtk_reply_fn done, void* ctx,
                        std::uint64_t* requestId, rtk_sink* error) noexcept;
  static void cancel(rtk_ninfo* self, std::uint64_t requestId) noexcept;

  std::shared_mutex mutex_;
  rtk::ninfo::Asker* asker_ = nullptr;
  bool accepting_ = false;
  rtk_ninfo_service table_{};
};

}  // namespace rtk::plugins::ninfo
