// Test doubles for the ninfo engine's sigil side: a SigilCatalog that reads
// "[a,b] <version>" metadata in the simplest way and hands out the parsers
// a test gives it, and a parser that accepts a fragment when every key it
// owns is present and passes a check. They stand in for rtk_sigil_core
// (sigils/core), so the engine's dispatch is tested on its own.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ninfo/SigilCatalog.hpp"

namespace rtk::test {

class KeysParser final : public ninfo::SigilParser {
 public:
  using Check = std::function<bool(const json::Value& nodeInfo)>;
  KeysParser(std::string name, std::vector<std::string> keys, Check check = {})
      : name_(std::move(name)), keys_(std::move(keys)), check_(std::move(check)) {}
  std::string name() const override { return name_; }
  std::optional<json::Value> parse(const json::Value& nodeInfo) const override {
    calls.fetch_add(1);
    if (check_ && !check_(nodeInfo)) return std::nullopt;
    auto out = json::Value::object();
    for (const auto& k : keys_) {
      const auto* v = nodeInfo.find(k);
      if (!v) return std::nullopt;
      out.set(k, *v);
    }
    return out;
  }
  mutable std::atomic<int> calls{0};

 private:
  std::string name_;
  std::vector<std::string> keys_;
  Check check_;
};

class FakeCatalog final : public ninfo::SigilCatalog {
 public:
  void add(std::shared_ptr<const ninfo::SigilParser> p) { parsers_[p->name()] = std::move(p); }
  std::optional<ninfo::DeclaredSigils> readMetadata(std::string_view value, std::string* why) const override {
    auto open = value.find('['), close = value.find(']');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
      if (why) *why = "no [names]";
      return std::nullopt;
    }
    ninfo::DeclaredSigils out;
    std::string_view names = value.substr(open + 1, close - open - 1);
    while (!names.empty()) {
      auto comma = names.find(',');
      std::string_view n = names.substr(0, comma);
      if (!n.empty()) out.names.emplace_back(n);
      names = comma == std::string_view::npos ? std::string_view() : names.substr(comma + 1);
    }
    std::string_view version = value.substr(close + 1);
    while (!version.empty() && version.front() == ' ') version.remove_prefix(1);
    if (version.empty()) {
      if (why) *why = "no version";
      return std::nullopt;
    }
    out.version = std::string(version);
    return out;
  }
  const ninfo::SigilParser* parserFor(std::string_view name) const override {
    auto it = parsers_.find(std::string(name));
    return it == parsers_.end() ? nullptr : it->second.get();
  }

 private:
  std::map<std::string, std::shared_ptr<const ninfo::SigilParser>> parsers_;
};

}  // namespace rtk::test
