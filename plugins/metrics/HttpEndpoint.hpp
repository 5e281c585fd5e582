// rtk::plugins::metrics::HttpEndpoint — serves one path over HTTP with
// Poco's HTTPServer: GET (or HEAD) <path> answers 200 with the text the
// Body function returns, as "text/plain; version=0.0.4"; other paths 404,
// other methods 405. Poco parses the requests; nothing else is read.
//
// Bounded: at most 2 requests served at once, 16 accepted connections
// queued (more are closed by Poco), 5 s to send a request, no keep-alive.
// Threads: Poco's acceptor and up to two pool threads, all named
// "rtk-metrics" (Poco 1.11 does not name its threads; Linux gives a new
// thread its creator's name, so they are created under that name); all
// joined by stop().
// Thread-safety: start() and stop() from one thread; body() is called on the
// pool threads, possibly concurrently.
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace rtk::plugins::metrics {

class HttpEndpoint {
 public:
  using Body = std::function<std::string()>;

  // listen: "host:port" ("127.0.0.1:9101", "[::1]:9101"; port 0: any).
  // Throws rtk::Error(Errc::Config) for an address Poco cannot parse and
  // Errc::AddressInUse / Errc::Io when it cannot bind, naming the address.
  HttpEndpoint(std::string listen, std::string path, Body body);
  ~HttpEndpoint();
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  void start();
  void stop();
  // The bound address ("127.0.0.1:9101"), after start().
  std::string boundAddress() const;

 private:
  std::string listen_, path_;
  Body body_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace rtk::plugins::metrics
