// The JSON conf rtkc_start() takes, read into the node's settings.
#pragma once

#include <ratatoskr/log.hpp>
#include <ratatoskr/node_config.hpp>

#include <string_view>

namespace rtkc {

struct Conf {
  rtk::NodeConfig node;
  rtk::LogLevel logLevel = rtk::LogLevel::Off;  // "LogLevel": where the node's log goes (stderr)
};

// Parses `text` (one JSON object, yggdrasil.conf key names; see rtkc.h).
// Throws rtk::Error(Config) "conf: <what>" naming the key and what it
// should be, for bad JSON, an unknown key or a value of the wrong type.
// Key and URI contents are checked later, when the node starts.
Conf readConf(std::string_view text);

}  // namespace rtkc
