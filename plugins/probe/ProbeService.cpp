#include "ProbeService.hpp"

#include "ratatoskr/abi.hpp"

namespace rtk::plugins::probe {

ProbeService::ProbeService() {
  table_.struct_size = sizeof(rtk_probe_service);
  table_.probe = reinterpret_cast<rtk_probe*>(this);
  table_.tree = &ProbeService::tree;
  table_.path = &ProbeService::path;
  table_.trace = &ProbeService::trace;
}

void ProbeService::attach(const ProbeCommands& commands) {
  std::unique_lock lock(mutex_);
  commands_ = &commands;
}

void ProbeService::detach() {
  std::unique_lock lock(mutex_);
  commands_ = nullptr;
}

rtk_status ProbeService::run(rtk_probe* p, Operation op, rtk_str arguments, rtk_sink* json, rtk_sink* error) noexcept {
  auto* self = reinterpret_cast<ProbeService*>(p);
  return sdk::guard(error, [&] {
    std::shared_lock lock(self->mutex_);
    if (!self->commands_) throw Error(Errc::Closed, "probe: not running");
    sdk::writeSink(json, (self->commands_->*op)(sdk::fromStr(arguments)));
  });
}

rtk_status ProbeService::tree(rtk_probe* p, rtk_str a, rtk_sink* json, rtk_sink* error) noexcept {
  return run(p, &ProbeCommands::tree, a, json, error);
}
rtk_status ProbeService::path(rtk_probe* p, rtk_str a, rtk_sink* json, rtk_sink* error) noexcept {
  return run(p, &ProbeCommands::path, a, json, error);
}
rtk_status ProbeService::trace(rtk_probe* p, rtk_str a, rtk_sink* json, rtk_sink* error) noexcept {
  return run(p, &ProbeCommands::trace, a, json, error);
}

}  // namespace rtk::plugins::probe
