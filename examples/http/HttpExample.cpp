// http-example: an embedded node serving a live web UI of itself over
// Yggdrasil (see README.md): its address and key, its peers, the spanning
// tree, a crawl of the network drawn as a graph and any node's NodeInfo.
//
//   http-example [--peer URI]... [--listen URI]... [--key HEX] [--port 8080]
//                [--local PORT] [--www DIR] [--nodeinfo JSON] [--admin URI]
//                [--crawl-depth 3] [--crawl-nodes 64] [--crawl-every 30]
//                [--max-requests 8]
//
// Prints "listening on http://[<address>]:<port>/" once ready (and the
// loopback URL with --local) and runs until SIGINT or SIGTERM.
#include <ratatoskr/node.hpp>
#include <ratatoskr/poco/ServerSocket.hpp>

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "CrawlSchedule.hpp"
#include "StaticFiles.hpp"
#include "WebApi.hpp"
#include "WebHandler.hpp"

namespace {

struct Args {
  std::vector<std::string> peers, listen;
  std::string key, admin, www, nodeInfo;
  int port = 8080;
  int localPort = 0;  // 0: no loopback listener
  int crawlDepth = 3, crawlNodes = 64, crawlEvery = 30, maxRequests = 8;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "http-example: " << why
            << "\nusage: http-example [--peer URI]... [--listen URI]... [--key HEX] [--port N] [--local PORT]\n"
               "                    [--www DIR] [--nodeinfo JSON] [--admin URI] [--crawl-depth 1..4]\n"
               "                    [--crawl-nodes 1..256] [--crawl-every 5..3600] [--max-requests 1..64]\n";
  std::exit(2);
}

int number(const std::string& opt, const std::string& text, int low, int high) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < low || v > high)
    usage(opt + " must be a number in " + std::to_string(low) + ".." + std::to_string(high) + ", got \"" + text + "\"");
  return static_cast<int>(v);
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
    else if (opt == "--www") a.www = value();
    else if (opt == "--nodeinfo") a.nodeInfo = value();
    else if (opt == "--port") a.port = number(opt, value(), 1, 65535);
    else if (opt == "--local") a.localPort = number(opt, value(), 1, 65535);
    else if (opt == "--crawl-depth") a.crawlDepth = number(opt, value(), 1, 4);
    else if (opt == "--crawl-nodes") a.crawlNodes = number(opt, value(), 1, 256);
    else if (opt == "--crawl-every") a.crawlEvery = number(opt, value(), 5, 3600);
    else if (opt == "--max-requests") a.maxRequests = number(opt, value(), 1, 64);
    else usage("unknown option " + opt);
  }
  return a;
}

// Requests served at once, a short queue behind them, and idle connections
// closed after 10 s, so a flood of clients costs a bounded amount.
Poco::Net::HTTPServerParams* serverParams(int maxRequests) {
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(maxRequests);
  params->setMaxQueued(4 * maxRequests);
  params->setTimeout(Poco::Timespan(10, 0));
  params->setKeepAliveTimeout(Poco::Timespan(10, 0));
  params->setMaxKeepAliveRequests(100);
  return params;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  try {
    const rtk::example::StaticFiles files(rtk::example::StaticFiles::locate(args.www, argv[0]));

    rtk::NodeConfig config;
    config.privateKey = args.key;
    config.peers = args.peers;
    config.listen = args.listen;
    if (!args.admin.empty()) config.adminListen = args.admin;
    if (!args.nodeInfo.empty()) config.nodeInfo = args.nodeInfo;
    rtk::NodeOptions options;
    options.config = config;
    options.logger = std::make_shared<rtk::Logger>(rtk::Logger::stderrSink(), rtk::LogLevel::Warn);
    auto node = rtk::Node::create(options);
    const std::string address = rtk::formatAddress(node->address());

    rtk::example::CrawlLimits limits;
    limits.maxDepth = args.crawlDepth;
    limits.maxNodes = static_cast<std::size_t>(args.crawlNodes);
    rtk::example::CrawlSchedule crawls(*node, limits, std::chrono::seconds(args.crawlEvery));
    // At most half the request threads wait for a NodeInfo answer at once.
    rtk::example::WebApi api(*node, crawls, static_cast<std::size_t>(std::max(1, args.maxRequests / 2)),
                             std::chrono::milliseconds(5000));

    Poco::Net::HTTPServer server(new rtk::example::WebHandlerFactory(api, files),
                                 rtk::poco::ServerSocket(node->listen("tcp", ":" + std::to_string(args.port))),
                                 serverParams(args.maxRequests));
    std::unique_ptr<Poco::Net::HTTPServer> local;
    if (args.localPort != 0) {
      local = std::make_unique<Poco::Net::HTTPServer>(
          new rtk::example::WebHandlerFactory(api, files),
          Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(args.localPort))),
          serverParams(args.maxRequests));
    }
    crawls.start();
    server.start();
    if (local) local->start();
    std::cout << "serving " << files.dir().string() << "\n";
    std::cout << "listening on http://[" << address << "]:" << args.port << "/" << std::endl;
    if (local) std::cout << "listening on http://127.0.0.1:" << args.localPort << "/" << std::endl;

    int sig = 0;
    sigwait(&stop, &sig);
    std::cerr << "http-example: signal " << sig << ", stopping\n";
    if (local) local->stopAll(true);
    server.stopAll(true);
    crawls.stop();
    node->close();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "http-example: " << e.what() << "\n";
    return 1;
  }
}
