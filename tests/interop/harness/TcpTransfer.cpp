#include "TcpTransfer.hpp"

#include "Json.hpp"
#include "Tools.hpp"

#include <ratatoskr/error.hpp>

#include <fstream>
#include <sstream>

namespace rtk::interop {
namespace {

Poco::JSON::Object::Ptr lastJsonLine(const std::string& text, const std::string& context) {
  std::istringstream lines(text);
  std::string last;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.front() == '{') last = line;
  }
  return parseJsonObject(last, context);
}

}  // namespace

TransferResult tcpTransfer(const Netns& from, const Netns& to, const std::string& toAddress, int port,
                           std::uint64_t bytes, int timeoutMs, const std::filesystem::path& scratchDir) {
  const auto recvLog = scratchDir / ("xfer-recv-" + std::to_string(port) + ".log");
  std::error_code ec;
  std::filesystem::remove(recvLog, ec);
  Subprocess receiver =
      to.spawn({Tools::xfer(), "recv", toAddress, std::to_string(port), std::to_string(timeoutMs)},
               recvLog.string());
  const RunResult sent = from.run({Tools::xfer(), "send", toAddress, std::to_string(port),
                                   std::to_string(bytes), std::to_string(timeoutMs)},
                                  timeoutMs + 5000);
  const auto recvStatus = receiver.waitFor(sent.ok() ? 5000 : 0);
  if (!recvStatus) receiver.terminate(1000);
  std::ifstream in(recvLog);
  const std::string recvText((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string where = "interop: tcp transfer " + from.name() + " -> [" + toAddress + "]:" +
                            std::to_string(port) + " (" + std::to_string(bytes) + " bytes)";
  if (!sent.ok() || !recvStatus || !recvStatus->success()) {
    throw Error(Errc::Io, where + ": sender: " + sent.describe() + "; receiver (" +
                              (recvStatus ? recvStatus->describe() : std::string("still running")) +
                              "): " + recvText);
  }
  const auto s = lastJsonLine(sent.out, where + ": sender output");
  const auto r = lastJsonLine(recvText, where + ": receiver output");
  TransferResult result;
  result.bytesSent = s->getValue<Poco::UInt64>("bytes");
  result.sha256Sent = s->getValue<std::string>("sha256");
  result.seconds = s->getValue<double>("seconds");
  result.bytesReceived = r->getValue<Poco::UInt64>("bytes");
  result.sha256Received = r->getValue<std::string>("sha256");
  return result;
}

}  // namespace rtk::interop
