// rtk::sdk::AdminClient — the admin service table (services/admin.h): add
// and remove commands on the node's admin socket.
//
//   auto admin = rtk::sdk::AdminClient::fromHost(host);
//   admin->add("hello", "Say hello", {}, [](std::string_view args) { return R"({"hi":1})"; });
//
// The handler (rtk::AdminInterface::AdminHandler) receives the "arguments"
// object as JSON text and returns the "response" object as JSON text; an
// rtk::Error it throws answers the client with {"status":"error"}. It runs
// on the node's admin threads, concurrently with itself. The host removes a
// plugin's commands before its stop() runs, so a handler may capture `this`.
// Errors: rtk::Error with the provider's Errc and message. Header-only.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/node_interface.hpp"
#include "ratatoskr/plugin.hpp"
#include "ratatoskr/services/admin.h"

namespace rtk::sdk {

class AdminClient final {
 public:
  using Handler = AdminInterface::AdminHandler;

  explicit AdminClient(const rtk_admin_service& table) : t_(&table) {
    if (table.struct_size < RTK_ADMIN_SERVICE_SIZE_1_0) {
      throw Error(Errc::Abi, "admin service: table is " + std::to_string(table.struct_size) +
                                 " bytes, need at least " + std::to_string(RTK_ADMIN_SERVICE_SIZE_1_0));
    }
  }
  static std::unique_ptr<AdminClient> fromHost(const Host& host) {
    return std::make_unique<AdminClient>(
        host.requireService<rtk_admin_service>(RTK_ADMIN_SERVICE_ID, static_cast<std::uint32_t>(RTK_ADMIN_SERVICE_SIZE_1_0)));
  }

  // Registers `name` (case-insensitive); `fields` are the argument names the
  // admin "list" command shows. Errc::AlreadyExists when taken.
  void add(std::string_view name, std::string_view description, const std::vector<std::string>& fields, Handler handler) {
    std::vector<rtk_str> cfields;
    cfields.reserve(fields.size());
    for (const auto& f : fields) cfields.push_back(toStr(f));
    auto box = std::make_unique<Handler>(std::move(handler));
    StringSink err;
    // From here the host owns the box: it calls release() also on failure.
    rtk_status status = t_->add_handler(t_->admin, toStr(name), toStr(description), cfields.data(), cfields.size(),
                                        &call, box.release(), &release, err.get());
    check(status, err, "admin add");
  }
  // Removes a command this plugin added, waiting for calls in progress.
  // Errc::NotFound when there is none.
  void remove(std::string_view name) {
    StringSink err;
    check(t_->remove_handler(t_->admin, toStr(name), err.get()), err, "admin remove");
  }

 private:
  static rtk_status call(void* ctx, rtk_str arguments, rtk_sink* response, rtk_sink* error) noexcept {
    return guard(error, [&] { writeSink(response, (*static_cast<Handler*>(ctx))(fromStr(arguments))); });
  }
  static void release(void* ctx) noexcept { delete static_cast<Handler*>(ctx); }

  const rtk_admin_service* t_;
};

}  // namespace rtk::sdk
