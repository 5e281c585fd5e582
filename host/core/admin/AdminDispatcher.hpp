// AdminDispatcher — the admin protocol yggdrasilctl speaks, without the
// sockets (yggdrasil admin/admin.go, handleRequest).
//
// A request is one JSON value:
//   {"request": "<name>", "arguments": {…}, "keepalive": true}
// and each gets one reply, indented by two spaces with a trailing newline:
//   {"status": "success", "request": {…}, "response": {…}}
//   {"status": "error", "error": "…", "request": {…}, "response": null}
// Field names, JSON types and shapes are the real node's; the text is
// Poco::JSON's (parsed by Poco::JSON::Parser, written by its Stringifier),
// so spacing, escaping and number spelling may differ from Go's while
// meaning the same. "request" echoes the parsed request ("arguments"
// defaults to {}, "keepalive" only when true). Names are case-insensitive.
// Errors, with the real node's texts:
//   "Failed to find request"        the text is not JSON (the connection is
//                                   then closed)
//   "Failed to unmarshal request"   the value is not a request object
//                                   ("request" not a string, "keepalive" not
//                                   a bool, or not an object at all)
//   "No request specified"
//   "Unknown action '<name>', try 'list' for help"
//   a handler's own message (the rtk::Error text it threw)
// As with Go's decoder, a request that fails to unmarshal still keeps the
// connection open when it carried "keepalive": true.
//
// Handlers: AdminInterface::AdminHandler — the "arguments" value in (as
// compact JSON text written by Poco, "{}" when absent), the "response" JSON
// text out; throwing rtk::Error answers with its message. "list" is built in.
//
// Thread-safety: addHandler and handle may be called from any thread,
// concurrently; handlers run on the thread that calls handle(), with no lock
// held (so a handler may register another).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/log.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::core::admin {

class AdminDispatcher {
 public:
  using Handler = AdminInterface::AdminHandler;

  struct Reply {
    std::string text;        // the whole reply, newline included
    bool keepAlive = false;  // read another request on this connection
  };

  explicit AdminDispatcher(Log log = {});

  // Errc::AlreadyExists when the name (case-insensitively) is taken;
  // Errc::InvalidArgument for an empty name or handler.
  void addHandler(std::string_view name, std::string_view description, std::vector<std::string> fields,
                  Handler handler);
  bool hasHandler(std::string_view name) const;
  std::vector<std::string> commands() const;  // lowercased, sorted

  // Answers one request value (any bytes; invalid JSON gets "Failed to find
  // request"). Runs the handler on the calling thread.
  Reply handle(std::string_view request) const;

  // The reply when no request could be read from the stream; `detail` is
  // appended after ": " when not empty.
  static std::string failedToFindRequest(std::string_view detail = {});

  static std::string lowercase(std::string_view s);

 private:
  struct Entry {
    std::string description;
    std::vector<std::string> fields;
    Handler handler;
  };
  std::string list() const;

  Log log_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Entry>> handlers_;  // by lowercased name
};

}  // namespace rtk::core::admin
