// Where the programs an interop run needs are, and whether this process may
// run one at all.
//
// Real tools are found on PATH plus /usr/sbin:/sbin (ctest may run with a
// user PATH); each can be overridden by an environment variable so a suite
// can be pointed at another yggdrasil build:
//   RTK_INTEROP_YGGDRASIL, RTK_INTEROP_YGGDRASILCTL, RTK_INTEROP_HOST,
//   RTK_INTEROP_PLUGIN_DIR.
// Our own programs (the transfer tool, the relay, the host) come from the
// build tree; CMake passes their paths as generator expressions.
// Thread-safety: any thread.
#pragma once

#include <string>

namespace rtk::interop {

class Tools {
 public:
  // Absolute path of `program` (a bare name) on PATH, /usr/sbin or /sbin.
  // Throws rtk::Error(NotFound) naming the program and the package to install.
  static std::string find(const std::string& program);

  static std::string yggdrasil();     // the real node (Debian's 0.5.12)
  static std::string yggdrasilctl();  // its admin client
  static std::string ip();            // iproute2
  static std::string xfer();          // rtk_interop_xfer from this build
  static std::string relay();         // rtk_interop_relay from this build

  // Our host program and its plugin directory. Throws rtk::Error(NotFound)
  // with a sentence saying the host is not built in this tree yet.
  static std::string host();
  static std::string pluginDir();

  // Throws rtk::Error(Io) with one clear sentence when this process cannot
  // run interop tests: not root, no /dev/net/tun, no `ip`, no yggdrasil.
  // Every Lab calls it first, so an interop suite run as a user fails loudly
  // on its first test instead of skipping.
  static void requireInteropPrivileges();
};

}  // namespace rtk::interop
