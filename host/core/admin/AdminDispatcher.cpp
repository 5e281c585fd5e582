#include "core/admin/AdminDispatcher.hpp"

#include <algorithm>
#include <exception>
#include <optional>

#include "core/proto/Json.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::admin {

namespace json = proto::json;

namespace {

// The request as Go's AdminSocketRequest holds it after json.Unmarshal.
struct Request {
  std::string name;
  std::optional<json::Var> arguments;  // absent: {}
  bool keepAlive = false;
};

// ASCII case-insensitive equality (Go matches field names case-insensitively).
bool sameName(std::string_view a, std::string_view b) {
  return AdminDispatcher::lowercase(a) == AdminDispatcher::lowercase(b);
}

// {"status":…,"error":…,"request":{…},"response":…}, indented, with a
// trailing newline as Go's json.Encoder writes it. `request` null means the
// zero request Go echoes when nothing could be unmarshalled.
std::string reply(const Request* request, std::string_view error, const json::Var* response) {
  json::ObjectPtr echo = json::object();
  echo->set("request", request ? request->name : std::string());
  if (request) {
    echo->set("arguments", request->arguments ? *request->arguments : json::Var(json::object()));
    if (request->keepAlive) echo->set("keepalive", true);
  }
  json::ObjectPtr out = json::object();
  out->set("status", std::string(error.empty() ? "success" : "error"));
  if (!error.empty()) out->set("error", std::string(error));
  out->set("request", echo);
  out->set("response", response ? *response : json::Var());
  std::string text = json::writeIndented(out);
  text.push_back('\n');
  return text;
}

// The Calls objects whose handlers run on this thread right now (innermost
// last): removeHandler does not wait for those.
thread_local std::vector<const void*> callsOnThisThread;

}  // namespace

// Counts one call of an entry for as long as it lives; refuses to start
// (entered() false) once the entry has been removed.
class AdminDispatcher::CallGuard {
 public:
  explicit CallGuard(const std::shared_ptr<Calls>& calls) : calls_(calls) {
    std::lock_guard lock(calls_->mutex);
    if (calls_->removed) return;
    ++calls_->running;
    entered_ = true;
    callsOnThisThread.push_back(calls_.get());
  }
  ~CallGuard() {
    if (!entered_) return;
    callsOnThisThread.pop_back();
    std::lock_guard lock(calls_->mutex);
    --calls_->running;
    calls_->done.notify_all();
  }
  CallGuard(const CallGuard&) = delete;
  CallGuard& operator=(const CallGuard&) = delete;
  bool entered() const { return entered_; }

 private:
  std::shared_ptr<Calls> calls_;
  bool entered_ = false;
};

AdminDispatcher::AdminDispatcher(Log log) : log_(std::move(log)) {
  addBuiltin("list", "List available commands", {}, [this](std::string_view) { return list(); });
}

std::string AdminDispatcher::lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

void AdminDispatcher::addHandler(std::string_view name, std::string_view description, std::vector<std::string> fields,
                                 Handler handler) {
  add(name, description, std::move(fields), std::move(handler), false);
}

void AdminDispatcher::addBuiltin(std::string_view name, std::string_view description, std::vector<std::string> fields,
                                 Handler handler) {
  add(name, description, std::move(fields), std::move(handler), true);
}

void AdminDispatcher::add(std::string_view name, std::string_view description, std::vector<std::string> fields,
                          Handler handler, bool builtin) {
  if (name.empty()) throw Error(Errc::InvalidArgument, "admin: handler name is empty");
  if (!handler) throw Error(Errc::InvalidArgument, "admin: handler \"" + std::string(name) + "\" has no function");
  Entry e;
  e.description = std::string(description);
  e.fields = std::move(fields);
  e.handler = std::move(handler);
  e.builtin = builtin;
  auto entry = std::make_shared<const Entry>(std::move(e));
  std::lock_guard lock(mutex_);
  auto [it, inserted] = handlers_.emplace(lowercase(name), std::move(entry));
  if (!inserted) throw Error(Errc::AlreadyExists, "admin: handler already exists: " + it->first);
}

void AdminDispatcher::removeHandler(std::string_view name) {
  const std::string key = lowercase(name);
  std::shared_ptr<const Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto it = handlers_.find(key);
    if (it == handlers_.end()) throw Error(Errc::NotFound, "admin: remove " + key + ": no such added command");
    if (it->second->builtin) throw Error(Errc::NotFound, "admin: remove " + key + ": built-in commands cannot be removed");
    entry = it->second;
    handlers_.erase(it);
  }
  Calls& calls = *entry->calls;
  const auto mine = std::count(callsOnThisThread.begin(), callsOnThisThread.end(), &calls);
  std::unique_lock lock(calls.mutex);
  calls.removed = true;
  calls.done.wait(lock, [&] { return calls.running <= mine; });
  log_.debug(key, ": removed");
}

bool AdminDispatcher::hasHandler(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return handlers_.count(lowercase(name)) != 0;
}

std::vector<std::string> AdminDispatcher::commands() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, e] : handlers_) out.push_back(name);
  return out;
}

std::string AdminDispatcher::list() const {
  // admin.ListResponse: entries sorted by command; "fields" omitted when empty.
  json::ArrayPtr entries = json::array();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, e] : handlers_) {
      json::ObjectPtr entry = json::object();
      entry->set("command", name);
      entry->set("description", e->description);
      if (!e->fields.empty()) {
        json::ArrayPtr fields = json::array();
        for (const auto& f : e->fields) fields->add(f);
        entry->set("fields", fields);
      }
      entries->add(entry);
    }
  }
  json::ObjectPtr out = json::object();
  out->set("list", entries);
  return json::write(out);
}

std::string AdminDispatcher::failedToFindRequest(std::string_view detail) {
  std::string error = "Failed to find request";
  if (!detail.empty()) error.append(": ").append(detail);
  return reply(nullptr, error, nullptr);
}

namespace {

// A request value read as json.Unmarshal into AdminSocketRequest does:
// members matched case-insensitively, unknown ones ignored, null leaves a
// field alone, a wrong type fails the whole request (fields read so far
// stay set).
struct ParsedRequest {
  bool isJson = false;
  bool typeError = false;
  Request request;
};

ParsedRequest parseAdminRequest(std::string_view text) {
  ParsedRequest parsed;
  auto value = json::tryParse(text);
  if (!value) return parsed;
  parsed.isJson = true;
  Request& req = parsed.request;
  if (json::ObjectPtr o = json::asObject(*value)) {
    std::vector<std::string> names;
    o->getNames(names);
    for (const auto& key : names) {
      const json::Var member = o->get(key);
      if (sameName(key, "request")) {
        if (member.isString())
          req.name = member.extract<std::string>();
        else if (!member.isEmpty())
          parsed.typeError = true;
      } else if (sameName(key, "arguments")) {
        req.arguments = member;
      } else if (sameName(key, "keepalive")) {
        if (member.isBoolean())
          req.keepAlive = member.extract<bool>();
        else if (!member.isEmpty())
          parsed.typeError = true;
      }
    }
  } else if (!value->isEmpty()) {
    parsed.typeError = true;
  }
  return parsed;
}

}  // namespace

AdminDispatcher::Reply AdminDispatcher::refuse(std::string_view text, std::string_view error) {
  try {
    ParsedRequest parsed = parseAdminRequest(text);
    if (!parsed.isJson) return {failedToFindRequest(), false};
    if (parsed.typeError) return {reply(nullptr, "Failed to unmarshal request", nullptr), parsed.request.keepAlive};
    return {reply(&parsed.request, error, nullptr), parsed.request.keepAlive};
  } catch (const std::exception&) {
    return {failedToFindRequest(error), false};
  }
}

AdminDispatcher::Reply AdminDispatcher::handle(std::string_view text) const {
  ParsedRequest parsed = parseAdminRequest(text);
  if (!parsed.isJson) return {failedToFindRequest(), false};
  Request& req = parsed.request;
  if (parsed.typeError) return {reply(nullptr, "Failed to unmarshal request", nullptr), req.keepAlive};
  if (req.name.empty()) return {reply(&req, "No request specified", nullptr), req.keepAlive};

  const std::string name = lowercase(req.name);
  std::shared_ptr<const Entry> entry;
  {
    std::lock_guard lock(mutex_);
    if (auto it = handlers_.find(name); it != handlers_.end()) entry = it->second;
  }
  std::optional<CallGuard> call;
  if (entry) call.emplace(entry->calls);
  if (!entry || !call->entered())  // removed between the lookup and the call
    return {reply(&req, "Unknown action '" + name + "', try 'list' for help", nullptr), req.keepAlive};

  std::string error;
  std::optional<json::Var> response;
  try {
    const std::string arguments = req.arguments ? json::write(*req.arguments) : std::string("{}");
    std::string out = entry->handler(arguments);
    response = json::tryParse(out);
    if (!response) error = "Failed to marshal response: the handler returned invalid JSON";
  } catch (const Error& e) {
    error = e.what();
  } catch (const std::exception& e) {
    log_.warn(name, ": handler failed: ", e.what());
    error = e.what();
  } catch (...) {
    log_.error(name, ": handler threw something that is not a std::exception");
    error = "internal error";
  }
  if (!response && error.empty()) error = "unknown error";
  if (!error.empty()) return {reply(&req, error, nullptr), req.keepAlive};
  return {reply(&req, {}, &*response), req.keepAlive};
}

}  // namespace rtk::core::admin
