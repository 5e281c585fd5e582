// LazyTlsProvider — the node's TlsProvider, made on the first TLS link.
//
// Why lazy: the provider lives in the TLS module (TlsProvider.hpp), whose
// OpenSSL maps about 1.7 MiB of libssl and libcrypto and makes a certificate
// and two SSL_CTXs (0.4 MiB of heap). A node whose links are all tcp, unix
// or socks never loads it, and its footprint does not pay for it.
//
// Thread-safety: get() may be called from any thread; the first caller
// loads the module and makes the provider, the others wait for it. If that
// fails, get() throws what loadTlsProvider threw (the link that asked fails
// with it) and the next call tries again.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "core/crypto/Ed25519.hpp"
#include "core/link/TlsModuleLoader.hpp"
#include "core/link/TlsProvider.hpp"

namespace rtk::core::link {

class LazyTlsProvider {
 public:
  // moduleFile: for tests of a missing module; see TlsModuleLoader.hpp.
  explicit LazyTlsProvider(crypto::SigningKey key, std::string moduleFile = kTlsModuleFile)
      : key_(std::move(key)), moduleFile_(std::move(moduleFile)) {}

  // A mutex, not std::call_once: libstdc++'s call_once is pthread_once,
  // which leaves the flag taken when the function throws (GCC PR 66146), so
  // a second TLS link after a failed load would wait forever.
  const TlsProvider& get() const {
    if (const TlsProvider* ready = ready_.load(std::memory_order_acquire)) return *ready;
    std::lock_guard lock(mutex_);
    if (!provider_) provider_ = loadTlsProvider(key_, moduleFile_);  // throws: the next call tries again
    ready_.store(provider_.get(), std::memory_order_release);
    return *provider_;
  }

  // True once get() has made the provider (for tests of the laziness).
  bool made() const { return ready_.load(std::memory_order_acquire) != nullptr; }

 private:
  const crypto::SigningKey key_;
  const std::string moduleFile_;
  mutable std::mutex mutex_;
  mutable std::unique_ptr<const TlsProvider> provider_;  // under mutex_
  mutable std::atomic<const TlsProvider*> ready_{nullptr};
};

}  // namespace rtk::core::link
