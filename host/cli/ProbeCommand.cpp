#include "cli/ProbeCommand.hpp"

#include <ostream>

#include "cli/AdminClient.hpp"
#include "cli/AdminEndpoint.hpp"
#include "cli/AskCommand.hpp"
#include "cli/GoJson.hpp"
#include "probe/PeerKeysReply.hpp"
#include "probe/ProbeJson.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::host::cli {

namespace {

constexpr const char* kProbeUsage =
    "usage: ratatoskr probe tree --depth N [--concurrency N] [--max-nodes N] [--json | --dot]\n"
    "       ratatoskr probe path KEY [--json]\n"
    "       ratatoskr probe trace KEY [--json]\n"
    "  common options: [--admin ENDPOINT] [--config FILE]; KEY: 64 hex digits or <key>.pk.ygg";

Error probeUsage(const std::string& why) { return Error(Errc::InvalidArgument, why); }

long long wholeNumberOption(const std::string& option, const std::string& text, long long min, long long max) {
  long long v = 0;
  bool ok = !text.empty() && text.size() <= 12;
  for (char ch : text) {
    ok = ok && ch >= '0' && ch <= '9';
    if (ok) v = v * 10 + (ch - '0');
  }
  if (!ok || v < min || v > max) {
    throw probeUsage(option + " takes a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                     ", got \"" + text + "\"");
  }
  return v;
}

}  // namespace

ProbeCommandLine parseProbeCommandLine(const std::vector<std::string>& args) {
  if (args.empty()) throw probeUsage("no action (tree, path or trace)");
  ProbeCommandLine c;
  const std::string& action = args[0];
  if (action == "tree") {
    c.action = ProbeCommandLine::Action::Tree;
  } else if (action == "path") {
    c.action = ProbeCommandLine::Action::Path;
  } else if (action == "trace") {
    c.action = ProbeCommandLine::Action::Trace;
  } else {
    throw probeUsage("unknown action \"" + action + "\" (tree, path or trace)");
  }
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* option) -> std::string {
      if (i + 1 >= args.size()) throw probeUsage(std::string(option) + " needs a value");
      return args[++i];
    };
    if (a == "--json") {
      c.format = ProbeCommandLine::Format::Json;
    } else if (a == "--dot" && c.action == ProbeCommandLine::Action::Tree) {
      c.format = ProbeCommandLine::Format::Dot;
    } else if (a == "--admin") {
      c.adminEndpoint = value("--admin");
    } else if (a == "--config" || a == "-c") {
      c.confPath = value("--config");
    } else if ((a == "--depth" || a == "--max-depth") && c.action == ProbeCommandLine::Action::Tree) {
      c.depth = wholeNumberOption(a, value("--depth"), 1, 1000000);
    } else if (a == "--concurrency" && c.action == ProbeCommandLine::Action::Tree) {
      c.concurrency = wholeNumberOption(a, value("--concurrency"), 1, 256);
    } else if (a == "--max-nodes" && c.action == ProbeCommandLine::Action::Tree) {
      c.maxNodes = wholeNumberOption(a, value("--max-nodes"), 1, 100000000);
    } else if (!a.empty() && a[0] == '-') {
      throw probeUsage("unknown option \"" + a + "\" for probe " + action);
    } else if (c.action != ProbeCommandLine::Action::Tree && c.key.empty()) {
      (void)rtk::probe::parseKeyArgument(a, "KEY");
      c.key = a;
    } else {
      throw probeUsage("unexpected argument \"" + a + "\"");
    }
  }
  if (c.action == ProbeCommandLine::Action::Tree && !c.depth) throw probeUsage("probe tree needs --depth N");
  if (c.action != ProbeCommandLine::Action::Tree && c.key.empty()) throw probeUsage("probe " + action + " needs a KEY");
  return c;
}

int runProbe(const ProbeCommandLine& c, std::ostream& out, std::ostream& err) {
  std::string endpoint;
  try {
    endpoint = adminEndpointFor(c.adminEndpoint, c.confPath);
  } catch (const Error& e) {
    err << "ratatoskr probe: " << e.what() << "\n";
    return kAskExitConfig;
  }
  auto arguments = json::Value::object();
  const char* request = "probeTree";
  if (c.action == ProbeCommandLine::Action::Tree) {
    arguments.set("maxDepth", std::to_string(*c.depth));
    if (c.concurrency) arguments.set("concurrency", std::to_string(*c.concurrency));
    if (c.maxNodes) arguments.set("maxNodes", std::to_string(*c.maxNodes));
  } else {
    request = c.action == ProbeCommandLine::Action::Path ? "probePath" : "probeTrace";
    arguments.set("key", c.key);
  }
  json::Value response;
  try {
    response = AdminClient(endpoint, std::chrono::minutes(30)).call(request, arguments);
  } catch (const Error& e) {
    err << "ratatoskr probe: " << e.what() << "\n";
    if (e.code() == Errc::Unknown) {
      if (std::string(e.what()).rfind("Unknown action", 0) == 0) {
        err << "ratatoskr probe: is the probe plugin enabled on that host? (Plugins.Enabled)\n";
        return kAskExitUnavailable;
      }
      return kAskExitFailed;
    }
    return e.code() == Errc::InvalidArgument ? kAskExitUsage : kAskExitUnavailable;
  }
  try {
    if (c.format == ProbeCommandLine::Format::Json) {
      out << goIndentedJson(response) << "\n";
    } else if (c.action == ProbeCommandLine::Action::Tree) {
      const auto crawl = rtk::probe::crawlFromJson(response);
      out << (c.format == ProbeCommandLine::Format::Dot ? rtk::probe::toDot(crawl) : rtk::probe::formatText(crawl));
    } else if (c.action == ProbeCommandLine::Action::Path) {
      out << rtk::probe::formatPathText(response);
    } else {
      out << rtk::probe::formatText(rtk::probe::traceFromJson(response));
    }
  } catch (const Error& e) {
    err << "ratatoskr probe: " << endpoint << " answered something else than a probe result: " << e.what() << "\n";
    return kAskExitUnavailable;
  }
  return kAskExitOk;
}

int probeMain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  ProbeCommandLine c;
  try {
    c = parseProbeCommandLine(args);
  } catch (const Error& e) {
    err << "ratatoskr probe: " << e.what() << "\n" << kProbeUsage << "\n";
    return kAskExitUsage;
  }
  return runProbe(c, out, err);
}

}  // namespace rtk::host::cli
