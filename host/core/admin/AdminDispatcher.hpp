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
// Removal: removeHandler(name) takes a command added with addHandler out
// of the table and then waits for the calls of it still running (each call
// is counted in the entry it started with), so once it returns the handler
// is not running and is never called again; a request arriving meanwhile
// gets "Unknown action". Commands added with addBuiltin ("list", the
// BuiltinHandlers) cannot be removed: Errc::NotFound, as for a name that
// was never added. Called from inside an admin handler it works too (an
// "unloadPlugin" command removes the plugin's commands): it waits only for
// the other threads' calls, never for the calls running on its own thread —
// so a handler that removes itself finishes its current call, and is never
// called again. It deadlocks only if two handlers wait to remove each other.
//
// Thread-safety: addHandler, removeHandler and handle may be called from any
// thread, concurrently; handlers run on the thread that calls handle(), with
// no lock held (so a handler may register or remove another).
#pragma once

#include <condition_variable>
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
  // The same, for a command of the node itself: removeHandler refuses it.
  void addBuiltin(std::string_view name, std::string_view description, std::vector<std::string> fields,
                  Handler handler);
  // Removes a command added with addHandler and waits for its running calls
  // (see "Removal" above). Errc::NotFound for unknown and built-in names.
  void removeHandler(std::string_view name);
  bool hasHandler(std::string_view name) const;
  std::vector<std::string> commands() const;  // lowercased, sorted

  // Answers one request value (any bytes; invalid JSON gets "Failed to find
  // request"). Runs the handler on the calling thread.
  Reply handle(std::string_view request) const;

  // The reply when no request could be read from the stream; `detail` is
  // appended after ": " when not empty.
  static std::string failedToFindRequest(std::string_view detail = {});
  // The reply to `request` when it is not run (the server is busy): the
  // request echoed with `error`, as handle() words a handler's error, and
  // its keepalive; "Failed to find request" when it is not JSON.
  static Reply refuse(std::string_view request, std::string_view error);

  static std::string lowercase(std::string_view s);

 private:
  // The calls in progress of one entry.
  struct Calls {
    std::mutex mutex;
    std::condition_variable done;
    int running = 0;
    bool removed = false;  // no call starts once set
  };
  struct Entry {
    std::string description;
    std::vector<std::string> fields;
    Handler handler;
    bool builtin = false;
    std::shared_ptr<Calls> calls = std::make_shared<Calls>();
  };
  class CallGuard;
  void add(std::string_view name, std::string_view description, std::vector<std::string> fields, Handler handler,
           bool builtin);
  std::string list() const;

  Log log_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Entry>> handlers_;  // by lowercased name
};

}  // namespace rtk::core::admin
