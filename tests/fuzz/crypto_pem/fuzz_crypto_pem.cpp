// Fuzzes the PEM / PKCS#8 private key parser, which reads files named by the
// configuration. Each input is tried as PEM text, as the same text with
// "\r\n" line ends, and as DER inside a "PRIVATE KEY" block (so mutations
// reach the DER reader without having to keep the base64 valid). Any input
// must parse or throw rtk::Error(Errc::Config) with one of the documented
// reasons; a parsed key must encode and parse again to the same key.
#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "core/crypto/Pem.hpp"
#include "ratatoskr/error.hpp"

namespace {

using rtk::core::crypto::SigningKey;

enum class Input { Pem, Der };

// The key, or nothing after an error that must be one the header documents.
// The message is kept so two parses can be compared.
std::optional<SigningKey> parse(std::string_view text, Input input, std::string& message) {
  try {
    return rtk::core::crypto::parsePemPrivateKey(text, "fuzz");
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Config) std::abort();
    message = e.what();
    constexpr std::string_view kPrefix = "crypto: fuzz: ";
    if (!message.starts_with(kPrefix)) std::abort();
    const std::string_view reason = std::string_view(message).substr(kPrefix.size());
    const bool der = reason.starts_with("failed to unmarshal PKCS#8 key: ") ||
                     reason.starts_with("private key must be an ed25519 key, got ");
    const bool pem = reason == "failed to parse PEM file: no PEM block found" ||
                     reason == "failed to parse PEM file: invalid base64 in the PRIVATE KEY block" ||
                     (reason.starts_with("unexpected PEM type \"") && reason.ends_with("\" (want \"PRIVATE KEY\")"));
    if (!der && !(input == Input::Pem && pem)) std::abort();
    return std::nullopt;
  }
}

// A parsed key encodes to Go's 119-byte text, which parses to the same key.
void checkRoundTrip(const SigningKey& key) {
  const std::string pem = rtk::core::crypto::toPemPrivateKey(key);
  if (pem.size() != 119) std::abort();
  if (rtk::core::crypto::parsePemPrivateKey(pem, "again").secret() != key.secret()) std::abort();
}

std::string withCrlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::string derInPem(const std::uint8_t* data, std::size_t size) {
  std::string b64(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  b64.pop_back();
  std::string out = "-----BEGIN PRIVATE KEY-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END PRIVATE KEY-----\n";
}

// Go's 48-byte encoding of an Ed25519 key starts with these bytes; the seed follows.
constexpr std::uint8_t kGoPrefix[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                      0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::string message, crlfMessage;
  auto key = parse(text, Input::Pem, message);
  if (key) {
    if (text.find("-----BEGIN PRIVATE KEY-----") == std::string_view::npos) std::abort();
    checkRoundTrip(*key);
  }
  // Line ends do not change the outcome.
  auto crlfKey = parse(withCrlf(text), Input::Pem, crlfMessage);
  if (key.has_value() != crlfKey.has_value() || crlfMessage != message) std::abort();
  if (key && key->secret() != crlfKey->secret()) std::abort();

  message.clear();
  auto derKey = parse(derInPem(data, size), Input::Der, message);
  if (derKey) checkRoundTrip(*derKey);
  // Go's own encoding always parses, to the seed it carries.
  if (size >= sizeof(kGoPrefix) + 32 && std::memcmp(data, kGoPrefix, sizeof(kGoPrefix)) == 0) {
    if (!derKey || std::memcmp(derKey->seed().data(), data + sizeof(kGoPrefix), 32) != 0) std::abort();
  }
  return 0;
}
