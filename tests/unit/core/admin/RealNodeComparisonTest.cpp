// Our admin socket next to a real yggdrasil 0.5.12: two real nodes peered
// over loopback (IfName "none", admin sockets in a temporary directory, no
// root), asked the same commands through the real yggdrasilctl as our
// AdminServer backed by a FakeNode. Field names and JSON types must agree;
// "list" and the error replies must be the same, field by field.
#include <cppunit/extensions/HelperMacros.h>

#include <netinet/in.h>

#include <set>

#include "AdminTestUtil.hpp"
#include "common/FakeNode.hpp"
#include "core/admin/AdminServer.hpp"
#include "core/admin/BuiltinHandlers.hpp"
#include "core/proto/Json.hpp"
#include "core/proto/NodeInfo.hpp"
#include "core/proto/ProtoDispatcher.hpp"

using rtk::core::admin::AdminServer;
using rtk::core::admin::BuiltinHandlers;
namespace json = rtk::core::proto::json;
using rtk::test::FakeNode;
using rtk::test::testKey;
using rtk::test::yggdrasilctl;
using namespace std::chrono_literals;

namespace {

int freeTcpPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string jsonString(const std::string& s) { return json::write(json::Var(s)); }

std::string stringMember(const std::string& text, const std::string& name) {
  auto o = json::asObject(json::parse(text));
  if (!o || !o->has(name)) throw std::runtime_error("no \"" + name + "\" in " + text);
  return o->get(name).toString();
}

class RealNode {
 public:
  RealNode(const rtk::test::TempDir& dir, const std::string& name, const std::string& listen, const std::string& peer) {
    auto gen = rtk::test::run(rtk::test::referenceBinary("yggdrasil") + " -genconf -json");
    endpoint = "unix://" + dir.file(name + ".sock");
    std::string text = "{\"PrivateKey\":" + jsonString(stringMember(gen.output, "PrivateKey")) +
                       ",\"IfName\":\"none\",\"AdminListen\":" + jsonString(endpoint) +
                       ",\"MulticastInterfaces\":[],\"NodeInfo\":{\"hello\":" + jsonString(name) + "}" +
                       ",\"Listen\":[" + (listen.empty() ? "" : jsonString(listen)) + "]" +
                       ",\"Peers\":[" + (peer.empty() ? "" : jsonString(peer)) + "]}";
    { std::ofstream(dir.file(name + ".conf")) << text; }
    process_ = std::make_unique<rtk::test::Child>(
        std::vector<std::string>{rtk::test::referenceBinary("yggdrasil"), "-useconffile", dir.file(name + ".conf")},
        dir.file(name + ".log"));
    if (!rtk::test::eventually([&] { return rtk::test::exchange(endpoint, R"({"request":"getSelf"})").find("success") != std::string::npos; }))
      throw std::runtime_error(name + ": yggdrasil did not start: " + rtk::test::readFile(dir.file(name + ".log")));
    key = stringMember(yggdrasilctl(endpoint, "getSelf", true).output, "key");
  }
  std::string endpoint, key;

 private:
  std::unique_ptr<rtk::test::Child> process_;
};

using Shape = std::set<std::string>;

// "path:kind" for every value; array elements merge under "[]"; with
// `anyTopKey` the single top-level key (an address or a key) becomes "*".
void shapeOf(const json::Var& v, const std::string& path, Shape& out, bool anyTopKey = false) {
  out.insert(path + ":" + json::kindName(v));
  if (auto o = json::asObject(v))
    for (const auto& [k, m] : *o) shapeOf(m, path + "." + (anyTopKey ? std::string("*") : k), out);
  if (auto a = json::asArray(v))
    for (std::size_t i = 0; i < a->size(); ++i) shapeOf(a->get(static_cast<unsigned>(i)), path + "[]", out);
}

Shape shapeOf(const std::string& text, bool anyTopKey) {
  auto v = json::tryParse(text);
  if (!v) throw std::runtime_error("not JSON: " + text);
  Shape s;
  shapeOf(*v, "", s, anyTopKey);
  return s;
}

// Everything the real node shows we show with the same type; anything more
// we show must be a field the real node omits when it is zero/empty.
void assertSameShape(const std::string& command, const std::string& real, const std::string& ours,
                     const std::vector<std::string>& omittable, bool anyTopKey = false) {
  Shape r = shapeOf(real, anyTopKey), o = shapeOf(ours, anyTopKey);
  for (const auto& p : r) CPPUNIT_ASSERT_MESSAGE(command + ": we lack " + p + "\nreal: " + real + "\nours: " + ours, o.count(p));
  for (const auto& p : o) {
    if (r.count(p)) continue;
    bool allowed = false;
    for (const auto& prefix : omittable) allowed = allowed || p.rfind(prefix, 0) == 0;
    CPPUNIT_ASSERT_MESSAGE(command + ": the real node has no " + p + "\nreal: " + real + "\nours: " + ours, allowed);
  }
}

}  // namespace

class RealNodeComparisonTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RealNodeComparisonTest);
  CPPUNIT_TEST(sameFieldsTypesListAndErrors);
  CPPUNIT_TEST_SUITE_END();

 public:
  void sameFieldsTypesListAndErrors() {
    rtk::test::TempDir dir{"admin"};
    const std::string listen = "tcp://127.0.0.1:" + std::to_string(freeTcpPort());
    RealNode a(dir, "a", listen, "");
    RealNode b(dir, "b", "", listen);
    auto bJson = [&](const std::string& args) { return yggdrasilctl(b.endpoint, args, true); };

    // Bring b to a state where every list has entries: an up peer, a down
    // peer with an error, a session and a path to a.
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return bJson("getPeers").output.find("\"up\": true") != std::string::npos; }, 30000));
    CPPUNIT_ASSERT_EQUAL(0, bJson("addPeer uri=tcp://127.0.0.1:1").status);
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return bJson("getPeers").output.find("connection refused") != std::string::npos; }, 30000));
    // The first proto message may go while the session is being set up; ask until answered.
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return bJson("getNodeInfo key=" + a.key).status == 0; }, 40000));
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return bJson("getSessions").output.find(a.key) != std::string::npos; }, 30000));
    CPPUNIT_ASSERT(rtk::test::eventually([&] { return bJson("getPaths").output.find(a.key) != std::string::npos; }, 30000));

    // Ours, with every kind of entry.
    FakeNode fake;
    fake.keyValue = testKey(1);
    rtk::PeerInfo up;
    up.uri = "tcp://127.0.0.1:1234";
    up.up = true;
    up.key = testKey(2);
    up.port = 1;
    up.cost = 2;
    up.rxBytes = up.txBytes = up.rxRate = up.txRate = 10;
    up.uptime = 1500ms;
    up.latency = 2ms;
    up.lastError = "dial tcp 127.0.0.1:1234: connect: connection refused";
    up.lastErrorTime = std::chrono::system_clock::now() - 5s;
    rtk::PeerInfo down;
    down.uri = "tcp://127.0.0.1:1";
    down.lastError = "dial tcp 127.0.0.1:1: connect: connection refused";
    down.lastErrorTime = std::chrono::system_clock::now() - 1s;
    fake.peers = {up, down};
    fake.tree = {{testKey(1), testKey(2), 2}, {testKey(2), testKey(2), 1}};
    fake.paths = {{testKey(2), {1, 3}, 7}};
    fake.sessions = {{testKey(2), 142, 5, 3s}};
    fake.remoteNodeInfo = rtk::core::proto::NodeInfo::build(R"({"hello":"a"})", false);
    fake.remoteSelf = rtk::core::proto::ProtoDispatcher::selfReplyBody(rtk::SelfInfo{testKey(2), 2});
    fake.remotePeers = std::vector<rtk::PublicKey>{testKey(1)};
    fake.remoteTree = std::vector<rtk::PublicKey>{testKey(2), testKey(1)};
    AdminServer server(rtk::Log{});
    BuiltinHandlers::install(server.dispatcher(), fake);
    server.start("unix://" + dir.file("ours.sock"));
    const std::string ours = server.boundAddress();
    auto oursJson = [&](const std::string& args) { return yggdrasilctl(ours, args, true); };

    struct Case {
      std::string command;
      std::vector<std::string> omittable;
      bool keyed;
    };
    const std::vector<std::string> peerOptional{".peers[].bytes_", ".peers[].rate_", ".peers[].uptime", ".peers[].latency",
                                                ".peers[].last_error", ".peers[].remote", ".peers[].address"};
    const std::vector<Case> cases{
        {"getSelf", {}, false},
        {"getPeers", peerOptional, false},
        {"getTree", {}, false},
        {"getPaths", {".paths[].path[]"}, false},
        {"getSessions", {}, false},
        {"getMulticastInterfaces", {".multicast_interfaces[]"}, false},
        {"getTun", {}, false},
        {"getNodeInfo", {}, true},
        {"debug_remoteGetSelf", {}, true},
        {"debug_remoteGetPeers", {}, true},
        {"debug_remoteGetTree", {}, true},
    };
    for (const auto& c : cases) {
      auto real = bJson(c.command + (c.keyed ? " key=" + a.key : ""));
      auto mine = oursJson(c.command + (c.keyed ? " key=" + testKey(2).hex() : ""));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.command + ": " + real.output, 0, real.status);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.command + ": " + mine.output, 0, mine.status);
      assertSameShape(c.command, real.output, mine.output, c.omittable, c.keyed);
    }

    // The command list is the real node's (yggdrasilctl -json re-indents
    // both the same way).
    CPPUNIT_ASSERT_EQUAL(bJson("list").output, oursJson("list").output);

    // So are the error replies to malformed or wrong requests (field by
    // field: status, error text, the request echoed, response null).
    for (const std::string request :
         {R"({"request":"nope","arguments":{"x":[1,{"y":"<&>"}]}})", "garbage", "[1]", "null", R"({"request":7})",
          R"({"request":"getself","arguments":"x"})", R"({"request":"getNodeInfo","arguments":{"key":"xyz"}})",
          R"({"request":"getNodeInfo","arguments":{"key":true}})", R"({"request":"debug_remoteGetPeers","arguments":{"key":"abcd"}})",
          R"({"request":"debug_remoteGetSelf","arguments":{"key":"q"}})", R"({"request":"addPeer","arguments":{"uri":[]}})",
          R"({"request":"getTun","keepalive":true}{"request":"","keepalive":true})", R"({"request":"getpaths")"}) {
      const std::string real = rtk::test::exchange(b.endpoint, request), mine = rtk::test::exchange(ours, request);
      CPPUNIT_ASSERT_MESSAGE(request + ": no reply from the real node", !rtk::test::jsonValues(real).empty());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(request, rtk::test::comparableReplies(real), rtk::test::comparableReplies(mine));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RealNodeComparisonTest);
