// http-client: fetch a URL over Yggdrasil with Poco's HTTP client; every
// connection is dialled through an embedded node's userspace TCP stack (the
// C++ counterpart of Go's http.Transport{DialContext: node.DialContext}).
//
//   http-client [--peer URI]... [--key HEX] [--timeout SECONDS]
//               [--output FILE] [--sha256] http://[200:…]:port/path
//
// Waits (up to --timeout, default 30 s) for a peer to come up, then GETs the
// URL; the dial may take a while the first time (packets to a new key wait
// for a path lookup, and TCP retransmits its SYN) and is bounded by the same
// timeout. Writes the body to stdout or
// --output; with --sha256 prints "<sha256> <bytes>" instead. Exit status 0
// for a 2xx reply, 1 otherwise, 2 for bad usage.
#include <ratatoskr/node.hpp>
#include <ratatoskr/poco/net.hpp>

#include <Poco/DigestEngine.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/SHA2Engine.h>
#include <Poco/URI.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::vector<std::string> peers;
  std::string key, output, url;
  int timeoutS = 30;
  bool sha256 = false;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "http-client: " << why
            << "\nusage: http-client [--peer URI]... [--key HEX] [--timeout S] [--output FILE] [--sha256] URL\n";
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
    else if (opt == "--key") a.key = value();
    else if (opt == "--output") a.output = value();
    else if (opt == "--timeout") a.timeoutS = std::atoi(value().c_str());
    else if (opt == "--sha256") a.sha256 = true;
    else if (!opt.empty() && opt[0] == '-') usage("unknown option " + opt);
    else if (a.url.empty()) a.url = opt;
    else usage("one URL only");
  }
  if (a.url.empty()) usage("missing URL");
  if (a.timeoutS <= 0) usage("--timeout must be positive");
  return a;
}

// The body goes to `out` as it arrives; returns the byte count.
std::uint64_t copyBody(std::istream& in, std::ostream& out, Poco::SHA2Engine* digest) {
  std::vector<char> buf(64 * 1024);
  std::uint64_t total = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = in.gcount();
    if (n <= 0) break;
    if (digest) digest->update(buf.data(), static_cast<unsigned>(n));
    else out.write(buf.data(), n);
    total += static_cast<std::uint64_t>(n);
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  const Poco::URI uri(args.url);
  if (uri.getScheme() != "http") usage("only http:// URLs (TLS needs a real fd, see host/netstack/README.md)");
  const std::string address = "[" + uri.getHost() + "]:" + std::to_string(uri.getPort());
  const auto deadline = Clock::now() + std::chrono::seconds(args.timeoutS);
  try {
    rtk::NodeConfig config;
    config.privateKey = args.key;
    config.peers = args.peers;
    rtk::NodeOptions options;
    options.config = config;
    options.logger = std::make_shared<rtk::Logger>(rtk::Logger::stderrSink(), rtk::LogLevel::Warn);
    auto node = rtk::Node::create(options);

    // A node with peers is useless until one is up.
    while (!args.peers.empty()) {
      bool up = false;
      for (const auto& p : node->getPeers()) up = up || p.up;
      if (up) break;
      if (Clock::now() > deadline) throw rtk::Error(rtk::Errc::Timeout, "no peer came up");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }

    rtk::poco::Dialer dialer = [&](std::string_view net, std::string_view addr, const rtk::DialOptions& o) {
      rtk::DialOptions bounded = o;
      if (!bounded.deadline || *bounded.deadline > deadline) bounded.deadline = deadline;
      return node->dial(net, addr, bounded);
    };
    auto session = rtk::poco::httpClientSession(dialer, address);
    session->setTimeout(Poco::Timespan(args.timeoutS, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session->sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& body = session->receiveResponse(response);

    std::ofstream file;
    if (!args.output.empty()) file.open(args.output, std::ios::binary);
    std::ostream& out = args.output.empty() ? std::cout : file;
    Poco::SHA2Engine digest(Poco::SHA2Engine::SHA_256);
    const std::uint64_t bytes = copyBody(body, out, args.sha256 ? &digest : nullptr);
    if (args.sha256) std::cout << Poco::DigestEngine::digestToHex(digest.digest()) << " " << bytes << std::endl;
    std::cerr << "http-client: " << static_cast<int>(response.getStatus()) << " " << response.getReason() << ", "
              << bytes << " bytes from " << address << "\n";
    session->reset();
    node->close();
    return response.getStatus() / 100 == 2 ? 0 : 1;
  } catch (const Poco::Exception& e) {
    std::cerr << "http-client: " << args.url << ": " << e.displayText() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "http-client: " << args.url << ": " << e.what() << "\n";
  }
  return 1;
}
