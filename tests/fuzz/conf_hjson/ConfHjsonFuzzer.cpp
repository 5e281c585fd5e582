// Arbitrary bytes through the conf readers. The HJSON reader either throws
// rtk::Error(Errc::Config) or returns a value whose JSON text parses back
// to a value of the same shape (numbers may change between integer and double); ConfParser either returns a HostConfig or
// throws rtk::Error(Errc::Config). Anything else aborts.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/ConfParser.hpp"
#include "config/HjsonReader.hpp"
#include "config/JsonSourceMap.hpp"
#include "ratatoskr/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    rtk::host::JsonSourceMap map(text);
    rtk::json::Value v = rtk::host::HjsonReader::parse(text, "fuzz.conf", map);
    rtk::json::Value back = rtk::json::Value::parse(v.dump(), 512);
    bool sameKind = back.type() == v.type() || (back.isNumber() && v.isNumber());
    if (!sameKind || back.size() != v.size()) std::abort();
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Config) std::abort();
  }
  try {
    (void)rtk::host::ConfParser::parseText(text, "fuzz.conf");
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Config) std::abort();
  }
  return 0;
}
