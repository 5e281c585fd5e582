// rtk::host::ServiceRegistry — typed, versioned services by id.
//
// A service is a C table (see sdk/include/ratatoskr/abi.h) whose first field
// is a uint32_t holding its size. Its id carries the major version
// ("ratatoskr.network/1"); minor versions only append fields, so a client
// asks for at least the size of the layout it was built against.
//
// The registry maps an id to its providers in registration order; the first
// is the active one, the one find() returns. Several providers of one id are
// allowed (every sigil provides "ratatoskr.sigil/1"); findAll() lists them.
// The core registers its services through add() exactly as plugins do.
//
// Lifecycle: a plain object owned by the runtime (no global instance).
// Providers are added when a plugin has loaded and removed (by provider
// name) when it fails or stops, also while the host runs: plugins can be
// loaded and unloaded at run time. Lookups are rare (a plugin looks its
// services up once, when it loads), never on a packet path, so they simply
// take a shared lock.
//
// Thread-safety: every function from any thread. Results are copies.
//
// Errors: add() throws rtk::Error — Errc::InvalidArgument for a malformed id,
// a null table or a table smaller than its size field; Errc::AlreadyExists
// when the same provider registers the same id twice.
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>


namespace rtk::host {

struct ServiceEntry {
  std::string id;        // "<name>/<major>"
  std::string provider;  // plugin name, or "core" for the node itself
  const void* table = nullptr;
  std::uint32_t size = 0;  // the table's own size field
};

class ServiceRegistry {
 public:
  ServiceRegistry() = default;
  ServiceRegistry(const ServiceRegistry&) = delete;
  ServiceRegistry& operator=(const ServiceRegistry&) = delete;

  // ^[a-z0-9._-]+/[0-9]+$, at most 128 characters.
  static bool validId(std::string_view id) noexcept;

  void add(std::string_view id, std::string_view provider, const void* table);
  // Removes every service `provider` registered; returns how many.
  std::size_t removeProvider(std::string_view provider);

  // The active provider of `id`.
  std::optional<ServiceEntry> find(std::string_view id) const;
  // The active provider's table when it is at least minSize bytes, else nullptr.
  const void* lookup(std::string_view id, std::uint32_t minSize) const;
  template <class Table>
  const Table* get(std::string_view id, std::uint32_t minSize = sizeof(Table)) const {
    return static_cast<const Table*>(lookup(id, minSize));
  }
  // Every provider of `id`, in registration order.
  std::vector<ServiceEntry> findAll(std::string_view id) const;
  // The ids `provider` registered.
  std::vector<std::string> providedBy(std::string_view provider) const;
  std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  std::vector<ServiceEntry> entries_;
};

}  // namespace rtk::host
