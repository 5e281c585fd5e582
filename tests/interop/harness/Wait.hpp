// Condition waits with deadlines for interop tests.
//
// Real nodes converge on their own schedule (dial backoff, tree announcements,
// path lookups); tests poll the admin socket instead of sleeping a guessed
// time. Polling every 100 ms is the harness' accepted cost; the node library
// itself never sleep-polls.
// Thread-safety: any thread.
#pragma once

#include <functional>
#include <string>

namespace rtk::interop {

// Calls ready() every pollMs until it returns true; returns the elapsed
// milliseconds. An exception from ready() counts as "not yet" and its message
// is kept. After timeoutMs throws rtk::Error(Timeout):
//   "interop: <what> not reached within <t> ms (last error: ...)".
long waitUntil(const std::string& what, int timeoutMs, const std::function<bool()>& ready,
               int pollMs = 100);

}  // namespace rtk::interop
