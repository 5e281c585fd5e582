#include "Builtins.hpp"
#include "Text.hpp"

namespace rtk::sigils {
namespace {

constexpr text::Pattern kSigilNamePattern{"^[a-z0-9._-]{3,32}$", "abcdefghijklmnopqrstuvwxyz0123456789._-", 3, 32};

}  // namespace

bool isValidSigilName(std::string_view name) { return kSigilNamePattern.matches(name); }

const std::vector<const BuiltinSigil*>& builtinSigils() {
  static const std::vector<const BuiltinSigil*> all{&builtins::info(), &builtins::inet(), &builtins::publicPeers(),
                                                    &builtins::services()};
  return all;
}

const BuiltinSigil* findBuiltin(std::string_view name) {
  for (const BuiltinSigil* s : builtinSigils())
    if (s->name() == name) return s;
  return nullptr;
}

std::optional<json::Value> builtins::noMatch(std::string* why, std::string problem) {
  if (why) *why = std::move(problem);
  return std::nullopt;
}

}  // namespace rtk::sigils
