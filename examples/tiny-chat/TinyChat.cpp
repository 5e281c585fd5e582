// tiny-chat: two terminals chat over Yggdrasil, each with its own embedded
// node; the lines travel as one TCP stream through the node's userspace
// stack, so each arrives once and in order.
//
//   tiny-chat [--peer URI]... [--key HEX] [--listen URI]... [--port 7777]
//             [--timeout SECONDS] [WHO]
//
// Without WHO it waits for one chat on [<its address>]:port; with WHO (an
// address "200:…", "<key>.pk.ygg" or a bare 64-hex-digit key) it dials
// [WHO]:port once a peer is up (within --timeout, default 30 s). Either way
// it prints on stderr "tiny-chat: this node is <address> (<key>.pk.ygg)",
// then copies stdin to the other side and the other side's text to stdout.
// End of input (Ctrl-D) ends our half; the program exits 0 once the other
// side has ended too, 130 on Ctrl-C or SIGTERM, 1 on a failure, 2 on bad
// usage.
#include "ChatSession.hpp"
#include "ChatTarget.hpp"

#include <ratatoskr/address.hpp>
#include <ratatoskr/node.hpp>
#include <ratatoskr/thread.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::vector<std::string> peers, listen;
  std::string key, who;
  int port = 7777;
  int timeoutS = 30;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "tiny-chat: " << why
            << "\nusage: tiny-chat [--peer URI]... [--key HEX] [--listen URI]... [--port N] [--timeout S] [WHO]\n"
               "  WHO: an address (200::/7), <64 hex digits>.pk.ygg or a 64-hex-digit key; none: wait for a chat\n";
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
    else if (opt == "--port") a.port = std::atoi(value().c_str());
    else if (opt == "--timeout") a.timeoutS = std::atoi(value().c_str());
    else if (!opt.empty() && opt[0] == '-') usage("unknown option " + opt);
    else if (a.who.empty()) a.who = opt;
    else usage("one WHO only");
  }
  if (a.port <= 0 || a.port > 65535) usage("--port must be 1..65535");
  if (a.timeoutS <= 0) usage("--timeout must be positive");
  return a;
}

// SIGINT and SIGTERM, taken by sigwait on a thread of their own (they are
// blocked everywhere else), cancel one token. SIGUSR1 ends that thread when
// nothing came.
class StopSignals {
 public:
  StopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGUSR1);
    thread_.start("rtk-chat-signal", [this] {
      int sig = 0;
      sigwait(&set_, &sig);
      if (sig != SIGUSR1) source_.cancel();
      ended_ = true;
    });
  }
  ~StopSignals() {
    if (!ended_) ::kill(::getpid(), SIGUSR1);
    thread_.join();
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Call before any thread starts: the threads inherit the mask.
  static void blockInThisThread() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }
  rtk::CancelToken token() const { return source_.token(); }

 private:
  sigset_t set_;
  rtk::CancelSource source_;
  std::atomic<bool> ended_{false};
  rtk::Thread thread_;
};

// Waits for a chat on [address]:port; null when interrupted.
std::shared_ptr<rtk::Conn> acceptOne(rtk::Node& node, int port, const rtk::CancelToken& interrupt) {
  std::shared_ptr<rtk::Listener> listener = node.listen("tcp", ":" + std::to_string(port));
  const auto onInterrupt = interrupt.onCancel([listener] { listener->close(); });
  std::cerr << "tiny-chat: waiting for a chat on [" << rtk::formatAddress(node.address()) << "]:" << port << std::endl;
  try {
    std::shared_ptr<rtk::Conn> conn = listener->accept();
    listener->close();
    return conn;
  } catch (const rtk::Error& e) {
    if (interrupt.cancelled()) return nullptr;
    throw;
  }
}

// Dials `target` once a peer is up; null when interrupted.
std::shared_ptr<rtk::Conn> dialOnce(rtk::Node& node, const Args& args, const std::string& target,
                                    const rtk::CancelToken& interrupt) {
  const auto deadline = Clock::now() + std::chrono::seconds(args.timeoutS);
  while (!args.peers.empty() && !interrupt.cancelled()) {
    bool up = false;
    for (const auto& p : node.getPeers()) up = up || p.up;
    if (up) break;
    if (Clock::now() > deadline) throw rtk::Error(rtk::Errc::Timeout, "no peer came up in " + std::to_string(args.timeoutS) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (interrupt.cancelled()) return nullptr;
  std::cerr << "tiny-chat: calling " << target << std::endl;
  rtk::DialOptions options;
  options.deadline = deadline;
  options.cancel = interrupt;
  try {
    return node.dial("tcp", target, options);
  } catch (const rtk::Error& e) {
    if (e.code() == rtk::Errc::Cancelled) return nullptr;
    throw rtk::Error(e.code(), target + ": " + e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  std::string target;
  try {
    if (!args.who.empty()) target = tinychat::dialAddress(args.who, static_cast<std::uint16_t>(args.port));
  } catch (const rtk::Error& e) {
    usage(e.what());
  }
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is an error to report, not a reason to die
  StopSignals::blockInThisThread();
  StopSignals signals;
  const rtk::CancelToken interrupt = signals.token();
  try {
    rtk::NodeConfig config;
    config.privateKey = args.key;
    config.peers = args.peers;
    config.listen = args.listen;
    rtk::NodeOptions options;
    options.config = config;
    options.logger = std::make_shared<rtk::Logger>(rtk::Logger::stderrSink(), rtk::LogLevel::Warn);
    auto node = rtk::Node::create(options);
    std::cerr << "tiny-chat: this node is " << rtk::formatAddress(node->address()) << " ("
              << rtk::address::pkYggName(node->publicKey()) << ")" << std::endl;

    auto conn = target.empty() ? acceptOne(*node, args.port, interrupt) : dialOnce(*node, args, target, interrupt);
    if (!conn) {
      std::cerr << "tiny-chat: interrupted\n";
      node->close();
      return static_cast<int>(tinychat::ChatEnd::Interrupted);
    }
    std::cerr << "tiny-chat: connected to " << rtk::formatEndpoint(conn->remoteEndpoint()) << std::endl;
    const tinychat::ChatEnd end = tinychat::runChat(conn, interrupt);
    node->close();
    return static_cast<int>(end);
  } catch (const std::exception& e) {
    std::cerr << "tiny-chat: " << e.what() << "\n";
    return 1;
  }
}
