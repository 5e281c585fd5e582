#include "runtime/SigilAssembler.hpp"

#include <algorithm>
#include <optional>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/json.hpp"
#include "ratatoskr/sigils/builtin.hpp"
#include "runtime/Quoted.hpp"

namespace rtk::host {
namespace {

// Keys no sigil may own: the metadata and what the node adds itself.
constexpr std::string_view kKeysReservedFromSigils[] = {"ratatoskr", "buildname", "buildversion", "buildplatform", "buildarch"};
constexpr std::size_t kMaxKeysPerSigil = 256;

struct PublishedSigil {
  std::string plugin;
  std::string name;
  std::vector<std::string> keys;  // declared
  json::Value fragment;
};

// One key's owner: a message form naming it and the short form for owners().
struct KeyOwner {
  std::string key;
  std::string named;  // "NodeInfo.name in test.conf", "sigil \"info\" (plugin \"info\")"
  std::string shortName;
};

class AssemblyRun {
 public:
  AssemblyRun(const SigilAssembler::Options& options) : options_(options) {
    try {
      base_ = options.baseNodeInfo.empty() ? json::Value::object() : json::Value::parse(options.baseNodeInfo);
    } catch (const Error& e) {
      throw Error(Errc::Config, "NodeInfo in " + options.baseOrigin + ": " + e.what());
    }
    if (base_.isNull()) base_ = json::Value::object();
    if (!base_.isObject())
      throw Error(Errc::Config, "NodeInfo in " + options.baseOrigin + ": expected an object, got " + base_.typeName());
    for (const auto& k : base_.keys())
      if (k != SigilAssembler::kMetadataKey) owners_.push_back({k, "NodeInfo." + k + " in " + options.baseOrigin, "the conf's NodeInfo"});
    // What the node adds to an object that has members: {"x":0} is 7 bytes.
    json::Value probe = json::Value::object();
    probe.set("x", 0);
    buildKeyBytes_ = publishedSize(probe) - 7;
  }

  void add(const SigilSource& source) {
    if (auto refusal = check(source)) out_.refused.emplace_back(source.plugin, "sigil " + *refusal);
  }

  SigilAssembly finish() {
    json::Value info = compose(accepted_, wroteMetadata());
    std::size_t size = publishedSize(info);
    if (size > options_.budgetBytes && wroteMetadata() && accepted_.empty()) {
      // Only "[] v…" was added to a conf NodeInfo already at the edge.
      out_.warnings.push_back("no room for the \"ratatoskr\" metadata: NodeInfo would be " + std::to_string(size) +
                              " bytes with it, over the budget of " + std::to_string(options_.budgetBytes));
      info = compose(accepted_, false);
      size = publishedSize(info);
    }
    if (size > options_.budgetBytes) {
      throw Error(Errc::Config, "NodeInfo in " + options_.baseOrigin + " is " + std::to_string(size) + " bytes as the node publishes it" +
                                    buildKeysNote() + ", over the budget of " + std::to_string(options_.budgetBytes) + " bytes");
    }
    if (wroteMetadata() && info.contains(SigilAssembler::kMetadataKey) && base_.contains(SigilAssembler::kMetadataKey)) {
      out_.warnings.push_back("NodeInfo.ratatoskr in " + options_.baseOrigin + " is replaced by the sigil metadata " +
                              info.get(SigilAssembler::kMetadataKey).dump());
    }
    out_.nodeInfo = info.dump();
    out_.publishedBytes = size;
    for (const auto& a : accepted_) out_.published.push_back(a.name);
    for (const auto& k : info.keys()) out_.owners[k] = k == SigilAssembler::kMetadataKey && wroteMetadata() ? "the sigil metadata" : "the conf's NodeInfo";
    for (const auto& o : owners_) out_.owners[o.key] = o.shortName;
    return std::move(out_);
  }

 private:
  // The refusal ("\"name\" (plugin \"p\"): why"), or nothing when accepted.
  std::optional<std::string> check(const SigilSource& source) {
    const rtk_sigil_service* t = source.table;
    const std::string from = "from plugin " + inQuotes(source.plugin);
    if (!t || t->struct_size < RTK_SIGIL_SERVICE_SIZE_1_0 || !t->keys || !t->match || !t->parse) {
      publishingEnabled_ = publishingEnabled_ || !t || t->params;
      return from + ": incomplete rtk_sigil_service table";
    }
    const bool parseOnly = t->params == nullptr;
    publishingEnabled_ = publishingEnabled_ || !parseOnly;
    std::string name = t->name ? t->name : "";
    if (!sigils::isValidSigilName(name)) return inQuotes(name) + " " + from + ": name must match ^[a-z0-9._-]{3,32}$";
    const std::string who = inQuotes(name) + " (plugin " + inQuotes(source.plugin) + ")";
    if (std::any_of(accepted_.begin(), accepted_.end(), [&](const PublishedSigil& a) { return a.name == name; }) ||
        std::find(out_.parseOnly.begin(), out_.parseOnly.end(), name) != out_.parseOnly.end())
      return who + ": another sigil already has this name";
    const sigils::BuiltinSigil* builtin = sigils::findBuiltin(name);
    if (parseOnly) {
      if (builtin)
        return who + ": the name " + inQuotes(name) + " is the built-in sigil's; other nodes' " + inQuotes(name) +
               " is always read with the built-in rules, so a parse-only sigil cannot take it";
      out_.parseOnly.push_back(name);
      return std::nullopt;
    }

    std::vector<std::string> keys;
    for (std::size_t i = 0; t->keys[i]; ++i) {
      if (i == kMaxKeysPerSigil) return who + ": owns more than " + std::to_string(kMaxKeysPerSigil) + " NodeInfo keys";
      keys.emplace_back(t->keys[i]);
    }
    if (keys.empty()) return who + ": owns no NodeInfo keys";
    for (const auto& k : keys) {
      if (std::find(std::begin(kKeysReservedFromSigils), std::end(kKeysReservedFromSigils), k) != std::end(kKeysReservedFromSigils))
        return who + ": claims the reserved key " + inQuotes(k) + " (the node's own)";
    }
    if (builtin) {
      std::vector<std::string> mine = keys, theirs = builtin->keys();
      std::sort(mine.begin(), mine.end());
      std::sort(theirs.begin(), theirs.end());
      if (mine != theirs)
        return who + ": the name " + inQuotes(name) + " is reserved for the built-in sigil, which owns " + joined(builtin->keys()) +
               "; this one owns " + joined(keys);
    }
    for (const auto& k : keys) {
      for (const auto& o : owners_)
        if (o.key == k) return who + ": key " + inQuotes(k) + " is owned both by " + o.named + " and by this sigil — keep only one";
    }
    if (accepted_.size() >= sigils::kMaxSigils)
      return who + ": too many sigils: this would be number " + std::to_string(accepted_.size() + 1) + ", at most " +
             std::to_string(sigils::kMaxSigils) + " are published (Go nodes refuse metadata listing more)";

    sdk::StringSink text, error;
    rtk_status status = t->params(t->ctx, text.get(), error.get());
    if (status != RTK_OK) return who + ": params() failed: " + (error.empty() ? errcName(sdk::toErrc(status)) : error.str());
    json::Value fragment;
    try {
      fragment = json::Value::parse(text.str());
    } catch (const Error& e) {
      return who + ": params() returned invalid JSON: " + e.what();
    }
    if (!fragment.isObject()) return who + ": params() returned " + std::string(fragment.typeName()) + ", not an object";
    for (const auto& k : fragment.keys())
      if (std::find(keys.begin(), keys.end(), k) == keys.end())
        return who + ": its fragment has key " + inQuotes(k) + ", which it does not own";
    if (builtin) {
      std::string why;
      if (!builtin->parse(fragment, &why))
        return who + ": the name " + inQuotes(name) + " is reserved for the built-in sigil, whose rules refuse this fragment: " + why;
    }

    std::vector<PublishedSigil> with = accepted_;
    with.push_back(PublishedSigil{source.plugin, name, keys, fragment});
    std::size_t size = publishedSize(compose(with, true));
    if (size > options_.budgetBytes)
      return who + ": NodeInfo would be " + std::to_string(size) + " bytes with it" + buildKeysNote() + ", over the budget of " +
             std::to_string(options_.budgetBytes) + " bytes; it is published without this sigil";

    for (const auto& k : keys) owners_.push_back({k, "sigil " + who, "sigil " + inQuotes(name)});
    accepted_ = std::move(with);
    return std::nullopt;
  }

  bool wroteMetadata() const { return publishingEnabled_; }

  json::Value compose(const std::vector<PublishedSigil>& sigils, bool withMetadata) const {
    json::Value info = base_;
    std::vector<std::string> names;
    for (const auto& s : sigils) {
      for (std::size_t i = 0; i < s.fragment.size(); ++i) info.set(s.fragment.keyAt(i), s.fragment.at(i));
      names.push_back(s.name);
    }
    if (withMetadata) info.set(SigilAssembler::kMetadataKey, sigils::formatMetadata(names, "v" + options_.hostVersion));
    return info;
  }

  std::size_t publishedSize(const json::Value& info) const {
    std::string text = info.dump();
    return options_.published ? options_.published(text).size() : text.size();
  }

  std::string buildKeysNote() const {
    return buildKeyBytes_ == 0 ? std::string()
                               : " (" + std::to_string(buildKeyBytes_) + " of them the build keys the node adds unless NodeInfoPrivacy)";
  }

  static std::string joined(const std::vector<std::string>& keys) {
    std::string out;
    for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
    return out;
  }

  const SigilAssembler::Options& options_;
  json::Value base_;
  std::size_t buildKeyBytes_ = 0;
  std::vector<KeyOwner> owners_;
  std::vector<PublishedSigil> accepted_;
  bool publishingEnabled_ = false;
  SigilAssembly out_;
};

}  // namespace

SigilAssembly SigilAssembler::assemble(const std::vector<SigilSource>& sigils, const Options& options) {
  AssemblyRun run(options);
  for (const auto& source : sigils) run.add(source);
  return run.finish();
}

}  // namespace rtk::host
