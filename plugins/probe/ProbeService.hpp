// ProbeService — the plugin's "ratatoskr.probe/1" table
// (sdk/include/ratatoskr/services/probe.h) over ProbeCommands.
//
// Answers RTK_ERR_CLOSED before attach() and after detach(). detach() waits
// for calls in progress, so the plugin closes its Prober first (they return
// at once with partial results) and detaches then.
// Thread-safety: the table's functions from any thread; attach/detach from
// the plugin's lifecycle thread.
#pragma once

#include <shared_mutex>

#include "ProbeCommands.hpp"
#include "ratatoskr/services/probe.h"

namespace rtk::plugins::probe {

class ProbeService {
 public:
  ProbeService();
  ProbeService(const ProbeService&) = delete;
  ProbeService& operator=(const ProbeService&) = delete;

  const rtk_probe_service* table() const { return &table_; }
  void attach(const ProbeCommands& commands);
  void detach();

 private:
  using Operation = std::string (ProbeCommands::*)(std::string_view) const;
  static rtk_status run(rtk_probe* self, Operation op, rtk_str arguments, rtk_sink* json, rtk_sink* error) noexcept;
  static rtk_status tree(rtk_probe* self, rtk_str arguments, rtk_sink* json, rtk_sink* error) noexcept;
  static rtk_status path(rtk_probe* self, rtk_str arguments, rtk_sink* json, rtk_sink* error) noexcept;
  static rtk_status trace(rtk_probe* self, rtk_str arguments, rtk_sink* json, rtk_sink* error) noexcept;

  std::shared_mutex mutex_;
  const ProbeCommands* commands_ = nullptr;
  rtk_probe_service table_{};
};

}  // namespace rtk::plugins::probe
