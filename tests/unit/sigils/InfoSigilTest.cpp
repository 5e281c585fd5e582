// The info sigil: settings (Go's info.ConfigObj names) and foreign NodeInfo,
// every rule accepted at its edge and refused just past it.
#include "SigilTestSupport.hpp"

namespace rtk::sigils {

using namespace test;

namespace {

const BuiltinSigil& infoSigil() { return builtin("info"); }

// Settings with Name and Type and one more member.
std::string withInfoSetting(const std::string& member) {
  return R"({"Name":"edge.example.net","Type":"router",)" + member + "}";
}
// A NodeInfo with name and type and one more member.
std::string withInfoKey(const std::string& member) { return R"({"name":"edge.example.net","type":"router",)" + member + "}"; }

std::string jsonString(const std::string& s) { return json::Value(s).dump(); }

}  // namespace

class InfoSigilTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(InfoSigilTest);
  CPPUNIT_TEST(ownsFiveKeys);
  CPPUNIT_TEST(fullCardFromSettings);
  CPPUNIT_TEST(nameAndTypeAreRequired);
  CPPUNIT_TEST(namePattern);
  CPPUNIT_TEST(typePattern);
  CPPUNIT_TEST(humanTextCountsCodePoints);
  CPPUNIT_TEST(humanTextIsPrintableWithoutEdgeSpaces);
  CPPUNIT_TEST(contactGroups);
  CPPUNIT_TEST(contactEntries);
  CPPUNIT_TEST(settingTypesAndUnknownSettings);
  CPPUNIT_TEST(parsesRealNodeInfo);
  CPPUNIT_TEST(refusesRealNodeInfoThatBreaksTheRules);
  CPPUNIT_TEST(parseValidatesTheWholeOwnedPart);
  CPPUNIT_TEST_SUITE_END();

 public:
  void ownsFiveKeys() {
    CPPUNIT_ASSERT_EQUAL(std::string("info"), std::string(infoSigil().name()));
    CPPUNIT_ASSERT((infoSigil().keys() == std::vector<std::string>{"name", "type", "location", "contact", "description"}));
  }

  void fullCardFromSettings() {
    expectFragment(infoSigil(),
                   R"({"Name":"edge.example.net","Type":"router","Location":"Warsaw, Poland","Description":"Public relay node",
                       "Contacts":{"matrix":["@admin:example.net"],"email":["admin@example.net","noc@example.net"]}})",
                   R"({"name":"edge.example.net","type":"router","location":"Warsaw, Poland","contact":{"email":["admin@example.net","noc@example.net"],"matrix":["@admin:example.net"]},"description":"Public relay node"})");
    // Empty optionals are left out, as Go's Params() does.
    expectFragment(infoSigil(), R"({"Name":"edge.example.net","Type":"router","Location":"","Description":"","Contacts":{}})",
                   R"({"name":"edge.example.net","type":"router"})");
  }

  void nameAndTypeAreRequired() {
    expectSettingError(infoSigil(), R"({"Type":"router"})", "Name: required");
    expectSettingError(infoSigil(), R"({"Name":"","Type":"router"})", "Name: required");
    expectSettingError(infoSigil(), R"({"Name":"edge.example.net"})", "Type: required");
    expectSettingError(infoSigil(), "{}", "Name: required");
    expectSettingError(infoSigil(), "null", "Name: required");
    expectNoMatch(infoSigil(), R"({"type":"router"})", "name: missing");
    expectNoMatch(infoSigil(), R"({"name":"edge.example.net"})", "type: missing");
    expectNoMatch(infoSigil(), R"({"name":"","type":"router"})", "name: required");
  }

  void namePattern() {
    for (const std::string& good : std::vector<std::string>{"abcd", "edge.example.net", "a_b-c.d", "0123", repeat("a", 64)}) {
      expectFragment(infoSigil(), R"({"Name":)" + jsonString(good) + R"(,"Type":"router"})",
                     R"({"name":)" + jsonString(good) + R"(,"type":"router"})");
    }
    for (const std::string& bad : std::vector<std::string>{"abc", repeat("a", 65), "Edge", "my node", "node#1", "nöde", "a/bc"}) {
      expectSettingError(infoSigil(), R"({"Name":)" + jsonString(bad) + R"(,"Type":"router"})",
                         "Name: \"");
      expectSettingError(infoSigil(), R"({"Name":)" + jsonString(bad) + R"(,"Type":"router"})", "^[a-z0-9._-]{4,64}$");
      expectNoMatch(infoSigil(), R"({"name":)" + jsonString(bad) + R"(,"type":"router"})", "^[a-z0-9._-]{4,64}$");
    }
  }

  void typePattern() {
    for (const std::string& good : std::vector<std::string>{"ab", "router", "a.b-c", repeat("z", 32)}) {
      expectFragment(infoSigil(), R"({"Name":"edge","Type":)" + jsonString(good) + "}",
                     R"({"name":"edge","type":)" + jsonString(good) + "}");
    }
    for (const std::string& bad : std::vector<std::string>{"a", repeat("z", 33), "a_b", "Router", "home server"}) {
      expectSettingError(infoSigil(), R"({"Name":"edge","Type":)" + jsonString(bad) + "}", "Type: ");
      expectSettingError(infoSigil(), R"({"Name":"edge","Type":)" + jsonString(bad) + "}", "^[a-z0-9.-]{2,32}$");
      expectNoMatch(infoSigil(), R"({"name":"edge","type":)" + jsonString(bad) + "}", "type: ");
    }
  }

  void humanTextCountsCodePoints() {
    // 514 two-byte characters are 1028 bytes and still fit; 515 do not.
    for (const std::string& key : std::vector<std::string>{"Location", "Description"}) {
      std::string lower = key == "Location" ? "location" : "description";
      expectFragment(infoSigil(), withInfoSetting("\"" + key + "\":\"ab\""),
                     R"({"name":"edge.example.net","type":"router",")" + lower + R"(":"ab"})");
      expectFragment(infoSigil(), withInfoSetting("\"" + key + "\":" + jsonString(repeat("é", 514))),
                     R"({"name":"edge.example.net","type":"router",")" + lower + "\":" + jsonString(repeat("é", 514)) + "}");
      expectSettingError(infoSigil(), withInfoSetting("\"" + key + "\":" + jsonString(repeat("é", 515))), key + ": must be 2 to 514");
      expectSettingError(infoSigil(), withInfoSetting("\"" + key + "\":\"a\""), "it has 1");
      expectNoMatch(infoSigil(), withInfoKey("\"" + lower + "\":" + jsonString(repeat("é", 515))), lower + ": must be 2 to 514");
      expectParsed(infoSigil(), withInfoKey("\"" + lower + "\":" + jsonString(repeat("🌲", 514))),
                   R"({"name":"edge.example.net","type":"router",")" + lower + "\":" + jsonString(repeat("🌲", 514)) + "}");
    }
  }

  void humanTextIsPrintableWithoutEdgeSpaces() {
    // Letters, marks, numbers, punctuation, symbols (Unicode 15.0, as Go) and the ASCII space.
    for (const std::string& good : std::vector<std::string>{"Kraków — Polska 🌲", "a\u0301b", "\u00e9t\u00e9 2024 €", "\U0001FAE8 shaking", "x y"}) {
      expectFragment(infoSigil(), withInfoSetting("\"Location\":" + jsonString(good)),
                     R"({"name":"edge.example.net","type":"router","location":)" + jsonString(good) + "}");
    }
    const std::pair<std::string, std::string> bad[] = {
        {"tab\there", "U+0009"},       {"line\nbreak", "U+000A"},       {"no\u00a0break", "U+00A0"},
        {"soft\u00adhyphen", "U+00AD"}, {"unassigned \u0378", "U+0378"}, {"private \ue000", "U+E000"},
        {"zero\u200bwidth", "U+200B"},  {" leading", "starts with a space"}, {"trailing ", "ends with a space"},
        {"ideographic\u3000space", "U+3000"}};
    for (const auto& [text, why] : bad) {
      expectSettingError(infoSigil(), withInfoSetting("\"Description\":" + jsonString(text)), "Description: ");
      expectSettingError(infoSigil(), withInfoSetting("\"Description\":" + jsonString(text)), why);
      expectNoMatch(infoSigil(), withInfoKey("\"description\":" + jsonString(text)), why);
    }
  }

  void contactGroups() {
    std::string eight, nine;
    for (int i = 0; i < 9; ++i) {
      std::string group = "\"g" + std::to_string(i) + "\":[\"a@b.c\"]";
      if (i < 8) eight += (eight.empty() ? "" : ",") + group;
      nine += (nine.empty() ? "" : ",") + group;
    }
    expectFragment(infoSigil(), withInfoSetting("\"Contacts\":{" + eight + "}"),
                   R"({"name":"edge.example.net","type":"router","contact":{)" + eight + "}}");
    expectSettingError(infoSigil(), withInfoSetting("\"Contacts\":{" + nine + "}"), "Contacts: 9 groups, at most 8");
    expectNoMatch(infoSigil(), withInfoKey("\"contact\":{" + nine + "}"), "contact: 9 groups, at most 8");
    for (const std::string& bad : std::vector<std::string>{"E-mail", "x", "a_b", repeat("g", 33)}) {
      expectSettingError(infoSigil(), withInfoSetting("\"Contacts\":{" + jsonString(bad) + ":[\"a@b.c\"]}"), "Contacts: group name");
      expectNoMatch(infoSigil(), withInfoKey("\"contact\":{" + jsonString(bad) + ":[\"a@b.c\"]}"), "contact: group name");
    }
    expectFragment(infoSigil(), withInfoSetting(R"("Contacts":{"e-mail.2":["a@b.c"]})"),
                   R"({"name":"edge.example.net","type":"router","contact":{"e-mail.2":["a@b.c"]}})");
    expectSettingError(infoSigil(), withInfoSetting(R"("Contacts":{"email":[]})"), "Contacts.email: an empty group");
    expectNoMatch(infoSigil(), withInfoKey(R"("contact":{"email":[]})"), "contact.email: an empty group");
    expectSettingError(infoSigil(), withInfoSetting(R"("Contacts":{"email":"a@b.c"})"), "Contacts.email: must be an array of strings, not string");
    expectNoMatch(infoSigil(), withInfoKey(R"("contact":"admin@example.com")"), "contact: must be an object of contact groups, not string");
    expectNoMatch(infoSigil(), withInfoKey(R"("contact":null)"), "not null");
  }

  void contactEntries() {
    std::string eight, nine;
    for (int i = 0; i < 9; ++i) {
      std::string entry = "\"c" + std::to_string(i) + "@example.net\"";
      if (i < 8) eight += (eight.empty() ? "" : ",") + entry;
      nine += (nine.empty() ? "" : ",") + entry;
    }
    expectFragment(infoSigil(), withInfoSetting("\"Contacts\":{\"email\":[" + eight + "]}"),
                   R"({"name":"edge.example.net","type":"router","contact":{"email":[)" + eight + "]}}");
    expectSettingError(infoSigil(), withInfoSetting("\"Contacts\":{\"email\":[" + nine + "]}"), "Contacts.email: 9 contacts, at most 8");
    expectNoMatch(infoSigil(), withInfoKey("\"contact\":{\"email\":[" + nine + "]}"), "contact.email: 9 contacts, at most 8");
    // 3 to 258 code points, printable, no edge spaces; duplicates are allowed (as Go).
    expectFragment(infoSigil(), withInfoSetting(R"("Contacts":{"irc":["abc","abc"]})"),
                   R"({"name":"edge.example.net","type":"router","contact":{"irc":["abc","abc"]}})");
    expectFragment(infoSigil(), withInfoSetting("\"Contacts\":{\"irc\":[" + jsonString(repeat("ж", 258)) + "]}"),
                   R"({"name":"edge.example.net","type":"router","contact":{"irc":[)" + jsonString(repeat("ж", 258)) + "]}}");
    expectSettingError(infoSigil(), withInfoSetting("\"Contacts\":{\"irc\":[" + jsonString(repeat("ж", 259)) + "]}"),
                       "Contacts.irc[0]: must be 3 to 258");
    expectSettingError(infoSigil(), withInfoSetting(R"("Contacts":{"irc":["ok-one","ab"]})"), "Contacts.irc[1]: must be 3 to 258");
    expectSettingError(infoSigil(), withInfoSetting(R"("Contacts":{"irc":[" abc"]})"), "starts with a space");
    expectSettingError(infoSigil(), withInfoSetting(R"("Contacts":{"irc":[42]})"), "Contacts.irc[0]: must be a string, not integer");
    expectNoMatch(infoSigil(), withInfoKey(R"("contact":{"irc":["abc\n"]})"), "contact.irc[0]: ");
    expectNoMatch(infoSigil(), withInfoKey(R"("contact":{"irc":[true]})"), "contact.irc[0]: must be a string");
  }

  void settingTypesAndUnknownSettings() {
    expectSettingError(infoSigil(), R"({"Name":5,"Type":"router"})", "Name: must be a string, not integer");
    expectSettingError(infoSigil(), withInfoSetting(R"("Location":["x"])"), "Location: must be a string, not array");
    expectSettingError(infoSigil(), withInfoSetting(R"("Contacts":["x"])"), "Contacts: must be an object");
    expectSettingError(infoSigil(), withInfoSetting(R"("Contact":{"email":["a@b.c"]})"),
                       "\"Contact\": not a setting of the info sigil (it takes Name, Type, Location, Description, Contacts)");
    expectSettingError(infoSigil(), "[1]", "settings must be an object, not array");
  }

  void parsesRealNodeInfo() {
    // A real yggdrasil 0.5.12 node publishing what a Go ratatoskr node does: only the five keys come back.
    expectParsedFrom(infoSigil(), capturedNodeInfo("yggdrasil-0.5.12-sigils.json"),
                 R"({"name":"edge.example.net","type":"router","location":"Warsaw, Poland","contact":{"email":["admin@example.net"],"matrix":["@admin:example.net"]},"description":"Public relay node"})");
    expectParsedFrom(infoSigil(), capturedNodeInfo("yggdrasil-0.5.12-unicode-privacy.json"),
                 R"({"name":"relay-2.example.org","type":"server","location":"Kraków — Polska 🌲","contact":{"email":["ops@example.org","noc@example.org"],"xmpp":["ops@example.org"]},"description":"Fast <relay> & friends"})");
    expectParsedFrom(infoSigil(), capturedNodeInfo("go-ratatoskr-example.json"),
                 R"({"name":"edge.example.net","type":"router","location":"Warsaw, Poland","contact":{"email":["admin@example.net"]}})");
  }

  void refusesRealNodeInfoThatBreaksTheRules() {
    expectNoMatchIn(infoSigil(), capturedNodeInfo("yggdrasil-0.5.12-default.json"), "name: missing");
    expectNoMatchIn(infoSigil(), capturedNodeInfo("yggdrasil-0.5.12-plain.json"), "type: missing");
    auto plain = capturedNodeInfo("yggdrasil-0.5.12-plain.json");
    plain.set("type", "server");
    expectNoMatchIn(infoSigil(), plain, "contact: must be an object of contact groups, not string");
    plain.erase("contact");
    expectNoMatchIn(infoSigil(), plain, "name: \"Public Node #1\" does not match");
  }

  void parseValidatesTheWholeOwnedPart() {
    // One bad optional key refuses the card even when name and type are fine.
    expectNoMatch(infoSigil(), withInfoKey(R"("location":5)"), "location: must be a string, not integer");
    expectNoMatch(infoSigil(), withInfoKey(R"("description":null)"), "description: must be a string, not null");
    expectNoMatch(infoSigil(), withInfoKey(R"("contact":{"email":["ok@example.net"],"x":["abc"]})"), "contact: group name \"x\"");
    expectNoMatch(infoSigil(), R"({"name":["edge"],"type":"router"})", "name: must be a string, not array");
    expectNoMatchIn(infoSigil(), json::Value::parse("[1,2]"), "NodeInfo: must be an object");
    // Empty optional strings and an empty contact object read as absent (Go does the same).
    expectParsed(infoSigil(), withInfoKey(R"("location":"","description":"","contact":{},"other":[1])"),
                 R"({"name":"edge.example.net","type":"router"})");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(InfoSigilTest);

}  // namespace rtk::sigils
