#include "RealAndOurs.hpp"

#include "Ping.hpp"
#include "Trace.hpp"
#include "Transport.hpp"
#include "Wait.hpp"

#include <algorithm>

namespace rtk::interop {

long waitPingable(const Netns& from, const std::string& address, int timeoutMs) {
  return waitUntil("ping6 " + address + " from " + from.name(), timeoutMs, [&] {
    return ping6(from, address, PingOptions{1, 2000, 0.2, 56}).allReceived();
  }, 200);
}

RealAndOurs::RealAndOurs(Lab& lab, RealAndOursOptions options) {
  realNs_ = &lab.addNetns("r");
  ourNs_ = &lab.addNetns("o");
  veth_ = &lab.connect(*realNs_, *ourNs_, options.vethMtu);
  if (options.prepareLink) options.prepareLink(*realNs_, *ourNs_, *veth_);

  NodeSpec rs;
  rs.name = "real";
  rs.listen = {transportUri(Transport::Tcp, veth_->a().ipv6, defaultPort(Transport::Tcp))};
  if (options.customizeReal) options.customizeReal(rs);
  real_ = &lab.addRealNode(rs, *realNs_);
  real_->start();

  InProcessSpec os;
  os.name = "ours";
  os.peers = {transportUri(Transport::Tcp, veth_->a().ipv6, defaultPort(Transport::Tcp))};
  if (options.customizeOurs) options.customizeOurs(os);
  ours_ = std::make_unique<InProcessNode>(lab, *ourNs_, os);

  const std::string ourKey = ours_->publicKeyHex();
  const long peered = waitUntil("real node peered with ours", 30000, [&] {
    const auto keys = real_->ctl().upPeerKeys();
    return std::find(keys.begin(), keys.end(), ourKey) != keys.end();
  });
  const long reach = waitPingable(*realNs_, ours_->address(), 30000);
  trace("real+ours: peered after " + std::to_string(peered) + " ms, ping6 reaches ours after " +
        std::to_string(reach) + " ms more");
}

}  // namespace rtk::interop
