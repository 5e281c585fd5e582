// Puts the calling thread into a network namespace for the life of the
// object, so an in-process node (rtk::Node, Core) can live in a test's
// namespace while the test itself runs in the root one.
//
// Linux keeps the network namespace per thread: sockets take the namespace
// of the thread that creates them, and new threads inherit their creator's.
// A node created inside the scope therefore opens its listeners and dials
// its peers (on threads it spawns there) inside the namespace, and keeps
// doing so after the scope ends. Threads created outside the scope (by the
// test) stay where they are.
//
//   { NetnsScope in(lab.addNetns("a")); node = rtk::Node::create(opts); }
//
// Errors: rtk::Error(Io) naming the namespace when it cannot be entered;
// the destructor returns to the previous namespace (failure is traced).
// Thread-safety: the object belongs to the thread that made it; do not
// spawn processes from the test thread inside the scope unless they are
// meant to run in the namespace.
#pragma once

#include "Netns.hpp"

namespace rtk::interop {

class NetnsScope {
 public:
  explicit NetnsScope(const Netns& netns);
  ~NetnsScope();
  NetnsScope(const NetnsScope&) = delete;
  NetnsScope& operator=(const NetnsScope&) = delete;

 private:
  int previous_ = -1;  // fd of the thread's namespace before entering
};

}  // namespace rtk::interop
