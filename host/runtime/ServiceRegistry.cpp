#include "runtime/ServiceRegistry.hpp"

#include <cstring>

#include "ratatoskr/error.hpp"

namespace rtk::host {

bool ServiceRegistry::validId(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  auto slash = id.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == id.size()) return false;
  for (char c : id.substr(0, slash)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  for (char c : id.substr(slash + 1))
    if (c < '0' || c > '9') return false;
  return true;
}

void ServiceRegistry::add(std::string_view id, std::string_view provider, const void* table) {
  std::string what = "services: \"" + std::string(provider) + "\" providing \"" + std::string(id) + "\": ";
  if (!validId(id)) throw Error(Errc::InvalidArgument, what + "malformed service id (expected <name>/<major>)");
  if (!table) throw Error(Errc::InvalidArgument, what + "no table");
  std::uint32_t size = 0;
  std::memcpy(&size, table, sizeof size);
  if (size < sizeof(std::uint32_t)) {
    throw Error(Errc::InvalidArgument, what + "table size field is " + std::to_string(size) + ", smaller than the field itself");
  }
  std::lock_guard lock(mutex_);
  if (frozen()) throw Error(Errc::Closed, what + "the registry is frozen (components have started)");
  for (const auto& e : entries_)
    if (e.id == id && e.provider == provider) throw Error(Errc::AlreadyExists, what + "already registered");
  entries_.push_back(ServiceEntry{std::string(id), std::string(provider), table, size});
}

void ServiceRegistry::freeze() noexcept {
  // Taking the lock orders every earlier add() before the release store, so a
  // lock-free reader that sees frozen_ also sees all entries.
  std::lock_guard lock(mutex_);
  frozen_.store(true, std::memory_order_release);
}

const ServiceEntry* ServiceRegistry::findLocked(std::string_view id) const {
  for (const auto& e : entries_)
    if (e.id == id) return &e;
  return nullptr;
}

const ServiceEntry* ServiceRegistry::find(std::string_view id) const {
  if (frozen()) return findLocked(id);
  std::lock_guard lock(mutex_);
  return findLocked(id);
}

const void* ServiceRegistry::lookup(std::string_view id, std::uint32_t minSize) const {
  const ServiceEntry* e = find(id);
  if (!e || e->size < minSize) return nullptr;
  return e->table;
}

std::vector<const ServiceEntry*> ServiceRegistry::findAll(std::string_view id) const {
  std::vector<const ServiceEntry*> out;
  auto collect = [&] {
    for (const auto& e : entries_)
      if (e.id == id) out.push_back(&e);
  };
  if (frozen()) {
    collect();
  } else {
    std::lock_guard lock(mutex_);
    collect();
  }
  return out;
}

std::size_t ServiceRegistry::size() const {
  if (frozen()) return entries_.size();
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace rtk::host
