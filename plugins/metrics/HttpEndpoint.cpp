#include "HttpEndpoint.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <pthread.h>

#include "ratatoskr/error.hpp"

namespace rtk::plugins::metrics {

namespace {

class PathHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  PathHandler(const std::string& path, const HttpEndpoint::Body& body) : path_(path), body_(body) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    using Poco::Net::HTTPResponse;
    response.setKeepAlive(false);
    std::string uri = request.getURI();
    std::string path = uri.substr(0, uri.find('?'));
    bool head = request.getMethod() == "HEAD";
    if (path != path_) return plain(response, HTTPResponse::HTTP_NOT_FOUND, "not found; metrics are at " + path_ + "\n", head);
    if (request.getMethod() != "GET" && !head) {
      response.set("Allow", "GET, HEAD");
      return plain(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n", head);
    }
    std::string text;
    try {
      text = body_();
    } catch (const std::exception& e) {
      return plain(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, std::string("scrape failed: ") + e.what() + "\n", head);
    }
    response.setContentType("text/plain; version=0.0.4; charset=utf-8");
    response.setContentLength(static_cast<std::streamsize>(text.size()));
    auto& os = response.send();
    if (!head) os << text;
  }

 private:
  static void plain(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
                    const std::string& text, bool head) {
    response.setStatus(status);
    response.setContentType("text/plain; charset=utf-8");
    response.setContentLength(static_cast<std::streamsize>(text.size()));
    auto& os = response.send();
    if (!head) os << text;
  }
  const std::string& path_;
  const HttpEndpoint::Body& body_;
};

class PathHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  PathHandlerFactory(const std::string& path, const HttpEndpoint::Body& body) : path_(path), body_(body) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new PathHandler(path_, body_);
  }

 private:
  const std::string& path_;
  const HttpEndpoint::Body& body_;
};

// Names the calling thread for its lifetime, then gives its old name back.
class ThreadNameScope {
 public:
  explicit ThreadNameScope(const char* name) {
    if (::pthread_getname_np(::pthread_self(), old_, sizeof old_) != 0) old_[0] = '\0';
    ::pthread_setname_np(::pthread_self(), name);
  }
  ~ThreadNameScope() {
    if (old_[0]) ::pthread_setname_np(::pthread_self(), old_);
  }
  ThreadNameScope(const ThreadNameScope&) = delete;
  ThreadNameScope& operator=(const ThreadNameScope&) = delete;

 private:
  char old_[16];
};

}  // namespace

HttpEndpoint::HttpEndpoint(std::string listen, std::string path, Body body)
    : listen_(std::move(listen)), path_(std::move(path)), body_(std::move(body)) {}

HttpEndpoint::~HttpEndpoint() { stop(); }

void HttpEndpoint::start() {
  if (server_) return;
  Poco::Net::SocketAddress address;
  try {
    address = Poco::Net::SocketAddress(listen_);
  } catch (const Poco::Exception& e) {
    throw Error(Errc::Config, "Listen \"" + listen_ + "\": " + e.displayText());
  }
  Poco::Net::ServerSocket socket;
  try {
    socket.bind(address, true, false);  // SO_REUSEADDR for restarts; never SO_REUSEPORT (a second server would share the port)
    socket.listen(16);
  } catch (const Poco::Net::NetException& e) {
    bool inUse = e.displayText().find("in use") != std::string::npos;
    throw Error(inUse ? Errc::AddressInUse : Errc::Io, "Listen \"" + listen_ + "\": cannot listen: " + e.displayText());
  }
  auto params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(2);
  params->setMaxQueued(16);
  params->setTimeout(Poco::Timespan(5, 0));
  params->setKeepAlive(false);
  ThreadNameScope name("rtk-metrics");
  pool_ = std::make_unique<Poco::ThreadPool>("rtk-metrics", 1, 2);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new PathHandlerFactory(path_, body_), *pool_, socket, params);
  server_->start();
}

void HttpEndpoint::stop() {
  if (!server_) return;
  // stopAll(true): stop accepting, abort connections in progress; then the
  // pool's threads are joined.
  server_->stopAll(true);
  server_.reset();
  pool_->joinAll();
  pool_.reset();
}

std::string HttpEndpoint::boundAddress() const { return server_ ? server_->socket().address().toString() : std::string(); }

}  // namespace rtk::plugins::metrics
