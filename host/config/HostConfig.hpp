// rtk::host::HostConfig — everything the conf file says, parsed and checked.
//
// The node part uses yggdrasil.conf's names and lands in rtk::NodeConfig; the
// host part says where plugins are, which run, their settings and the log
// level. Produced by ConfParser, printed by ConfWriter. Plain data.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ratatoskr/json.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_config.hpp"

namespace rtk::host {

struct PluginSettings {
  // Searched for *.so in order. Relative entries in the conf file are
  // resolved against the conf file's directory.
  std::vector<std::string> directories;
  // Plugin names to run; a name no plugin file provides is an error.
  std::vector<std::string> enabled;
};

struct HostConfig {
  // The file this came from; empty for the built-in defaults.
  std::string sourcePath;
  NodeConfig node;
  PluginSettings plugins;
  // "Modules": {"<plugin name>": {...}} — each plugin's settings object.
  std::map<std::string, json::Value> modules;
  LogLevel logLevel = LogLevel::Info;
  // Things that are accepted but worth saying ("file:3:3: IfName is ignored ...").
  std::vector<std::string> warnings;
  // The conf as read (either format), for tools that print it back in
  // yggdrasil's layout (ratatoskr-stack -normaliseconf); null for defaults.
  json::Value document;
};

}  // namespace rtk::host
