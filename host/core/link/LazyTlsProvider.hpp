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

  const TlsProvider& get() const {
    std::call_once(once_, [this] {
      provider_ = loadTlsProvider(key_, moduleFile_);
      made_.store(true, std::memory_order_release);
    });
    return *provider_;
  }

  // True once get() has made the provider (for tests of the laziness).
  bool made() const { return made_.load(std::memory_order_acquire); }

 private:
  const crypto::SigningKey key_;
  const std::string moduleFile_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<const TlsProvider> provider_;
  mutable std::atomic<bool> made_{false};
};

}  // namespace rtk::core::link
