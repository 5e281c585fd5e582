// Progress lines of interop tests and tools, on stderr.
//
// Interop runs are slow and happen in namespaces nobody can see; a line per
// step ("n2: started pid 1234", "line3: tree complete after 2310 ms") is what
// makes a failed CI log readable. Test code only: the node library logs
// through rtk::Log.
// Thread-safety: any thread; lines are written whole.
#pragma once

#include <string>

namespace rtk::interop {

// Writes "[interop +12.345s] <line>\n" to stderr; the time counts from the
// first call in this process.
void trace(const std::string& line);

}  // namespace rtk::interop
