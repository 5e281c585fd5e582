// Issue 4 b, c and the admin half of e: NodeInfo and the debug protocol
// between our node and a real one, and the real yggdrasilctl against our
// admin socket, compared field by field with the same command against the
// real node in the same (symmetric) topology: real <-> ours.
#include "InProcessNode.hpp"
#include "Json.hpp"
#include "JsonShape.hpp"
#include "Ping.hpp"
#include "RealAndOurs.hpp"
#include "Tools.hpp"
#include "Trace.hpp"
#include "Wait.hpp"

#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <cerrno>
#include <thread>
#include <tuple>
#include <chrono>

using namespace rtk::interop;

namespace {

Poco::JSON::Object::Ptr customInfo(const std::string& name) {
  Poco::JSON::Object::Ptr info = new Poco::JSON::Object;
  info->set("name", name);
  Poco::JSON::Object::Ptr custom = new Poco::JSON::Object;
  custom->set("colour", "green");
  custom->set("answer", 42);
  info->set("custom", custom);
  return info;
}

RealAndOursOptions adminOptions() {
  RealAndOursOptions o;
  o.customizeReal = [](NodeSpec& s) { s.nodeInfo = customInfo("real"); };
  o.customizeOurs = [](InProcessSpec& s) {
    s.nodeInfo = customInfo("ours");
    s.admin = true;
  };
  return o;
}

std::string adminEndpointOf(const RealNode& real) { return "unix://" + real.adminSocketPath().string(); }

// yggdrasilctl [-json] -endpoint=E cmd args...
RunResult ctl(const std::string& endpoint, bool json, const std::string& command,
              const std::vector<std::string>& args = {}) {
  std::vector<std::string> argv{Tools::yggdrasilctl()};
  if (json) argv.push_back("-json");
  argv.push_back("-endpoint=" + endpoint);
  argv.push_back(command);
  argv.insert(argv.end(), args.begin(), args.end());
  return Subprocess::run(argv, 20000);
}

Poco::Dynamic::Var parse(const RunResult& r) {
  Poco::JSON::Parser parser;
  return parser.parse(r.out);
}

// The labels of "Label: value" lines and the header of tables: what plain
// mode shows apart from the values.
std::string plainShape(const std::string& out) {
  const auto start = out.find_first_not_of(" \t\r\n");
  if (start != std::string::npos && out[start] == '{') {  // printed as JSON (the debug_* commands)
    Poco::JSON::Parser parser;
    return jsonShape(parser.parse(out), true);
  }
  std::istringstream lines(out);
  std::string line, shape;
  bool first = true;
  while (std::getline(lines, line)) {
    const auto colon = line.find(": ");
    if (first && colon == std::string::npos) {  // a table: its header row
      std::istringstream words(line);
      std::string w;
      while (words >> w) shape += w + " ";
      shape += "| ";
    } else if (colon != std::string::npos && line.find('|') == std::string::npos && line.find('\t') == std::string::npos) {
      shape += line.substr(0, colon) + "; ";
    }
    first = false;
  }
  return shape;
}

int connectUnix(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends `request` on a fresh connection and returns what comes back before
// the server closes or 3 s pass.
std::string rawExchange(const std::string& path, const std::string& request) {
  const int fd = connectUnix(path);
  if (fd < 0) return "<connect failed>";
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void)!::write(fd, request.data(), request.size());
  std::string reply;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
    if (reply.find('\n') != std::string::npos || reply.find('}') != std::string::npos) break;
  }
  ::close(fd);
  return reply;
}

}  // namespace

class AdminTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AdminTest);
  CPPUNIT_TEST(nodeInfoAndDebugBetweenRealAndOurs);
  CPPUNIT_TEST(yggdrasilctlAgainstOurAdminMatchesTheRealNode);
  CPPUNIT_TEST(garbageAdminClientsDoNotStallOthers);
  CPPUNIT_TEST_SUITE_END();

 public:
  void nodeInfoAndDebugBetweenRealAndOurs() {
    Lab lab("ep-ninfo");
    RealAndOurs pair(lab, adminOptions());
    const std::string ourKey = pair.ours().publicKeyHex(), realKey = pair.real().publicKey();

    // The real node asks for ours.
    const auto info = pair.real().ctl().getNodeInfo(ourKey);
    trace("real getNodeInfo ours: " + toJson(info, 0));
    const auto ni = info->getObject(ourKey);
    CPPUNIT_ASSERT_MESSAGE(toJson(info, 0), !ni.isNull());
    CPPUNIT_ASSERT_EQUAL(std::string("ours"), ni->getValue<std::string>("name"));
    CPPUNIT_ASSERT_EQUAL(std::string("green"), ni->getObject("custom")->getValue<std::string>("colour"));
    CPPUNIT_ASSERT_EQUAL(42, ni->getObject("custom")->getValue<int>("answer"));
    for (const char* f : {"buildname", "buildversion", "buildplatform", "buildarch"})
      CPPUNIT_ASSERT_MESSAGE(f, ni->has(f));

    const auto self = pair.real().ctl().debugRemoteGetSelf(ourKey);
    trace("real debug_remoteGetSelf ours: " + toJson(self, 0));
    const auto selfInner = self->getObject(pair.ours().address());
    CPPUNIT_ASSERT_MESSAGE(toJson(self, 0), !selfInner.isNull());
    CPPUNIT_ASSERT_EQUAL(ourKey, selfInner->getValue<std::string>("key"));
    const auto peers = pair.real().ctl().debugRemoteGetPeers(ourKey);
    trace("real debug_remoteGetPeers ours: " + toJson(peers, 0));
    CPPUNIT_ASSERT_MESSAGE(toJson(peers, 0), toJson(peers, 0).find(realKey) != std::string::npos);
    const auto tree = pair.real().ctl().debugRemoteGetTree(ourKey);
    trace("real debug_remoteGetTree ours: " + toJson(tree, 0));
    CPPUNIT_ASSERT_MESSAGE(toJson(tree, 0), toJson(tree, 0).find(realKey) != std::string::npos);

    // Ours asks for the real node's, through the library.
    const auto key = *rtk::PublicKey::fromHex(realKey);
    const rtk::NodeInfoReply reply = pair.ours().node().getNodeInfo(key, std::chrono::seconds(10));
    trace("our getNodeInfo real: " + reply.json + ", rtt " + std::to_string(reply.rtt.count() / 1000) + " us");
    const auto theirs = parseJsonObject(reply.json, "real NodeInfo");
    CPPUNIT_ASSERT_EQUAL(std::string("real"), theirs->getValue<std::string>("name"));
    CPPUNIT_ASSERT_EQUAL(std::string("green"), theirs->getObject("custom")->getValue<std::string>("colour"));
    CPPUNIT_ASSERT(theirs->has("buildversion"));
    CPPUNIT_ASSERT(reply.rtt.count() > 0);
    CPPUNIT_ASSERT(reply.rtt < std::chrono::seconds(10));
    const auto remotePeers = pair.ours().node().remoteGetPeers(key, std::chrono::seconds(10));
    CPPUNIT_ASSERT(std::find(remotePeers.begin(), remotePeers.end(), pair.ours().node().publicKey()) != remotePeers.end());
    const std::string remoteSelf = pair.ours().node().remoteGetSelf(key, std::chrono::seconds(10));
    CPPUNIT_ASSERT_MESSAGE(remoteSelf, remoteSelf.find(realKey) != std::string::npos);
  }

  void yggdrasilctlAgainstOurAdminMatchesTheRealNode() {
    Lab lab("ep-admin");
    RealAndOurs pair(lab, adminOptions());
    const std::string ours = pair.ours().adminEndpoint(), real = adminEndpointOf(pair.real());
    const std::string ourKey = pair.ours().publicKeyHex(), realKey = pair.real().publicKey();
    // Traffic both ways, so both have a session and a path to the other.
    CPPUNIT_ASSERT(ping6(pair.realNs(), pair.ours().address(), PingOptions{3, 10000, 0.2, 56}).allReceived());
    pair.ours().node().getNodeInfo(*rtk::PublicKey::fromHex(realKey), std::chrono::seconds(10));

    struct Command {
      std::string name;
      std::vector<std::string> realArgs, ourArgs;  // each asks about the other node
      bool keyedByNode;
    };
    const std::vector<Command> commands = {
        {"list", {}, {}, false},
        {"getSelf", {}, {}, false},
        {"getPeers", {}, {}, false},
        {"getTree", {}, {}, false},
        {"getPaths", {}, {}, false},
        {"getSessions", {}, {}, false},
        {"getMulticastInterfaces", {}, {}, false},
        {"getNodeInfo", {"key=" + ourKey}, {"key=" + realKey}, true},
        {"debug_remoteGetSelf", {"key=" + ourKey}, {"key=" + realKey}, true},
        {"debug_remoteGetPeers", {"key=" + ourKey}, {"key=" + realKey}, true},
        {"debug_remoteGetTree", {"key=" + ourKey}, {"key=" + realKey}, true},
    };
    std::vector<std::string> mismatches;
    for (const auto& c : commands) {
      const RunResult r = ctl(real, true, c.name, c.realArgs), o = ctl(ours, true, c.name, c.ourArgs);
      CPPUNIT_ASSERT_MESSAGE(r.describe(), r.ok());
      CPPUNIT_ASSERT_MESSAGE(o.describe(), o.ok());
      // Values differ (keys, versions); the list command's entries are compared as a set below.
      const std::string rs = jsonShape(parse(r), c.keyedByNode), os = jsonShape(parse(o), c.keyedByNode);
      trace(c.name + " -json: " + (rs == os ? "same shape " + rs : "real " + rs + " | ours " + os));
      // A peer's traffic rates and last error are omitted when zero/empty
      // (Go's omitempty) and depend on the moment, not on the format.
      for (const auto& d : shapeDifferences(parse(r), parse(o), c.keyedByNode,
                                            {"rate_recvd", "rate_sent", "last_error", "last_error_time"}))
        mismatches.push_back(c.name + " -json (real vs ours): " + d);

      const RunResult rp = ctl(real, false, c.name, c.realArgs), op = ctl(ours, false, c.name, c.ourArgs);
      CPPUNIT_ASSERT_MESSAGE(rp.describe(), rp.ok());
      CPPUNIT_ASSERT_MESSAGE(op.describe(), op.ok());
      const std::string rps = plainShape(rp.out), ops = plainShape(op.out);
      if (c.name != "list" && rps != ops) mismatches.push_back(c.name + " plain: real [" + rps + "] ours [" + ops + "]");
    }

    // list: every command the issue names is listed by ours (names are lower case, as the real node lists them).
    const auto lower = [](std::string t) {
      std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      return t;
    };
    const auto ourList = toJson(parseJsonObject(ctl(ours, true, "list").out, "list"), 0);
    const auto realList = toJson(parseJsonObject(ctl(real, true, "list").out, "list"), 0);
    std::vector<std::string> names{"addPeer", "removePeer"};
    for (const auto& c : commands) names.push_back(c.name);
    for (const auto& n : names) {
      if (n == "list") continue;
      const std::string quoted = "\"" + lower(n) + "\"";
      CPPUNIT_ASSERT_MESSAGE(n + " missing from " + ourList, ourList.find(quoted) != std::string::npos);
      CPPUNIT_ASSERT_MESSAGE(n + " missing from the real " + realList, realList.find(quoted) != std::string::npos);
    }

    // addPeer/removePeer: a second real node; both replies compared with the real node's own.
    Netns& ns2 = lab.addNetns("r2");
    const VethLink& l2 = lab.connect(pair.ourNs(), ns2);
    NodeSpec s2;
    s2.name = "real2";
    s2.listen = {"tcp://[" + l2.b().ipv6 + "]:7100"};
    RealNode& real2 = lab.addRealNode(s2, ns2);
    real2.start();
    const std::string uri = s2.listen[0];
    const RunResult added = ctl(ours, true, "addPeer", {"uri=" + uri});
    CPPUNIT_ASSERT_MESSAGE(added.describe(), added.ok());
    waitUntil("ours peered with real2 after addPeer", 30000, [&] {
      for (const auto& p : pair.ours().node().getPeers())
        if (p.up && p.key.hex() == real2.publicKey()) return true;
      return false;
    });
    const std::string peersJson = ctl(ours, true, "getPeers").out;
    CPPUNIT_ASSERT_MESSAGE(peersJson, peersJson.find(real2.publicKey()) != std::string::npos);
    const RunResult removed = ctl(ours, true, "removePeer", {"uri=" + uri});
    CPPUNIT_ASSERT_MESSAGE(removed.describe(), removed.ok());
    waitUntil("real2 gone from our peers after removePeer", 30000, [&] {
      for (const auto& p : pair.ours().node().getPeers())
        if (p.key.hex() == real2.publicKey() || p.uri == uri) return false;
      return true;
    });
    // The same two commands on the real node (towards real2 via a URI it cannot reach: only the reply shape matters).
    const RunResult rAdd = ctl(real, true, "addPeer", {"uri=" + uri}), rRem = ctl(real, true, "removePeer", {"uri=" + uri});
    CPPUNIT_ASSERT_MESSAGE(rAdd.describe(), rAdd.ok());
    CPPUNIT_ASSERT_MESSAGE(rRem.describe(), rRem.ok());
    for (auto [name, r, o] : {std::tuple{"addPeer", rAdd, added}, std::tuple{"removePeer", rRem, removed}}) {
      trace(std::string(name) + " -json: real " + jsonShape(parse(r)) + " ours " + jsonShape(parse(o)));
      for (const auto& d : shapeDifferences(parse(r), parse(o)))
        mismatches.push_back(std::string(name) + " -json (real vs ours): " + d);
    }
    // Errors: removing a peer that is not configured fails on both, and unknown commands too.
    for (const auto& [cmd, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"removePeer", {"uri=tcp://[fd72:746b:ffff::1]:1"}}, {"noSuchCommand", {}}}) {
      const RunResult r = ctl(real, true, cmd, args), o = ctl(ours, true, cmd, args);
      trace(cmd + ": real exit " + r.status.describe() + " '" + r.out + r.err + "' ours exit " + o.status.describe() +
            " '" + o.out + o.err + "'");
      CPPUNIT_ASSERT_EQUAL(r.status.code, o.status.code);
    }

    std::string all;
    for (const auto& m : mismatches) all += m + "\n";
    CPPUNIT_ASSERT_MESSAGE("admin replies differ from the real node's:\n" + all, mismatches.empty());
  }

  void garbageAdminClientsDoNotStallOthers() {
    Lab lab("ep-admin-hostile");
    RealAndOurs pair(lab, adminOptions());
    const std::string path = (pair.ours().dir() / "admin.sock").string();
    const std::string realPath = pair.real().adminSocketPath().string();

    // Malformed JSON: compare our error reply with the real node's.
    const std::string realReply = rawExchange(realPath, "this is not json\n");
    const std::string ourReply = rawExchange(path, "this is not json\n");
    trace("malformed request: real '" + realReply + "' ours '" + ourReply + "'");
    if (!realReply.empty() && realReply.front() == '{') {
      const auto r = parseJsonObject(realReply, "real reply"), o = parseJsonObject(ourReply, "our reply");
      CPPUNIT_ASSERT_EQUAL(jsonShape(r), jsonShape(o));
      CPPUNIT_ASSERT_EQUAL(r->getValue<std::string>("status"), o->getValue<std::string>("status"));
    }

    // Hostile clients: silent ones holding the socket, half a request, megabytes of garbage.
    std::vector<int> fds;
    for (int i = 0; i < 16; ++i) fds.push_back(connectUnix(path));
    for (int i = 0; i < 4; ++i) {
      const int fd = connectUnix(path);
      const std::string half = "{\"request\":\"getSelf\",\"arguments\":{";
      (void)!::write(fd, half.data(), half.size());
      fds.push_back(fd);
    }
    std::atomic<bool> stop{false};
    std::thread flooder([&] {
      const int fd = connectUnix(path);
      std::string junk(64 * 1024, '[');
      while (!stop) {  // until the server gives up on us (or the test ends)
        if (::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL | MSG_DONTWAIT) == -1) {
          if (errno != EAGAIN) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
      ::close(fd);
    });
    for (int fd : fds) CPPUNIT_ASSERT(fd >= 0);

    // Meanwhile the real client gets its answers, promptly.
    Yggctl quick(pair.ours().adminEndpoint(), 5000);
    for (int i = 0; i < 5; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto self = quick.getSelf();
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      CPPUNIT_ASSERT_EQUAL(pair.ours().publicKeyHex(), self->getValue<std::string>("key"));
      CPPUNIT_ASSERT_MESSAGE("getSelf took " + std::to_string(s) + " s", s < 4.0);  // includes starting yggdrasilctl
    }
    stop = true;
    flooder.join();
    for (int fd : fds) ::close(fd);
    // And the node still routes.
    CPPUNIT_ASSERT(ping6(pair.realNs(), pair.ours().address(), PingOptions{2, 10000, 0.2, 56}).allReceived());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminTest);
