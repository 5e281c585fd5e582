// The four built-in sigils (one file each) as the registry sees them.
#pragma once

#include "ratatoskr/sigils/builtin.hpp"

namespace rtk::sigils::builtins {

const BuiltinSigil& info();
const BuiltinSigil& inet();
const BuiltinSigil& publicPeers();
const BuiltinSigil& services();

// Sets *why (when not null) and returns nullopt: the parse() failure path.
std::optional<json::Value> noMatch(std::string* why, std::string problem);

}  // namespace rtk::sigils::builtins
