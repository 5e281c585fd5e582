#include "BuiltinSigilCatalog.hpp"

#include "ratatoskr/sigils/builtin.hpp"

namespace rtk::ninfo {

namespace {

// A built-in sigil of rtk_sigil_core seen as a SigilParser.
class BuiltinParser final : public SigilParser {
 public:
  explicit BuiltinParser(const sigils::BuiltinSigil& sigil) : sigil_(sigil) {}
  std::string name() const override { return std::string(sigil_.name()); }
  std::optional<json::Value> parse(const json::Value& nodeInfo) const override {
    std::string why;
    return sigil_.parse(nodeInfo, &why);
  }

 private:
  const sigils::BuiltinSigil& sigil_;
};

}  // namespace

BuiltinSigilCatalog::BuiltinSigilCatalog(Parsers custom) {
  for (const auto* sigil : sigils::builtinSigils()) {
    auto parser = std::make_shared<BuiltinParser>(*sigil);
    parsers_.emplace(parser->name(), parser);
  }
  std::set<std::string> taken;
  for (const auto& [name, parser] : parsers_) taken.insert(name);
  for (auto& parser : custom) {
    if (auto why = refusal(parser.get(), taken)) throw Error(Errc::InvalidArgument, "ninfo: custom sigil parser " + *why);
    std::string name = parser->name();
    taken.insert(name);
    parsers_.emplace(std::move(name), std::move(parser));
  }
}

BuiltinSigilCatalog::~BuiltinSigilCatalog() = default;

std::optional<DeclaredSigils> BuiltinSigilCatalog::readMetadata(std::string_view value, std::string* why) const {
  auto metadata = sigils::parseMetadata(value, why);
  if (!metadata) return std::nullopt;
  return DeclaredSigils{std::move(metadata->names), std::move(metadata->version)};
}

const SigilParser* BuiltinSigilCatalog::parserFor(std::string_view name) const {
  auto it = parsers_.find(name);
  return it == parsers_.end() ? nullptr : it->second.get();
}

std::optional<std::string> BuiltinSigilCatalog::refusal(const SigilParser* parser, const std::set<std::string>& taken) {
  if (!parser) return std::string("(null): no parser");
  const std::string name = parser->name();
  if (!sigils::isValidSigilName(name)) return "\"" + name + "\": the name does not match ^[a-z0-9._-]{3,32}$";
  if (isBuiltinName(name)) return "\"" + name + "\": the name is a built-in sigil's (built-ins always use their own parser)";
  if (taken.count(name)) return "\"" + name + "\": a parser with this name exists already";
  return std::nullopt;
}

bool BuiltinSigilCatalog::isBuiltinName(std::string_view name) { return sigils::findBuiltin(name) != nullptr; }

}  // namespace rtk::ninfo
