#include "core/session/Session.hpp"

#include <algorithm>

#include "core/session/SessionWire.hpp"
#include "core/session/TrafficHeader.hpp"

namespace rtk::core::session {

Session::Session(const PublicKey& remote, const crypto::BoxPublicKey& current, const crypto::BoxPublicKey& next,
                 std::uint64_t initSeq, KeySource keys, Clock::duration rotationGuard, Clock::time_point now)
    : remote_(remote),
      keys_(std::move(keys)),
      rotationGuard_(rotationGuard),
      seq_(initSeq - 1),  // wraps for seq 0 exactly as Go's uint64 does
      current_(current),
      next_(next),
      since_(now),
      lastActivity_(now) {
  recv_ = keys_();
  send_ = keys_();
  nextPair_ = keys_();
  fixShared(0, 0);
}

void Session::adoptPendingKeys(const crypto::BoxKeyPair& current, const crypto::BoxKeyPair& next) {
  send_ = current;
  nextPair_ = next;
  fixShared(0, 0);
}

void Session::fixShared(std::uint64_t recvNonce, std::uint64_t sendNonce) {
  recvShared_ = crypto::boxPrecompute(current_, recv_.secretKey);
  sendShared_ = crypto::boxPrecompute(current_, send_.secretKey);
  nextSendShared_ = crypto::boxPrecompute(next_, send_.secretKey);
  nextRecvShared_ = crypto::boxPrecompute(next_, recv_.secretKey);
  nextSendNonce_ = 0;
  nextRecvNonce_ = 0;
  recvNonce_ = recvNonce;
  sendNonce_ = sendNonce;
}

void Session::advanceOwnKeys() {
  recv_ = send_;
  send_ = nextPair_;
  nextPair_ = keys_();
  ++localKeySeq_;
}

bool Session::rotationAllowed(Clock::time_point now) const { return !rotated_ || now - *rotated_ > rotationGuard_; }

bool Session::update(const SessionInit& init, Clock::time_point now) {
  if (init.seq <= seq_) return false;
  current_ = init.current;
  next_ = init.next;
  seq_ = init.seq;
  remoteKeySeq_ = init.keySeq;
  advanceOwnKeys();
  // The send nonce never goes back, even under new keys.
  fixShared(0, sendNonce_);
  lastActivity_ = now;
  return true;
}

SessionInit Session::makeInit(std::uint64_t unixSeconds) const {
  SessionInit init;
  init.current = send_.publicKey;
  init.next = nextPair_.publicKey;
  init.keySeq = localKeySeq_;
  init.seq = unixSeconds;
  return init;
}

OffsetBytes Session::seal(OffsetBytes message, Clock::time_point now) {
  if (++sendNonce_ == 0) {
    advanceOwnKeys();
    fixShared(0, 0);
  }
  const std::size_t messageSize = message.size();
  header_.clear();
  TrafficHeader{localKeySeq_, remoteKeySeq_, sendNonce_}.encode(header_);
  constexpr std::size_t kKeySize = crypto::kBoxPublicKeySize;
  std::uint8_t* packet = message.extendFront(header_.size() + crypto::kBoxOverhead + kKeySize);
  std::copy(header_.begin(), header_.end(), packet);
  std::uint8_t* tag = packet + header_.size();
  std::uint8_t* body = tag + crypto::kBoxOverhead;
  // The remote learns our next key from inside the box, so traffic we later
  // send under it is recognised as ours.
  std::copy(nextPair_.publicKey.bytes.begin(), nextPair_.publicKey.bytes.end(), body);
  crypto::boxSealInPlace(std::span<std::uint8_t, crypto::kBoxOverhead>(tag, crypto::kBoxOverhead),
                         std::span<std::uint8_t>(body, kKeySize + messageSize), sendNonce_, sendShared_);
  tx_ += messageSize;
  lastActivity_ = now;
  return message;
}

Session::Received Session::open(Bytes packet, Clock::time_point now) {
  Received result;
  auto decoded = TrafficHeader::decode(ByteView(packet));
  if (!decoded) return result;
  // The header is the sender's view: its localKeySeq is our remoteKeySeq.
  const std::uint64_t theirKeySeq = decoded->header.localKeySeq;
  const std::uint64_t ourKeySeq = decoded->header.remoteKeySeq;
  const std::uint64_t nonce = decoded->header.nonce;
  const bool fromCurrent = theirKeySeq == remoteKeySeq_;
  const bool fromNext = theirKeySeq == remoteKeySeq_ + 1;
  const bool toRecv = ourKeySeq + 1 == localKeySeq_;
  const bool toSend = ourKeySeq == localKeySeq_;

  enum class Case { Current, NextToSend, NextToRecv } which;
  const crypto::BoxSharedKey* key = nullptr;
  if (fromCurrent && toRecv) {
    if (!(recvNonce_ < nonce)) return result;
    which = Case::Current;
    key = &recvShared_;
  } else if (fromNext && toSend) {
    // The remote ratcheted forward after our last update reached it.
    if (!(nextSendNonce_ < nonce)) return result;
    which = Case::NextToSend;
    key = &nextSendShared_;
  } else if (fromNext && toRecv) {
    // The remote ratcheted forward before it saw our last update.
    if (!(nextRecvNonce_ < nonce)) return result;
    which = Case::NextToRecv;
    key = &nextRecvShared_;
  } else {
    result.outcome = Outcome::Resync;
    return result;
  }

  const std::size_t tagAt = decoded->size;
  if (packet.size() - tagAt < crypto::kBoxOverhead) {
    // Too short to hold a tag: Go's box.Open fails, so this is a failed decryption.
    result.outcome = Outcome::Resync;
    return result;
  }
  const std::size_t bodyAt = tagAt + crypto::kBoxOverhead;
  if (!crypto::boxOpenInPlace(
          std::span<const std::uint8_t, crypto::kBoxOverhead>(packet.data() + tagAt, crypto::kBoxOverhead),
          std::span<std::uint8_t>(packet.data() + bodyAt, packet.size() - bodyAt), nonce, *key)) {
    // Keys out of sync (e.g. the remote restarted): an init repairs it.
    result.outcome = Outcome::Resync;
    return result;
  }
  if (packet.size() - bodyAt < crypto::kBoxPublicKeySize) {
    // Authentic but too short to carry the sender's next key. Go would panic
    // slicing it; we drop it and change nothing.
    return result;
  }
  crypto::BoxPublicKey innerKey;
  std::copy_n(packet.begin() + static_cast<std::ptrdiff_t>(bodyAt), innerKey.bytes.size(), innerKey.bytes.begin());
  const std::size_t messageAt = bodyAt + crypto::kBoxPublicKeySize;

  switch (which) {
    case Case::Current:
      recvNonce_ = nonce;
      break;
    case Case::NextToSend:
    case Case::NextToRecv:
      (which == Case::NextToSend ? nextSendNonce_ : nextRecvNonce_) = nonce;
      if (rotationAllowed(now)) {
        current_ = next_;
        next_ = innerKey;
        ++remoteKeySeq_;
        advanceOwnKeys();
        // The key that just opened this packet becomes recvShared, so its nonce carries over.
        fixShared(nonce, 0);
        rotated_ = now;
      }
      break;
  }
  rx_ += packet.size() - messageAt;
  lastActivity_ = now;
  result.outcome = Outcome::Delivered;
  result.message = OffsetBytes(std::move(packet), messageAt);
  return result;
}

}  // namespace rtk::core::session
