#include "stack/StackFlags.hpp"

#include <functional>

#include "ratatoskr/error.hpp"

namespace rtk::host::stack {
namespace {

struct FlagDef {
  const char* name;
  const char* argument;  // nullptr: a boolean flag
  const char* help;
  std::function<void(StackFlags&, const std::string&)> set;
};

bool parseBool(const std::string& name, const std::string& value) {
  // Go's strconv.ParseBool.
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"})
    if (value == t) return true;
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"})
    if (value == f) return false;
  throw Error(Errc::InvalidArgument, "invalid boolean value \"" + value + "\" for -" + name);
}

long parseCount(const std::string& name, const std::string& value) {
  if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos)
    throw Error(Errc::InvalidArgument, "invalid value \"" + value + "\" for -" + name + ": want a number from 0");
  return std::stol(value);
}

const std::vector<FlagDef>& flagDefs() {
  static const std::vector<FlagDef> defs = {
      {"genconf", nullptr, "print a new config to stdout (HJSON; JSON with -json)",
       [](StackFlags& f, const std::string& v) { f.genconf = parseBool("genconf", v); }},
      {"json", nullptr, "print -genconf and -normaliseconf output as JSON instead of HJSON",
       [](StackFlags& f, const std::string& v) { f.json = parseBool("json", v); }},
      {"useconf", nullptr, "read the HJSON/JSON config from stdin",
       [](StackFlags& f, const std::string& v) { f.useconf = parseBool("useconf", v); }},
      {"useconffile", "FILE", "read the HJSON/JSON config from FILE",
       [](StackFlags& f, const std::string& v) { f.useconffile = v; }},
      {"autoconf", nullptr, "automatic mode: a new random key, no conf, peers found by multicast on every interface",
       [](StackFlags& f, const std::string& v) { f.autoconf = parseBool("autoconf", v); }},
      {"normaliseconf", nullptr, "with -useconf or -useconffile: print the config normalised",
       [](StackFlags& f, const std::string& v) { f.normaliseconf = parseBool("normaliseconf", v); }},
      {"exportkey", nullptr, "with -useconf or -useconffile: print the private key in PEM format",
       [](StackFlags& f, const std::string& v) { f.exportkey = parseBool("exportkey", v); }},
      {"address", nullptr, "with -useconf or -useconffile: print the node's IPv6 address",
       [](StackFlags& f, const std::string& v) { f.address = parseBool("address", v); }},
      {"subnet", nullptr, "with -useconf or -useconffile: print the node's IPv6 subnet",
       [](StackFlags& f, const std::string& v) { f.subnet = parseBool("subnet", v); }},
      {"publickey", nullptr, "with -useconf or -useconffile: print the node's public key",
       [](StackFlags& f, const std::string& v) { f.publickey = parseBool("publickey", v); }},
      {"version", nullptr, "print the version of this build",
       [](StackFlags& f, const std::string& v) { f.version = parseBool("version", v); }},
      {"logto", "TARGET", "log to stdout (default), syslog, or the file TARGET",
       [](StackFlags& f, const std::string& v) { f.logto = v; }},
      {"loglevel", "LEVEL", "log error, warn, info (default), debug or trace messages and those above",
       [](StackFlags& f, const std::string& v) {
         f.loglevel = v;
         f.loglevelGiven = true;
       }},
      {"socks", "ADDRESS", "serve SOCKS5 on ADDRESS: host:port (TCP), or a Unix socket path (no ':')",
       [](StackFlags& f, const std::string& v) { f.socks = v; }},
      {"nameserver", "[IPV6]:PORT", "DNS server on Yggdrasil that SOCKS uses for names",
       [](StackFlags& f, const std::string& v) { f.nameserver = v; }},
      {"socks-max-connections", "N", "at most N SOCKS connections at once (0: the plugin's default)",
       [](StackFlags& f, const std::string& v) { f.socksMaxConnections = parseCount("socks-max-connections", v); }},
      {"local-tcp", "MAPPING", "forward a local TCP port to Yggdrasil: [ip:]port:[ygg-addr]:port (repeatable)",
       [](StackFlags& f, const std::string& v) { f.localTcp.push_back(v); }},
      {"local-udp", "MAPPING", "forward a local UDP port to Yggdrasil: [ip:]port:[ygg-addr]:port (repeatable)",
       [](StackFlags& f, const std::string& v) { f.localUdp.push_back(v); }},
      {"remote-tcp", "MAPPING", "forward a Yggdrasil TCP port to the host: port[:[ip:]port] (repeatable)",
       [](StackFlags& f, const std::string& v) { f.remoteTcp.push_back(v); }},
      {"remote-udp", "MAPPING", "forward a Yggdrasil UDP port to the host: port[:[ip:]port] (repeatable)",
       [](StackFlags& f, const std::string& v) { f.remoteUdp.push_back(v); }},
      {"exposetcp", "MAPPING", "older name of -remote-tcp",
       [](StackFlags& f, const std::string& v) { f.remoteTcp.push_back(v); }},
      {"exposeudp", "MAPPING", "older name of -remote-udp",
       [](StackFlags& f, const std::string& v) { f.remoteUdp.push_back(v); }},
      {"plugin-dir", "DIR", "also look for forward.so and socks.so in DIR (repeatable)",
       [](StackFlags& f, const std::string& v) { f.pluginDirs.push_back(v); }},
      {"help", nullptr, "print this help", [](StackFlags& f, const std::string& v) { f.help = parseBool("help", v); }},
      {"h", nullptr, "print this help", [](StackFlags& f, const std::string& v) { f.help = parseBool("h", v); }},
  };
  return defs;
}

}  // namespace

StackFlags StackFlags::parse(const std::vector<std::string>& args) {
  StackFlags flags;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') break;  // the first non-flag ends the flags
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    if (body.empty() || body[0] == '-' || body[0] == '=') throw Error(Errc::InvalidArgument, "bad flag syntax: " + arg);
    std::optional<std::string> value;
    if (auto eq = body.find('='); eq != std::string::npos) {
      value = body.substr(eq + 1);
      body.resize(eq);
    }
    const FlagDef* def = nullptr;
    for (const auto& d : flagDefs())
      if (body == d.name) def = &d;
    if (!def) throw Error(Errc::InvalidArgument, "flag provided but not defined: -" + body);
    if (!def->argument) {
      def->set(flags, value.value_or("true"));
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) throw Error(Errc::InvalidArgument, "flag needs an argument: -" + body);
      value = args[++i];
    }
    def->set(flags, *value);
  }
  for (; i < args.size(); ++i) flags.positional.push_back(args[i]);
  return flags;
}

std::string StackFlags::usage() {
  std::string out;
  for (const auto& d : flagDefs()) {
    if (std::string(d.name) == "h") continue;
    out += "  -" + std::string(d.name) + (d.argument ? " " + std::string(d.argument) : std::string()) + "\n";
    out += "    \t" + std::string(d.help) + "\n";
  }
  return out;
}

}  // namespace rtk::host::stack
