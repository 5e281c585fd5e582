// The built-in sigils as a set, and the sigil name rule.
#include "SigilTestSupport.hpp"

namespace rtk::sigils {

class RegistryTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RegistryTest);
  CPPUNIT_TEST(fourBuiltinsSortedByName);
  CPPUNIT_TEST(sigilNames);
  CPPUNIT_TEST(keysDoNotOverlap);
  CPPUNIT_TEST_SUITE_END();

 public:
  void fourBuiltinsSortedByName() {
    std::vector<std::string> names;
    for (const BuiltinSigil* s : builtinSigils()) {
      CPPUNIT_ASSERT(s != nullptr);
      names.emplace_back(s->name());
      CPPUNIT_ASSERT_EQUAL(s, findBuiltin(s->name()));
    }
    CPPUNIT_ASSERT((names == std::vector<std::string>{"info", "inet", "public", "services"}));
    CPPUNIT_ASSERT(findBuiltin("motd") == nullptr);
    CPPUNIT_ASSERT(findBuiltin("") == nullptr);
    CPPUNIT_ASSERT(findBuiltin("Info") == nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string("ratatoskr"), std::string(kMetadataKey));
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), kMaxSigils);
  }

  void sigilNames() {
    for (const std::string& good : std::vector<std::string>{"abc", "motd", "a.b", "x_y-z", "123", std::string(32, 'q')}) CPPUNIT_ASSERT_MESSAGE(good, isValidSigilName(good));
    for (const std::string& bad : std::vector<std::string>{"", "ab", std::string(33, 'q'), "Motd", "my sigil", "a/b", "é-sigil", std::string("ab\0c", 4)})
      CPPUNIT_ASSERT_MESSAGE(bad, !isValidSigilName(bad));
  }

  void keysDoNotOverlap() {
    std::vector<std::string> all;
    for (const BuiltinSigil* s : builtinSigils())
      for (const auto& k : s->keys()) {
        CPPUNIT_ASSERT_MESSAGE(k, std::find(all.begin(), all.end(), k) == all.end());
        CPPUNIT_ASSERT(k != kMetadataKey);
        all.push_back(k);
      }
    CPPUNIT_ASSERT_EQUAL(std::size_t(8), all.size());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RegistryTest);

}  // namespace rtk::sigils
