// rtk_interop_xfer: one bounded TCP transfer with a SHA-256 of each side's
// bytes, so a test can prove a stream crossed the overlay intact.
//
//   rtk_interop_xfer recv <bind-address> <port> <timeout-ms>
//   rtk_interop_xfer send <address> <port> <bytes> <timeout-ms> [seed]
//
// recv accepts one connection and reads to EOF; send connects (retrying
// every 100 ms until the deadline, the receiver may still be starting),
// writes <bytes> of a seeded pseudo-random stream, half-closes and waits
// for the receiver to close. Each prints one JSON line on stdout:
//   {"role":"send","bytes":20971520,"sha256":"...","seconds":1.23}
// and exits 0, or prints {"role":..,"error":"..."} and exits 1. Everything
// is bounded by <timeout-ms>; <bytes> by 4 GiB.
#include <Poco/DigestEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/SHA2Engine.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kMaxBytes = 4ull << 30;
constexpr std::size_t kChunkBytes = 64 * 1024;

class Deadline {
 public:
  explicit Deadline(long timeoutMs) : end_(Clock::now() + std::chrono::milliseconds(timeoutMs)) {}
  // Remaining time, at least 1 ms; throws once the deadline passed.
  Poco::Timespan remaining(const char* what) const {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(end_ - Clock::now()).count();
    if (left <= 0) throw std::runtime_error(std::string("deadline passed while ") + what);
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(left < 1000 ? 1000 : left));
  }

 private:
  Clock::time_point end_;
};

// splitmix64: a fixed, seedable byte stream (both ends can regenerate it).
class ByteStream {
 public:
  explicit ByteStream(std::uint64_t seed) : state_(seed) {}
  void fill(unsigned char* out, std::size_t n) {
    for (std::size_t i = 0; i < n; i += 8) {
      std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      z ^= z >> 31;
      for (std::size_t k = 0; k < 8 && i + k < n; ++k) out[i + k] = static_cast<unsigned char>(z >> (8 * k));
    }
  }

 private:
  std::uint64_t state_;
};

void printLine(const Poco::JSON::Object& line) {
  Poco::JSON::Stringifier::stringify(line, std::cout);
  std::cout << std::endl;
}

void report(const std::string& role, std::uint64_t bytes, Poco::SHA2Engine& sha, Clock::time_point start) {
  Poco::JSON::Object line;
  line.set("role", role);
  line.set("bytes", static_cast<Poco::UInt64>(bytes));
  line.set("sha256", Poco::DigestEngine::digestToHex(sha.digest()));
  line.set("seconds", std::chrono::duration<double>(Clock::now() - start).count());
  printLine(line);
}

int fail(const std::string& role, const std::string& message) {
  Poco::JSON::Object line;
  line.set("role", role);
  line.set("error", message);
  printLine(line);
  std::cerr << "rtk_interop_xfer " << role << ": " << message << "\n";
  return 1;
}

int receive(const std::string& bindAddress, int port, long timeoutMs) {
  const Deadline deadline(timeoutMs);
  Poco::Net::ServerSocket server;
  server.bind(Poco::Net::SocketAddress(bindAddress, static_cast<Poco::UInt16>(port)), true);
  server.listen(1);
  if (!server.poll(deadline.remaining("waiting for the sender"), Poco::Net::Socket::SELECT_READ)) {
    throw std::runtime_error("no connection before the deadline");
  }
  Poco::Net::StreamSocket peer = server.acceptConnection();
  const auto start = Clock::now();
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  std::vector<unsigned char> buffer(kChunkBytes);
  std::uint64_t total = 0;
  for (;;) {
    peer.setReceiveTimeout(deadline.remaining("receiving"));
    const int n = peer.receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
    if (n <= 0) break;
    sha.update(buffer.data(), static_cast<unsigned>(n));
    total += static_cast<std::uint64_t>(n);
    if (total > kMaxBytes) throw std::runtime_error("more than 4 GiB received");
  }
  peer.close();
  report("recv", total, sha, start);
  return 0;
}

int send(const std::string& address, int port, std::uint64_t bytes, long timeoutMs, std::uint64_t seed) {
  if (bytes > kMaxBytes) throw std::runtime_error("at most 4 GiB per transfer");
  const Deadline deadline(timeoutMs);
  const Poco::Net::SocketAddress target(address, static_cast<Poco::UInt16>(port));
  Poco::Net::StreamSocket socket;
  for (;;) {
    try {
      socket = Poco::Net::StreamSocket();
      socket.connect(target, deadline.remaining("connecting"));
      break;
    } catch (const Poco::TimeoutException&) {
      deadline.remaining("connecting");
    } catch (const Poco::IOException&) {
      // Refused or unreachable while the receiver or the route comes up.
      deadline.remaining("connecting");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  const auto start = Clock::now();
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  ByteStream stream(seed);
  std::vector<unsigned char> buffer(kChunkBytes);
  std::uint64_t sent = 0;
  while (sent < bytes) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), bytes - sent));
    stream.fill(buffer.data(), n);
    sha.update(buffer.data(), static_cast<unsigned>(n));
    std::size_t off = 0;
    while (off < n) {
      socket.setSendTimeout(deadline.remaining("sending"));
      const int w = socket.sendBytes(buffer.data() + off, static_cast<int>(n - off));
      if (w <= 0) throw std::runtime_error("send failed");
      off += static_cast<std::size_t>(w);
    }
    sent += n;
  }
  socket.shutdownSend();
  // The receiver closes after reading EOF: only then did everything arrive.
  for (;;) {
    socket.setReceiveTimeout(deadline.remaining("waiting for the receiver to close"));
    if (socket.receiveBytes(buffer.data(), static_cast<int>(buffer.size())) <= 0) break;
  }
  socket.close();
  report("send", sent, sha, start);
  return 0;
}

int usage() {
  std::cerr << "usage: rtk_interop_xfer recv <bind-address> <port> <timeout-ms>\n"
               "       rtk_interop_xfer send <address> <port> <bytes> <timeout-ms> [seed]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage();
  const std::string& role = args[0];
  try {
    if (role == "recv" && args.size() == 4) {
      return receive(args[1], std::stoi(args[2]), std::stol(args[3]));
    }
    if (role == "send" && (args.size() == 5 || args.size() == 6)) {
      return send(args[1], std::stoi(args[2]), std::stoull(args[3]), std::stol(args[4]),
                  args.size() == 6 ? std::stoull(args[5]) : 1);
    }
    return usage();
  } catch (const Poco::Exception& e) {
    return fail(role, e.displayText());
  } catch (const std::exception& e) {
    return fail(role, e.what());
  }
}
