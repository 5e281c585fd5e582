#include "cli/AskCommand.hpp"

#include <ostream>

#include "cli/AdminClient.hpp"
#include "cli/AdminEndpoint.hpp"
#include "cli/GoJson.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/ninfo.hpp"

namespace rtk::host::cli {

namespace {

constexpr const char* kUsage =
    "usage: ratatoskr ask TARGET [--json] [--admin ENDPOINT] [--config FILE] [--timeout MS]\n"
    "  TARGET: a key (64 hex digits), <key>.pk.ygg, [address]:port, an address (200::/8) or one in a subnet (300::/8)";
Error usage(const std::string& why) { return Error(Errc::InvalidArgument, why); }

std::string endpointFor(const AskCommandLine& c) { return adminEndpointFor(c.adminEndpoint, c.confPath); }

}  // namespace

AskCommandLine parseAskCommandLine(const std::vector<std::string>& args) {
  AskCommandLine c;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* option) -> std::string {
      if (i + 1 >= args.size()) throw usage(std::string(option) + " needs a value");
      return args[++i];
    };
    if (a == "--json") {
      c.json = true;
    } else if (a == "--admin") {
      c.adminEndpoint = value("--admin");
    } else if (a == "--config" || a == "-c") {
      c.confPath = value("--config");
    } else if (a == "--timeout") {
      const std::string t = value("--timeout");
      long long ms = 0;
      bool ok = !t.empty() && t.size() <= 10;
      for (char ch : t) {
        ok = ok && ch >= '0' && ch <= '9';
        if (ok) ms = ms * 10 + (ch - '0');
      }
      if (!ok || ms <= 0) throw usage("--timeout takes milliseconds (a whole number >= 1), got \"" + t + "\"");
      c.timeoutMs = ms;
    } else if (a.size() > 1 && a[0] == '-' && a.find(':') == std::string::npos) {
      throw usage("unknown option \"" + a + "\"");
    } else if (c.target.empty()) {
      c.target = a;
    } else {
      throw usage("one target only (got \"" + c.target + "\" and \"" + a + "\")");
    }
  }
  if (c.target.empty()) throw usage("no target");
  return c;
}

int runAsk(const AskCommandLine& c, std::ostream& out, std::ostream& err) {
  std::string endpoint;
  try {
    endpoint = endpointFor(c);
  } catch (const Error& e) {
    err << "ratatoskr ask: " << e.what() << "\n";
    return kAskExitConfig;
  }
  auto arguments = json::Value::object();
  arguments.set("target", c.target);
  std::chrono::milliseconds wait = std::chrono::minutes(10);
  if (c.timeoutMs) {
    arguments.set("timeout", std::to_string(*c.timeoutMs));
    wait = std::chrono::milliseconds(*c.timeoutMs) + std::chrono::seconds(10);
  }
  json::Value response;
  try {
    response = AdminClient(endpoint, wait).call("ask", arguments);
  } catch (const Error& e) {
    err << "ratatoskr ask: " << e.what() << "\n";
    // Unknown carries the node's own answer; the rest is about reaching it.
    if (e.code() == Errc::Unknown) {
      if (std::string(e.what()).rfind("Unknown action", 0) == 0) {
        err << "ratatoskr ask: is the ninfo plugin enabled on that host? (Plugins.Enabled)\n";
        return kAskExitUnavailable;
      }
      return kAskExitFailed;
    }
    return e.code() == Errc::InvalidArgument ? kAskExitUsage : kAskExitUnavailable;
  }
  try {
    if (c.json) {
      out << goIndentedJson(response) << "\n";
    } else {
      out << ninfo::formatText(ninfo::askResultFromJson(response));
    }
  } catch (const Error& e) {
    err << "ratatoskr ask: " << endpoint << " answered something else than an ask result: " << e.what() << "\n";
    return kAskExitUnavailable;
  }
  return kAskExitOk;
}

int askMain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  AskCommandLine c;
  try {
    c = parseAskCommandLine(args);
  } catch (const Error& e) {
    err << "ratatoskr ask: " << e.what() << "\n" << kUsage << "\n";
    return kAskExitUsage;
  }
  return runAsk(c, out, err);
}

}  // namespace rtk::host::cli
