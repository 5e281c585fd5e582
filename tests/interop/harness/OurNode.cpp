#include "OurNode.hpp"

#include "OurNodeConf.hpp"
#include "Tools.hpp"

#include <ratatoskr/error.hpp>

#include <fstream>

namespace rtk::interop {

OurNode::OurNode(NodeSpec spec, const Netns& netns, std::filesystem::path dir)
    : Node(std::move(spec), netns, std::move(dir)) {}

void OurNode::writeConfig(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::trunc);
  out << renderOurNodeConf(spec(), adminEndpoint());
  if (!out) throw Error(Errc::Io, "interop: " + name() + ": cannot write " + path.string());
}

std::vector<std::string> OurNode::processArgv() const {
  std::vector<std::string> argv{Tools::host(), "--config", confPath().string()};
  const std::string plugins = Tools::pluginDir();
  if (!plugins.empty()) {
    argv.push_back("--plugin-dir");
    argv.push_back(plugins);
  }
  return argv;
}

}  // namespace rtk::interop
