#include "common/ProcessCounters.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace rtk::test {

namespace {
std::string procDir(pid_t pid, const char* leaf) { return "/proc/" + std::to_string(pid) + "/" + leaf; }

std::size_t entries(const std::string& dir) {
  std::size_t n = 0;
  std::error_code ec;
  // A thread or fd may go away while we read: skip it, keep counting.
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec))
    ++n;
  return n;
}
}  // namespace

std::size_t threadCount(pid_t pid) { return entries(procDir(pid, "task")); }

std::size_t settledThreadCount(pid_t pid) {
  using namespace std::chrono;
  const auto give_up = steady_clock::now() + seconds(5);
  std::size_t last = threadCount(pid);
  auto stableSince = steady_clock::now();
  while (steady_clock::now() < give_up) {
    std::this_thread::sleep_for(milliseconds(10));
    std::size_t now = threadCount(pid);
    if (now != last) {
      last = now;
      stableSince = steady_clock::now();
    } else if (steady_clock::now() - stableSince >= milliseconds(100)) {
      break;
    }
  }
  return last;
}

std::size_t fdCount(pid_t pid) { return entries(procDir(pid, "fd")); }

std::vector<std::string> threadNames(pid_t pid) {
  std::vector<std::string> names;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(procDir(pid, "task"), ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::ifstream comm(it->path() / "comm");
    std::string name;
    if (std::getline(comm, name)) names.push_back(name);
  }
  return names;
}

std::size_t threadsNamed(std::string_view prefix) {
  const auto names = threadNames();
  return static_cast<std::size_t>(
      std::count_if(names.begin(), names.end(), [&](const std::string& n) { return n.starts_with(prefix); }));
}

}  // namespace rtk::test
