// BuiltinSigilCatalog — the real SigilCatalog: rtk_sigil_core
// (sigils/core, ratatoskr/sigils/builtin.hpp) reads the metadata key and
// parses the four built-in sigils (info, inet, public, services), whether or
// not their plugins run here; custom parsers read every other name.
//
// Custom parsers are refused (rtk::Error InvalidArgument, naming it) when
// the name is not ^[a-z0-9._-]{3,32}$, is a built-in's, or comes twice;
// refusal() tells the same without throwing, for callers that skip instead.
// Thread-safety: immutable; const members from any thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "SigilCatalog.hpp"

namespace rtk::ninfo {

class BuiltinSigilCatalog final : public SigilCatalog {
 public:
  using Parsers = std::vector<std::shared_ptr<const SigilParser>>;

  explicit BuiltinSigilCatalog(Parsers custom = {});
  ~BuiltinSigilCatalog() override;

  std::optional<DeclaredSigils> readMetadata(std::string_view value, std::string* why) const override;
  const SigilParser* parserFor(std::string_view name) const override;

  // Why `parser` cannot join a catalog that already has `taken` names, or nullopt.
  static std::optional<std::string> refusal(const SigilParser* parser, const std::set<std::string>& taken);
  // True for info, inet, public, services.
  static bool isBuiltinName(std::string_view name);

 private:
  std::map<std::string, std::shared_ptr<const SigilParser>, std::less<>> parsers_;  // built-in and custom
};

}  // namespace rtk::ninfo
