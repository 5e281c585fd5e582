// rtk::host::stack::StackPlan — what one ratatoskr-stack invocation does,
// decided from its flags before anything starts.
//
// yggstack's precedence: -version, then where the conf comes from
// (-autoconf > -useconf > -useconffile > -genconf, which prints a new conf
// and stops), then what to print instead of running (-address > -subnet >
// -publickey > -normaliseconf > -exportkey); otherwise run. Running means
// the host's own runtime with the conf's node settings plus the plugins the
// flags ask for: -local-*/-remote-* become Modules.forward (forward.so),
// -socks/-nameserver become Modules.socks (socks.so). Every mapping is
// parsed here, so a bad one stops the program before the node exists.
//
// Errors: rtk::Error(Errc::InvalidArgument) for the command line (exit 64),
// rtk::Error(Errc::Config) for the conf (exit 78), each naming the flag or
// file:line:column. Thread-safety: pure apart from reading the conf.
#pragma once

#include <istream>
#include <string>

#include "config/HostConfig.hpp"
#include "ratatoskr/log.hpp"
#include "stack/StackFlags.hpp"

namespace rtk::host::stack {

enum class StackAction { Help, Version, Genconf, Address, Subnet, PublicKey, Normalise, ExportKey, Run };

struct StackPlan {
  StackAction action = StackAction::Help;
  bool json = false;          // -genconf / -normaliseconf output
  HostConfig config;          // the conf (and, to run, the plugins the flags add)
  LogLevel logLevel = LogLevel::Info;
  std::string logTo = "stdout";

  // `in` is read when -useconf asks for the conf on stdin. `installedPluginDir`
  // is searched last (when it exists).
  static StackPlan make(const StackFlags& flags, std::istream& in, const std::string& installedPluginDir);
};

// yggstack's -socks value as the socks plugin's Listen entry: "host:port"
// stays (":1080" becomes "127.0.0.1:1080", loopback being our default); a
// value without ':' is a Unix socket path ("./name" when relative).
std::string socksListenFor(const std::string& value);

}  // namespace rtk::host::stack
