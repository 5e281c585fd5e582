// Arbitrary conf text through the conf parser and on into the plugins'
// settings, as the host does before a plugin starts: every "Modules"
// section of socks, forward and peermgr is checked against that plugin's
// schema (ConfigSchema::apply, defaults filled in) and the result read by
// the plugin's settings reader. Each step either succeeds or throws
// rtk::Error (Config from the parser and the schema; Config or
// InvalidArgument from a settings reader, naming the setting); any other
// exception or a crash aborts. A section the schema accepted is the same
// kind of value after defaults (an object).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ForwardSchema.hpp"
#include "ForwardSettings.hpp"
#include "Settings.hpp"
#include "SettingsSchema.hpp"
#include "config/ConfParser.hpp"
#include "peermgr/Settings.hpp"
#include "ratatoskr/error.hpp"
#include "runtime/ConfigSchema.hpp"

namespace {

template <class Read>
void throughSchema(const rtk::host::HostConfig& conf, const char* module, const char* schemaText, Read read) {
  auto it = conf.modules.find(module);
  if (it == conf.modules.end()) return;
  rtk::json::Value settings;
  try {
    settings = rtk::host::ConfigSchema(schemaText).apply(it->second, std::string("Modules.") + module);
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Config) std::abort();
    return;
  }
  if (!settings.isObject()) std::abort();
  try {
    read(settings);
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Config && e.code() != rtk::Errc::InvalidArgument) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  rtk::host::HostConfig conf;
  try {
    conf = rtk::host::ConfParser::parseText(text, "fuzz.conf");
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Config) std::abort();
    return 0;
  }
  throughSchema(conf, "socks", rtk::plugins::socks::kSettingsSchema,
                [](const rtk::json::Value& v) { (void)rtk::plugins::socks::parseSettings(v); });
  throughSchema(conf, "forward", rtk::plugins::forward::kForwardSchema,
                [](const rtk::json::Value& v) { (void)rtk::plugins::forward::ForwardSettings::fromJson(v); });
  throughSchema(conf, "peermgr", rtk::peermgr::kSettingsSchema,
                [](const rtk::json::Value& v) { (void)rtk::peermgr::settingsFrom(v); });
  return 0;
}
