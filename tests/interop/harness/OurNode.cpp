#include "OurNode.hpp"

#include "OurNodeConf.hpp"
#include "Tools.hpp"

#include <ratatoskr/error.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace rtk::interop {

OurNode::OurNode(NodeSpec spec, const Netns& netns, std::filesystem::path dir)
    : Node(std::move(spec), netns, std::move(dir)) {}

void OurNode::writeConfig(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::trunc);
  out << renderOurNodeConf(spec(), adminEndpoint());
  if (!out) throw Error(Errc::Io, "interop: " + name() + ": cannot write " + path.string());
  out.close();
  if (const unsigned uid = spec().runAsUid) {
    // What LoadCredential= and RuntimeDirectory= leave the service: its own
    // copy of the conf (0400) and a directory for the admin socket (0750).
    if (::chown(dir().c_str(), uid, uid) != 0 || ::chmod(dir().c_str(), 0750) != 0 ||
        ::chown(path.c_str(), uid, uid) != 0 || ::chmod(path.c_str(), 0400) != 0)
      throw Error(Errc::Io, "interop: " + name() + ": cannot hand " + dir().string() + " to uid " + std::to_string(uid));
  }
}

std::vector<std::string> OurNode::processArgv() const {
  std::vector<std::string> argv;
  if (const unsigned uid = spec().runAsUid) {
    const std::string id = std::to_string(uid);
    argv = {"setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups", "--no-new-privs", "--inh-caps=-all",
            "--bounding-set=-all", "sh", "-c", "umask 0077 && exec \"$@\"", "ratatoskr"};
  }
  argv.insert(argv.end(), {Tools::host(), "--config", confPath().string()});
  const std::string plugins = Tools::pluginDir();
  if (!plugins.empty()) {
    argv.push_back("--plugin-dir");
    argv.push_back(plugins);
  }
  if (spec().runAsUid) argv.insert(argv.end(), {"--log-format", "journal"});
  return argv;
}

}  // namespace rtk::interop
