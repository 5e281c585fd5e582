#include "core/crypto/Pem.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

#include "core/crypto/Pkcs8.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::core::crypto {

// Named inside the anonymous namespace: a unity build compiles this file in
// one source with the other crypto files.
namespace {
namespace pem {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";
constexpr std::string_view kWantType = "PRIVATE KEY";
constexpr std::size_t kMaxFileBytes = 1 << 20;

[[noreturn]] void fail(std::string_view origin, std::string_view reason) {
  throw Error(Errc::Config, "crypto: " + std::string(origin) + ": " + std::string(reason));
}

// Heap bytes that may hold key material, wiped when dropped. Never resized,
// so no unwiped copy is left behind.
class SecretBuffer {
 public:
  explicit SecretBuffer(std::size_t size) : bytes_(new std::uint8_t[size]), size_(size) {}
  ~SecretBuffer() { sodium_memzero(bytes_.get(), size_); }
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;

  std::uint8_t* data() { return bytes_.get(); }
  std::size_t size() const { return size_; }
  void swap(SecretBuffer& other) noexcept {
    bytes_.swap(other.bytes_);
    std::swap(size_, other.size_);
  }

 private:
  std::unique_ptr<std::uint8_t[]> bytes_;
  std::size_t size_;
};

// Closes a file descriptor when the scope ends.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

// The line starting at `pos`, without its "\n" and trailing spaces, tabs and
// "\r"; `next` becomes the start of the following line.
std::string_view lineAt(std::string_view text, std::size_t pos, std::size_t& next) {
  std::size_t end = text.find('\n', pos);
  next = end == std::string_view::npos ? text.size() : end + 1;
  std::string_view line = text.substr(pos, (end == std::string_view::npos ? text.size() : end) - pos);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

bool isBeginLine(std::string_view line) {
  return line.size() >= kBegin.size() + kDashes.size() && line.starts_with(kBegin) && line.ends_with(kDashes);
}

// `text` for an error message: bytes outside printable ASCII as \xNN, so a
// NUL cannot cut the message short (what() is a C string) and a terminal
// shows no control bytes from the file.
std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static constexpr char kDigits[] = "0123456789abcdef";
      out += "\\x";
      out += kDigits[c >> 4];
      out += kDigits[c & 0x0f];
    }
  }
  return out;
}

struct PemBlock {
  std::string_view type;
  std::string_view body;  // base64 with its line breaks, headers left out
};

// The first complete block, as RFC 7468 lays it out: a BEGIN line at the start
// of a line, optional RFC 1421 "Key: value" headers, the body, and the END
// line of the same type. A BEGIN without its END is skipped, as is any text
// outside blocks. One pass: a body ends at the next BEGIN or END line.
std::optional<PemBlock> findBlock(std::string_view text) {
  std::size_t pos = 0, next = 0;
  while (pos < text.size()) {
    std::string_view line = lineAt(text, pos, next);
    pos = next;
    if (!isBeginLine(line)) continue;
    std::string_view type = line.substr(kBegin.size(), line.size() - kBegin.size() - kDashes.size());
    // RFC 1421 headers ("Proc-Type: ...") end at the first line without a colon.
    while (pos < text.size()) {
      line = lineAt(text, pos, next);
      if (line.starts_with(kDashes) || line.find(':') == std::string_view::npos) break;
      pos = next;
    }
    std::size_t bodyStart = pos;
    for (; pos < text.size(); pos = next) {
      line = lineAt(text, pos, next);
      if (isBeginLine(line)) break;
      if (!line.starts_with(kEnd)) continue;
      if (line.size() == kEnd.size() + type.size() + kDashes.size() && line.substr(kEnd.size(), type.size()) == type &&
          line.ends_with(kDashes))
        return PemBlock{type, text.substr(bodyStart, pos - bodyStart)};
      pos = next;
      break;
    }
  }
  return std::nullopt;
}

}  // namespace pem
}  // namespace

SigningKey parsePemPrivateKey(std::string_view pemText, std::string_view origin) {
  auto block = pem::findBlock(pemText);
  if (!block) pem::fail(origin, "failed to parse PEM file: no PEM block found");
  if (block->type != pem::kWantType)
    pem::fail(origin, "unexpected PEM type \"" + pem::printable(block->type) + "\" (want \"PRIVATE KEY\")");

  // libsodium would skip a NUL as if it were in the ignore set (it looks bytes up with strchr).
  const std::string_view body = block->body;
  pem::SecretBuffer der(body.size() / 4 * 3 + 3);
  std::size_t derSize = 0;
  if (body.find('\0') != std::string_view::npos ||
      sodium_base642bin(der.data(), der.size(), body.data(), body.size(), " \t\r\n", &derSize, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    pem::fail(origin, "failed to parse PEM file: invalid base64 in the PRIVATE KEY block");
  return decodePkcs8Ed25519(ByteView(der.data(), derSize), origin);
}

SigningKey loadPemPrivateKey(const std::string& path) {
  // Read with read(2), not a stream, so every copy of the file is ours to wipe.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) pem::fail(path, std::string("cannot open: ") + std::strerror(errno));
  pem::FdCloser closer{fd};
  pem::SecretBuffer text(4096);
  std::size_t used = 0;
  for (;;) {
    if (used == text.size()) {
      if (used >= pem::kMaxFileBytes) pem::fail(path, "file too large to be a PEM key (over 1 MiB)");
      pem::SecretBuffer bigger(used * 2);
      std::memcpy(bigger.data(), text.data(), used);
      text.swap(bigger);
    }
    const ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) pem::fail(path, std::string("cannot read: ") + std::strerror(errno));
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  return parsePemPrivateKey(std::string_view(reinterpret_cast<const char*>(text.data()), used), path);
}

std::string toPemPrivateKey(const SigningKey& key) {
  using pem::kBegin, pem::kDashes, pem::kEnd, pem::kWantType;
  std::array<std::uint8_t, kPkcs8Ed25519Size> der{};
  std::array<char, sodium_base64_ENCODED_LEN(der.size(), sodium_base64_VARIANT_ORIGINAL)> base64{};
  const std::size_t base64Chars = base64.size() - 1;  // without the NUL
  std::string out;
  // Reserved before the seed is copied: nothing below throws, so the wipes at
  // the end always run, and `out` never grows (which would free a copy unwiped).
  out.reserve(kBegin.size() + kEnd.size() + 2 * (kWantType.size() + kDashes.size() + 1) + base64Chars +
              (base64Chars + 63) / 64);
  encodePkcs8Ed25519(key, der);
  sodium_bin2base64(base64.data(), base64.size(), der.data(), der.size(), sodium_base64_VARIANT_ORIGINAL);

  const std::string_view lines(base64.data(), base64Chars);
  out.append(kBegin).append(kWantType).append(kDashes).append("\n");
  for (std::size_t pos = 0; pos < lines.size(); pos += 64) out.append(lines.substr(pos, 64)).append("\n");
  out.append(kEnd).append(kWantType).append(kDashes).append("\n");
  sodium_memzero(der.data(), der.size());
  sodium_memzero(base64.data(), base64.size());
  return out;
}

}  // namespace rtk::core::crypto
