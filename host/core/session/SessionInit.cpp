#include "core/session/SessionInit.hpp"

#include <algorithm>
#include <array>

#include "ratatoskr/error.hpp"

namespace rtk::core::session {

namespace {

constexpr std::size_t kSignedSize = 3 * crypto::kBoxPublicKeySize + 8 + 8;           // 112
constexpr std::size_t kPayloadSize = kEd25519SignatureSize + kSignedSize - crypto::kBoxPublicKeySize;  // 144

void putBe64(std::uint8_t* out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
}
std::uint64_t getBe64(const std::uint8_t* in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | in[i];
  return v;
}

// ephemeral | current | next | keySeq | seq: what the signature covers.
std::array<std::uint8_t, kSignedSize> signedBytes(const crypto::BoxPublicKey& ephemeral, const SessionInit& init) {
  std::array<std::uint8_t, kSignedSize> out{};
  auto* p = out.data();
  p = std::copy(ephemeral.bytes.begin(), ephemeral.bytes.end(), p);
  p = std::copy(init.current.bytes.begin(), init.current.bytes.end(), p);
  p = std::copy(init.next.bytes.begin(), init.next.bytes.end(), p);
  putBe64(p, init.keySeq);
  putBe64(p + 8, init.seq);
  return out;
}

}  // namespace

static_assert(kSessionInitSize == 1 + crypto::kBoxPublicKeySize + crypto::kBoxOverhead + kPayloadSize);

Bytes SessionInit::encode(SessionPacketType type, const crypto::SigningKey& sender,
                          const crypto::BoxPublicKey& receiverBox, const crypto::BoxKeyPair& ephemeral) const {
  if (type != SessionPacketType::Init && type != SessionPacketType::Ack)
    throw Error(Errc::InvalidArgument, "sessions: an init is encoded as type init or ack");
  auto toSign = signedBytes(ephemeral.publicKey, *this);
  auto sig = sender.sign(ByteView(toSign.data(), toSign.size()));
  std::array<std::uint8_t, kPayloadSize> payload{};
  std::copy(sig.begin(), sig.end(), payload.begin());
  std::copy(toSign.begin() + crypto::kBoxPublicKeySize, toSign.end(), payload.begin() + sig.size());

  Bytes out;
  out.reserve(kSessionInitSize);
  out.push_back(static_cast<std::uint8_t>(type));
  out.insert(out.end(), ephemeral.publicKey.bytes.begin(), ephemeral.publicKey.bytes.end());
  crypto::boxSeal(out, ByteView(payload.data(), payload.size()), 0,
                  crypto::boxPrecompute(receiverBox, ephemeral.secretKey));
  return out;
}

std::optional<SessionInit> SessionInit::decode(ByteView packet, const crypto::BoxSecretKey& ourBoxSecret,
                                               const PublicKey& sender) {
  if (packet.size() != kSessionInitSize) return std::nullopt;
  crypto::BoxPublicKey ephemeral;
  std::copy_n(packet.begin() + 1, ephemeral.bytes.size(), ephemeral.bytes.begin());
  Bytes payload;
  payload.reserve(kPayloadSize);
  if (!crypto::boxOpen(payload, packet.subspan(1 + ephemeral.bytes.size()), 0,
                       crypto::boxPrecompute(ephemeral, ourBoxSecret)))
    return std::nullopt;
  // The box was exactly kPayloadSize + tag bytes, so the plaintext is kPayloadSize.
  crypto::Signature sig{};
  std::copy_n(payload.begin(), sig.size(), sig.begin());
  const std::uint8_t* body = payload.data() + sig.size();
  SessionInit init;
  std::copy_n(body, init.current.bytes.size(), init.current.bytes.begin());
  std::copy_n(body + 32, init.next.bytes.size(), init.next.bytes.begin());
  init.keySeq = getBe64(body + 64);
  init.seq = getBe64(body + 72);
  if (!crypto::verify(sender, ByteView(signedBytes(ephemeral, init)), sig)) return std::nullopt;
  return init;
}

}  // namespace rtk::core::session
