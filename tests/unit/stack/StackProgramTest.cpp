// The ratatoskr-stack program itself: every answer it prints compared with
// what the real yggdrasil 0.5.12 prints for the same conf, the exit codes
// of bad input (and that nothing starts then), and one run of the forward
// plugin without a network (no root needed).
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/TempDir.hpp"
#include "config/ConfParser.hpp"
#include "config/HjsonReader.hpp"
#include "config/JsonSourceMap.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::host::stack {
namespace {

struct Ran {
  int code = -1;
  std::string out, err;
};

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Starts argv with stdin from `input`, stdout and stderr into files in `dir`.
pid_t spawn(const std::vector<std::string>& argv, const std::string& input, const rtk::test::TempDir& dir) {
  const std::string in = dir.write("stdin", input), out = dir.file("stdout"), err = dir.file("stderr");
  pid_t pid = ::fork();
  CPPUNIT_ASSERT(pid >= 0);
  if (pid == 0) {
    int i = ::open(in.c_str(), O_RDONLY), o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600),
        e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(i, 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

Ran finish(pid_t pid, const rtk::test::TempDir& dir) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  Ran r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = readFile(dir.file("stdout"));
  r.err = readFile(dir.file("stderr"));
  return r;
}

Ran run(const std::string& program, std::vector<std::string> args, const std::string& input = "") {
  rtk::test::TempDir dir("stack-run");
  args.insert(args.begin(), program);
  return finish(spawn(args, input, dir), dir);
}

Ran stack(std::vector<std::string> args, const std::string& input = "") { return run(RTK_STACK_BIN, std::move(args), input); }
Ran yggdrasil(std::vector<std::string> args) { return run(RTK_YGGDRASIL_BIN, std::move(args)); }

std::string ok(const Ran& r, const std::string& what) {
  CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + r.err, 0, r.code);
  return r.out;
}

// True once the process' main thread sleeps in sigwait (Poco's
// waitForTerminationRequest): the `ratatoskr` host blocks SIGTERM only then,
// after "running" is logged, so a SIGTERM sent earlier takes the default action.
bool waitInSigwait(pid_t pid, int timeoutMs) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (std::chrono::steady_clock::now() < end) {
    if (readFile("/proc/" + std::to_string(pid) + "/wchan").find("sigtimedwait") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool waitForText(const std::string& path, const std::string& text, int timeoutMs) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (std::chrono::steady_clock::now() < end) {
    if (readFile(path).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

class StackProgramTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StackProgramTest);
  CPPUNIT_TEST(versionAndHelp);
  CPPUNIT_TEST(identityMatchesYggdrasil);
  CPPUNIT_TEST(genconfIsReadByYggdrasil);
  CPPUNIT_TEST(normaliseconfMatchesYggdrasil);
  CPPUNIT_TEST(privateKeyPathAndStdin);
  CPPUNIT_TEST(badInputStartsNothing);
  CPPUNIT_TEST(runsTheForwardPlugin);
  CPPUNIT_TEST(failsWhenAForwardCannotListen);
  CPPUNIT_TEST(socksFlagsNeedTheSocksPlugin);
  CPPUNIT_TEST(theHostStartsFromYggdrasilsHjson);
  CPPUNIT_TEST_SUITE_END();

 public:
  void versionAndHelp() {
    CPPUNIT_ASSERT_EQUAL(std::string("Build name: ratatoskr-stack\nBuild version: "), ok(stack({"-version"}), "-version").substr(0, 43));
    for (const char* h : {"-h", "-help", "--help"}) {
      std::string out = ok(stack({h}), h);
      CPPUNIT_ASSERT_MESSAGE(out, out.find("  -remote-tcp MAPPING") != std::string::npos);
    }
    Ran none = stack({});
    CPPUNIT_ASSERT_EQUAL(64, none.code);
    CPPUNIT_ASSERT_MESSAGE(none.err, none.err.find("no config") != std::string::npos);
  }

  void identityMatchesYggdrasil() {
    rtk::test::TempDir dir("stack-id");
    // yggdrasil's own HJSON, and a conf we wrote: the same answers from both programs.
    const std::string theirs = dir.write("theirs.hjson", ok(yggdrasil({"-genconf"}), "yggdrasil -genconf"));
    const std::string ours = dir.write("ours.hjson", ok(stack({"-genconf"}), "-genconf"));
    for (const auto& conf : {theirs, ours}) {
      for (const char* flag : {"-address", "-subnet", "-publickey", "-exportkey"}) {
        std::string expected = ok(yggdrasil({"-useconffile", conf, flag}), std::string("yggdrasil ") + flag);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(flag) + " " + conf, expected, ok(stack({"-useconffile", conf, flag}), flag));
      }
    }
  }

  void genconfIsReadByYggdrasil() {
    rtk::test::TempDir dir("stack-gen");
    const std::string hjson = ok(stack({"-genconf"}), "-genconf");
    const std::string json = ok(stack({"-genconf", "-json"}), "-genconf -json");
    // Both read back by yggdrasil, with the key we wrote.
    for (const auto& [name, text] : {std::pair{"gen.hjson", hjson}, std::pair{"gen.json", json}}) {
      const std::string path = dir.write(name, text);
      auto normal = json::Value::parse(ok(yggdrasil({"-useconffile", path, "-normaliseconf", "-json"}), "yggdrasil reads it"));
      JsonSourceMap map(text);
      auto mine = HjsonReader::parse(text, name, map);
      CPPUNIT_ASSERT_EQUAL(mine.get("PrivateKey").asString(), normal.get("PrivateKey").asString());
      CPPUNIT_ASSERT(normal.get("MulticastInterfaces").empty());
      CPPUNIT_ASSERT_EQUAL(std::string("none"), normal.get("IfName").asString());
      // And by our own conf parser, with nothing to warn about.
      auto c = ConfParser::parseText(text, name);
      CPPUNIT_ASSERT_MESSAGE(c.warnings.empty() ? "" : c.warnings[0], c.warnings.empty());
      CPPUNIT_ASSERT_EQUAL(std::string("none"), c.node.adminListen);
    }
    CPPUNIT_ASSERT_MESSAGE(hjson, hjson.find("  PrivateKey: ") != std::string::npos && hjson.find('#') != std::string::npos);
    CPPUNIT_ASSERT(json::Value::parse(json).get("PrivateKey").asString().size() == 128);
    CPPUNIT_ASSERT(ok(stack({"-genconf"}), "-genconf") != hjson);  // a new key every time
  }

  void normaliseconfMatchesYggdrasil() {
    rtk::test::TempDir dir("stack-norm");
    std::string text = ok(yggdrasil({"-genconf"}), "yggdrasil -genconf");
    // Give it peers, listeners, a multicast entry with a port and NodeInfo.
    text.replace(text.find("Peers: []"), 9, "Peers: [\n    tls://peer.example:443\n    \"tcp://[200::1]:9001\"\n  ]");
    text.replace(text.find("Listen: []"), 10, "Listen: [ \"tcp://127.0.0.1:0\" ]");
    text.replace(text.find("NodeInfo: {}"), 12, "NodeInfo: {\n    name: edge\n    n: 3\n  }");
    text.replace(text.find("Password: \"\""), 12, "Password: \"\"\n      Port: 9001\n      Priority: 2");
    const std::string conf = dir.write("edited.hjson", text);
    auto theirs = json::Value::parse(ok(yggdrasil({"-useconffile", conf, "-normaliseconf", "-json"}), "yggdrasil -normaliseconf"));
    auto ours = json::Value::parse(ok(stack({"-useconffile", conf, "-normaliseconf", "-json"}), "-normaliseconf -json"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(theirs.dump(2) + "\n---\n" + ours.dump(2), theirs.size(), ours.size());
    for (std::size_t i = 0; i < theirs.size(); ++i) {
      const std::string& key = theirs.keyAt(i);
      CPPUNIT_ASSERT_MESSAGE(key + " missing", ours.contains(key));
      CPPUNIT_ASSERT_MESSAGE(key + ": ours " + ours.get(key).dump() + ", yggdrasil " + theirs.at(i).dump(), ours.get(key) == theirs.at(i));
    }
    // The HJSON form says the same.
    const std::string hjson = ok(stack({"-useconffile", conf, "-normaliseconf"}), "-normaliseconf");
    JsonSourceMap map(hjson);
    CPPUNIT_ASSERT(HjsonReader::parse(hjson, "normalised", map) == ours);
  }

  void privateKeyPathAndStdin() {
    rtk::test::TempDir dir("stack-pem");
    const std::string genconf = dir.write("gen.hjson", ok(yggdrasil({"-genconf"}), "yggdrasil -genconf"));
    const std::string pem = dir.write("key.pem", ok(yggdrasil({"-useconffile", genconf, "-exportkey"}), "yggdrasil -exportkey"));
    const std::string conf = dir.write("pem.hjson", "PrivateKeyPath: " + pem + "\nIfName: none\n");
    const std::string expected = ok(yggdrasil({"-useconffile", genconf, "-address"}), "yggdrasil -address");
    CPPUNIT_ASSERT_EQUAL(expected, ok(stack({"-useconffile", conf, "-address"}), "-address with PrivateKeyPath"));
    auto normal = json::Value::parse(ok(stack({"-useconffile", conf, "-normaliseconf", "-json"}), "-normaliseconf"));
    CPPUNIT_ASSERT(!normal.contains("PrivateKey"));
    CPPUNIT_ASSERT_EQUAL(pem, normal.get("PrivateKeyPath").asString());
    // -useconf: the conf on stdin.
    CPPUNIT_ASSERT_EQUAL(expected, ok(stack({"-useconf", "-address"}, readFile(genconf)), "-useconf -address"));
  }

  void badInputStartsNothing() {
    rtk::test::TempDir dir("stack-bad");
    const std::string conf = dir.write("ok.hjson", ok(stack({"-genconf"}), "-genconf"));
    const std::string log = dir.file("never.log");
    auto expect = [&](int code, std::vector<std::string> args, const std::string& text) {
      args.insert(args.end(), {"-logto", log});
      Ran r = stack(args);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, code, r.code);
      CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find(text) != std::string::npos);
      CPPUNIT_ASSERT_MESSAGE("something started: " + log, !std::filesystem::exists(log));
      CPPUNIT_ASSERT(r.out.empty());
    };
    expect(64, {"-useconffile", conf, "-remote-tcp", "8080:127.0.0.1:0"}, "-remote-tcp \"8080:127.0.0.1:0\": port \"0\" must not be zero");
    expect(64, {"-useconffile", conf, "-local-tcp", "2222:10.1.2.3:22"}, "is IPv4; Yggdrasil addresses are IPv6");
    expect(64, {"-useconffile", conf, "-local-tcp", "2222:[200::1]"}, "-local-tcp \"2222:[200::1]\": port \"[200::1]\" is not a decimal number");
    expect(64, {"-useconffile", conf, "-frobnicate"}, "flag provided but not defined: -frobnicate");
    std::string broken = ok(yggdrasil({"-genconf"}), "yggdrasil -genconf");  // 70-odd lines
    std::size_t at = 0;
    for (int line = 1; line < 40; ++line) at = broken.find('\n', at) + 1;
    CPPUNIT_ASSERT_MESSAGE("the conf is long enough", at > 0 && std::count(broken.begin(), broken.end(), '\n') > 40);
    std::string spaced = broken, unclosed = broken;
    spaced.insert(at, "  bad key: 1\n");
    const std::string line40 = dir.write("line40.hjson", spaced);
    expect(78, {"-useconffile", line40}, line40 + ":40:6: a key name cannot contain whitespace; put it in quotes");
    // An array left open on line 40 shows where HJSON notices, and names line 40.
    unclosed.insert(at, "  Peers: [ tls://a.example:1, tls://b.example:2 ]\n");
    const std::string open40 = dir.write("open40.hjson", unclosed);
    expect(78, {"-useconffile", open40}, "the array opened at line 40, column 10 is still open");
    std::string withUnknown = readFile(conf);
    withUnknown.insert(withUnknown.rfind('}'), "  SocksListen: 1080\n");
    const std::string unknown = dir.write("unknown.hjson", withUnknown);
    expect(78, {"-useconffile", unknown}, "unknown key \"SocksListen\"");
  }

  void runsTheForwardPlugin() {
    rtk::test::TempDir dir("stack-run");
    const std::string conf = dir.write("node.hjson", ok(stack({"-genconf"}), "-genconf"));
    const std::string log = dir.file("stack.log");
    pid_t pid = spawn({RTK_STACK_BIN, "-useconffile", conf, "-plugin-dir", RTK_PLUGIN_BUILD_DIR, "-remote-tcp", "18080:127.0.0.1:18080",
                       "-exposeudp", "5353", "-local-udp", "127.0.0.1:0:[200::1]:53", "-logto", log, "-loglevel", "debug"},
                      "", dir);
    // Port 0 on the host side is refused above; here a real one:
    Ran refused = finish(pid, dir);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.err, 64, refused.code);
    pid = spawn({RTK_STACK_BIN, "-useconffile", conf, "-plugin-dir", RTK_PLUGIN_BUILD_DIR, "-remote-tcp", "18080:127.0.0.1:18080",
                 "-exposeudp", "5353", "-local-udp", "127.0.0.1:25353:[200::1]:53", "-logto", log, "-loglevel", "debug"},
                "", dir);
    bool running = waitForText(log, "running; stop with SIGINT or SIGTERM", 20000);
    ::kill(pid, SIGTERM);
    Ran r = finish(pid, dir);
    const std::string text = readFile(log);
    CPPUNIT_ASSERT_MESSAGE(text + r.err, running);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(text, 0, r.code);
    for (const char* line : {"forwarding RemoteTCP :18080 -> 127.0.0.1:18080", "forwarding RemoteUDP :5353 -> [::1]:5353",
                             "forwarding LocalUDP 127.0.0.1:25353 -> [200::1]:53", " debug ", "plugins: stopped"})
      CPPUNIT_ASSERT_MESSAGE(std::string(line) + " in\n" + text, text.find(line) != std::string::npos);
    struct stat st {};
    CPPUNIT_ASSERT_EQUAL(0, ::stat(log.c_str(), &st));
    CPPUNIT_ASSERT_EQUAL_MESSAGE("the log file is owner-only", 0600u, static_cast<unsigned>(st.st_mode & 0777));
  }

  void failsWhenAForwardCannotListen() {
    rtk::test::TempDir dir("stack-busy");
    const std::string conf = dir.write("node.hjson", ok(stack({"-genconf"}), "-genconf"));
    int busy = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    CPPUNIT_ASSERT_EQUAL(0, ::bind(busy, reinterpret_cast<sockaddr*>(&sa), sizeof sa));
    CPPUNIT_ASSERT_EQUAL(0, ::listen(busy, 1));
    ::getsockname(busy, reinterpret_cast<sockaddr*>(&sa), &len);
    const std::string port = std::to_string(ntohs(sa.sin_port));
    const std::string log = dir.file("stack.log");
    Ran r = finish(spawn({RTK_STACK_BIN, "-useconffile", conf, "-plugin-dir", RTK_PLUGIN_BUILD_DIR, "-local-tcp",
                          "127.0.0.1:" + port + ":[200::1]:22", "-logto", log},
                         "", dir),
                   dir);
    ::close(busy);
    const std::string text = readFile(log);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(text, 70, r.code);
    CPPUNIT_ASSERT_MESSAGE(text, text.find("127.0.0.1:" + port) != std::string::npos && text.find("Address already in use") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(text, text.find("node: stopped") != std::string::npos);
  }

  void socksFlagsNeedTheSocksPlugin() {
    rtk::test::TempDir dir("stack-socks");
    const std::string conf = dir.write("node.hjson", ok(stack({"-genconf"}), "-genconf"));
    const std::string log = dir.file("stack.log");
    const bool haveSocks = std::filesystem::exists(std::string(RTK_PLUGIN_BUILD_DIR) + "/socks.so");
    pid_t pid = spawn({RTK_STACK_BIN, "-useconffile", conf, "-plugin-dir", RTK_PLUGIN_BUILD_DIR, "-socks", "127.0.0.1:0",
                       "-nameserver", "[200::53]:53", "-logto", log},
                      "", dir);
    if (haveSocks) {
      // The socks plugin is built: it runs with the translated settings.
      bool running = waitForText(log, "running; stop with SIGINT or SIGTERM", 20000);
      ::kill(pid, SIGTERM);
      Ran r = finish(pid, dir);
      CPPUNIT_ASSERT_MESSAGE(readFile(log), running && r.code == 0);
    } else {
      // Without it the conf names a plugin nothing provides: refused before the node starts.
      Ran r = finish(pid, dir);
      const std::string text = readFile(log);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(text, 78, r.code);
      CPPUNIT_ASSERT_MESSAGE(text, text.find("socks") != std::string::npos && text.find("node: starting") == std::string::npos);
    }
  }

  // The `ratatoskr` host itself, given /etc/yggdrasil.conf as yggdrasil writes it.
  void theHostStartsFromYggdrasilsHjson() {
    rtk::test::TempDir dir("host-hjson");
    const std::string conf = dir.write("yggdrasil.conf", ok(yggdrasil({"-genconf"}), "yggdrasil -genconf"));
    const std::string key = ok(yggdrasil({"-useconffile", conf, "-publickey"}), "yggdrasil -publickey");
    pid_t pid = spawn({RTK_HOST_BIN, "--config", conf, "--log-format", "text"}, "", dir);
    bool running = waitForText(dir.file("stderr"), "running; stop with SIGINT or SIGTERM", 20000) && waitInSigwait(pid, 5000);
    ::kill(pid, SIGTERM);
    Ran r = finish(pid, dir);
    CPPUNIT_ASSERT_MESSAGE(r.err, running);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.code);
    CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("public key " + key.substr(0, key.size() - 1)) != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("\"IfName\" is ignored") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StackProgramTest);

}  // namespace rtk::host::stack
