// The "info" sigil: a node's identity card in five top-level keys,
//   {"name": ..., "type": ..., "location": ..., "contact": {group: [..]}, "description": ...}
// name and type required; the others optional and left out when empty.
#include <algorithm>
#include <utility>

#include "Builtins.hpp"
#include "Reading.hpp"

namespace rtk::sigils {
namespace {

using reading::Problem;

constexpr text::Pattern kInfoNamePattern{"^[a-z0-9._-]{4,64}$", "abcdefghijklmnopqrstuvwxyz0123456789._-", 4, 64};
// Also the pattern of a contact group's name.
constexpr text::Pattern kInfoTypePattern{"^[a-z0-9.-]{2,32}$", "abcdefghijklmnopqrstuvwxyz0123456789.-", 2, 32};
constexpr std::size_t kMaxContactGroups = 8;
constexpr std::size_t kMaxContactsPerGroup = 8;

struct InfoCard {
  std::string name;
  std::string type;
  std::string location;     // "" = absent
  std::string description;  // "" = absent
  std::vector<std::pair<std::string, std::vector<std::string>>> contacts;  // sorted by group
};

// What each field is called in the conf (Go's info.ConfigObj) and in NodeInfo.
struct InfoLabels {
  std::string_view name, type, location, description, contact;
};
constexpr InfoLabels kInfoSettingNames{"Name", "Type", "Location", "Description", "Contacts"};
constexpr InfoLabels kInfoKeyNames{"name", "type", "location", "description", "contact"};

Problem infoCardProblem(const InfoCard& card, const InfoLabels& label) {
  auto at = [](std::string_view where, const std::string& what) { return std::string(where) + ": " + what; };
  if (card.name.empty()) return at(label.name, "required (4 to 64 of a-z 0-9 . _ -)");
  if (card.type.empty()) return at(label.type, "required (2 to 32 of a-z 0-9 . -)");
  if (auto p = kInfoNamePattern.problem(card.name); !p.empty()) return at(label.name, p);
  if (auto p = kInfoTypePattern.problem(card.type); !p.empty()) return at(label.type, p);
  if (!card.location.empty())
    if (auto p = text::humanTextProblem(card.location, 2, 514); !p.empty()) return at(label.location, p);
  if (!card.description.empty())
    if (auto p = text::humanTextProblem(card.description, 2, 514); !p.empty()) return at(label.description, p);
  if (card.contacts.size() > kMaxContactGroups)
    return at(label.contact, std::to_string(card.contacts.size()) + " groups, at most " + std::to_string(kMaxContactGroups));
  for (const auto& [group, entries] : card.contacts) {
    if (auto p = kInfoTypePattern.problem(group); !p.empty()) return at(label.contact, "group name " + p);
    std::string path = reading::memberPath(label.contact, group);
    if (entries.empty()) return at(path, "an empty group (give at least one contact or leave the group out)");
    if (entries.size() > kMaxContactsPerGroup)
      return at(path, std::to_string(entries.size()) + " contacts, at most " + std::to_string(kMaxContactsPerGroup));
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (auto p = text::humanTextProblem(entries[i], 3, 258); !p.empty()) return at(reading::elementPath(path, i), p);
  }
  return {};
}

json::Value infoFragment(const InfoCard& card) {
  json::Value out = json::Value::object();
  out.set("name", card.name);
  out.set("type", card.type);
  if (!card.location.empty()) out.set("location", card.location);
  if (!card.contacts.empty()) {
    json::Value groups = json::Value::object();
    for (const auto& [group, entries] : card.contacts) {
      json::Value list = json::Value::array();
      for (const auto& e : entries) list.push(e);
      groups.set(group, std::move(list));
    }
    out.set("contact", std::move(groups));
  }
  if (!card.description.empty()) out.set("description", card.description);
  return out;
}

// Contacts as {group: [strings]}; the group count is checked before the
// entries are read, as Go does, so a huge foreign object costs little.
Problem readContacts(const json::Value& v, std::string_view label, InfoCard& card) {
  if (!v.isObject()) return reading::wrongType(label, "an object of contact groups", v);
  if (v.size() > kMaxContactGroups)
    return std::string(label) + ": " + std::to_string(v.size()) + " groups, at most " + std::to_string(kMaxContactGroups);
  for (std::size_t g = 0; g < v.size(); ++g) {
    const std::string& group = v.keyAt(g);
    const json::Value& list = v.at(g);
    std::string path = reading::memberPath(label, group);
    if (!list.isArray()) return reading::wrongType(path, "an array of strings", list);
    if (list.size() > kMaxContactsPerGroup)
      return path + ": " + std::to_string(list.size()) + " contacts, at most " + std::to_string(kMaxContactsPerGroup);
    std::vector<std::string> entries;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list.at(i).isString()) return reading::wrongType(reading::elementPath(path, i), "a string", list.at(i));
      entries.push_back(list.at(i).asString());
    }
    card.contacts.emplace_back(group, std::move(entries));
  }
  std::sort(card.contacts.begin(), card.contacts.end());
  return {};
}

class InfoSigil final : public BuiltinSigil {
 public:
  std::string_view name() const override { return "info"; }
  const std::vector<std::string>& keys() const override {
    static const std::vector<std::string> k{"name", "type", "location", "contact", "description"};
    return k;
  }

  json::Value fragmentFromSettings(const json::Value& settings) const override {
    const auto& s = reading::settingsObject(settings, "info", {"Name", "Type", "Location", "Description", "Contacts"});
    InfoCard card;
    auto optionalString = [&](std::string_view setting, std::string& out) {
      const json::Value& v = s.get(setting);
      if (v.isNull()) return;
      if (!v.isString()) reading::throwSetting(setting, std::string("must be a string, not ") + v.typeName());
      out = v.asString();
    };
    optionalString("Name", card.name);
    optionalString("Type", card.type);
    optionalString("Location", card.location);
    optionalString("Description", card.description);
    if (const json::Value& contacts = s.get("Contacts"); !contacts.isNull()) reading::checkSetting(readContacts(contacts, "Contacts", card));
    reading::checkSetting(infoCardProblem(card, kInfoSettingNames));
    return infoFragment(card);
  }

  std::optional<json::Value> parse(const json::Value& nodeInfo, std::string* why) const override {
    if (!nodeInfo.isObject()) return builtins::noMatch(why, reading::wrongType("NodeInfo", "an object", nodeInfo));
    InfoCard card;
    // name and type must be strings; the optional texts may be "" (absent).
    for (auto [key, out] : {std::pair{"name", &card.name}, std::pair{"type", &card.type}}) {
      const json::Value* v = nodeInfo.find(key);
      if (!v) return builtins::noMatch(why, std::string(key) + ": missing");
      if (!v->isString()) return builtins::noMatch(why, reading::wrongType(key, "a string", *v));
      *out = v->asString();
    }
    for (auto [key, out] : {std::pair{"location", &card.location}, std::pair{"description", &card.description}}) {
      const json::Value* v = nodeInfo.find(key);
      if (!v) continue;
      if (!v->isString()) return builtins::noMatch(why, reading::wrongType(key, "a string", *v));
      *out = v->asString();
    }
    if (const json::Value* contacts = nodeInfo.find("contact")) {
      if (auto p = readContacts(*contacts, "contact", card); !p.empty()) return builtins::noMatch(why, p);
    }
    if (auto p = infoCardProblem(card, kInfoKeyNames); !p.empty()) return builtins::noMatch(why, p);
    return infoFragment(card);
  }
};

}  // namespace

const BuiltinSigil& builtins::info() {
  static const InfoSigil sigil;
  return sigil;
}

}  // namespace rtk::sigils
