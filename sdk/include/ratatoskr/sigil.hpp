// Writing a sigil in C++: derive from rtk::sdk::Sigil, declare the info,
// use RTK_PLUGIN.
//
//   class Motd : public rtk::sdk::Sigil {
//    public:
//     static constexpr rtk::sdk::PluginInfo info{
//         .name = "motd", .version = "1.0.0", .description = "a message of the day",
//         .kind = rtk::sdk::PluginKind::Sigil,
//         .providedServices = {RTK_SIGIL_SERVICE_ID},
//         .configSchema = R"({"type":"object","required":["text"],
//             "properties":{"text":{"type":"string","minLength":1,"maxLength":200}}})"};
//
//     explicit Motd(rtk::sdk::Host& host)
//         : Sigil(host, "motd", {"motd"}), text_(host.config().get("text").asString()) {}
//     rtk::json::Value params() const override {
//       auto v = rtk::json::Value::object();
//       v.set("motd", text_);
//       return v;
//     }
//     bool match(const rtk::json::Value& info) const override { return info.get("motd").isString(); }
//
//    private:
//     std::string text_;
//   };
//   RTK_PLUGIN(Motd)
//
// The contract (sigil.h): the name matches ^[a-z0-9._-]{3,32}$; params()
// returns an object holding only owned keys and never changes once loaded;
// match() validates the complete foreign shape and never throws on foreign
// data; parse() returns the owned keys of a matching NodeInfo. params(),
// match() and parse() may be called from any thread concurrently, so they
// must only read.
//
// A parse-only sigil reads other nodes' NodeInfo and publishes nothing
// (not even a metadata entry): call setParseOnly() in the constructor, e.g.
// from a setting ("Publish": false, see examples/custom-sigil). The host
// then never calls params().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/plugin.hpp"
#include "ratatoskr/sigil.h"

namespace rtk::sdk {

class Sigil : public Plugin {
 public:
  Sigil(Host& host, std::string name, std::vector<std::string> keys)
      : log_(host.log()), name_(std::move(name)), keys_(std::move(keys)) {
    if (keys_.empty()) throw Error(Errc::InvalidArgument, "sigil \"" + name_ + "\": owns no NodeInfo keys");
    for (const auto& k : keys_) keyPtrs_.push_back(k.c_str());
    keyPtrs_.push_back(nullptr);
    table_.struct_size = sizeof(rtk_sigil_service);
    table_.ctx = this;
    table_.name = name_.c_str();
    table_.keys = keyPtrs_.data();
    table_.params = &callParams;
    table_.match = &callMatch;
    table_.parse = &callParse;
  }
  Sigil(const Sigil&) = delete;
  Sigil& operator=(const Sigil&) = delete;

  const std::string& sigilName() const noexcept { return name_; }
  const std::vector<std::string>& ownedKeys() const noexcept { return keys_; }
  // Whether the host publishes this sigil's fragment (see setParseOnly).
  bool publishes() const noexcept { return table_.params != nullptr; }

  // This node's fragment: an object with owned keys only ({} for none).
  virtual json::Value params() const = 0;
  // True when a foreign NodeInfo object holds a complete, valid fragment.
  virtual bool match(const json::Value& nodeInfo) const = 0;
  // The owned keys of a matching foreign NodeInfo. The default copies them.
  virtual json::Value parse(const json::Value& nodeInfo) const {
    auto out = json::Value::object();
    for (const auto& k : keys_)
      if (auto* v = nodeInfo.find(k)) out.set(k, *v);
    return out;
  }

  const void* service(std::string_view id) override {
    return id == RTK_SIGIL_SERVICE_ID ? &table_ : nullptr;
  }

 protected:
  // Parse-only: read other nodes' NodeInfo, publish nothing. Call from the
  // constructor (before the host sees the table).
  void setParseOnly(bool parseOnly = true) noexcept { table_.params = parseOnly ? nullptr : &callParams; }

 private:
  static rtk_status callParams(void* ctx, rtk_sink* json, rtk_sink* error) noexcept {
    auto* self = static_cast<const Sigil*>(ctx);
    return guard(error, [&] {
      auto v = self->params();
      if (!v.isObject()) {
        throw Error(Errc::InvalidArgument, "sigil \"" + self->name_ + "\": params() returned " + v.typeName() + ", not an object");
      }
      writeSink(json, v.dump());
    });
  }
  static std::int32_t callMatch(void* ctx, rtk_str nodeInfo) noexcept {
    auto* self = static_cast<const Sigil*>(ctx);
    try {
      auto v = json::Value::parse(fromStr(nodeInfo));
      return v.isObject() && self->match(v) ? 1 : 0;
    } catch (const std::exception& e) {
      // Foreign data that is not JSON, or a match() that threw: "does not match".
      self->log_.debug("sigil ", self->name_, ": match: ", e.what());
      return 0;
    }
  }
  static rtk_status callParse(void* ctx, rtk_str nodeInfo, rtk_sink* fragment, rtk_sink* error) noexcept {
    auto* self = static_cast<const Sigil*>(ctx);
    return guard(error, [&] {
      auto v = json::Value::parse(fromStr(nodeInfo));
      if (!v.isObject() || !self->match(v)) {
        throw Error(Errc::InvalidArgument, "sigil \"" + self->name_ + "\": NodeInfo holds no valid fragment");
      }
      writeSink(fragment, self->parse(v).dump());
    });
  }

  Log log_;
  std::string name_;
  std::vector<std::string> keys_;
  std::vector<const char*> keyPtrs_;
  rtk_sigil_service table_{};
};

}  // namespace rtk::sdk
