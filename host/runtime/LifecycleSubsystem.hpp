// rtk::host::LifecycleSubsystem — one step of the host's lifecycle as a
// Poco::Util::Subsystem, so Poco's Application runs the steps in the order
// they were added and undoes them in reverse.
//
// The host program adds three, each naming a HostRuntime step pair:
//   "plugins"    startPlugins / stopPlugins
//   "node"       startNode / stopNode
//   "components" startComponents / stopComponents
// initialize() never throws: a failing step is logged under the
// subsystem's name and recorded in the runtime (HostRuntime::recordFailure),
// and later steps are skipped; uninitialize() always runs its stop step
// (stop steps are no-ops for what never started).
// Thread-safety: called by Poco::Util::Application on the main thread.
#pragma once

#include <Poco/Util/Application.h>
#include <Poco/Util/Subsystem.h>

#include <memory>
#include <string>

#include "ratatoskr/log.hpp"
#include "runtime/HostRuntime.hpp"

namespace rtk::host {

class LifecycleSubsystem : public Poco::Util::Subsystem {
 public:
  using Step = void (HostRuntime::*)();

  LifecycleSubsystem(std::string name, HostRuntime& runtime, Step start, Step stop, Log log);

  const char* name() const override { return name_.c_str(); }

 protected:
  void initialize(Poco::Util::Application& app) override;
  void uninitialize() override;

 private:
  std::string name_;
  HostRuntime& runtime_;
  Step start_;
  Step stop_;
  Log log_;
  bool ran_ = false;
};

// Adds the three steps above to `app`, in order, logging under each step's
// name. Both host programs (ratatoskr, ratatoskr-stack) start this way.
void addLifecycleSubsystems(Poco::Util::Application& app, HostRuntime& runtime, const std::shared_ptr<Logger>& logger);

}  // namespace rtk::host
