#include "Json.hpp"
#include "OurNodeConf.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

using namespace rtk::interop;

namespace {

// Our conf allows // comment lines; the check strips them to parse the JSON.
std::string withoutCommentLines(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line.compare(first, 2, "//") == 0) continue;
    out += line + "\n";
  }
  return out;
}

}  // namespace

class OurNodeConfTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OurNodeConfTest);
  CPPUNIT_TEST(writesTheYggdrasilFieldNames);
  CPPUNIT_TEST(writesPluginsAndModulesOnlyWhenSet);
  CPPUNIT_TEST_SUITE_END();

 public:
  void writesTheYggdrasilFieldNames() {
    NodeSpec spec;
    spec.name = "ours";
    spec.privateKeyHex = std::string(64, 'a') + std::string(64, 'b');
    spec.listen = {"tcp://[fd72:746b::1]:7100"};
    spec.peers = {"tls://[fd72:746b::2]:7101", "unix:///tmp/x.sock"};
    spec.allowedPublicKeys = {std::string(64, 'c')};
    spec.ifMtuBytes = 1280;
    spec.nodeInfoPrivacy = true;
    const std::string text = renderOurNodeConf(spec, "unix:///tmp/lab/ours/admin.sock");
    CPPUNIT_ASSERT(text.rfind("//", 0) == 0);
    const auto conf = parseJsonObject(withoutCommentLines(text), "our conf");
    CPPUNIT_ASSERT_EQUAL(spec.privateKeyHex, conf->getValue<std::string>("PrivateKey"));
    CPPUNIT_ASSERT_EQUAL(std::string("unix:///tmp/lab/ours/admin.sock"), conf->getValue<std::string>("AdminListen"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, conf->getArray("Peers")->size());
    CPPUNIT_ASSERT_EQUAL(std::string("unix:///tmp/x.sock"), conf->getArray("Peers")->getElement<std::string>(1));
    CPPUNIT_ASSERT_EQUAL(std::string("tcp://[fd72:746b::1]:7100"), conf->getArray("Listen")->getElement<std::string>(0));
    CPPUNIT_ASSERT_EQUAL(std::string(64, 'c'), conf->getArray("AllowedPublicKeys")->getElement<std::string>(0));
    CPPUNIT_ASSERT_EQUAL(1280, conf->getValue<int>("IfMTU"));
    CPPUNIT_ASSERT(conf->getValue<bool>("NodeInfoPrivacy"));
    CPPUNIT_ASSERT_EQUAL(std::string("ours"), conf->getObject("NodeInfo")->getValue<std::string>("name"));
    CPPUNIT_ASSERT(!conf->has("Plugins"));
    CPPUNIT_ASSERT(!conf->has("Modules"));
    CPPUNIT_ASSERT(!conf->has("IfName"));  // our node has no TUN
  }

  void writesPluginsAndModulesOnlyWhenSet() {
    NodeSpec spec;
    spec.name = "ours";
    spec.privateKeyHex = std::string(128, 'e');
    spec.plugins = new Poco::JSON::Object;
    spec.plugins->set("socks", true);
    spec.modules = new Poco::JSON::Object;
    Poco::JSON::Object::Ptr socks = new Poco::JSON::Object;
    socks->set("Listen", "127.0.0.1:1080");
    spec.modules->set("socks", socks);
    const auto conf = parseJsonObject(withoutCommentLines(renderOurNodeConf(spec, "unix:///a.sock")), "our conf");
    CPPUNIT_ASSERT(conf->getObject("Plugins")->getValue<bool>("socks"));
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:1080"),
                         conf->getObject("Modules")->getObject("socks")->getValue<std::string>("Listen"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OurNodeConfTest);
