// C++ helpers for the C ABI (abi.h), shared by plugins and the host.
//
// - rtk_status <-> rtk::Errc (one to one: status = Errc + 1),
// - rtk_str <-> std::string_view,
// - StringSink: an rtk_sink that collects output into a std::string,
// - guard(): runs C++ code inside a C trampoline, turning any exception into
//   a status plus a message, so nothing ever unwinds through C frames,
// - check(): the reverse, turning a failed status back into rtk::Error.
//
// Header-only; compiled into each side. Thread-safety: stateless functions;
// a StringSink is used by one call at a time.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "ratatoskr/abi.h"
#include "ratatoskr/error.hpp"

namespace rtk::sdk {

constexpr rtk_status toStatus(Errc code) noexcept { return static_cast<rtk_status>(code) + 1; }

constexpr Errc toErrc(rtk_status status) noexcept {
  if (status <= RTK_OK || status > RTK_ERR_WOULD_BLOCK) return Errc::Unknown;
  return static_cast<Errc>(status - 1);
}

static_assert(toStatus(Errc::Unknown) == RTK_ERR_UNKNOWN);
static_assert(toStatus(Errc::InvalidArgument) == RTK_ERR_INVALID_ARGUMENT);
static_assert(toStatus(Errc::NotSupported) == RTK_ERR_NOT_SUPPORTED);
static_assert(toStatus(Errc::AlreadyExists) == RTK_ERR_ALREADY_EXISTS);
static_assert(toStatus(Errc::NotFound) == RTK_ERR_NOT_FOUND);
static_assert(toStatus(Errc::Closed) == RTK_ERR_CLOSED);
static_assert(toStatus(Errc::Timeout) == RTK_ERR_TIMEOUT);
static_assert(toStatus(Errc::Cancelled) == RTK_ERR_CANCELLED);
static_assert(toStatus(Errc::Refused) == RTK_ERR_REFUSED);
static_assert(toStatus(Errc::Unreachable) == RTK_ERR_UNREACHABLE);
static_assert(toStatus(Errc::Reset) == RTK_ERR_RESET);
static_assert(toStatus(Errc::AddressInUse) == RTK_ERR_ADDRESS_IN_USE);
static_assert(toStatus(Errc::MessageTooLarge) == RTK_ERR_MESSAGE_TOO_LARGE);
static_assert(toStatus(Errc::Protocol) == RTK_ERR_PROTOCOL);
static_assert(toStatus(Errc::Io) == RTK_ERR_IO);
static_assert(toStatus(Errc::Config) == RTK_ERR_CONFIG);
static_assert(toStatus(Errc::Abi) == RTK_ERR_ABI);
static_assert(toErrc(RTK_ERR_ABI) == Errc::Abi);
static_assert(toStatus(Errc::WouldBlock) == RTK_ERR_WOULD_BLOCK);
static_assert(toErrc(RTK_ERR_WOULD_BLOCK) == Errc::WouldBlock);

// A plugin (and sigil) name: ^[a-z0-9._-]{3,32}$.
constexpr bool validPluginName(std::string_view name) noexcept {
  if (name.size() < 3 || name.size() > 32) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

inline rtk_str toStr(std::string_view s) noexcept { return rtk_str{s.data(), s.size()}; }
inline std::string_view fromStr(rtk_str s) noexcept {
  return s.data ? std::string_view(s.data, s.size) : std::string_view();
}

// Writes text to a sink; a NULL sink (or NULL write) discards it.
inline void writeSink(rtk_sink* sink, std::string_view text) noexcept {
  if (sink && sink->write && !text.empty()) sink->write(sink->ctx, text.data(), text.size());
}

// An rtk_sink appending to a string it owns. Not copyable or movable: the
// sink points at this object.
class StringSink {
 public:
  StringSink() noexcept : sink_{this, &StringSink::append} {}
  StringSink(const StringSink&) = delete;
  StringSink& operator=(const StringSink&) = delete;

  rtk_sink* get() noexcept { return &sink_; }
  const std::string& str() const noexcept { return text_; }
  std::string take() noexcept { return std::move(text_); }
  bool empty() const noexcept { return text_.empty(); }
  // True when an append failed (out of memory): str() is then incomplete.
  bool truncated() const noexcept { return truncated_; }

 private:
  static void append(void* ctx, const char* data, std::size_t size) {
    auto* self = static_cast<StringSink*>(ctx);
    try {
      self->text_.append(data, size);
    } catch (const std::bad_alloc&) {
      self->truncated_ = true;  // reported through truncated(); nothing may unwind into C
    }
  }

  rtk_sink sink_;
  std::string text_;
  bool truncated_ = false;
};

// Runs fn() and reports how it ended: RTK_OK, or the status of the exception
// it threw with its message written to `error`. For the bodies of extern "C"
// trampolines, which must never let an exception escape.
template <class F>
rtk_status guard(rtk_sink* error, F&& fn) noexcept {
  try {
    fn();
    return RTK_OK;
  } catch (const Error& e) {
    writeSink(error, e.what());
    return toStatus(e.code());
  } catch (const std::exception& e) {
    writeSink(error, e.what());
    return RTK_ERR_UNKNOWN;
  } catch (...) {
    writeSink(error, "unknown exception (not derived from std::exception)");
    return RTK_ERR_UNKNOWN;
  }
}

// Throws rtk::Error for a failed status, with the message the callee wrote
// (or "<context>: <code name>" when it wrote none).
inline void check(rtk_status status, const StringSink& error, std::string_view context) {
  if (status == RTK_OK) return;
  Errc code = toErrc(status);
  if (!error.empty()) throw Error(code, error.str());
  throw Error(code, std::string(context) + ": " + errcName(code));
}

}  // namespace rtk::sdk
