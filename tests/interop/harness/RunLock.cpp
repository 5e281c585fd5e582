#include "RunLock.hpp"

#include <ratatoskr/error.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace rtk::interop {
namespace {

std::string randomRunId() {
  std::random_device device;
  static const char* digits = "0123456789abcdef";
  std::string id;
  for (std::size_t i = 0; i < RunLock::kRunIdLength; ++i) id += digits[device() % 16];
  return id;
}

}  // namespace

std::string RunLock::lockPath(const std::string& runId) {
  return std::string(kLockDir) + "/" + runId + ".lock";
}

RunLock::RunLock(const std::string& label) {
  std::error_code ec;
  std::filesystem::create_directories(kLockDir, ec);
  if (ec) throw Error(Errc::Io, std::string("interop: cannot create ") + kLockDir + ": " + ec.message());
  for (int attempt = 0; attempt < 16 && fd_ < 0; ++attempt) {
    const std::string id = randomRunId();
    const std::string finalPath = lockPath(id);
    if (std::filesystem::exists(finalPath, ec)) continue;
    const std::string tmpPath =
        std::string(kLockDir) + "/." + id + ".tmp" + std::to_string(::getpid());
    const int fd = ::open(tmpPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      ::unlink(tmpPath.c_str());
      continue;
    }
    const std::string note = "pid " + std::to_string(::getpid()) + " " + label + "\n";
    [[maybe_unused]] const auto n = ::write(fd, note.data(), note.size());
    // RENAME_NOREPLACE: two runs drawing the same id cannot both win.
    if (::renameat2(AT_FDCWD, tmpPath.c_str(), AT_FDCWD, finalPath.c_str(), RENAME_NOREPLACE) != 0) {
      ::close(fd);
      ::unlink(tmpPath.c_str());
      continue;
    }
    fd_ = fd;
    runId_ = id;
  }
  if (fd_ < 0) {
    throw Error(Errc::Io, std::string("interop: cannot create a run lock in ") + kLockDir + ": " +
                              std::strerror(errno));
  }
}

RunLock::~RunLock() {
  if (fd_ >= 0) {
    ::unlink(lockPath(runId_).c_str());
    ::close(fd_);
  }
}

std::string RunLock::netnsName(const std::string& shortName) const {
  return std::string(kNetnsPrefix) + runId_ + "-" + shortName;
}

std::optional<std::string> RunLock::runIdOf(const std::string& netnsName) {
  const std::string prefix(kNetnsPrefix);
  if (netnsName.size() < prefix.size() + kRunIdLength + 1 || netnsName.compare(0, prefix.size(), prefix) != 0 ||
      netnsName[prefix.size() + kRunIdLength] != '-') {
    return std::nullopt;
  }
  return netnsName.substr(prefix.size(), kRunIdLength);
}

}  // namespace rtk::interop
