#include "stack/StackPlan.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>

#include "MappingSpec.hpp"
#include "config/ConfParser.hpp"
#include "config/YggdrasilConfWriter.hpp"
#include "core/crypto/Ed25519.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::host::stack {
namespace {

namespace fwd = rtk::plugins::forward;

[[noreturn]] void usage(const std::string& why) { throw Error(Errc::InvalidArgument, why); }

LogLevel logLevelFor(const std::string& name) {
  static const std::pair<const char*, LogLevel> levels[] = {{"error", LogLevel::Error}, {"warn", LogLevel::Warn},
                                                            {"info", LogLevel::Info},   {"debug", LogLevel::Debug},
                                                            {"trace", LogLevel::Trace}};
  for (const auto& [text, level] : levels)
    if (name == text) return level;
  usage("-loglevel: \"" + name + "\" is not one of error, warn, info, debug, trace");
}

void enable(HostConfig& config, const std::string& plugin) {
  auto& enabled = config.plugins.enabled;
  if (std::find(enabled.begin(), enabled.end(), plugin) == enabled.end()) enabled.push_back(plugin);
}

json::Value& moduleSettings(HostConfig& config, const std::string& plugin) {
  auto it = config.modules.find(plugin);
  if (it == config.modules.end()) it = config.modules.emplace(plugin, json::Value::object()).first;
  return it->second;
}

// Appends the flag's mappings to Modules.forward.<list>, each checked first.
void addMappings(HostConfig& config, const std::vector<std::string>& specs, fwd::Direction direction, const char* flag) {
  if (specs.empty()) return;
  for (const auto& spec : specs) (void)fwd::parseMappingSpec(spec, direction, flag);  // throws InvalidArgument
  json::Value& forward = moduleSettings(config, "forward");
  const char* list = fwd::directionName(direction);
  json::Value entries = forward.get(list).isArray() ? forward.get(list) : json::Value::array();
  for (const auto& spec : specs) entries.push(spec);
  forward.set(list, std::move(entries));
  enable(config, "forward");
}

void addSocks(HostConfig& config, const StackFlags& flags) {
  if (flags.socks.empty()) {
    if (!flags.nameserver.empty()) usage("-nameserver needs -socks (it is the DNS server SOCKS clients' names go to)");
    if (flags.socksMaxConnections) usage("-socks-max-connections needs -socks");
    return;
  }
  json::Value& socks = moduleSettings(config, "socks");
  auto listen = json::Value::array();
  listen.push(socksListenFor(flags.socks));
  socks.set("Listen", std::move(listen));
  if (!flags.nameserver.empty()) {
    // "[ipv6]:port" as yggstack takes it (a bare address means port 53).
    bool ok = false;
    try {
      Endpoint e = parseEndpoint(flags.nameserver);
      ok = !e.address.isUnspecified() && e.port != 0;
    } catch (const Error&) {
      ok = parseAddress(flags.nameserver).has_value();
    }
    if (!ok) usage("-nameserver \"" + flags.nameserver + "\": want [ipv6]:port, e.g. [200:1234::1]:53");
    socks.set("Nameserver", flags.nameserver);
  }
  if (flags.socksMaxConnections && *flags.socksMaxConnections > 0)
    socks.set("MaxConnections", static_cast<long long>(*flags.socksMaxConnections));
  enable(config, "socks");
}

// -autoconf: what `yggdrasil -genconf` would write (a new key, no peers, no
// listeners, no admin socket) with multicast discovery on every interface,
// so the node peers with whatever Yggdrasil nodes share its LAN.
HostConfig autoConf() {
  json::Value conf = YggdrasilConfWriter::fresh(rtk::core::crypto::SigningKey::generate().hex());
  json::Value everyInterface = json::Value::object();
  everyInterface.set("Regex", ".*");
  everyInterface.set("Beacon", true);
  everyInterface.set("Listen", true);
  everyInterface.set("Password", "");
  json::Value multicast = json::Value::array();
  multicast.push(std::move(everyInterface));
  conf.set("MulticastInterfaces", std::move(multicast));
  return ConfParser::parseText(conf.dump(), "-autoconf");
}

HostConfig readConf(const StackFlags& flags, std::istream& in) {
  if (flags.autoconf) return autoConf();
  if (flags.useconf) {
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw Error(Errc::Config, "<stdin>: cannot read the conf");
    return ConfParser::parseText(text, "<stdin>");
  }
  return ConfParser::parseFile(flags.useconffile);
}

}  // namespace

std::string socksListenFor(const std::string& value) {
  if (value.empty()) return value;
  if (value.find(':') == std::string::npos) {
    // yggstack: no ':' means a Unix socket, relative to the working directory.
    return value.front() == '/' || value.front() == '.' ? value : "./" + value;
  }
  return value.front() == ':' ? "127.0.0.1" + value : value;
}

StackPlan StackPlan::make(const StackFlags& flags, std::istream& in, const std::string& installedPluginDir) {
  StackPlan plan;
  plan.json = flags.json;
  if (flags.help) return plan;
  if (flags.version) {
    plan.action = StackAction::Version;
    return plan;
  }
  if (!flags.positional.empty()) usage("unexpected argument \"" + flags.positional.front() + "\"");
  if (flags.logto.empty()) usage("-logto: give stdout, syslog or a file path");
  plan.logTo = flags.logto;
  plan.logLevel = logLevelFor(flags.loglevel);

  if (!flags.autoconf && !flags.useconf && flags.useconffile.empty()) {
    if (flags.genconf) {
      plan.action = StackAction::Genconf;
      return plan;
    }
    usage("no config: give -useconffile FILE, -useconf (the conf on stdin), or -genconf to print a new one");
  }
  // The command line first: a bad mapping is a usage error whatever the conf says.
  HostConfig flagged;
  addMappings(flagged, flags.localTcp, fwd::Direction::LocalTcp, "-local-tcp");
  addMappings(flagged, flags.localUdp, fwd::Direction::LocalUdp, "-local-udp");
  addMappings(flagged, flags.remoteTcp, fwd::Direction::RemoteTcp, "-remote-tcp");
  addMappings(flagged, flags.remoteUdp, fwd::Direction::RemoteUdp, "-remote-udp");
  addSocks(flagged, flags);

  plan.config = readConf(flags, in);
  if (!flags.loglevelGiven && plan.config.document.contains("Log")) plan.logLevel = plan.config.logLevel;
  plan.config.logLevel = plan.logLevel;

  if (flags.address) plan.action = StackAction::Address;
  else if (flags.subnet) plan.action = StackAction::Subnet;
  else if (flags.publickey) plan.action = StackAction::PublicKey;
  else if (flags.normaliseconf) plan.action = StackAction::Normalise;
  else if (flags.exportkey) plan.action = StackAction::ExportKey;
  else plan.action = StackAction::Run;
  if (plan.action != StackAction::Run) return plan;

  addMappings(plan.config, flags.localTcp, fwd::Direction::LocalTcp, "-local-tcp");
  addMappings(plan.config, flags.localUdp, fwd::Direction::LocalUdp, "-local-udp");
  addMappings(plan.config, flags.remoteTcp, fwd::Direction::RemoteTcp, "-remote-tcp");
  addMappings(plan.config, flags.remoteUdp, fwd::Direction::RemoteUdp, "-remote-udp");
  addSocks(plan.config, flags);

  std::vector<std::string> dirs = flags.pluginDirs;
  for (const auto& d : plan.config.plugins.directories) dirs.push_back(d);
  if (std::filesystem::is_directory(installedPluginDir)) dirs.push_back(installedPluginDir);
  plan.config.plugins.directories = dirs;
  return plan;
}

}  // namespace rtk::host::stack
