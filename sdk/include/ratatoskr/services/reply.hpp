// Asynchronous replies (abi.h rtk_reply_fn) for C++ clients: a callback is
// boxed on the heap, its box travels through the C call as `ctx`, and the
// trampoline runs it exactly once and frees the box. An exception thrown by
// the callback is logged (it has nowhere else to go) and never unwinds into
// the host. Header-only.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/log.hpp"

namespace rtk::sdk {

// A reply as the C side delivers it: an error (status != RTK_OK, message in
// `error`) or a JSON result with a round-trip time.
struct RawReply {
  rtk_status status = RTK_OK;
  std::string_view json;
  std::chrono::nanoseconds rtt{0};
  std::string_view error;
  // The error as rtk::Error (status must not be RTK_OK).
  Error toError(std::string_view context) const {
    Errc code = toErrc(status);
    return Error(code, error.empty() ? std::string(context) + ": " + errcName(code) : std::string(error));
  }
};

class ReplyBox {
 public:
  using Callback = std::function<void(const RawReply&)>;

  // Boxes `callback`; pass the result of release() as ctx and &ReplyBox::deliver as the rtk_reply_fn.
  ReplyBox(Callback callback, Log log) : callback_(std::move(callback)), log_(std::move(log)) {}

  // Calls fn(ctx, done) with a fresh box; when fn fails (the reply will never
  // come) the box is freed here and the failure thrown as rtk::Error.
  template <class CallC>
  static void start(Callback callback, const Log& log, std::string_view context, CallC&& fn) {
    auto box = std::make_unique<ReplyBox>(std::move(callback), log);
    StringSink err;
    rtk_status status = fn(static_cast<void*>(box.get()), &ReplyBox::deliver, err.get());
    if (status != RTK_OK) check(status, err, context);  // the box dies with `box`
    (void)box.release();  // owned by the pending reply now
  }

  static void deliver(void* ctx, rtk_status status, rtk_str json, std::int64_t rttNs, rtk_str error) noexcept {
    std::unique_ptr<ReplyBox> box(static_cast<ReplyBox*>(ctx));
    try {
      box->callback_(RawReply{status, fromStr(json), std::chrono::nanoseconds(rttNs), fromStr(error)});
    } catch (const std::exception& e) {
      box->log_.error("an asynchronous reply's callback threw: ", e.what());
    } catch (...) {
      box->log_.error("an asynchronous reply's callback threw a non-standard exception");
    }
  }

 private:
  Callback callback_;
  Log log_;
};

}  // namespace rtk::sdk
