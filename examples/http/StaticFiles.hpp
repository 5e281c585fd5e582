// StaticFiles — the web UI's files (HTML, CSS, JS) from one directory.
//
// Only plain names directly in the directory are served ("/" is
// index.html): [a-z0-9][a-z0-9._-]* with a known extension (.html .css .js
// .svg .png .ico .txt), at most 1 MiB; anything else is "not found", so no
// path can leave the directory.
// Thread-safety: read() from any thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace rtk::example {

struct StaticFile {
  std::string contentType;
  std::string body;
};

class StaticFiles {
 public:
  // Throws rtk::Error(Config) when `dir` has no index.html.
  explicit StaticFiles(std::filesystem::path dir);
  // The directory: --www when given, else "www" next to the executable.
  static std::filesystem::path locate(const std::string& wwwFlag, const char* argv0);

  std::optional<StaticFile> read(std::string_view urlPath) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace rtk::example
