// AdminClient — one request to a running node's admin socket, as
// yggdrasilctl sends it: {"request","arguments","keepalive":false}, then the
// reply read to the end of the connection.
//
// Endpoints as AdminListen and yggdrasilctl take them: "unix:///path",
// "tcp://host:port", or a bare "host:port" (TCP).
//
// Errors (rtk::Error): InvalidArgument for an endpoint of no known form or
// "none"; Io when it cannot connect or the connection fails (the message
// names the endpoint and the system's reason); Timeout when no complete reply
// comes within the timeout; Protocol for a reply that is not the admin
// protocol's JSON; Unknown carrying the node's own text for
// {"status":"error"} (what yggdrasilctl prints after "Admin socket returned
// an error:").
// Thread-safety: a value; call() from one thread at a time.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "ratatoskr/json.hpp"

namespace rtk::host::cli {

class AdminClient {
 public:
  AdminClient(std::string endpoint, std::chrono::milliseconds timeout)
      : endpoint_(std::move(endpoint)), timeout_(timeout) {}

  // The reply's "response" value.
  json::Value call(std::string_view request, const json::Value& arguments) const;
  const std::string& endpoint() const { return endpoint_; }

 private:
  int connectSocket() const;

  std::string endpoint_;
  std::chrono::milliseconds timeout_;
};

}  // namespace rtk::host::cli
