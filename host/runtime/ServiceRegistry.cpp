#include "runtime/ServiceRegistry.hpp"

#include <cstring>
#include <mutex>

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
  std::unique_lock lock(mutex_);
  for (const auto& e : entries_)
    if (e.id == id && e.provider == provider) throw Error(Errc::AlreadyExists, what + "already registered");
  entries_.push_back(ServiceEntry{std::string(id), std::string(provider), table, size});
}

std::size_t ServiceRegistry::removeProvider(std::string_view provider) {
  std::unique_lock lock(mutex_);
  return std::erase_if(entries_, [&](const ServiceEntry& e) { return e.provider == provider; });
}

std::optional<ServiceEntry> ServiceRegistry::find(std::string_view id) const {
  std::shared_lock lock(mutex_);
  for (const auto& e : entries_)
    if (e.id == id) return e;
  return std::nullopt;
}

const void* ServiceRegistry::lookup(std::string_view id, std::uint32_t minSize) const {
  auto e = find(id);
  if (!e || e->size < minSize) return nullptr;
  return e->table;
}

std::vector<ServiceEntry> ServiceRegistry::findAll(std::string_view id) const {
  std::shared_lock lock(mutex_);
  std::vector<ServiceEntry> out;
  for (const auto& e : entries_)
    if (e.id == id) out.push_back(e);
  return out;
}

std::vector<std::string> ServiceRegistry::providedBy(std::string_view provider) const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  for (const auto& e : entries_)
    if (e.provider == provider) out.push_back(e.id);
  return out;
}

std::size_t ServiceRegistry::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace rtk::host
