// rtk::poco::Dialer — how the Poco adapters open connections: a function
// with the signature of NetworkInterface::dial (the counterpart of Go's
// DialContext). dialerFor() makes one from any NetworkInterface.
// Header-only; the function must be safe to call from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "ratatoskr/net.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::poco {

using Dialer =
    std::function<std::unique_ptr<Conn>(std::string_view network, std::string_view address, const DialOptions& options)>;

// `network` must outlive every socket using the dialer.
inline Dialer dialerFor(NetworkInterface& network) {
  return [&network](std::string_view net, std::string_view address, const DialOptions& options) {
    return network.dial(net, address, options);
  };
}

}  // namespace rtk::poco
