// TextExposition: families, escaping, label order, values and every refusal
// that keeps the text valid for Prometheus and `promtool check metrics`.
#include <cppunit/extensions/HelperMacros.h>

#include <cmath>
#include <limits>

#include "TextExposition.hpp"

namespace rtk::plugins::metrics {

class TextExpositionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TextExpositionTest);
  CPPUNIT_TEST(familiesGetHelpAndTypeOnceInFirstSeenOrder);
  CPPUNIT_TEST(labelsAreSortedAndValuesEscaped);
  CPPUNIT_TEST(helpIsEscaped);
  CPPUNIT_TEST(valuesAreExactOrSpelledAsPrometheusDoes);
  CPPUNIT_TEST(badNamesAreRefusedAndCounted);
  CPPUNIT_TEST(counterSuffixRulesAreEnforced);
  CPPUNIT_TEST(conflictsAndDuplicatesAreRefused);
  CPPUNIT_TEST(emptyExpositionRendersNothing);
  CPPUNIT_TEST_SUITE_END();

 public:
  void familiesGetHelpAndTypeOnceInFirstSeenOrder() {
    TextExposition e;
    CPPUNIT_ASSERT(e.add(SampleType::Gauge, "ratatoskr_peers", "peers by state", {{"state", "up"}}, 2));
    CPPUNIT_ASSERT(e.add(SampleType::Counter, "ratatoskr_a_total", "a", {}, 5));
    CPPUNIT_ASSERT(e.add(SampleType::Gauge, "ratatoskr_peers", "peers by state", {{"state", "down"}}, 1));
    CPPUNIT_ASSERT_EQUAL(std::string("# HELP ratatoskr_peers peers by state\n"
                                     "# TYPE ratatoskr_peers gauge\n"
                                     "ratatoskr_peers{state=\"up\"} 2\n"
                                     "ratatoskr_peers{state=\"down\"} 1\n"
                                     "# HELP ratatoskr_a_total a\n"
                                     "# TYPE ratatoskr_a_total counter\n"
                                     "ratatoskr_a_total 5\n"),
                         e.render());
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), e.families());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), e.dropped());
  }

  void labelsAreSortedAndValuesEscaped() {
    TextExposition e;
    CPPUNIT_ASSERT(e.add(SampleType::Gauge, "x", "h", {{"uri", "tls://[::1]:1 \"q\" \\ \nz"}, {"key", "é✓"}}, 1));
    CPPUNIT_ASSERT_EQUAL(std::string("# HELP x h\n# TYPE x gauge\n"
                                     "x{key=\"é✓\",uri=\"tls://[::1]:1 \\\"q\\\" \\\\ \\nz\"} 1\n"),
                         e.render());
    CPPUNIT_ASSERT_EQUAL(std::string("a\\\\b\\\"c\\nd"), TextExposition::escapeLabelValue("a\\b\"c\nd"));
  }

  void helpIsEscaped() {
    // In HELP only backslash and newline are escaped; quotes stay.
    CPPUNIT_ASSERT_EQUAL(std::string("say \"hi\" \\\\ \\n"), TextExposition::escapeHelp("say \"hi\" \\ \n"));
    TextExposition e;
    CPPUNIT_ASSERT(e.add(SampleType::Gauge, "x", "two\nlines", {}, 0));
    CPPUNIT_ASSERT_EQUAL(std::string("# HELP x two\\nlines\n# TYPE x gauge\nx 0\n"), e.render());
  }

  void valuesAreExactOrSpelledAsPrometheusDoes() {
    CPPUNIT_ASSERT_EQUAL(std::string("0"), TextExposition::formatValue(0));
    CPPUNIT_ASSERT_EQUAL(std::string("-3"), TextExposition::formatValue(-3));
    CPPUNIT_ASSERT_EQUAL(std::string("9007199254740992"), TextExposition::formatValue(9007199254740992.0));
    CPPUNIT_ASSERT_EQUAL(std::string("1.5"), TextExposition::formatValue(1.5));
    CPPUNIT_ASSERT_EQUAL(std::string("0.00012345"), TextExposition::formatValue(0.00012345));
    CPPUNIT_ASSERT_EQUAL(std::string("0.1"), TextExposition::formatValue(0.1));
    CPPUNIT_ASSERT_EQUAL(0.1 + 0.2, std::stod(TextExposition::formatValue(0.1 + 0.2)));  // needs 17 digits
    CPPUNIT_ASSERT_EQUAL(std::string("1e+300"), TextExposition::formatValue(1e300));
    CPPUNIT_ASSERT_EQUAL(std::string("NaN"), TextExposition::formatValue(std::nan("")));
    CPPUNIT_ASSERT_EQUAL(std::string("+Inf"), TextExposition::formatValue(std::numeric_limits<double>::infinity()));
    CPPUNIT_ASSERT_EQUAL(std::string("-Inf"), TextExposition::formatValue(-std::numeric_limits<double>::infinity()));
  }

  void badNamesAreRefusedAndCounted() {
    TextExposition e;
    std::string why;
    CPPUNIT_ASSERT(!e.add(SampleType::Gauge, "", "h", {}, 1, &why));
    CPPUNIT_ASSERT(!e.add(SampleType::Gauge, "9lives", "h", {}, 1, &why));
    CPPUNIT_ASSERT(!e.add(SampleType::Gauge, "a-b", "h", {}, 1, &why));
    CPPUNIT_ASSERT(!e.add(SampleType::Gauge, "rule:name", "h", {}, 1, &why));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid metric name \"rule:name\""), why);
    CPPUNIT_ASSERT(!e.add(SampleType::Gauge, "ok", "h", {{"__reserved", "v"}}, 1, &why));
    CPPUNIT_ASSERT(!e.add(SampleType::Gauge, "ok", "h", {{"bad-label", "v"}}, 1, &why));
    CPPUNIT_ASSERT_EQUAL(std::string("ok: invalid label name \"bad-label\""), why);
    CPPUNIT_ASSERT(!e.add(SampleType::Gauge, "ok", "h", {{"a", "1"}, {"a", "2"}}, 1, &why));
    CPPUNIT_ASSERT(!e.add(SampleType::Gauge, "ok", "", {}, 1, &why));
    CPPUNIT_ASSERT_EQUAL(std::string("ok: no help text"), why);
    CPPUNIT_ASSERT_EQUAL(std::size_t(8), e.dropped());
    CPPUNIT_ASSERT_EQUAL(std::string(), e.render());
    CPPUNIT_ASSERT(TextExposition::validName("_a1_B"));
    CPPUNIT_ASSERT(TextExposition::validLabelName("_a"));
    CPPUNIT_ASSERT(!TextExposition::validLabelName("__a"));
  }

  void counterSuffixRulesAreEnforced() {
    TextExposition e;
    std::string why;
    CPPUNIT_ASSERT(!e.add(SampleType::Counter, "ratatoskr_bytes", "h", {}, 1, &why));
    CPPUNIT_ASSERT_EQUAL(std::string("ratatoskr_bytes: a counter's name must end in _total"), why);
    CPPUNIT_ASSERT(!e.add(SampleType::Gauge, "ratatoskr_bytes_total", "h", {}, 1, &why));
    CPPUNIT_ASSERT_EQUAL(std::string("ratatoskr_bytes_total: only counters may end in _total"), why);
    CPPUNIT_ASSERT(e.add(SampleType::Counter, "ratatoskr_bytes_total", "h", {}, 1));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), e.dropped());
  }

  void conflictsAndDuplicatesAreRefused() {
    TextExposition e;
    std::string why;
    CPPUNIT_ASSERT(e.add(SampleType::Gauge, "g", "help", {{"a", "1"}}, 1));
    CPPUNIT_ASSERT(!e.add(SampleType::Gauge, "g", "other help", {{"a", "2"}}, 1, &why));
    CPPUNIT_ASSERT_EQUAL(std::string("g: seen before with another help text"), why);
    CPPUNIT_ASSERT(!e.add(SampleType::Counter, "g", "help", {{"a", "2"}}, 1, &why));
    CPPUNIT_ASSERT(!e.add(SampleType::Gauge, "g", "help", {{"a", "1"}}, 9, &why));
    CPPUNIT_ASSERT_EQUAL(std::string("g{a=\"1\"}: the same series twice"), why);
    // Label order does not make a new series.
    CPPUNIT_ASSERT(e.add(SampleType::Gauge, "g", "help", {{"b", "x"}, {"a", "1"}}, 2));
    CPPUNIT_ASSERT(!e.add(SampleType::Gauge, "g", "help", {{"a", "1"}, {"b", "x"}}, 3));
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), e.dropped());
    CPPUNIT_ASSERT_EQUAL(std::string("# HELP g help\n# TYPE g gauge\ng{a=\"1\"} 1\ng{a=\"1\",b=\"x\"} 2\n"), e.render());
  }

  void emptyExpositionRendersNothing() { CPPUNIT_ASSERT_EQUAL(std::string(), TextExposition().render()); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TextExpositionTest);

}  // namespace rtk::plugins::metrics
