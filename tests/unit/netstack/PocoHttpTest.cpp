// Poco's HTTPClientSession and HTTPServer, unchanged, across two netstacks
// (sdk ratatoskr/poco/net.hpp).
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>
#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

#include "TestSupport.hpp"
#include "ratatoskr/poco/net.hpp"

namespace rtk::netstack::test {

namespace {

class EchoHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    std::string body;
    Poco::StreamCopier::copyToString(request.stream(), body);
    std::ostringstream reply;
    reply << request.getMethod() << " " << request.getURI() << " from " << request.clientAddress().host().toString()
          << " to port " << request.serverAddress().port() << ", " << body.size() << " bytes";
    if (!body.empty()) reply << ": " << body;
    response.setContentType("text/plain");
    response.setContentLength(static_cast<std::streamsize>(reply.str().size()));
    response.send() << reply.str();
  }
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new EchoHandler;
  }
};

std::string fetch(Poco::Net::HTTPClientSession& session, Poco::Net::HTTPRequest& request, const std::string& body,
                  Poco::Net::HTTPResponse& response) {
  if (!body.empty()) request.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(request) << body;
  std::string out;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), out);
  return out;
}

}  // namespace

class PocoHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PocoHttpTest);
  CPPUNIT_TEST(testClientFetchesFromServerAcrossStacks);
  CPPUNIT_TEST(testConnectRefusedIsPocoException);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testClientFetchesFromServerAcrossStacks() {
    TwoNodes n;
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(4);
    params->setKeepAlive(true);
    Poco::Net::HTTPServer server(new Factory, rtk::poco::ServerSocket(n.a->listen("tcp", ":8080")), params);
    server.start();

    rtk::poco::Dialer dialer = [&](std::string_view net, std::string_view addr, const DialOptions& o) {
      return n.b->dial(net, addr, o);
    };
    auto session = rtk::poco::httpClientSession(dialer, n.addrA(8080));
    session->setTimeout(Poco::Timespan(10, 0));

    Poco::Net::HTTPRequest get(Poco::Net::HTTPRequest::HTTP_GET, "/status", Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse r1;
    const std::string b = formatAddress(testAddress(2));
    CPPUNIT_ASSERT_EQUAL("GET /status from " + b + " to port 8080, 0 bytes", fetch(*session, get, "", r1));
    CPPUNIT_ASSERT_EQUAL(Poco::Net::HTTPResponse::HTTP_OK, r1.getStatus());

    // A second request on the same kept-alive connection, with a body.
    const auto firstLocal = session->socket().address();
    Poco::Net::HTTPRequest post(Poco::Net::HTTPRequest::HTTP_POST, "/echo", Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse r2;
    CPPUNIT_ASSERT_EQUAL("POST /echo from " + b + " to port 8080, 11 bytes: hello world",
                         fetch(*session, post, "hello world", r2));
    CPPUNIT_ASSERT(session->socket().address() == firstLocal);

    // After the session drops the connection, the next request reconnects
    // through the node by itself.
    session->reset();
    Poco::Net::HTTPRequest again(Poco::Net::HTTPRequest::HTTP_GET, "/again", Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse r3;
    CPPUNIT_ASSERT_EQUAL("GET /again from " + b + " to port 8080, 0 bytes", fetch(*session, again, "", r3));
    CPPUNIT_ASSERT(server.totalConnections() >= 2);
    server.stopAll(true);
  }

  void testConnectRefusedIsPocoException() {
    TwoNodes n;
    rtk::poco::Dialer dialer = [&](std::string_view net, std::string_view addr, const DialOptions& o) {
      return n.b->dial(net, addr, o);
    };
    CPPUNIT_ASSERT_THROW(rtk::poco::connect(dialer, n.addrA(8999), Poco::Timespan(10, 0)),
                         Poco::Net::ConnectionRefusedException);
    // A plain connected socket works with Poco's byte API.
    auto listener = n.a->listen("tcp", ":8998");
    auto socket = rtk::poco::connect(dialer, n.addrA(8998), Poco::Timespan(10, 0));
    auto peer = rtk::poco::streamSocket(listener->accept(Clock::now() + std::chrono::seconds(10)));
    CPPUNIT_ASSERT_EQUAL(5, socket.sendBytes("hello", 5));
    CPPUNIT_ASSERT(peer.poll(Poco::Timespan(10, 0), Poco::Net::Socket::SELECT_READ));
    char buf[16];
    CPPUNIT_ASSERT_EQUAL(5, peer.receiveBytes(buf, sizeof buf));
    CPPUNIT_ASSERT_EQUAL(std::string("hello"), std::string(buf, 5));
    peer.setReceiveTimeout(Poco::Timespan(0, 100000));
    CPPUNIT_ASSERT_THROW(peer.receiveBytes(buf, sizeof buf), Poco::TimeoutException);
    socket.shutdownSend();
    peer.setReceiveTimeout(Poco::Timespan(10, 0));
    CPPUNIT_ASSERT_EQUAL(0, peer.receiveBytes(buf, sizeof buf));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PocoHttpTest);

}  // namespace rtk::netstack::test
