// rtk::host::stack::StackFlags — ratatoskr-stack's command line, read the
// way yggstack (Go's flag package) reads it: -name and --name, -name=value
// and -name value (a boolean takes no separate value: -json false is not
// "json = false"), "--" ends the flags, and the first argument that is not
// a flag ends them too. Mapping flags repeat; -exposetcp/-exposeudp are
// yggstack's older names of -remote-tcp/-remote-udp.
//
// Errors: rtk::Error(Errc::InvalidArgument) "flag provided but not defined:
// -x", "flag needs an argument: -useconffile", "invalid boolean value
// \"maybe\" for -json". Thread-safety: pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rtk::host::stack {

struct StackFlags {
  // Where the conf comes from, or what to print instead of running.
  bool genconf = false;
  bool json = false;
  bool useconf = false;
  std::string useconffile;
  bool autoconf = false;
  bool normaliseconf = false;
  bool exportkey = false;
  bool address = false;
  bool subnet = false;
  bool publickey = false;
  bool version = false;
  bool help = false;
  // Logging.
  std::string logto = "stdout";
  std::string loglevel = "info";
  bool loglevelGiven = false;
  // SOCKS (the socks plugin).
  std::string socks;
  std::string nameserver;
  std::optional<long> socksMaxConnections;
  // Forwards (the forward plugin), in the order given.
  std::vector<std::string> localTcp, localUdp, remoteTcp, remoteUdp;
  // Ours: where forward.so and socks.so are (searched before the conf's).
  std::vector<std::string> pluginDirs;
  // Whatever followed the flags.
  std::vector<std::string> positional;

  static StackFlags parse(const std::vector<std::string>& args);
  // The flag list for -help and usage errors.
  static std::string usage();
};

}  // namespace rtk::host::stack
