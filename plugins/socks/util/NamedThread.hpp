// NamedThread — how the socks plugin owns a thread: named before its body
// runs ("rtk-<role>[-n]", at most 15 characters, visible in
// /proc/<pid>/task/*/comm), joined exactly once (join() or the destructor),
// never detached. The plugin's counterpart of the host's core::Thread,
// which plugins do not link.
// Thread-safety: start/join from the owner's thread; join() from the thread
// itself is a bug and throws rtk::Error(InvalidArgument).
#pragma once

#include <functional>
#include <string>
#include <thread>

namespace rtk::plugins::socks {

class NamedThread {
 public:
  NamedThread() = default;
  ~NamedThread() { join(); }
  NamedThread(const NamedThread&) = delete;
  NamedThread& operator=(const NamedThread&) = delete;

  // Errc::InvalidArgument for a bad name, Errc::Io when the system refuses
  // a thread (the body then never runs).
  void start(std::string name, std::function<void()> body);
  void join();
  bool joinable() const noexcept { return thread_.joinable(); }
  const std::string& name() const noexcept { return name_; }

 private:
  std::string name_;
  std::thread thread_;
};

}  // namespace rtk::plugins::socks
