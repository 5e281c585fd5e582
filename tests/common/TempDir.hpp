// A private temporary directory (mode 0700 under $TMPDIR or /tmp), removed
// with its contents when the object goes. Shared by every test suite.
// Thread-safety: const members from any thread.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace rtk::test {

class TempDir {
 public:
  // `tag` names the directory, "rtk-<tag>-XXXXXX", so a leftover says who
  // made it. Throws std::runtime_error if it cannot be created.
  explicit TempDir(std::string_view tag = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The path of `name` inside the directory (not created).
  std::string file(std::string_view name) const;
  // Writes `text` to `name` inside the directory and returns its path.
  std::string write(std::string_view name, std::string_view text) const;

 private:
  std::string path_;
};

}  // namespace rtk::test
