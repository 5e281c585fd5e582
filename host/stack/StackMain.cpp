// ratatoskr-stack — yggstack's command line on the ratatoskr host: the same
// node, runtime and plugins as `ratatoskr`, configured by yggstack's flags
// and yggdrasil's own HJSON/JSON conf (host/stack/README.md).
//
//   ratatoskr-stack -genconf [-json] > node.conf
//   ratatoskr-stack -useconffile node.conf -socks 127.0.0.1:1080
//       -local-tcp 127.0.0.1:2222:[200:…]:22 -remote-tcp 8080:127.0.0.1:8080   (one command line)
//   ratatoskr-stack -useconffile node.conf -address | -subnet | -publickey | -normaliseconf [-json] | -exportkey
//
// Exit status: 0 after a clean stop (or a printed answer), 64 bad command
// line (malformed mapping, port 0, IPv4 Yggdrasil destination, unknown
// flag, -autoconf), 78 bad conf (syntax at file:line:column, unknown keys,
// bad values), 73 when -logto cannot open its file, 70 when the node or a
// plugin it needs fails at start (the log says which).
#include <Poco/Util/ServerApplication.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/YggdrasilConfWriter.hpp"
#include "core/crypto/Ed25519.hpp"
#include "core/crypto/Pem.hpp"
#include "ratatoskr/abi.h"
#include "ratatoskr/address.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"
#include "ratatoskr/version.h"
#include "runtime/HostRuntime.hpp"
#include "runtime/LifecycleSubsystem.hpp"
#include "runtime/NodeFactory.hpp"
#include "runtime/StopSignals.hpp"
#include "stack/StackFlags.hpp"
#include "stack/StackLog.hpp"
#include "stack/StackPlan.hpp"

namespace {

using Poco::Util::Application;
using rtk::host::YggdrasilConfWriter;
using namespace rtk::host::stack;
namespace crypto = rtk::core::crypto;

int fail(int code, const std::string& message) {
  std::cerr << "ratatoskr-stack: " << message << "\n";
  if (code == Application::EXIT_USAGE) std::cerr << "(ratatoskr-stack -help lists the flags)\n";
  return code;
}

// The node's key as the conf gives it; yggdrasil makes one up when there is none.
crypto::SigningKey keyOf(const rtk::host::HostConfig& config) {
  if (!config.node.privateKeyPath.empty()) return crypto::loadPemPrivateKey(config.node.privateKeyPath);
  if (!config.node.privateKey.empty()) return crypto::SigningKey::fromHex(config.node.privateKey);
  return crypto::SigningKey::generate();
}

// Runs the host runtime's three steps with the plan's conf until SIGINT or
// SIGTERM, exactly as the `ratatoskr` program does.
class StackApplication final : public Poco::Util::ServerApplication {
 public:
  explicit StackApplication(StackPlan plan) : plan_(std::move(plan)) {}
  int runStack() { return run(); }

 protected:
  void defineOptions(Poco::Util::OptionSet& options) override { Application::defineOptions(options); }

  void initialize(Application& self) override {
    try {
      logger_ = std::make_shared<rtk::Logger>(stackLogSink(plan_.logTo), plan_.logLevel);
    } catch (const rtk::Error& e) {
      exitCode_ = fail(EXIT_CANTCREAT, e.what());
      return;
    }
    log_ = rtk::Log(logger_, "stack");
    rtk::Log confLog(logger_, "config");
    for (const auto& w : plan_.config.warnings) confLog.warn(w);
    log_.info("ratatoskr-stack ", RTK_VERSION, " starting with ", plan_.config.sourcePath);
    try {
      runtime_ = std::make_unique<rtk::host::HostRuntime>(plan_.config, logger_, rtk::host::defaultNodeFactory(), RTK_VERSION,
                                                          rtk::host::defaultNodeInfoPreview());
    } catch (const rtk::Error& e) {
      log_.error(e.what());
      exitCode_ = e.code() == rtk::Errc::Config ? EXIT_CONFIG : EXIT_SOFTWARE;
      return;
    }
    rtk::host::addLifecycleSubsystems(*this, *runtime_, logger_);
    ServerApplication::initialize(self);
  }

  int main(const ArgVec&) override {
    if (exitCode_ != EXIT_OK) return exitCode_;
    if (runtime_->failed()) {
      log_.error("not running: ", runtime_->failure());
      return runtime_->failureIsConfig() ? EXIT_CONFIG : EXIT_SOFTWARE;
    }
    // yggstack fails when a forward or SOCKS listener cannot open; so do we.
    auto problems = runtime_->problems();
    if (!problems.empty()) {
      for (const auto& p : problems) log_.error("not running: ", p);
      log_.error("stopping: every plugin the flags ask for must run");
      return EXIT_SOFTWARE;
    }
    log_.info("running; stop with SIGINT or SIGTERM");
    waitForTerminationRequest();
    log_.info("termination requested; stopping in reverse order");
    return EXIT_OK;
  }

 private:
  StackPlan plan_;
  int exitCode_ = EXIT_OK;
  std::shared_ptr<rtk::Logger> logger_;
  rtk::Log log_;
  std::unique_ptr<rtk::host::HostRuntime> runtime_;  // after the logger: destroyed first
};

int printAnswer(const StackPlan& plan) {
  const auto format = plan.json ? YggdrasilConfWriter::Format::Json : YggdrasilConfWriter::Format::Hjson;
  switch (plan.action) {
    case StackAction::Help:
      std::cout << "Usage of ratatoskr-stack:\n" << StackFlags::usage();
      return Application::EXIT_OK;
    case StackAction::Version:
      std::cout << "Build name: ratatoskr-stack\nBuild version: " << RTK_VERSION << " (plugin ABI " << RTK_ABI_MAJOR << "."
                << RTK_ABI_MINOR << ")\n";
      return Application::EXIT_OK;
    case StackAction::Genconf:
      std::cout << YggdrasilConfWriter::write(YggdrasilConfWriter::fresh(crypto::SigningKey::generate().hex()), format);
      return Application::EXIT_OK;
    case StackAction::Normalise:
      std::cout << YggdrasilConfWriter::write(YggdrasilConfWriter::normalised(plan.config, crypto::SigningKey::generate().hex()),
                                              format);
      return Application::EXIT_OK;
    default: break;
  }
  const auto key = keyOf(plan.config);
  switch (plan.action) {
    case StackAction::Address: std::cout << rtk::formatAddress(rtk::address::addressForKey(key.publicKey())) << "\n"; break;
    case StackAction::Subnet: std::cout << rtk::formatAddress(rtk::address::subnetForKey(key.publicKey())) << "/64\n"; break;
    case StackAction::PublicKey: std::cout << key.publicKey().hex() << "\n"; break;
    case StackAction::ExportKey: std::cout << crypto::toPemPrivateKey(key) << "\n"; break;
    default: break;
  }
  return Application::EXIT_OK;
}

}  // namespace

int main(int argc, char** argv) {
  rtk::host::blockStopSignals();
  crypto::initSodium();
  StackPlan plan;
  try {
    StackFlags flags = StackFlags::parse(std::vector<std::string>(argv + 1, argv + argc));
    plan = StackPlan::make(flags, std::cin, rtk::host::HostRuntime::installedPluginDirectory());
  } catch (const rtk::Error& e) {
    return fail(e.code() == rtk::Errc::Config ? Application::EXIT_CONFIG : Application::EXIT_USAGE, e.what());
  }
  if (plan.action != StackAction::Run) {
    try {
      return printAnswer(plan);
    } catch (const rtk::Error& e) {
      return fail(Application::EXIT_CONFIG, e.what());
    }
  }
  StackApplication app(std::move(plan));
  try {
    char* programOnly[] = {argv[0], nullptr};
    app.init(1, programOnly);
  } catch (const Poco::Exception& e) {
    return fail(Application::EXIT_SOFTWARE, e.displayText());
  }
  return app.runStack();
}
