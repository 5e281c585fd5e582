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

void addLifecycleSubsystems(Poco::Util::Application& app, HostRuntime& runtime, const std::shared_ptr<Logger>& logger) {
  using R = HostRuntime;
  app.addSubsystem(new LifecycleSubsystem("plugins", runtime, &R::startPlugins, &R::stopPlugins, Log(logger, "plugins")));
  app.addSubsystem(new LifecycleSubsystem("node", runtime, &R::startNode, &R::stopNode, Log(logger, "node")));
  app.addSubsystem(
      new LifecycleSubsystem("components", runtime, &R::startComponents, &R::stopComponents, Log(logger, "components")));
}

}  // namespace rtk::host
