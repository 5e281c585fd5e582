#include "NetnsScope.hpp"

#include "Trace.hpp"

#include <ratatoskr/error.hpp>

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rtk::interop {

NetnsScope::NetnsScope(const Netns& netns) {
  previous_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (previous_ < 0)
    throw Error(Errc::Io, std::string("interop: open /proc/thread-self/ns/net: ") + std::strerror(errno));
  const std::string path = "/run/netns/" + netns.name();
  const int target = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    const int e = errno;
    ::close(previous_);
    throw Error(Errc::Io, "interop: open " + path + ": " + std::strerror(e));
  }
  const int rc = ::setns(target, CLONE_NEWNET);
  const int e = errno;
  ::close(target);
  if (rc != 0) {
    ::close(previous_);
    throw Error(Errc::Io, "interop: setns into " + netns.name() + ": " + std::strerror(e));
  }
}

NetnsScope::~NetnsScope() {
  if (::setns(previous_, CLONE_NEWNET) != 0)
    trace(std::string("interop: NetnsScope: cannot return to the previous namespace: ") + std::strerror(errno));
  ::close(previous_);
}

}  // namespace rtk::interop
