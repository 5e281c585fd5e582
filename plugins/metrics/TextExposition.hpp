// rtk::plugins::metrics::TextExposition — samples in, Prometheus text
// exposition format 0.0.4 out.
//
// Samples are grouped by name into families, in the order names are first
// seen; each family gets one "# HELP" and one "# TYPE" line, then its samples.
// add() refuses, and counts in dropped(), a sample that would make the text
// invalid or fail `promtool check metrics`:
//   - a name not matching ^[a-zA-Z_][a-zA-Z0-9_]*$ (no colons: those are for
//     recording rules), a label name not matching it or starting with "__";
//   - a counter whose name does not end in "_total", or another type whose does;
//   - no help text;
//   - a name seen before with another type or help text;
//   - the same name and label set twice.
// Escaping: label values escape \ " and newline; help text \ and newline.
// Values: integers up to 2^53 exactly, others with the fewest of 15..17
// significant digits that read back as the same double,
// NaN, +Inf, -Inf as Prometheus spells them.
// Thread-safety: none; one object per scrape.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rtk::plugins::metrics {

enum class SampleType { Counter, Gauge };

using Label = std::pair<std::string, std::string>;

class TextExposition {
 public:
  // Returns false, and counts the sample as dropped, when it is refused;
  // `why` (optional) receives the reason.
  bool add(SampleType type, std::string_view name, std::string_view help, std::vector<Label> labels, double value,
           std::string* why = nullptr);
  std::size_t dropped() const noexcept { return dropped_; }
  std::size_t families() const noexcept { return families_.size(); }
  std::string render() const;

  static bool validName(std::string_view name) noexcept;
  static bool validLabelName(std::string_view name) noexcept;
  static std::string escapeHelp(std::string_view help);
  static std::string escapeLabelValue(std::string_view value);
  static std::string formatValue(double value);

 private:
  struct Family {
    std::string name, help;
    SampleType type;
    std::vector<std::string> lines;       // rendered samples
    std::set<std::string> labelSets;      // rendered label sets seen
  };
  std::vector<Family> families_;
  std::map<std::string, std::size_t, std::less<>> index_;  // name → families_ position
  std::size_t dropped_ = 0;
};

}  // namespace rtk::plugins::metrics
