// LazyTlsContext — the node's TlsContext, made on first use.
//
// Why lazy: making the certificate and the SSL_CTXs initialises OpenSSL,
// which faults in about 2.3 MiB of libcrypto and 0.4 MiB of heap (smaps of
// an idle host). A node whose links are all tcp, unix or socks never needs
// it, and its idle footprint should not pay for it.
//
// Thread-safety: get() may be called from any thread; the first caller makes
// the context, the others wait for it. If making it fails, get() throws what
// TlsContext's constructor threw and the next call tries again.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "core/crypto/Ed25519.hpp"
#include "core/link/TlsContext.hpp"

namespace rtk::core::link {

class LazyTlsContext {
 public:
  explicit LazyTlsContext(crypto::SigningKey key) : key_(std::move(key)) {}

  const TlsContext& get() const {
    std::call_once(once_, [this] {
      context_ = std::make_unique<const TlsContext>(key_);
      made_.store(true, std::memory_order_release);
    });
    return *context_;
  }

  // True once get() has made the context (for tests of the laziness).
  bool made() const { return made_.load(std::memory_order_acquire); }

 private:
  const crypto::SigningKey key_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<const TlsContext> context_;
  mutable std::atomic<bool> made_{false};
};

}  // namespace rtk::core::link
