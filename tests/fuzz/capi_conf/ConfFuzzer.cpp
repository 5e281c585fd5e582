// rtkc_start's conf text (examples/c-api ConfReader): any bytes either read
// into a Conf or are refused with rtk::Error(Config) whose message starts
// with "conf: " — never another exception or a crash.
#include "ConfReader.hpp"

#include <ratatoskr/error.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const rtkc::Conf conf = rtkc::readConf(text);
    if (conf.node.nodeInfo.empty() || conf.node.nodeInfo.front() != '{') std::abort();
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Config) std::abort();
    if (std::string_view(e.what()).substr(0, 6) != "conf: ") std::abort();
  }
  return 0;
}
