#include "core/wire/PortPath.hpp"

#include "core/wire/Uvarint.hpp"

namespace rtk::core::wire {

std::size_t pathSize(const PortPath& path) {
  std::size_t n = 1;  // the terminator
  for (auto port : path) n += uvarintSize(port);
  return n;
}

void appendPath(Bytes& out, const PortPath& path) {
  for (auto port : path) appendUvarint(out, port);
  out.push_back(0);
}

}  // namespace rtk::core::wire
