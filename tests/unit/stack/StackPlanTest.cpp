#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

#include "common/TempDir.hpp"
#include "core/crypto/Ed25519.hpp"
#include "ratatoskr/error.hpp"
#include "stack/StackPlan.hpp"

namespace rtk::host::stack {
namespace {


struct Run {
  rtk::test::TempDir dir{"stack"};
  std::string conf;
  std::string installed = "/nonexistent-plugin-dir";

  Run() { conf = dir.write("node.hjson", "Peers: []\nIfName: none\nMulticastInterfaces: []\n"); }

  StackPlan plan(std::vector<std::string> args, const std::string& stdinText = "") {
    std::istringstream in(stdinText);
    return StackPlan::make(StackFlags::parse(args), in, installed);
  }
  // The error's code and text.
  std::pair<Errc, std::string> refusal(std::vector<std::string> args) {
    try {
      plan(std::move(args));
    } catch (const Error& e) {
      return {e.code(), e.what()};
    }
    CPPUNIT_FAIL("accepted");
    return {};
  }
};

std::vector<std::string> listOf(const json::Value& v) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(v[i].asString());
  return out;
}

}  // namespace

class StackPlanTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StackPlanTest);
  CPPUNIT_TEST(whereTheConfComesFrom);
  CPPUNIT_TEST(whatToPrintInsteadOfRunning);
  CPPUNIT_TEST(mappingsBecomeForwardSettings);
  CPPUNIT_TEST(socksFlagsBecomeSocksSettings);
  CPPUNIT_TEST(badMappingsAreUsageErrors);
  CPPUNIT_TEST(badConfsAreConfigErrors);
  CPPUNIT_TEST(logLevelAndPluginDirs);
  CPPUNIT_TEST_SUITE_END();

 public:
  void whereTheConfComesFrom() {
    Run r;
    CPPUNIT_ASSERT(r.plan({"-version", "-autoconf", "-useconffile", "/nonexistent"}).action == StackAction::Version);
    // -autoconf before any conf: a new key each time, multicast on every
    // interface, no peers, listeners or admin socket; the file is never read.
    core::crypto::initSodium();
    auto a1 = r.plan({"-autoconf", "-useconffile", "/nonexistent"});
    auto a2 = r.plan({"-autoconf"});
    CPPUNIT_ASSERT(a1.action == StackAction::Run && a2.action == StackAction::Run);
    CPPUNIT_ASSERT_EQUAL(std::size_t(128), a1.config.node.privateKey.size());  // seed and public key, hex
    CPPUNIT_ASSERT(a1.config.node.privateKey != a2.config.node.privateKey);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), a1.config.node.multicastInterfaces.size());
    CPPUNIT_ASSERT_EQUAL(std::string(".*"), a1.config.node.multicastInterfaces[0].regex);
    CPPUNIT_ASSERT(a1.config.node.multicastInterfaces[0].beacon && a1.config.node.multicastInterfaces[0].listen);
    CPPUNIT_ASSERT(a1.config.node.peers.empty() && a1.config.node.listen.empty());
    // -useconf (stdin) before -useconffile: the missing file is never opened.
    const std::string kKey = core::crypto::SigningKey::generate().hex();
    auto p = r.plan({"-useconf", "-useconffile", "/nonexistent"}, "PrivateKey: " + kKey + "\n");
    CPPUNIT_ASSERT(p.action == StackAction::Run);
    CPPUNIT_ASSERT_EQUAL(kKey, p.config.node.privateKey);
    CPPUNIT_ASSERT_EQUAL(std::string("<stdin>"), p.config.sourcePath);
    // A conf before -genconf: it runs.
    CPPUNIT_ASSERT(r.plan({"-genconf", "-useconffile", r.conf}).action == StackAction::Run);
    auto g = r.plan({"-genconf", "-json"});
    CPPUNIT_ASSERT(g.action == StackAction::Genconf && g.json);
    auto none = r.refusal({"-loglevel", "debug"});
    CPPUNIT_ASSERT(none.first == Errc::InvalidArgument);
    CPPUNIT_ASSERT_MESSAGE(none.second, none.second.find("no config") == 0);
    CPPUNIT_ASSERT(r.plan({"-help"}).action == StackAction::Help);
    CPPUNIT_ASSERT_EQUAL(std::string("unexpected argument \"extra\""), r.refusal({"-useconffile", r.conf, "extra"}).second);
  }

  void whatToPrintInsteadOfRunning() {
    Run r;
    auto all = [&](std::vector<std::string> extra) {
      std::vector<std::string> args{"-useconffile", r.conf};
      args.insert(args.end(), extra.begin(), extra.end());
      return r.plan(args).action;
    };
    CPPUNIT_ASSERT(all({"-exportkey", "-normaliseconf", "-publickey", "-subnet", "-address"}) == StackAction::Address);
    CPPUNIT_ASSERT(all({"-exportkey", "-normaliseconf", "-publickey", "-subnet"}) == StackAction::Subnet);
    CPPUNIT_ASSERT(all({"-exportkey", "-normaliseconf", "-publickey"}) == StackAction::PublicKey);
    CPPUNIT_ASSERT(all({"-exportkey", "-normaliseconf"}) == StackAction::Normalise);
    CPPUNIT_ASSERT(all({"-exportkey"}) == StackAction::ExportKey);
    CPPUNIT_ASSERT(all({}) == StackAction::Run);
  }

  void mappingsBecomeForwardSettings() {
    Run r;
    // The conf's own forward settings stay; the flags' mappings come after them.
    auto conf = r.dir.write("with-forward.hjson",
                            "Plugins: { Enabled: [ \"status\" ] }\nModules: { forward: { RemoteTCP: [ \"9000:127.0.0.1:9000\" ] } }\n");
    auto p = r.plan({"-useconffile", conf, "-remote-tcp", "22", "-exposetcp", "80:127.0.0.1:8080", "-local-tcp",
                     "127.0.0.1:2222:[200::1]:22", "-local-udp", "5353:[200::1]:53", "-remote-udp", "53:127.0.0.1:5353"});
    CPPUNIT_ASSERT((p.config.plugins.enabled == std::vector<std::string>{"status", "forward"}));
    const json::Value& forward = p.config.modules.at("forward");
    CPPUNIT_ASSERT((listOf(forward.get("RemoteTCP")) == std::vector<std::string>{"9000:127.0.0.1:9000", "22", "80:127.0.0.1:8080"}));
    CPPUNIT_ASSERT((listOf(forward.get("LocalTCP")) == std::vector<std::string>{"127.0.0.1:2222:[200::1]:22"}));
    CPPUNIT_ASSERT((listOf(forward.get("LocalUDP")) == std::vector<std::string>{"5353:[200::1]:53"}));
    CPPUNIT_ASSERT((listOf(forward.get("RemoteUDP")) == std::vector<std::string>{"53:127.0.0.1:5353"}));
    // No mapping flags: no forward plugin.
    CPPUNIT_ASSERT(r.plan({"-useconffile", r.conf}).config.plugins.enabled.empty());
  }

  void socksFlagsBecomeSocksSettings() {
    Run r;
    auto p = r.plan({"-useconffile", r.conf, "-socks", "127.0.0.1:1080", "-nameserver", "[200::53]:53", "-socks-max-connections", "9"});
    CPPUNIT_ASSERT((p.config.plugins.enabled == std::vector<std::string>{"socks"}));
    const json::Value& socks = p.config.modules.at("socks");
    CPPUNIT_ASSERT((listOf(socks.get("Listen")) == std::vector<std::string>{"127.0.0.1:1080"}));
    CPPUNIT_ASSERT_EQUAL(std::string("[200::53]:53"), socks.get("Nameserver").asString());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(9), socks.get("MaxConnections").asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("./1080"), socksListenFor("1080"));  // yggstack: no ':' is a Unix socket
    CPPUNIT_ASSERT_EQUAL(std::string("/run/y.sock"), socksListenFor("/run/y.sock"));
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:1080"), socksListenFor(":1080"));
    CPPUNIT_ASSERT_EQUAL(std::string("[::1]:1080"), socksListenFor("[::1]:1080"));
    CPPUNIT_ASSERT_EQUAL(std::string("-nameserver needs -socks (it is the DNS server SOCKS clients' names go to)"),
                         r.refusal({"-useconffile", r.conf, "-nameserver", "[200::53]:53"}).second);
    CPPUNIT_ASSERT_EQUAL(std::string("-nameserver \"8.8.8.8:53\": want [ipv6]:port, e.g. [200:1234::1]:53"),
                         r.refusal({"-useconffile", r.conf, "-socks", ":1080", "-nameserver", "8.8.8.8:53"}).second);
  }

  void badMappingsAreUsageErrors() {
    Run r;
    auto expect = [&](std::vector<std::string> flags, const std::string& message) {
      std::vector<std::string> args{"-useconffile", r.conf};
      args.insert(args.end(), flags.begin(), flags.end());
      auto [code, why] = r.refusal(args);
      CPPUNIT_ASSERT_MESSAGE(why, code == Errc::InvalidArgument);
      CPPUNIT_ASSERT_EQUAL(message, why);
    };
    expect({"-remote-tcp", "0"}, "-remote-tcp \"0\": port \"0\" must not be zero");
    expect({"-local-tcp", "2222:10.0.0.1:22"},
           "-local-tcp \"2222:10.0.0.1:22\": the Yggdrasil destination 10.0.0.1 is IPv4; Yggdrasil addresses are IPv6 (200::/7)");
    expect({"-local-udp", "5353:[200::1"}, "-local-udp \"5353:[200::1\": '[' is never closed");
    expect({"-remote-udp", "53:dns.example:53"}, "-remote-udp \"53:dns.example:53\": the host address \"dns.example\" is not an IP address literal");
    expect({"-exposetcp", "1.2.3.4:80:127.0.0.1:80"},
           "-remote-tcp \"1.2.3.4:80:127.0.0.1:80\": a remote mapping listens on our own Yggdrasil address: leave the listen address out "
           "(e.g. 8080:127.0.0.1:80)");
    expect({"-loglevel", "loud"}, "-loglevel: \"loud\" is not one of error, warn, info, debug, trace");
    // A bad mapping is reported before a bad conf is even read.
    auto broken = r.dir.write("broken.hjson", "Peers: [\n");
    auto [code, why] = r.refusal({"-useconffile", broken, "-remote-tcp", "0"});
    CPPUNIT_ASSERT_MESSAGE(why, code == Errc::InvalidArgument);
  }

  void badConfsAreConfigErrors() {
    Run r;
    std::string text;
    for (int line = 1; line < 40; ++line) text += "# line " + std::to_string(line) + "\n";
    text += "IfMTU: 1280 oops: 2\n";  // line 40: a key cannot follow a value on its line
    text = "Peers: []\n" + text.substr(text.find('\n') + 1);
    auto line40 = r.dir.write("line40.hjson", text);
    auto [code, why] = r.refusal({"-useconffile", line40});
    CPPUNIT_ASSERT_MESSAGE(why, code == Errc::Config);
    CPPUNIT_ASSERT_MESSAGE(why, why.find(line40 + ":40:") == 0);
    auto unknown = r.dir.write("unknown.hjson", "Peers: []\nSocksProxy: yes\n");
    auto u = r.refusal({"-useconffile", unknown});
    CPPUNIT_ASSERT(u.first == Errc::Config);
    CPPUNIT_ASSERT_EQUAL(unknown + ":2:1: unknown key \"SocksProxy\"", u.second);
    auto missing = r.refusal({"-useconffile", r.dir.file("missing.conf")});
    CPPUNIT_ASSERT(missing.first == Errc::Config);
    CPPUNIT_ASSERT_MESSAGE(missing.second, missing.second.find("cannot read the conf file") != std::string::npos);
  }

  void logLevelAndPluginDirs() {
    Run r;
    auto conf = r.dir.write("levels.hjson", "Log: { Level: \"warn\" }\nPlugins: { Directories: [ \"/opt/p\" ] }\n");
    auto p = r.plan({"-useconffile", conf, "-remote-tcp", "22"});
    CPPUNIT_ASSERT(p.logLevel == LogLevel::Warn);
    CPPUNIT_ASSERT(r.plan({"-useconffile", conf, "-loglevel", "trace"}).logLevel == LogLevel::Trace);
    CPPUNIT_ASSERT(r.plan({"-useconffile", r.conf}).logLevel == LogLevel::Info);
    r.installed = r.dir.path();
    auto d = r.plan({"-useconffile", conf, "-plugin-dir", "/first", "-remote-tcp", "22", "-logto", "syslog"});
    CPPUNIT_ASSERT((d.config.plugins.directories == std::vector<std::string>{"/first", "/opt/p", r.dir.path()}));
    CPPUNIT_ASSERT_EQUAL(std::string("syslog"), d.logTo);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StackPlanTest);

}  // namespace rtk::host::stack
