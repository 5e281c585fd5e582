// tiny-http: a Poco HTTP server on a Yggdrasil address, in userspace.
//
//   tiny-http [--peer URI]... [--key HEX] [--port 8080] [--listen URI]...
//             [--admin unix:///path]
//
// Starts an embedded node (random key unless --key), peers with the given
// URIs, listens on [<node address>]:port through the node's TCP stack and
// serves:
//   GET /            "hello from <address>\n"
//   GET /bytes?n=N   N bytes of a fixed pseudo-random stream (N <= 4 GiB)
//   anything else    404
// Prints "listening on http://[<address>]:<port>/" once ready and runs until
// SIGINT or SIGTERM. Any HTTP client on the Yggdrasil network reaches it,
// e.g. from a real node: curl -g 'http://[<address>]:8080/'.
#include <ratatoskr/node.hpp>
#include <ratatoskr/poco/net.hpp>
#include <ratatoskr/poco/ServerSocket.hpp>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct Args {
  std::vector<std::string> peers, listen;
  std::string key, admin;
  int port = 8080;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "tiny-http: " << why
            << "\nusage: tiny-http [--peer URI]... [--key HEX] [--port N] [--listen URI]... [--admin URI]\n";
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string opt = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(opt + " needs a value");
      return argv[++i];
    };
    if (opt == "--peer") a.peers.push_back(value());
    else if (opt == "--listen") a.listen.push_back(value());
    else if (opt == "--key") a.key = value();
    else if (opt == "--admin") a.admin = value();
    else if (opt == "--port") a.port = std::atoi(value().c_str());
    else usage("unknown option " + opt);
  }
  if (a.port <= 0 || a.port > 65535) usage("--port must be 1..65535");
  return a;
}

// The same byte stream for every request: x(n+1) = x(n) * 6364136223846793005 + 1442695040888963407.
void writeBytes(std::ostream& out, std::uint64_t n) {
  std::vector<char> chunk(64 * 1024);
  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  while (n > 0 && out) {
    const std::size_t len = n < chunk.size() ? static_cast<std::size_t>(n) : chunk.size();
    for (std::size_t i = 0; i < len; ++i) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      chunk[i] = static_cast<char>(x >> 56);
    }
    out.write(chunk.data(), static_cast<std::streamsize>(len));
    n -= len;
  }
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(std::string address) : address_(std::move(address)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    const Poco::URI uri(request.getURI());
    if (uri.getPath() == "/") {
      const std::string body = "hello from " + address_ + "\n";
      response.setContentType("text/plain");
      response.setContentLength(static_cast<std::streamsize>(body.size()));
      response.send() << body;
      return;
    }
    if (uri.getPath() == "/bytes") {
      std::uint64_t n = 0;
      for (const auto& [k, v] : uri.getQueryParameters())
        if (k == "n") n = std::strtoull(v.c_str(), nullptr, 10);
      if (n > (4ull << 30)) n = 4ull << 30;
      response.setContentType("application/octet-stream");
      response.setContentLength64(static_cast<Poco::Int64>(n));
      writeBytes(response.send(), n);
      return;
    }
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
    response.setContentLength(0);
    response.send();
  }

 private:
  std::string address_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::string address) : address_(std::move(address)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(address_);
  }

 private:
  std::string address_;
};

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  // Block the stop signals before any thread starts; main waits for them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  try {
    rtk::NodeConfig config;
    config.privateKey = args.key;
    config.peers = args.peers;
    config.listen = args.listen;
    if (!args.admin.empty()) config.adminListen = args.admin;
    rtk::NodeOptions options;
    options.config = config;
    options.logger = std::make_shared<rtk::Logger>(rtk::Logger::stderrSink(), rtk::LogLevel::Warn);
    auto node = rtk::Node::create(options);
    const std::string address = rtk::formatAddress(node->address());

    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(32);   // requests served at once
    params->setMaxQueued(1024);  // accepted connections waiting for a thread
    Poco::Net::HTTPServer server(new Factory(address),
                                 rtk::poco::ServerSocket(node->listen("tcp", ":" + std::to_string(args.port))),
                                 params);
    server.start();
    std::cout << "listening on http://[" << address << "]:" << args.port << "/" << std::endl;

    int sig = 0;
    sigwait(&stop, &sig);
    std::cerr << "tiny-http: signal " << sig << ", stopping\n";
    server.stopAll(true);
    node->close();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "tiny-http: " << e.what() << "\n";
    return 1;
  }
}
