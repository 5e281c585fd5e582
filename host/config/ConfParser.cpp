#include "config/ConfParser.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "config/CommentStripper.hpp"
#include "config/HjsonReader.hpp"
#include "config/JsonSourceMap.hpp"
#include "core/crypto/Ed25519.hpp"
#include "core/crypto/Pem.hpp"
#include "ratatoskr/abi.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/sigil.h"
#include "ratatoskr/types.hpp"

namespace rtk::host {
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kNodeKeys = {
    "PrivateKey", "PrivateKeyPath",      "Peers",     "InterfacePeers", "Listen",
    "AdminListen", "MulticastInterfaces", "AllowedPublicKeys", "IfMTU", "NodeInfo",
    "NodeInfoPrivacy"};
const std::vector<std::string> kHostKeys = {"Plugins", "Modules", "Log"};
// yggdrasil.conf keys with no meaning for a userspace node: accepted, warned about.
const std::vector<std::pair<std::string, std::string>> kIgnoredKeys = {
    {"IfName", "ratatoskr has no TUN interface; its TCP/UDP stack runs in userspace"},
    {"LogLookups", "lookups are logged at debug level instead"}};
const std::vector<std::string> kMulticastKeys = {"Regex", "Beacon", "Listen", "Port", "Priority", "Password"};
const std::vector<std::string> kPluginsKeys = {"Directories", "Enabled"};
const std::vector<std::string> kLogKeys = {"Level"};

std::string inQuotes(const std::string& s) { return "\"" + s + "\""; }

// Poco::JSON gives no position; the stream offset after the failure does:
// it is just past the offending byte, except for trailing garbage, where the
// parser stops in front of it. The text is parsed with one extra "\n", so
// an offset beyond the real text means the parser ran out of input (without
// it, "ran out" and "the last byte is wrong" leave the same offset).
// Returns `size` for the end of the file.
std::size_t failureOffset(std::istringstream& in, std::size_t size, const std::string& message) {
  in.clear();
  auto tell = in.tellg();
  if (tell < 0) return size;
  auto pos = static_cast<std::size_t>(tell);
  if (pos > size) return size;
  if (message.find("Excess characters") != std::string::npos) return pos;
  return pos > 0 ? pos - 1 : 0;
}

// Poco quotes the offending byte raw; a newline or tab would break the line.
std::string printable(const std::string& message) {
  std::string out;
  for (char c : message) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string describe(const json::Value& v) {
  if (v.isString()) return "string " + v.dump();
  if (v.isNumber() || v.isBool()) return std::string(v.typeName()) + " " + v.dump();
  return v.typeName();
}

class Mapper {
 public:
  Mapper(const std::string& origin, const JsonSourceMap& map, HostConfig& out) : origin_(origin), map_(map), out_(out) {
    fs::path parent = fs::path(origin).parent_path();
    baseDir_ = parent.string();
  }

  [[noreturn]] void failAtKey(const std::string& path, const std::string& message) const {
    auto at = map_.keyOffset(path);
    if (!at) at = map_.valueOffset(path);
    throw Error(Errc::Config, (at ? map_.where(origin_, *at) : origin_) + ": " + message);
  }
  [[noreturn]] void failAtValue(const std::string& path, const std::string& message) const {
    auto at = map_.valueOffset(path);
    throw Error(Errc::Config, (at ? map_.where(origin_, *at) : origin_) + ": " + message);
  }
  void warnAtKey(const std::string& path, const std::string& message) {
    auto at = map_.keyOffset(path);
    out_.warnings.push_back((at ? map_.where(origin_, *at) : origin_) + ": " + message);
  }

  void unknownKey(const std::string& path, const std::string& key, const std::vector<std::string>& known) const {
    std::string hint = ConfParser::suggest(key, known);
    std::string where = path.empty() ? "" : " in " + inQuotes(path);
    failAtKey(JsonSourceMap::member(path, key),
              "unknown key " + inQuotes(key) + where + (hint.empty() ? "" : " (did you mean " + inQuotes(hint) + "?)"));
  }

  const json::Value& object(const std::string& path, const json::Value& v) const {
    if (!v.isObject()) failAtValue(path, inQuotes(path) + " must be an object, got " + describe(v));
    return v;
  }
  std::string string(const std::string& path, const json::Value& v) const {
    if (v.isString()) return v.asString();
    // HJSON: yggdrasil reads `Password: 1234` into a string field as "1234".
    if (auto bare = map_.bareText(path); bare && !v.isNull()) return *bare;
    failAtValue(path, inQuotes(path) + " must be a string, got " + describe(v));
  }
  bool boolean(const std::string& path, const json::Value& v) const {
    if (!v.isBool()) failAtValue(path, inQuotes(path) + " must be true or false, got " + describe(v));
    return v.asBool();
  }
  std::uint64_t unsignedInt(const std::string& path, const json::Value& v, std::uint64_t max) const {
    // A whole number written as a double may be past 2^64 (asUint64 would
    // throw a range error, not a config error naming the key).
    bool ok = v.isInteger() && !(v.type() == json::Type::Int && v.asInt64() < 0) &&
              !(v.type() == json::Type::Double && (v.asDouble() < 0 || v.asDouble() >= 18446744073709551616.0));
    if (ok && v.asUint64() <= max) return v.asUint64();
    if (max == std::numeric_limits<std::uint64_t>::max())
      failAtValue(path, inQuotes(path) + " must be an unsigned integer, got " + describe(v));
    failAtValue(path, inQuotes(path) + " must be an integer from 0 to " + std::to_string(max) + ", got " + describe(v));
  }
  std::vector<std::string> strings(const std::string& path, const json::Value& v) const {
    if (!v.isArray()) failAtValue(path, inQuotes(path) + " must be an array of strings, got " + describe(v));
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(string(JsonSourceMap::element(path, i), v[i]));
    return out;
  }
  std::string resolvePath(const std::string& p) const {
    if (p.empty() || baseDir_.empty() || fs::path(p).is_absolute()) return p;
    return (fs::path(baseDir_) / p).lexically_normal().string();
  }

  void map(const json::Value& root) {
    // yggdrasil writes null for empty lists and NodeInfo (Go's nil slices and maps).
    static const std::vector<std::string> nullMeansEmpty = {"Peers", "InterfacePeers", "Listen", "MulticastInterfaces",
                                                            "AllowedPublicKeys", "NodeInfo"};
    for (std::size_t i = 0; i < root.size(); ++i) {
      const std::string& key = root.keyAt(i);
      const json::Value& v = root.at(i);
      if (v.isNull() && std::find(nullMeansEmpty.begin(), nullMeansEmpty.end(), key) != nullMeansEmpty.end()) continue;
      if (key == "PrivateKey") {
        privateKey(v);
      } else if (key == "PrivateKeyPath") {
        privateKeyPath(v);
      } else if (key == "Peers") {
        out_.node.peers = strings(key, v);
      } else if (key == "InterfacePeers") {
        object(key, v);
        for (std::size_t k = 0; k < v.size(); ++k)
          out_.node.interfacePeers[v.keyAt(k)] = strings(JsonSourceMap::member(key, v.keyAt(k)), v.at(k));
      } else if (key == "Listen") {
        out_.node.listen = strings(key, v);
      } else if (key == "AdminListen") {
        adminListen(v);
      } else if (key == "MulticastInterfaces") {
        multicast(v);
      } else if (key == "AllowedPublicKeys") {
        auto keys = strings(key, v);
        for (std::size_t k = 0; k < keys.size(); ++k) {
          if (!PublicKey::fromHex(keys[k])) {
            std::string p = JsonSourceMap::element(key, k);
            failAtValue(p, inQuotes(p) + " must be a public key of 64 hex digits, got " + std::to_string(keys[k].size()) +
                               " characters");
          }
        }
        out_.node.allowedPublicKeys = keys;
      } else if (key == "IfMTU") {
        out_.node.ifMTU = unsignedInt(key, v, std::numeric_limits<std::uint64_t>::max());
        if (out_.node.ifMTU < 1280 || out_.node.ifMTU > 65535)
          warnAtKey(key, "\"IfMTU\" " + std::to_string(out_.node.ifMTU) + " will be clamped to the range 1280..65535");
      } else if (key == "NodeInfo") {
        object(key, v);
        std::string text = v.dump();
        if (text.size() > RTK_NODEINFO_MAX_BYTES) {
          failAtValue(key, "\"NodeInfo\" is " + std::to_string(text.size()) + " bytes as JSON, over the limit of " +
                               std::to_string(RTK_NODEINFO_MAX_BYTES));
        }
        out_.node.nodeInfo = text;
      } else if (key == "NodeInfoPrivacy") {
        out_.node.nodeInfoPrivacy = boolean(key, v);
      } else if (key == "Plugins") {
        plugins(v);
      } else if (key == "Modules") {
        modules(v);
      } else if (key == "Log") {
        log(v);
      } else if (key == "IfName" && v.isString() && v.asString() == "none") {
        // "none" asks for no TUN, which is what a userspace node has: nothing to warn about.
      } else if (auto ign = std::find_if(kIgnoredKeys.begin(), kIgnoredKeys.end(), [&](const auto& e) { return e.first == key; });
                 ign != kIgnoredKeys.end()) {
        warnAtKey(key, inQuotes(key) + " is ignored: " + ign->second);
      } else {
        std::vector<std::string> known = ConfParser::knownKeys();
        for (const auto& [k, why] : kIgnoredKeys) known.push_back(k);
        unknownKey("", key, known);
      }
    }
    if (!out_.node.privateKey.empty() && !out_.node.privateKeyPath.empty())
      warnAtKey("PrivateKey", "\"PrivateKeyPath\" is set and takes precedence over \"PrivateKey\"");
  }

  void privateKey(const json::Value& v) {
    std::string hex = string("PrivateKey", v);
    if (hex.empty()) return;  // "": generate a key at start
    if (hex.size() != 128 || !std::all_of(hex.begin(), hex.end(), [](char c) { return rtk::detail::hexNibble(c) >= 0; })) {
      failAtValue("PrivateKey", "\"PrivateKey\" must be 128 hex digits (seed and public key), got " +
                                    (hex.size() == 128 ? std::string("non-hex characters") : std::to_string(hex.size()) + " characters"));
    }
    try {
      (void)core::crypto::SigningKey::fromHex(hex);
    } catch (const Error& e) {
      failAtValue("PrivateKey", std::string("\"PrivateKey\" is not a valid Ed25519 key: ") + e.what());
    }
    out_.node.privateKey = hex;
  }

  void privateKeyPath(const json::Value& v) {
    std::string path = string("PrivateKeyPath", v);
    if (path.empty()) return;
    path = resolvePath(path);
    try {
      (void)core::crypto::loadPemPrivateKey(path);
    } catch (const Error& e) {
      failAtValue("PrivateKeyPath", std::string("\"PrivateKeyPath\": ") + e.what());
    }
    out_.node.privateKeyPath = path;
  }

  void adminListen(const json::Value& v) {
    std::string a = string("AdminListen", v);
    bool ok = a.empty() || a == "none" || (a.rfind("unix://", 0) == 0 && a.size() > 7) || (a.rfind("tcp://", 0) == 0 && a.size() > 6);
    if (!ok) {
      failAtValue("AdminListen", "\"AdminListen\" must be \"none\", \"unix:///path\" or \"tcp://host:port\", got " + inQuotes(a));
    }
    out_.node.adminListen = a.empty() ? "none" : a;
  }

  void multicast(const json::Value& v) {
    const std::string key = "MulticastInterfaces";
    if (!v.isArray()) failAtValue(key, "\"MulticastInterfaces\" must be an array of objects, got " + describe(v));
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::string path = JsonSourceMap::element(key, i);
      const auto& entry = object(path, v[i]);
      MulticastInterfaceConfig m;
      for (std::size_t k = 0; k < entry.size(); ++k) {
        const std::string& name = entry.keyAt(k);
        std::string p = JsonSourceMap::member(path, name);
        const auto& value = entry.at(k);
        if (name == "Regex") m.regex = string(p, value);
        else if (name == "Beacon") m.beacon = boolean(p, value);
        else if (name == "Listen") m.listen = boolean(p, value);
        else if (name == "Port") m.port = static_cast<std::uint16_t>(unsignedInt(p, value, 65535));
        else if (name == "Priority") m.priority = static_cast<std::uint8_t>(unsignedInt(p, value, 255));
        else if (name == "Password") m.password = string(p, value);
        else unknownKey(path, name, kMulticastKeys);
      }
      out_.node.multicastInterfaces.push_back(std::move(m));
    }
  }

  void plugins(const json::Value& v) {
    object("Plugins", v);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string& name = v.keyAt(i);
      std::string p = JsonSourceMap::member("Plugins", name);
      if (name == "Directories") {
        for (const auto& d : strings(p, v.at(i))) out_.plugins.directories.push_back(resolvePath(d));
      } else if (name == "Enabled") {
        auto names = strings(p, v.at(i));
        for (std::size_t k = 0; k < names.size(); ++k) {
          if (!sdk::validPluginName(names[k])) {
            std::string ep = JsonSourceMap::element(p, k);
            failAtValue(ep, inQuotes(ep) + ": " + inQuotes(names[k]) + " is not a plugin name (^[a-z0-9._-]{3,32}$)");
          }
          if (std::find(out_.plugins.enabled.begin(), out_.plugins.enabled.end(), names[k]) == out_.plugins.enabled.end())
            out_.plugins.enabled.push_back(names[k]);
        }
      } else {
        unknownKey("Plugins", name, kPluginsKeys);
      }
    }
  }

  void modules(const json::Value& v) {
    object("Modules", v);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string& name = v.keyAt(i);
      std::string p = JsonSourceMap::member("Modules", name);
      if (!sdk::validPluginName(name)) failAtKey(p, inQuotes(p) + ": " + inQuotes(name) + " is not a plugin name (^[a-z0-9._-]{3,32}$)");
      out_.modules[name] = object(p, v.at(i));
    }
  }

  void log(const json::Value& v) {
    object("Log", v);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string& name = v.keyAt(i);
      if (name != "Level") unknownKey("Log", name, kLogKeys);
      std::string level = string("Log.Level", v.at(i));
      static const std::pair<const char*, LogLevel> levels[] = {{"trace", LogLevel::Trace}, {"debug", LogLevel::Debug},
                                                                {"info", LogLevel::Info},   {"warn", LogLevel::Warn},
                                                                {"error", LogLevel::Error}, {"off", LogLevel::Off}};
      bool found = false;
      for (const auto& [text, value] : levels)
        if (level == text) {
          out_.logLevel = value;
          found = true;
        }
      if (!found) failAtValue("Log.Level", "\"Log.Level\" must be one of trace, debug, info, warn, error, off; got " + inQuotes(level));
    }
  }

 private:
  const std::string& origin_;
  const JsonSourceMap& map_;
  HostConfig& out_;
  std::string baseDir_;
};

}  // namespace

const std::vector<std::string>& ConfParser::knownKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k = kNodeKeys;
    k.insert(k.end(), kHostKeys.begin(), kHostKeys.end());
    return k;
  }();
  return keys;
}

std::string ConfParser::suggest(const std::string& key, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t bestDistance = std::numeric_limits<std::size_t>::max();
  for (const auto& c : candidates) {
    std::size_t d = editDistance(key, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  std::size_t allowed = std::max<std::size_t>(2, key.size() / 3);
  return bestDistance <= allowed ? best : std::string();
}

HostConfig ConfParser::parseFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Errc::Config, path + ": cannot read the conf file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(Errc::Config, path + ": cannot read the conf file: " + std::strerror(errno));
  return parseText(text.str(), path);
}

namespace {

// Skips whitespace and comments (#, //, /* */) from `i`.
std::size_t skipSpaceAndComments(std::string_view t, std::size_t i) {
  while (i < t.size()) {
    if (std::isspace(static_cast<unsigned char>(t[i]))) {
      ++i;
    } else if (t[i] == '#' || t.compare(i, 2, "//") == 0) {
      i = t.find('\n', i);
      if (i == std::string_view::npos) return t.size();
    } else if (t.compare(i, 2, "/*") == 0) {
      i = t.find("*/", i + 2);
      if (i == std::string_view::npos) return t.size();
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

// JSON-looking: an array, `{}` or an object whose first key is quoted, or
// nothing at all. Anything else (yggdrasil's unquoted keys, no braces) is HJSON.
bool looksLikeJson(std::string_view t) {
  std::size_t i = skipSpaceAndComments(t, 0);
  if (i >= t.size() || t[i] == '[') return true;
  if (t[i] != '{') return false;
  i = skipSpaceAndComments(t, i + 1);
  return i < t.size() && (t[i] == '"' || t[i] == '}');
}

// JSON with comments through Poco; the error, positioned, when it is not.
std::optional<std::string> parseJsonWithComments(const std::string& text, const std::string& origin, std::string& plain,
                                                 Poco::Dynamic::Var& parsed) {
  plain = CommentStripper::strip(text, origin);
  JsonSourceMap map(plain);
  std::istringstream stream(plain + "\n");
  Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
  try {
    parsed = parser.parse(stream);
    return std::nullopt;
  } catch (const Poco::Exception& e) {
    std::string message = printable(e.message());
    std::size_t at = failureOffset(stream, plain.size(), e.message());
    std::string reason = message;
    if (at >= plain.size()) {
      reason = "unexpected end of file (" + message + ")";
    } else if (plain[at] == '}' || plain[at] == ']') {
      std::size_t k = at;
      while (k > 0 && std::isspace(static_cast<unsigned char>(plain[k - 1]))) --k;
      if (k > 0 && plain[k - 1] == ',') reason += std::string(" (trailing comma before '") + plain[at] + "')";
    }
    return map.where(origin, at) + ": " + reason;
  }
}

void refuseDuplicates(const JsonSourceMap& map, const std::string& origin) {
  if (map.duplicates().empty()) return;
  const auto& [path, at] = map.duplicates().front();
  auto first = map.keyOffset(path);
  std::string firstAt;
  if (first) {
    auto p = map.position(*first);
    firstAt = " (first at line " + std::to_string(p.line) + ", column " + std::to_string(p.column) + ")";
  }
  throw Error(Errc::Config, map.where(origin, at) + ": duplicate key " + inQuotes(path) + firstAt);
}

}  // namespace

HostConfig ConfParser::parseText(std::string_view input, const std::string& origin) {
  std::string text(input);
  // A UTF-8 byte order mark is blanked like a comment, keeping offsets.
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.replace(0, 3, "   ");

  // JSON with comments as before; yggdrasil's HJSON (what `yggdrasil
  // -genconf` writes) otherwise. A JSON-looking file that only HJSON accepts
  // (a trailing comma, say) is read as yggdrasil reads it; when neither
  // accepts it, the error is the one of the format it looks like.
  std::string plain;
  Poco::Dynamic::Var parsed;
  std::optional<JsonSourceMap> map;
  json::Value root;
  const bool jsonLooking = looksLikeJson(text);
  std::optional<std::string> jsonError;
  if (jsonLooking) jsonError = parseJsonWithComments(text, origin, plain, parsed);
  if (jsonLooking && !jsonError) {
    map.emplace(plain);
    map->index();
    refuseDuplicates(*map, origin);
    root = json::fromPoco(parsed);
  } else {
    map.emplace(text);
    try {
      root = HjsonReader::parse(text, origin, *map);
    } catch (const Error&) {
      if (jsonError) throw Error(Errc::Config, *jsonError);
      throw;
    }
  }

  if (!root.isObject()) throw Error(Errc::Config, map->where(origin, map->valueOffset("").value_or(0)) +
                                                      ": the conf file must hold one JSON object, got " + root.typeName());
  HostConfig out;
  out.sourcePath = origin;
  Mapper(origin, *map, out).map(root);
  out.document = std::move(root);
  return out;
}

}  // namespace rtk::host
