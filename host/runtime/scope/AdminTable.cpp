// The admin service table of one plugin scope (services/admin.h). The scope
// remembers the plugin's commands so they are removed before its stop().
#include <algorithm>
#include <cctype>

#include "ratatoskr/abi.hpp"
#include "runtime/scope/PluginScope.hpp"

namespace rtk::host {

using sdk::fromStr;
using sdk::guard;

namespace {

PluginScope& scopeOf(rtk_admin* a) noexcept { return *reinterpret_cast<PluginScope*>(a); }

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Calls release(ctx) when the node lets go of the last copy of the handler.
struct HandlerHold {
  HandlerHold(void* c, rtk_admin_release_fn r) : ctx(c), release(r) {}
  HandlerHold(const HandlerHold&) = delete;
  HandlerHold& operator=(const HandlerHold&) = delete;
  ~HandlerHold() {
    if (release) release(ctx);
  }
  void* ctx;
  rtk_admin_release_fn release;
};

struct AdminCalls {
  static rtk_status addHandler(rtk_admin* a, rtk_str name, rtk_str description, const rtk_str* fields,
                               std::size_t fieldCount, rtk_admin_handler_fn handler, void* ctx,
                               rtk_admin_release_fn release, rtk_sink* error) noexcept {
    std::shared_ptr<HandlerHold> hold;
    try {
      hold = std::make_shared<HandlerHold>(ctx, release);
    } catch (const std::bad_alloc&) {
      if (release) release(ctx);
      sdk::writeSink(error, "admin add_handler: out of memory");
      return RTK_ERR_UNKNOWN;
    }
    PluginScope& scope = scopeOf(a);
    return guard(error, [&] {
      if (!handler) throw Error(Errc::InvalidArgument, "admin add_handler: no handler function");
      std::string command = lowercase(fromStr(name));
      std::vector<std::string> names;
      for (std::size_t i = 0; i < fieldCount; ++i) names.emplace_back(fromStr(fields[i]));
      AdminInterface::AdminHandler fn = [hold, handler](std::string_view arguments) -> std::string {
        sdk::StringSink response, err;
        rtk_status status = handler(hold->ctx, sdk::toStr(arguments), response.get(), err.get());
        sdk::check(status, err, "admin handler");
        return response.take();
      };
      auto local = std::move(hold);  // the node's copies are the only owners from here
      scope.node().addAdminHandler(command, fromStr(description), std::move(names), std::move(fn));
      scope.addAdminCommand(command);
    });
  }
  static rtk_status removeHandler(rtk_admin* a, rtk_str name, rtk_sink* error) noexcept {
    PluginScope& scope = scopeOf(a);
    return guard(error, [&] {
      std::string command = lowercase(fromStr(name));
      if (!scope.removeAdminCommand(command))
        throw Error(Errc::NotFound, "admin remove_handler: \"" + scope.pluginName() + "\" has no command \"" + command + "\"");
      scope.node().removeAdminHandler(command);
    });
  }
};

}  // namespace

void fillAdminTable(rtk_admin_service& t, PluginScope* scope) {
  t.struct_size = sizeof(rtk_admin_service);
  t.admin = reinterpret_cast<rtk_admin*>(scope);
  t.add_handler = &AdminCalls::addHandler;
  t.remove_handler = &AdminCalls::removeHandler;
}

}  // namespace rtk::host
