#include "Streams.hpp"

#include "Json.hpp"
#include "Tools.hpp"

#include <ratatoskr/error.hpp>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <vector>

namespace rtk::interop {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kChunk = 256 * 1024;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void fill(std::vector<char>& buf, std::size_t len, std::uint64_t& x) {
  for (std::size_t i = 0; i < len; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    for (std::size_t j = 0; j < 8 && i + j < len; ++j) buf[i + j] = static_cast<char>(x >> (8 * j));
  }
}

}  // namespace

std::string sha256Hex(const void* data, std::size_t size) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(data, static_cast<unsigned>(size));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

StreamDigest sendStream(Conn& conn, std::uint64_t bytes, std::uint64_t seed) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  std::vector<char> buf(kChunk);
  std::uint64_t x = seed | 1;
  const auto start = Clock::now();
  std::uint64_t left = bytes;
  while (left > 0) {
    const std::size_t len = left < kChunk ? static_cast<std::size_t>(left) : kChunk;
    fill(buf, len, x);
    engine.update(buf.data(), static_cast<unsigned>(len));
    conn.write(buf.data(), len);
    left -= len;
  }
  conn.closeWrite();
  return StreamDigest{bytes, Poco::DigestEngine::digestToHex(engine.digest()), since(start)};
}

StreamDigest receiveStream(Conn& conn) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  std::vector<char> buf(kChunk);
  const auto start = Clock::now();
  std::uint64_t total = 0;
  for (;;) {
    const std::size_t n = conn.read(buf.data(), buf.size());
    if (n == 0) break;
    engine.update(buf.data(), static_cast<unsigned>(n));
    total += n;
  }
  return StreamDigest{total, Poco::DigestEngine::digestToHex(engine.digest()), since(start)};
}

XferProcess XferProcess::receiver(const Netns& netns, const std::string& bindAddress, int port, int timeoutMs,
                                  const std::filesystem::path& log) {
  std::filesystem::remove(log);
  return XferProcess(netns.spawn({Tools::xfer(), "recv", bindAddress, std::to_string(port), std::to_string(timeoutMs)},
                                 log.string()),
                     log);
}

XferProcess XferProcess::sender(const Netns& netns, const std::string& address, int port, std::uint64_t bytes,
                                int timeoutMs, const std::filesystem::path& log) {
  std::filesystem::remove(log);
  return XferProcess(netns.spawn({Tools::xfer(), "send", address, std::to_string(port), std::to_string(bytes),
                                  std::to_string(timeoutMs)},
                                 log.string()),
                     log);
}

StreamDigest XferProcess::result(int timeoutMs) {
  const auto status = process_.waitFor(timeoutMs);
  std::ifstream in(log_);
  std::stringstream text;
  text << in.rdbuf();
  if (!status) throw Error(Errc::Timeout, "xfer did not finish in " + std::to_string(timeoutMs) + " ms: " + text.str());
  // The JSON line is the last line starting with '{'.
  std::string line, json;
  std::istringstream lines(text.str());
  while (std::getline(lines, line))
    if (!line.empty() && line[0] == '{') json = line;
  if (json.empty() || !status->success()) throw Error(Errc::Io, "xfer failed (" + status->describe() + "): " + text.str());
  const auto obj = parseJsonObject(json, "xfer output");
  if (obj->has("error")) throw Error(Errc::Io, "xfer: " + obj->getValue<std::string>("error"));
  StreamDigest d;
  d.bytes = obj->getValue<std::uint64_t>("bytes");
  d.sha256 = obj->getValue<std::string>("sha256");
  d.seconds = obj->optValue<double>("seconds", 0);
  return d;
}

}  // namespace rtk::interop
