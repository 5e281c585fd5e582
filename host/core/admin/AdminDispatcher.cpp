#include "core/admin/AdminDispatcher.hpp"

#include <exception>
#include <optional>

#include "core/proto/JsonValue.hpp"
#include "core/proto/JsonWriter.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::admin {

using proto::JsonValue;
using proto::JsonWriter;

namespace {

// The request as Go's AdminSocketRequest holds it after json.Unmarshal.
struct Request {
  std::string name;
  std::optional<std::string_view> arguments;  // raw text; absent: "{}"
  bool keepAlive = false;
};

// Go's Encoder: marshal compactly, indent with two spaces, end with a newline.
std::string encode(std::string_view compact) {
  std::string out = JsonWriter::indent(compact);
  out.push_back('\n');
  return out;
}

// {"status":…,"error":…,"request":{…},"response":…}; `request` null means
// the zero request Go echoes when nothing could be unmarshalled.
std::string reply(const Request* request, std::string_view error, const std::string* response) {
  JsonWriter w;
  w.beginObject();
  w.key("status").string(error.empty() ? "success" : "error");
  if (!error.empty()) w.key("error").string(error);
  w.key("request").beginObject();
  w.key("request").string(request ? request->name : std::string());
  if (request) {
    w.key("arguments");
    w.raw(request->arguments.value_or("{}"));
    if (request->keepAlive) w.key("keepalive").boolean(true);
  }
  w.endObject();
  w.key("response");
  if (response) {
    w.raw(*response);
  } else {
    w.null();
  }
  w.endObject();
  return encode(w.text());
}

}  // namespace

AdminDispatcher::AdminDispatcher(Log log) : log_(std::move(log)) {
  addHandler("list", "List available commands", {}, [this](std::string_view) { return list(); });
}

std::string AdminDispatcher::lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

void AdminDispatcher::addHandler(std::string_view name, std::string_view description, std::vector<std::string> fields,
                                 Handler handler) {
  if (name.empty()) throw Error(Errc::InvalidArgument, "admin: handler name is empty");
  if (!handler) throw Error(Errc::InvalidArgument, "admin: handler \"" + std::string(name) + "\" has no function");
  auto entry = std::make_shared<const Entry>(Entry{std::string(description), std::move(fields), std::move(handler)});
  std::lock_guard lock(mutex_);
  auto [it, inserted] = handlers_.emplace(lowercase(name), std::move(entry));
  if (!inserted) throw Error(Errc::AlreadyExists, "admin: handler already exists: " + it->first);
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
  JsonWriter w;
  w.beginObject().key("list").beginArray();
  std::lock_guard lock(mutex_);
  for (const auto& [name, e] : handlers_) {
    w.beginObject();
    w.key("command").string(name);
    w.key("description").string(e->description);
    if (!e->fields.empty()) {
      w.key("fields").beginArray();
      for (const auto& f : e->fields) w.string(f);
      w.endArray();
    }
    w.endObject();
  }
  w.endArray().endObject();
  return w.take();
}

std::string AdminDispatcher::failedToFindRequest(std::string_view detail) {
  std::string error = "Failed to find request";
  if (!detail.empty()) error.append(": ").append(detail);
  return reply(nullptr, error, nullptr);
}

AdminDispatcher::Reply AdminDispatcher::handle(std::string_view text) const {
  auto value = JsonValue::parse(text);
  if (!value) return {failedToFindRequest(), false};

  Request req;
  bool typeError = false;
  if (value->kind() == JsonValue::Kind::Object) {
    for (const auto& [key, member] : value->members()) {
      const std::string folded = JsonValue::foldName(key);
      if (folded == "REQUEST") {
        if (member.kind() == JsonValue::Kind::String)
          req.name = member.string();
        else if (!member.isNull())
          typeError = true;
      } else if (folded == "ARGUMENTS") {
        req.arguments = member.raw();
      } else if (folded == "KEEPALIVE") {
        if (member.kind() == JsonValue::Kind::Bool)
          req.keepAlive = member.boolean();
        else if (!member.isNull())
          typeError = true;
      }
    }
  } else if (!value->isNull()) {
    typeError = true;
  }
  if (typeError) return {reply(nullptr, "Failed to unmarshal request", nullptr), req.keepAlive};
  if (req.name.empty()) return {reply(&req, "No request specified", nullptr), req.keepAlive};

  const std::string name = lowercase(req.name);
  std::shared_ptr<const Entry> entry;
  {
    std::lock_guard lock(mutex_);
    if (auto it = handlers_.find(name); it != handlers_.end()) entry = it->second;
  }
  if (!entry) return {reply(&req, "Unknown action '" + name + "', try 'list' for help", nullptr), req.keepAlive};

  std::string error;
  std::optional<std::string> response;
  try {
    std::string out = entry->handler(req.arguments.value_or("{}"));
    response = JsonWriter::compact(out);
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
