// ratatoskr — the host program: runs a node from a conf file and the plugins
// it enables. The shell only: options, conf, logger, and the three lifecycle
// subsystems; everything else lives in host/runtime and host/config.
//
//   ratatoskr [--config FILE] [--plugin-dir DIR]... [--log-level LEVEL] [--log-format FORMAT]
//   ratatoskr --genconf [FILE]
//   ratatoskr --print-config [--show-secrets] [--config FILE]
//   ratatoskr ask TARGET [--json] [--admin ENDPOINT] [--config FILE] [--timeout MS]
//   ratatoskr probe tree|path|trace ... [--json] [--admin ENDPOINT] [--config FILE]
//   ratatoskr --version | --help
//
// `ask` is a client of a running host (host/cli/AskCommand.hpp): it asks
// that host's ninfo plugin, through the admin socket, for a node's NodeInfo;
// `probe` (host/cli/ProbeCommand.hpp) asks its probe plugin to crawl, find a
// tree path or trace a route.
//
// Exit status: 0 after a clean stop, 64 bad usage, 78 bad conf (including an
// enabled module no plugin provides), 70 when a lifecycle step failed at run
// time (the log says which), 73 when --genconf cannot write.
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/AskCommand.hpp"
#include "cli/ProbeCommand.hpp"
#include "config/ConfParser.hpp"
#include "config/ConfWriter.hpp"
#include "ratatoskr/abi.h"
#include "ratatoskr/error.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/version.h"
#include "runtime/HostRuntime.hpp"
#include "runtime/LifecycleSubsystem.hpp"
#include "runtime/LogFormat.hpp"
#include "runtime/NodeFactory.hpp"
#include "runtime/StopSignals.hpp"

namespace {

using Poco::Util::Application;
using Poco::Util::Option;
using Poco::Util::OptionSet;

constexpr const char* kDefaultConf = "conf/ratatoskr.conf";

class HostApplication final : public Poco::Util::ServerApplication {
 public:
  // Application::run() after init(): initialize (the subsystems), main,
  // uninitialize. ServerApplication::run(argc, argv) would also do init(),
  // but report option errors through Poco's logger instead of ours.
  int runHost() { return run(); }

 protected:
  void defineOptions(OptionSet& options) override {
    // Not ServerApplication::defineOptions: the host runs in the foreground
    // (systemd or a terminal), so Poco's --daemon/--pidfile are not offered.
    Application::defineOptions(options);
    options.addOption(Option("config", "c", "read the conf file FILE (default: " + std::string(kDefaultConf) +
                                                " if it exists, else built-in defaults)")
                          .argument("FILE"));
    options.addOption(Option("plugin-dir", "p", "also search DIR for plugins (repeatable; searched before the conf's)")
                          .argument("DIR")
                          .repeatable(true));
    options.addOption(Option("log-level", "l", "log at LEVEL: trace, debug, info, warn, error or off (overrides the conf)")
                          .argument("LEVEL"));
    options.addOption(Option("log-format", "",
                             "write log lines as FORMAT: auto (journal under systemd, else text), text, journal or json")
                          .argument("FORMAT"));
    options.addOption(Option("genconf", "", "write a new conf with a fresh key to FILE (created mode 0600), or to stdout")
                          .argument("FILE", false));
    options.addOption(Option("print-config", "", "print the effective configuration with defaults and exit"));
    options.addOption(Option("show-secrets", "", "with --print-config: show the private key instead of <redacted>"));
    options.addOption(Option("version", "", "print the version and exit"));
    options.addOption(Option("help", "h", "print this help and exit"));
  }

  void handleOption(const std::string& name, const std::string& value) override {
    Application::handleOption(name, value);
    if (name == "config") {
      confPath_ = value;
    } else if (name == "plugin-dir") {
      pluginDirs_.push_back(value);
    } else if (name == "log-level") {
      logLevel_ = value;
    } else if (name == "log-format") {
      logFormat_ = value;
    } else if (name == "genconf") {
      mode_ = Mode::Genconf;
      genconfPath_ = value;
    } else if (name == "print-config") {
      if (mode_ == Mode::Run) mode_ = Mode::PrintConfig;
    } else if (name == "show-secrets") {
      showSecrets_ = true;
    } else if (name == "version") {
      mode_ = Mode::Version;
      stopOptionsProcessing();
    } else if (name == "help") {
      mode_ = Mode::Help;
      stopOptionsProcessing();
    }
  }

  void initialize(Application& self) override {
    if (mode_ == Mode::Run) prepareRun();
    ServerApplication::initialize(self);  // runs the subsystems added by prepareRun()
  }

  int main(const ArgVec& args) override {
    switch (mode_) {
      case Mode::Help: return help();
      case Mode::Version:
        std::cout << "ratatoskr " << RTK_VERSION << " (plugin ABI " << RTK_ABI_MAJOR << "." << RTK_ABI_MINOR << ")\n";
        return EXIT_OK;
      case Mode::Genconf: return genconf(args);
      case Mode::PrintConfig:
      case Mode::Run: break;
    }
    if (!args.empty()) return usageError("unexpected argument \"" + args.front() + "\"");
    if (mode_ == Mode::PrintConfig) return printConfig();
    if (exitCode_ != EXIT_OK) return exitCode_;
    if (runtime_->failed()) {
      log_.error("not running: ", runtime_->failure());
      return runtime_->failureIsConfig() ? EXIT_CONFIG : EXIT_SOFTWARE;
    }
    log_.info("running; stop with SIGINT or SIGTERM");
    waitForTerminationRequest();
    log_.info("termination requested; stopping in reverse order");
    return EXIT_OK;
  }

 private:
  enum class Mode { Run, Genconf, PrintConfig, Version, Help };

  int help() {
    Poco::Util::HelpFormatter formatter(options());
    formatter.setCommand(commandName());
    formatter.setUsage("[OPTIONS]");
    formatter.setHeader(
        "Runs a Yggdrasil 0.5 node with a userspace TCP/UDP stack from a conf file, and the plugins it enables.");
    formatter.setFooter(
        "The conf file is JSON with comments (yggdrasil's HJSON confs are read too); `--genconf` writes a commented "
        "one to start from. Plugins are enabled in it (\"Plugins\": {\"Enabled\": [\"socks\"]}); conf/examples/ "
        "has one conf per plugin (socks.conf runs the SOCKS5 proxy).\n"
        "`ratatoskr ask TARGET [--json] [--admin ENDPOINT] [--config FILE] [--timeout MS]` asks a running host's "
        "ninfo plugin for a node's NodeInfo (TARGET: a key, <key>.pk.ygg, [address]:port or an address).\n"
        "`ratatoskr probe tree --depth N [--concurrency N] [--max-nodes N] [--json|--dot]`, `ratatoskr probe path KEY`, "
        "`ratatoskr probe trace KEY` ask a running host's probe plugin to crawl the network, show a tree path or "
        "trace a route (same --admin/--config options).");
    formatter.format(std::cout);
    return EXIT_OK;
  }

  int usageError(const std::string& message) {
    std::cerr << "ratatoskr: " << message << " (see --help)\n";
    return EXIT_USAGE;
  }

  // The conf from --config, else conf/ratatoskr.conf when present, else
  // the built-in defaults; then the command line's plugin directories.
  // Throws rtk::Error(Errc::Config).
  rtk::host::HostConfig loadConfig() {
    rtk::host::HostConfig config;
    std::string path = confPath_;
    if (path.empty() && std::filesystem::exists(kDefaultConf)) path = kDefaultConf;
    if (!path.empty()) config = rtk::host::ConfParser::parseFile(path);
    std::vector<std::string> dirs = pluginDirs_;
    for (const auto& d : config.plugins.directories) dirs.push_back(d);
    if (dirs.empty()) {
      std::string installed = rtk::host::HostRuntime::installedPluginDirectory();
      if (std::filesystem::is_directory(installed)) dirs.push_back(installed);
    }
    config.plugins.directories = dirs;
    if (!logLevel_.empty()) {
      static const std::pair<const char*, rtk::LogLevel> levels[] = {
          {"trace", rtk::LogLevel::Trace}, {"debug", rtk::LogLevel::Debug}, {"info", rtk::LogLevel::Info},
          {"warn", rtk::LogLevel::Warn},   {"error", rtk::LogLevel::Error}, {"off", rtk::LogLevel::Off}};
      bool found = false;
      for (const auto& [name, level] : levels)
        if (logLevel_ == name) {
          config.logLevel = level;
          found = true;
        }
      if (!found) throw rtk::Error(rtk::Errc::Config, "--log-level: \"" + logLevel_ + "\" is not one of trace, debug, info, warn, error, off");
    }
    return config;
  }

  void raiseDescriptorLimit();
  void prepareRun() {
    auto format = rtk::host::parseLogFormat(logFormat_);
    if (!format) {
      std::cerr << "ratatoskr: --log-format: \"" << logFormat_ << "\" is not one of auto, text, journal, json (see --help)\n";
      exitCode_ = EXIT_USAGE;
      return;
    }
    logger_ = std::make_shared<rtk::Logger>(rtk::host::logSink(*format), rtk::LogLevel::Info);
    log_ = rtk::Log(logger_, "host");
    rtk::host::HostConfig config;
    try {
      config = loadConfig();
    } catch (const rtk::Error& e) {
      log_.error(e.what());
      exitCode_ = EXIT_CONFIG;
      return;
    }
    logger_->setLevel(config.logLevel);
    rtk::Log confLog(logger_, "config");
    for (const auto& w : config.warnings) confLog.warn(w);
    log_.info("ratatoskr ", RTK_VERSION, " (plugin ABI ", RTK_ABI_MAJOR, ".", RTK_ABI_MINOR, ") starting with ",
              config.sourcePath.empty() ? std::string("built-in defaults (no conf file)") : config.sourcePath);
    raiseDescriptorLimit();
    try {
      runtime_ = std::make_unique<rtk::host::HostRuntime>(std::move(config), logger_, rtk::host::defaultNodeFactory(),
                                                          RTK_VERSION, rtk::host::defaultNodeInfoPreview());
    } catch (const rtk::Error& e) {
      log_.error(e.what());
      exitCode_ = EXIT_SOFTWARE;
      return;
    }
    rtk::host::addLifecycleSubsystems(*this, *runtime_, logger_);
  }

  int genconf(const ArgVec& args) {
    std::string path = genconfPath_;
    if (path.empty() && !args.empty()) path = args.front();
    if (args.size() > (genconfPath_.empty() ? 1u : 0u)) return usageError("unexpected argument \"" + args.back() + "\"");
    std::string text;
    try {
      text = rtk::host::ConfWriter::generateFresh();
    } catch (const std::exception& e) {
      std::cerr << "ratatoskr: --genconf: " << e.what() << "\n";
      return EXIT_SOFTWARE;
    }
    if (path.empty()) {
      std::cout << text;
      return EXIT_OK;
    }
    // The file holds a private key: create it owner-only, and never replace one.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      std::cerr << "ratatoskr: --genconf: " << path << ": " << std::strerror(errno)
                << (errno == EEXIST ? " (not replacing an existing file)" : "") << "\n";
      return EXIT_CANTCREAT;
    }
    std::size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        std::cerr << "ratatoskr: --genconf: " << path << ": " << std::strerror(errno) << "\n";
        ::close(fd);
        return EXIT_IOERR;
      }
      done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) {
      std::cerr << "ratatoskr: --genconf: " << path << ": " << std::strerror(errno) << "\n";
      return EXIT_IOERR;
    }
    std::cerr << "ratatoskr: wrote " << path << "\n";
    return EXIT_OK;
  }

  int printConfig() {
    try {
      auto config = loadConfig();
      for (const auto& w : config.warnings) std::cerr << "ratatoskr: warning: " << w << "\n";
      std::cout << rtk::host::ConfWriter::effective(config, showSecrets_);
      return EXIT_OK;
    } catch (const rtk::Error& e) {
      std::cerr << "ratatoskr: " << e.what() << "\n";
      return EXIT_CONFIG;
    }
  }

  Mode mode_ = Mode::Run;
  std::string confPath_;
  std::vector<std::string> pluginDirs_;
  std::string logLevel_;
  std::string logFormat_ = "auto";
  std::string genconfPath_;
  bool showSecrets_ = false;
  int exitCode_ = EXIT_OK;
  std::shared_ptr<rtk::Logger> logger_;
  rtk::Log log_;
  // Declared after the logger: destroyed first, while the logger still lives.
  std::unique_ptr<rtk::host::HostRuntime> runtime_;
};

// Open descriptors, soft limit up to the hard one (as Go programs do): a
// proxy holding 10 000 connections needs about two per connection, far
// beyond the usual soft 1024. The hard limit is the administrator's.
void HostApplication::raiseDescriptorLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    log_.warn("cannot raise the open-files limit from ", before, " to ", limit.rlim_max, ": ", std::strerror(errno));
    return;
  }
  log_.debug("open-files limit raised from ", before, " to ", limit.rlim_max);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "ask") {
    return rtk::host::cli::askMain(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
  }
  if (argc >= 2 && std::string(argv[1]) == "probe") {
    return rtk::host::cli::probeMain(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
  }
  rtk::host::blockStopSignals();
  HostApplication app;
  try {
    app.init(argc, argv);
  } catch (const Poco::Util::OptionException& e) {
    std::cerr << "ratatoskr: " << e.displayText() << " (see --help)\n";
    return Application::EXIT_USAGE;
  } catch (const Poco::Exception& e) {
    std::cerr << "ratatoskr: " << e.displayText() << "\n";
    return Application::EXIT_SOFTWARE;
  }
  return app.runHost();
}
