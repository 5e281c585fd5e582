// The TLS module's entry point: TlsProvider on OpenSSL (TlsContext + TlsStream).
// Exported alone (the module's version script hides everything else).
#include <exception>
#include <span>
#include <type_traits>

#include "core/link/TlsProvider.hpp"
#include "core/link/tls/TlsContext.hpp"
#include "core/link/tls/TlsStream.hpp"

namespace rtk::core::link {
namespace {

class OpenSslTlsProvider final : public TlsProvider {
 public:
  explicit OpenSslTlsProvider(std::span<const std::uint8_t> seed) : context_(seed) {}

  std::unique_ptr<Stream> client(std::unique_ptr<Stream> inner, const std::string& sni) const override {
    return std::make_unique<TlsStream>(std::move(inner), context_.newClient(sni));
  }
  std::unique_ptr<Stream> server(std::unique_ptr<Stream> inner) const override {
    return std::make_unique<TlsStream>(std::move(inner), context_.newServer());
  }
  const std::string& certificatePem() const override { return context_.certificatePem(); }

 private:
  TlsContext context_;
};

}  // namespace
}  // namespace rtk::core::link

extern "C" __attribute__((visibility("default"))) rtk::core::link::TlsProvider* rtk_tls_make_provider_v1(
    const std::uint8_t* seed, std::size_t seedSize, std::string* error) noexcept {
  try {
    return new rtk::core::link::OpenSslTlsProvider(std::span<const std::uint8_t>(seed, seedSize));
  } catch (const std::exception& e) {
    if (error) *error = e.what();
  } catch (...) {
    if (error) *error = "unknown failure";
  }
  return nullptr;
}

static_assert(std::is_same_v<decltype(&rtk_tls_make_provider_v1), rtk::core::link::TlsProviderEntry>,
              "the entry must match the type the loader calls it through");
