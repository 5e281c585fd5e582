// rtk_interop_relay: a recording TCP relay between two peered nodes.
//
//   rtk_interop_relay --listen <addr> <port> --connect <addr> <port> --out <dir>
//                     [--max-seconds N] [--delay-ms N]
//
// Accepts connections on --listen; for each, connects to --connect and copies
// bytes both ways unchanged, recording each direction with StreamRecorder as
// <dir>/conn<k>-c2s.* (from the dialing node, the client) and
// <dir>/conn<k>-s2c.* (from the listening node). <dir>/connections.txt gets
// one line per connection. Half-closes are forwarded. Stops on SIGTERM or
// SIGINT, or after --max-seconds (default 600), closing every connection.
// --delay-ms N holds every chunk (and a half-close) N ms before passing it
// on, in each direction: a link with N ms more latency each way (the kernel
// here has no netem). Chunks keep their order.
#include "StreamRecorder.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using rtk::interop::StreamRecorder;

std::atomic<bool> stopRequested{false};

extern "C" void onSignal(int) { stopRequested.store(true); }

struct Options {
  std::string listenAddress;
  int listenPort = 0;
  std::string connectAddress;
  int connectPort = 0;
  std::string outDir;
  int maxSeconds = 600;
  int delayMs = 0;
};

class ConnectionLog {
 public:
  explicit ConnectionLog(const std::string& path) : out_(path, std::ios::app) {}
  void line(const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex_);
    out_ << text << std::endl;
    std::cerr << "rtk_interop_relay: " << text << std::endl;
  }

 private:
  std::mutex mutex_;
  std::ofstream out_;
};

// Copies both directions of one connection until both are closed, an error
// occurs, or the relay stops.
void relay(int index, Poco::Net::StreamSocket client, const Options& options, ConnectionLog& log) {
  const std::string name = "conn" + std::to_string(index);
  Poco::Net::StreamSocket server;
  try {
    server.connect(Poco::Net::SocketAddress(options.connectAddress, static_cast<Poco::UInt16>(options.connectPort)),
                   Poco::Timespan(5, 0));
  } catch (const Poco::Exception& e) {
    log.line(name + " upstream connect failed: " + e.displayText());
    client.close();
    return;
  }
  client.setNoDelay(true);
  server.setNoDelay(true);
  StreamRecorder c2s(options.outDir + "/" + name + "-c2s");
  StreamRecorder s2c(options.outDir + "/" + name + "-s2c");
  using Clock = std::chrono::steady_clock;
  struct Held {
    Clock::time_point due;
    std::string bytes;  // empty: the half-close
  };
  struct Side {
    Poco::Net::StreamSocket* from;
    Poco::Net::StreamSocket* to;
    StreamRecorder* recorder;
    bool open;
    std::deque<Held> held;
  };
  Side sides[2] = {{&client, &server, &c2s, true, {}}, {&server, &client, &s2c, true, {}}};
  const auto delay = std::chrono::milliseconds(options.delayMs);
  std::vector<char> buffer(64 * 1024);
  std::string reason = "both sides closed";
  // Passes on what is due; returns the wait until the next held chunk (200 ms when none).
  auto flushDue = [&]() {
    auto wait = std::chrono::microseconds(200000);
    const auto now = Clock::now();
    for (auto& side : sides) {
      while (!side.held.empty() && side.held.front().due <= now) {
        const std::string& bytes = side.held.front().bytes;
        if (bytes.empty()) side.to->shutdownSend();
        else side.to->sendBytes(bytes.data(), static_cast<int>(bytes.size()));
        side.held.pop_front();
      }
      if (!side.held.empty())
        wait = std::min(wait, std::chrono::duration_cast<std::chrono::microseconds>(side.held.front().due - now));
    }
    return std::max(wait, std::chrono::microseconds(100));
  };
  try {
    while ((sides[0].open || sides[1].open || !sides[0].held.empty() || !sides[1].held.empty()) &&
           !stopRequested.load()) {
      const auto wait = flushDue();
      Poco::Net::Socket::SocketList readable;
      for (const auto& side : sides) {
        if (side.open) readable.push_back(*side.from);
      }
      Poco::Net::Socket::SocketList writable;
      Poco::Net::Socket::SocketList failed;
      if (readable.empty()) {
        std::this_thread::sleep_for(wait);
        continue;
      }
      if (Poco::Net::Socket::select(readable, writable, failed, Poco::Timespan(0, static_cast<long>(wait.count()))) == 0)
        continue;
      for (auto& side : sides) {
        if (!side.open) continue;
        bool ready = false;
        for (const auto& s : readable) ready = ready || s == *side.from;
        if (!ready) continue;
        const int n = side.from->receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
        if (n <= 0) {
          side.open = false;
          side.held.push_back({Clock::now() + delay, std::string()});
          continue;
        }
        side.recorder->record(buffer.data(), static_cast<std::size_t>(n));
        side.held.push_back({Clock::now() + delay, std::string(buffer.data(), static_cast<std::size_t>(n))});
      }
    }
    if (stopRequested.load()) reason = "relay stopping";
  } catch (const Poco::Exception& e) {
    reason = e.displayText();
  }
  client.close();
  server.close();
  log.line(name + " closed (" + reason + "): c2s " + std::to_string(c2s.bytes()) + " bytes, s2c " +
           std::to_string(s2c.bytes()) + " bytes");
}

int usage() {
  std::cerr << "usage: rtk_interop_relay --listen <addr> <port> --connect <addr> <port> --out <dir> "
               "[--max-seconds N] [--delay-ms N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto left = args.size() - i - 1;
    if (args[i] == "--listen" && left >= 2) {
      options.listenAddress = args[++i];
      options.listenPort = std::stoi(args[++i]);
    } else if (args[i] == "--connect" && left >= 2) {
      options.connectAddress = args[++i];
      options.connectPort = std::stoi(args[++i]);
    } else if (args[i] == "--out" && left >= 1) {
      options.outDir = args[++i];
    } else if (args[i] == "--max-seconds" && left >= 1) {
      options.maxSeconds = std::stoi(args[++i]);
    } else if (args[i] == "--delay-ms" && left >= 1) {
      options.delayMs = std::stoi(args[++i]);
    } else {
      return usage();
    }
  }
  if (options.listenAddress.empty() || options.connectAddress.empty() || options.outDir.empty()) return usage();

  struct sigaction action {};
  action.sa_handler = onSignal;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    std::filesystem::create_directories(options.outDir);
    ConnectionLog log(options.outDir + "/connections.txt");
    Poco::Net::ServerSocket listener;
    listener.bind(Poco::Net::SocketAddress(options.listenAddress, static_cast<Poco::UInt16>(options.listenPort)),
                  true);
    listener.listen(8);
    log.line("listening on [" + options.listenAddress + "]:" + std::to_string(options.listenPort) +
             ", relaying to [" + options.connectAddress + "]:" + std::to_string(options.connectPort));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.maxSeconds);
    std::vector<std::thread> threads;
    int next = 0;
    while (!stopRequested.load() && std::chrono::steady_clock::now() < deadline) {
      if (!listener.poll(Poco::Timespan(0, 200000), Poco::Net::Socket::SELECT_READ)) continue;
      Poco::Net::SocketAddress from;
      Poco::Net::StreamSocket client = listener.acceptConnection(from);
      const int index = next++;
      log.line("conn" + std::to_string(index) + " accepted from " + from.toString() + " at unix_ns " +
               std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count()));
      threads.emplace_back(relay, index, client, std::cref(options), std::ref(log));
    }
    stopRequested.store(true);
    for (auto& t : threads) t.join();
    log.line("stopped after " + std::to_string(next) + " connection(s)");
  } catch (const Poco::Exception& e) {
    std::cerr << "rtk_interop_relay: " << e.displayText() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "rtk_interop_relay: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
