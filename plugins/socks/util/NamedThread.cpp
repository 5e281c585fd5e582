#include "util/NamedThread.hpp"

#include <pthread.h>

#include <system_error>

#include "ratatoskr/error.hpp"

namespace rtk::plugins::socks {

void NamedThread::start(std::string name, std::function<void()> body) {
  if (name.empty() || name.size() > 15 || name.rfind("rtk-", 0) != 0)
    throw Error(Errc::InvalidArgument, "socks: thread name \"" + name + "\" is not rtk-<role> within 15 characters");
  if (thread_.joinable()) throw Error(Errc::InvalidArgument, "socks: thread " + name_ + " started twice");
  name_ = std::move(name);
  try {
    thread_ = std::thread([n = name_, body = std::move(body)] {
      ::pthread_setname_np(::pthread_self(), n.c_str());
      body();
    });
  } catch (const std::system_error& e) {
    throw Error(Errc::Io, "socks: cannot start thread " + name_ + ": " + e.what());
  }
}

void NamedThread::join() {
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id())
    throw Error(Errc::InvalidArgument, "socks: thread " + name_ + " cannot join itself");
  thread_.join();
}

}  // namespace rtk::plugins::socks
