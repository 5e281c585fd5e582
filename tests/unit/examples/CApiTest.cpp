// examples/c-api (librtkc.so) through rtkc.h, as a C host would use it; the
// far side is an rtk::Node of this process with a TCP echo service.
#include "rtkc.h"

#include <ratatoskr/address.hpp>
#include <ratatoskr/node.hpp>
#include <ratatoskr/thread.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

// A string from the library, freed with rtkc_free.
std::string takeString(char* s) {
  if (!s) return "<null>";
  std::string out(s);
  rtkc_free(s);
  return out;
}

// Reads until end of file or `timeoutMs` of silence; "<timeout>" appended then.
std::string readAll(int fd, int timeoutMs) {
  std::string out;
  char buf[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) <= 0) return out + "<timeout>";
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

// An rtk::Node on a loopback listener whose port 7 echoes each connection
// until its end of stream.
class EchoNode {
 public:
  EchoNode() {
    rtk::NodeConfig config;
    config.listen = {"tcp://127.0.0.1:0"};
    rtk::NodeOptions options;
    options.config = config;
    node_ = rtk::Node::create(options);
    listener_ = node_->listen("tcp", ":7");
    thread_.start("rtk-test-echo", [this] { serve(); });
  }
  ~EchoNode() {
    // Close the node before joining: a connection whose peer stopped may
    // still be open here (the peer's reset can be lost when its links close
    // right after it), and closing the node fails the echo's pending read.
    listener_->close();
    node_->close();
    thread_.join();
  }
  rtk::Node& node() { return *node_; }
  std::string peerUri() const { return node_->listeners().at(0); }

 private:
  void serve() {
    try {
      for (;;) {
        auto conn = listener_->accept();
        char buf[4096];
        try {
          for (std::size_t n; (n = conn->read(buf, sizeof buf)) > 0;) conn->write(buf, n);
        } catch (const rtk::Error&) {
          // The caller went away (rtkc_stop closes its connections).
        }
        conn->close();
      }
    } catch (const rtk::Error&) {
      // The listener was closed: the test is over.
    }
  }

  std::shared_ptr<rtk::Node> node_;
  std::unique_ptr<rtk::Listener> listener_;
  rtk::Thread thread_;
};

rtkc_node* startOrFail(const std::string& conf) {
  char* error = nullptr;
  rtkc_node* node = rtkc_start(conf.c_str(), &error);
  CPPUNIT_ASSERT_MESSAGE(takeString(error), node != nullptr);
  CPPUNIT_ASSERT(error == nullptr);
  return node;
}

bool peerUp(rtkc_node* node) { return takeString(rtkc_peers_json(node)).find("\"up\":true") != std::string::npos; }

}  // namespace

class CApiTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CApiTest);
  CPPUNIT_TEST(badConfsAreRefusedNamingTheKey);
  CPPUNIT_TEST(emptyConfGivesAConsistentIdentity);
  CPPUNIT_TEST(badDialTargetsAreRefused);
  CPPUNIT_TEST(echoThroughTheDescriptorByAddressAndPkYggName);
  CPPUNIT_TEST(stopClosesOpenConnections);
  CPPUNIT_TEST(atMostSixtyFourConnectionsAtATime);
  CPPUNIT_TEST_SUITE_END();

 public:
  void badConfsAreRefusedNamingTheKey() {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "start: conf: json: "},
        {"{\"Peers\": [", "start: conf: json: "},
        {"[]", "start: conf: must be a JSON object, got array"},
        {"{\"Peer\": []}", "start: conf: unknown key \"Peer\""},
        {"{\"Peers\": \"tcp://a:1\"}", "\"Peers\" must be an array of strings, got string"},
        {"{\"Peers\": [1]}", "\"Peers\"[0] must be a string, got integer"},
        {"{\"IfMTU\": \"9000\"}", "\"IfMTU\" must be an unsigned integer, got \"9000\""},
        {"{\"IfMTU\": -1}", "\"IfMTU\" must be an unsigned integer, got -1"},
        {"{\"NodeInfoPrivacy\": 1}", "\"NodeInfoPrivacy\" must be true or false"},
        {"{\"LogLevel\": \"loud\"}", "\"LogLevel\" must be one of off, error, warn, info, debug, trace, got \"loud\""},
        {"{\"InterfacePeers\": {\"eth0\": [true]}}", "\"InterfacePeers.eth0\"[0] must be a string, got boolean"},
        {"{\"PrivateKey\": \"abcd\"}", "PrivateKey"},  // the node's own check
        {"{\"Peers\": [\"bogus://x\"]}", "bogus://x"},
    };
    for (const auto& [conf, expected] : cases) {
      char* error = nullptr;
      rtkc_node* node = rtkc_start(conf.c_str(), &error);
      if (node) rtkc_stop(node);
      CPPUNIT_ASSERT_MESSAGE(conf, node == nullptr);
      const std::string message = takeString(error);
      CPPUNIT_ASSERT_MESSAGE(conf + " -> " + message, message.find(expected) != std::string::npos);
    }
    CPPUNIT_ASSERT(rtkc_start(nullptr, nullptr) == nullptr);  // NULL error pointer: no crash
  }

  void emptyConfGivesAConsistentIdentity() {
    CPPUNIT_ASSERT_EQUAL(RTKC_API_VERSION, rtkc_api_version());
    // Keys yggdrasil -genconf writes but an embedded node ignores are accepted.
    rtkc_node* node = startOrFail("{\"IfName\": \"auto\", \"MulticastInterfaces\": [{\"Regex\": \".*\"}], "
                                  "\"NodeInfo\": {\"name\": \"capi\"}, \"LogLevel\": \"off\"}");
    const std::string key = takeString(rtkc_public_key(node));
    const auto parsed = rtk::PublicKey::fromHex(key);
    CPPUNIT_ASSERT_MESSAGE(key, parsed.has_value());
    CPPUNIT_ASSERT_EQUAL(rtk::formatAddress(rtk::address::addressForKey(*parsed)), takeString(rtkc_address(node)));
    CPPUNIT_ASSERT_EQUAL(rtk::formatAddress(rtk::address::subnetForKey(*parsed)) + "/64", takeString(rtkc_subnet(node)));
    CPPUNIT_ASSERT_EQUAL(std::string("[]"), takeString(rtkc_peers_json(node)));

    char* error = nullptr;
    CPPUNIT_ASSERT_EQUAL(-1, rtkc_add_peer(node, "nonsense", &error));
    CPPUNIT_ASSERT(takeString(error).find("add peer: ") == 0);
    CPPUNIT_ASSERT_EQUAL(0, rtkc_add_peer(node, "tcp://127.0.0.1:9", &error));
    CPPUNIT_ASSERT(error == nullptr);
    CPPUNIT_ASSERT(takeString(rtkc_peers_json(node)).find("\"uri\":\"tcp://127.0.0.1:9\"") != std::string::npos);
    rtkc_stop(node);
    rtkc_stop(nullptr);
  }

  void badDialTargetsAreRefused() {
    rtkc_node* node = startOrFail("{}");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"200::1", "is neither [address]:port nor <64 hex key>.pk.ygg:port"},
        {"[200::1]", "address \"[200::1]\": port is not a number"},
        {"[200::1]:99999", "port out of range"},
        {"example.com:80", "is neither"},
        {"abcd.pk.ygg:80", "expected 64 hex digits before .pk.ygg"},
        {"[200::1]:80", "timeout"},  // nobody there: the dial's deadline
    };
    for (const auto& [target, expected] : cases) {
      char* error = nullptr;
      const int fd = rtkc_dial(node, target.c_str(), 300, &error);
      if (fd >= 0) ::close(fd);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(target, -1, fd);
      const std::string message = takeString(error);
      CPPUNIT_ASSERT_MESSAGE(target + " -> " + message, message.find(expected) != std::string::npos);
    }
    rtkc_stop(node);
  }

  void echoThroughTheDescriptorByAddressAndPkYggName() {
    EchoNode echo;
    rtkc_node* node = startOrFail("{\"Peers\": [\"" + echo.peerUri() + "\"]}");
    for (int i = 0; i < 200 && !peerUp(node); ++i) ::usleep(50 * 1000);
    CPPUNIT_ASSERT_MESSAGE(takeString(rtkc_peers_json(node)), peerUp(node));
    CPPUNIT_ASSERT(takeString(rtkc_peers_json(node)).find(echo.node().publicKey().hex()) != std::string::npos);

    const std::string targets[] = {"[" + rtk::formatAddress(echo.node().address()) + "]:7",
                                   rtk::address::pkYggName(echo.node().publicKey()) + ":7"};
    for (const std::string& target : targets) {
      char* error = nullptr;
      const int fd = rtkc_dial(node, target.c_str(), 10000, &error);
      CPPUNIT_ASSERT_MESSAGE(target + ": " + takeString(error), fd >= 0);
      std::string sent;
      for (int i = 0; i < 2000; ++i) sent += "line " + std::to_string(i) + " through " + target + "\n";
      CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(sent.size()), ::send(fd, sent.data(), sent.size(), MSG_NOSIGNAL));
      ::shutdown(fd, SHUT_WR);  // the echo ends once it sees our end of stream
      CPPUNIT_ASSERT(readAll(fd, 10000) == sent);
      ::close(fd);
    }
    rtkc_stop(node);
  }

  void stopClosesOpenConnections() {
    EchoNode echo;
    rtkc_node* node = startOrFail("{\"Peers\": [\"" + echo.peerUri() + "\"]}");
    for (int i = 0; i < 200 && !peerUp(node); ++i) ::usleep(50 * 1000);
    const std::string target = "[" + rtk::formatAddress(echo.node().address()) + "]:7";
    char* error = nullptr;
    const int fd = rtkc_dial(node, target.c_str(), 10000, &error);
    CPPUNIT_ASSERT_MESSAGE(target + ": " + takeString(error), fd >= 0);
    CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(3), ::send(fd, "hi\n", 3, MSG_NOSIGNAL));
    char buf[3];
    CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(3), ::recv(fd, buf, 3, MSG_WAITALL));
    rtkc_stop(node);  // joins the relay threads; our descriptor now reads end of file
    CPPUNIT_ASSERT_EQUAL(std::string(), readAll(fd, 5000));
    ::close(fd);
  }

  // The 65th open connection is refused; once one ends (its relay threads
  // joined on the next dial) a new one is accepted.
  void atMostSixtyFourConnectionsAtATime() {
    EchoNode echo;
    rtkc_node* node = startOrFail("{\"Peers\": [\"" + echo.peerUri() + "\"]}");
    for (int i = 0; i < 200 && !peerUp(node); ++i) ::usleep(50 * 1000);
    const std::string target = "[" + rtk::formatAddress(echo.node().address()) + "]:7";
    std::vector<int> fds;
    for (int i = 0; i < 64; ++i) {
      char* error = nullptr;
      const int fd = rtkc_dial(node, target.c_str(), 10000, &error);
      CPPUNIT_ASSERT_MESSAGE(std::to_string(i) + ": " + takeString(error), fd >= 0);
      fds.push_back(fd);
    }
    char* error = nullptr;
    CPPUNIT_ASSERT_EQUAL(-1, rtkc_dial(node, target.c_str(), 10000, &error));
    const std::string refused = takeString(error);
    CPPUNIT_ASSERT_MESSAGE(refused, refused.find("already 64 connections open") != std::string::npos);

    // The echo serves the first connection: ending it ends its relay.
    ::shutdown(fds.front(), SHUT_WR);
    CPPUNIT_ASSERT_EQUAL(std::string(), readAll(fds.front(), 10000));
    ::close(fds.front());
    int again = -1;
    for (int i = 0; i < 200 && again < 0; ++i) {
      again = rtkc_dial(node, target.c_str(), 10000, nullptr);
      if (again < 0) ::usleep(50 * 1000);
    }
    CPPUNIT_ASSERT(again >= 0);
    ::close(again);
    for (std::size_t i = 1; i < fds.size(); ++i) ::close(fds[i]);
    rtkc_stop(node);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CApiTest);
