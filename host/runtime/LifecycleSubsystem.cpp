#include "runtime/LifecycleSubsystem.hpp"

#include "ratatoskr/error.hpp"

namespace rtk::host {

LifecycleSubsystem::LifecycleSubsystem(std::string name, HostRuntime& runtime, Step start, Step stop, Log log)
    : name_(std::move(name)), runtime_(runtime), start_(start), stop_(stop), log_(std::move(log)) {}

void LifecycleSubsystem::initialize(Poco::Util::Application&) {
  if (runtime_.failed()) {
    log_.debug("not starting: an earlier step failed");
    return;
  }
  log_.info("starting");
  ran_ = true;
  try {
    (runtime_.*start_)();
  } catch (const Error& e) {
    log_.error(e.what());
    runtime_.recordFailure(e.what(), e.code() == Errc::Config);
  } catch (const std::exception& e) {
    log_.error(e.what());
    runtime_.recordFailure(e.what(), false);
  }
}

void LifecycleSubsystem::uninitialize() {
  if (!ran_) return;
  log_.info("stopping");
  try {
    (runtime_.*stop_)();
  } catch (const std::exception& e) {
    log_.error("stop: ", e.what());
  }
  log_.info("stopped");
}

}  // namespace rtk::host
