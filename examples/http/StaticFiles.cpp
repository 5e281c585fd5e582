#include "StaticFiles.hpp"

#include <fstream>
#include <sstream>

#include "ratatoskr/error.hpp"

namespace rtk::example {

namespace {

constexpr std::uintmax_t kMaxFileBytes = 1024 * 1024;

std::optional<std::string> contentTypeFor(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view ext = name.substr(dot);
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return std::nullopt;
}

bool plainName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path dir) : dir_(std::move(dir)) {
  if (!std::filesystem::is_regular_file(dir_ / "index.html"))
    throw Error(Errc::Config, "www directory " + dir_.string() + " has no index.html (give the UI's files with --www DIR)");
}

std::filesystem::path StaticFiles::locate(const std::string& wwwFlag, const char* argv0) {
  if (!wwwFlag.empty()) return wwwFlag;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const auto exe = ec ? std::filesystem::path(argv0) : self;
  return exe.parent_path() / "www";
}

std::optional<StaticFile> StaticFiles::read(std::string_view urlPath) const {
  if (urlPath.empty() || urlPath.front() != '/') return std::nullopt;
  const std::string_view name = urlPath == "/" ? std::string_view("index.html") : urlPath.substr(1);
  if (!plainName(name)) return std::nullopt;
  auto type = contentTypeFor(name);
  if (!type) return std::nullopt;
  const auto path = dir_ / std::string(name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || std::filesystem::file_size(path, ec) > kMaxFileBytes || ec)
    return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  return StaticFile{std::move(*type), body.str()};
}

}  // namespace rtk::example
