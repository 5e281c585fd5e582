#include "runtime/SigilAssembler.hpp"

#include <algorithm>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/json.hpp"
#include "runtime/PluginLoader.hpp"
#include "runtime/Quoted.hpp"

namespace rtk::host {
namespace {

struct Accepted {
  std::string plugin;
  std::string name;
  json::Value fragment;
};

}  // namespace

SigilAssembly SigilAssembler::assemble(std::string_view baseNodeInfo, const std::vector<SigilSource>& sigils,
                                       std::string_view hostVersion, std::size_t budgetBytes) {
  json::Value base;
  try {
    base = baseNodeInfo.empty() ? json::Value::object() : json::Value::parse(baseNodeInfo);
  } catch (const Error& e) {
    throw Error(Errc::Config, std::string("NodeInfo: ") + e.what());
  }
  if (!base.isObject()) throw Error(Errc::Config, std::string("NodeInfo: expected an object, got ") + base.typeName());

  SigilAssembly out;
  std::vector<Accepted> accepted;
  // key → who put it there, for conflict messages.
  std::vector<std::pair<std::string, std::string>> owners;
  for (const auto& k : base.keys()) owners.emplace_back(k, "the conf's NodeInfo");
  auto ownerOf = [&](const std::string& key) -> const std::string* {
    for (const auto& [k, who] : owners)
      if (k == key) return &who;
    return nullptr;
  };

  for (const auto& source : sigils) {
    const rtk_sigil_service* t = source.table;
    auto refuse = [&](const std::string& why) { out.refused.emplace_back(source.plugin, "sigil " + why); };
    if (!t || t->struct_size < RTK_SIGIL_SERVICE_SIZE_1_0 || !t->params || !t->keys) {
      refuse("from " + inQuotes(source.plugin) + ": incomplete rtk_sigil_service table");
      continue;
    }
    std::string name = t->name ? t->name : "";
    if (!PluginLoader::validName(name)) {
      refuse(inQuotes(name) + " from " + inQuotes(source.plugin) + ": name must match ^[a-z0-9._-]{3,32}$");
      continue;
    }
    std::string who = inQuotes(name) + " (plugin " + inQuotes(source.plugin) + ")";
    if (std::any_of(accepted.begin(), accepted.end(), [&](const Accepted& a) { return a.name == name; })) {
      refuse(who + ": another sigil already has this name");
      continue;
    }
    std::vector<std::string> keys;
    for (std::size_t i = 0; t->keys[i] && i < 256; ++i) keys.emplace_back(t->keys[i]);
    if (keys.empty()) {
      refuse(who + ": owns no NodeInfo keys");
      continue;
    }
    if (std::find(keys.begin(), keys.end(), kMetadataKey) != keys.end()) {
      refuse(who + ": claims the reserved key \"" + std::string(kMetadataKey) + "\"");
      continue;
    }
    sdk::StringSink text, error;
    rtk_status status = t->params(t->ctx, text.get(), error.get());
    if (status != RTK_OK) {
      refuse(who + ": params() failed: " + (error.empty() ? errcName(sdk::toErrc(status)) : error.str()));
      continue;
    }
    json::Value fragment;
    try {
      fragment = json::Value::parse(text.str());
    } catch (const Error& e) {
      refuse(who + ": params() returned invalid JSON: " + e.what());
      continue;
    }
    if (!fragment.isObject()) {
      refuse(who + ": params() returned " + fragment.typeName() + ", not an object");
      continue;
    }
    std::string problem;
    for (const auto& k : fragment.keys()) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
        problem = "its fragment has key " + inQuotes(k) + ", which it does not own";
        break;
      }
      if (const auto* owner = ownerOf(k)) {
        problem = "key " + inQuotes(k) + " is already set by " + *owner;
        break;
      }
    }
    if (!problem.empty()) {
      refuse(who + ": " + problem);
      continue;
    }
    for (const auto& k : fragment.keys()) owners.emplace_back(k, "sigil " + inQuotes(name));
    accepted.push_back(Accepted{source.plugin, name, std::move(fragment)});
  }

  // Compose, dropping the most recent sigil while over budget.
  for (;;) {
    json::Value info = base;
    std::vector<std::string> names;
    for (const auto& a : accepted) {
      for (std::size_t i = 0; i < a.fragment.size(); ++i) info.set(a.fragment.keyAt(i), a.fragment.at(i));
      names.push_back(a.name);
    }
    if (!names.empty()) {
      std::vector<std::string> sorted = names;
      std::sort(sorted.begin(), sorted.end());
      std::string meta = "[";
      for (std::size_t i = 0; i < sorted.size(); ++i) meta += (i ? "," : "") + sorted[i];
      meta += "] v" + std::string(hostVersion);
      info.set(kMetadataKey, meta);
    }
    std::string text = info.dump();
    if (text.size() <= budgetBytes) {
      out.nodeInfo = std::move(text);
      out.published = std::move(names);
      for (const auto& k : info.keys()) {
        const std::string* owner = k == kMetadataKey ? nullptr : ownerOf(k);
        out.owners[k] = owner ? *owner : "the sigil metadata";
      }
      return out;
    }
    if (accepted.empty()) {
      throw Error(Errc::Config, "NodeInfo is " + std::to_string(text.size()) + " bytes, over the budget of " +
                                    std::to_string(budgetBytes));
    }
    const Accepted& last = accepted.back();
    out.refused.emplace_back(last.plugin, "sigil " + inQuotes(last.name) + " (plugin " + inQuotes(last.plugin) +
                                              "): NodeInfo would be " + std::to_string(text.size()) +
                                              " bytes with it, over the budget of " + std::to_string(budgetBytes));
    accepted.pop_back();
  }
}

}  // namespace rtk::host
