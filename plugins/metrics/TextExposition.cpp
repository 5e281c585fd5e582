#include "TextExposition.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rtk::plugins::metrics {

namespace {

bool isNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isNameChar(char c) { return isNameStart(c) || (c >= '0' && c <= '9'); }

bool endsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool refuse(std::string* why, std::string reason) {
  if (why) *why = std::move(reason);
  return false;
}

}  // namespace

bool TextExposition::validName(std::string_view name) noexcept {
  if (name.empty() || !isNameStart(name[0])) return false;
  return std::all_of(name.begin(), name.end(), isNameChar);
}

bool TextExposition::validLabelName(std::string_view name) noexcept {
  return validName(name) && name.substr(0, 2) != "__";
}

std::string TextExposition::escapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string TextExposition::escapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string TextExposition::formatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[40];
  if (value == std::floor(value) && std::fabs(value) <= 9007199254740992.0) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  // The shortest of 15..17 significant digits that reads back as the same double.
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  return buf;
}

bool TextExposition::add(SampleType type, std::string_view name, std::string_view help, std::vector<Label> labels,
                         double value, std::string* why) {
  ++dropped_;  // undone at the end when the sample is kept
  if (!validName(name)) return refuse(why, "invalid metric name \"" + std::string(name) + "\"");
  if (help.empty()) return refuse(why, std::string(name) + ": no help text");
  bool total = endsWith(name, "_total");
  if (type == SampleType::Counter && !total)
    return refuse(why, std::string(name) + ": a counter's name must end in _total");
  if (type != SampleType::Counter && total)
    return refuse(why, std::string(name) + ": only counters may end in _total");
  std::sort(labels.begin(), labels.end());
  std::string labelText;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto& [k, v] = labels[i];
    if (!validLabelName(k)) return refuse(why, std::string(name) + ": invalid label name \"" + k + "\"");
    if (i > 0 && labels[i - 1].first == k) return refuse(why, std::string(name) + ": label \"" + k + "\" given twice");
    labelText += (i == 0 ? "{" : ",") + k + "=\"" + escapeLabelValue(v) + "\"";
  }
  if (!labelText.empty()) labelText += "}";

  auto it = index_.find(name);
  if (it == index_.end()) {
    it = index_.emplace(std::string(name), families_.size()).first;
    families_.push_back(Family{std::string(name), std::string(help), type, {}, {}});
  }
  Family& f = families_[it->second];
  if (f.type != type) return refuse(why, std::string(name) + ": seen before with another type");
  if (f.help != help) return refuse(why, std::string(name) + ": seen before with another help text");
  if (!f.labelSets.insert(labelText).second)
    return refuse(why, std::string(name) + labelText + ": the same series twice");
  f.lines.push_back(f.name + labelText + " " + formatValue(value));
  --dropped_;
  return true;
}

std::string TextExposition::render() const {
  std::string out;
  for (const auto& f : families_) {
    if (f.lines.empty()) continue;
    out += "# HELP " + f.name + " " + escapeHelp(f.help) + "\n";
    out += "# TYPE " + f.name + (f.type == SampleType::Counter ? " counter\n" : " gauge\n");
    for (const auto& line : f.lines) out += line + "\n";
  }
  return out;
}

}  // namespace rtk::plugins::metrics
