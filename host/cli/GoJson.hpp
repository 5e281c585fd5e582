// GoJson — JSON text exactly as Go's encoding/json MarshalIndent(v, "", "  ")
// writes it, which is what `yggdrasilctl -json` prints: two-space indent,
// "key": value, {} and [] for empty containers, <, > and & escaped as
// \u003c \u003e \u0026, U+2028/U+2029 escaped, numbers in Go's shortest form.
// So `ratatoskr ask --json` prints what `yggdrasilctl -json ask` prints.
// Pure function, thread-safe.
#pragma once

#include <string>

#include "ratatoskr/json.hpp"

namespace rtk::host::cli {

std::string goIndentedJson(const json::Value& value);

}  // namespace rtk::host::cli
