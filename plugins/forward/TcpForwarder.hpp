// TcpForwarder — a LocalTCP or RemoteTCP mapping: the listener, its accept
// loop ("rtk-fwd-accept") and the relays it starts.
//
// LocalTCP listens on a host socket and dials the Yggdrasil destination;
// RemoteTCP listens on our Yggdrasil address and dials the host target,
// after checking the caller against the mapping's allow list (a refused
// caller's connection is closed at once and the log names its address and,
// when the node has a session with it, its key) and, when asked, sending a
// PROXY v2 header first.
//
// Admission as Go's: a connection is counted once accepted; over
// MaxTCPConnections (plugin-wide) it is closed at once, with a warning at
// most once a second. The dial happens on the relay's thread, so a slow
// dial never holds up the next accept. Accept errors: LoopErrors.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "Counters.hpp"
#include "ForwardContext.hpp"
#include "Forwarder.hpp"
#include "HostSocket.hpp"
#include "Mapping.hpp"
#include "ratatoskr/thread.hpp"
#include "TcpRelay.hpp"

namespace rtk::plugins::forward {

class TcpForwarder final : public Forwarder {
 public:
  // Listens at once; rtk::Error naming the mapping when it cannot.
  TcpForwarder(ForwardContext& context, Mapping mapping);
  ~TcpForwarder() override;

  void start() override;
  void stop() override;
  json::Value snapshot() const override;

 private:
  void acceptHostLoop();
  void acceptYggLoop();
  // The accepted connection, admitted or refused.
  void admit(std::unique_ptr<Stream> accepted, const std::string& from, TcpRelay::Dial dial);
  TcpRelay::Dial dialYggdrasil() const;
  TcpRelay::Dial dialHost(const Endpoint& caller) const;
  void finished(std::uint64_t id, const std::shared_ptr<TcpRelay>& relay);

  ForwardContext& ctx_;
  const Mapping mapping_;
  const std::string name_;
  Fd hostListener_;                      // LocalTCP
  std::unique_ptr<Listener> yggListener_;  // RemoteTCP
  Counters counters_;
  RateLimit overLimitWarning_, deniedWarning_, dialWarning_;
  Thread acceptThread_;

  mutable std::mutex mutex_;
  std::condition_variable allFinished_;
  std::map<std::uint64_t, std::shared_ptr<TcpRelay>> relays_;  // guarded
  std::uint64_t nextId_ = 1;                                     // guarded
};

}  // namespace rtk::plugins::forward
