// Session — the state of one encrypted session with one remote node: the
// remote's current and next box keys, our recv/send/next key pairs, the four
// precomputed shared keys, the key sequence numbers and nonces (ironwood
// encrypted/session.go, sessionInfo). A plain state machine without threads
// or timers: SessionManager owns every Session and calls it on its thread.
//
// Keys and their names, from our side:
//   current, next          the remote's keys (what its init/ack announced)
//   recv, send, next pairs our keys; we announce send as "current"
//   recvShared   = box(current, recv)   traffic the remote sends to our recv key
//   sendShared   = box(current, send)   what we send
//   nextSendShared = box(next, send)    the remote already moved to its next key
//   nextRecvShared = box(next, recv)    ... and still addresses our recv key
// Traffic from the remote under its next key ratchets both sides forward
// (at most once per rotation guard); every init/ack we apply advances our
// keys by one.
//
// Thread-safety: none; one owner thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "core/crypto/Box.hpp"
#include "core/session/SessionInit.hpp"
#include "core/util/Bytes.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::session {

class Session {
 public:
  using Clock = std::chrono::steady_clock;
  using KeySource = std::function<crypto::BoxKeyPair()>;

  // Go's newSession: the remote's keys from the init that created the session,
  // seq = init seq - 1 (so that init applies), and three fresh key pairs drawn
  // from `keys` in the order recv, send, next.
  Session(const PublicKey& remote, const crypto::BoxPublicKey& current, const crypto::BoxPublicKey& next,
          std::uint64_t initSeq, KeySource keys, Clock::duration rotationGuard, Clock::time_point now);

  // The session answers our own pending init: our send and next pairs become
  // the ones that init announced (the recv pair stays), nonces restart.
  void adoptPendingKeys(const crypto::BoxKeyPair& current, const crypto::BoxKeyPair& next);

  // Applies an init or ack from the remote when its seq is newer than the
  // last one applied: takes its keys and key sequence number, advances ours
  // by one. Returns false (nothing changes) for a stale seq.
  bool update(const SessionInit& init, Clock::time_point now);

  // The init (or ack) we announce: our send key as current, our next key,
  // our key sequence number, `unixSeconds` as seq.
  SessionInit makeInit(std::uint64_t unixSeconds) const;

  // Seals `message` into a traffic packet. Advances the send nonce first;
  // when it wraps to 0 our keys advance (and, as in Go, that packet goes out
  // with nonce 0, which the remote drops).
  // The packet is built around the message in its own buffer: the header,
  // tag and next key go into the headroom before it when its offset leaves
  // room (kTrafficOverhead always does), else the message is moved up.
  OffsetBytes seal(OffsetBytes message, Clock::time_point now);

  enum class Outcome {
    Delivered,  // `message` holds the plaintext (after its offset)
    Ignored,    // malformed, replayed or stale: dropped without a reply
    Resync,     // key sequence numbers we cannot place, or a box that does not
                // open: the caller should send an init
  };
  struct Received {
    Outcome outcome = Outcome::Ignored;
    OffsetBytes message;
  };
  // Decrypts a traffic packet (consumed: decrypted in place).
  Received open(Bytes packet, Clock::time_point now);

  const PublicKey& remote() const { return remote_; }
  std::uint64_t rxBytes() const { return rx_; }
  std::uint64_t txBytes() const { return tx_; }
  Clock::time_point since() const { return since_; }
  // The last creation, applied init/ack, send or delivered message.
  Clock::time_point lastActivity() const { return lastActivity_; }
  std::uint64_t localKeySeq() const { return localKeySeq_; }
  std::uint64_t remoteKeySeq() const { return remoteKeySeq_; }
  std::uint64_t sendNonce() const { return sendNonce_; }
  std::uint64_t recvNonce() const { return recvNonce_; }
  std::uint64_t seq() const { return seq_; }
  const crypto::BoxPublicKey& remoteCurrent() const { return current_; }
  const crypto::BoxPublicKey& remoteNext() const { return next_; }
  const crypto::BoxPublicKey& ourSendKey() const { return send_.publicKey; }

  // Tests only: lets nonce wrap-around be exercised without 2^64 packets.
  void setSendNonceForTesting(std::uint64_t nonce) { sendNonce_ = nonce; }

 private:
  void fixShared(std::uint64_t recvNonce, std::uint64_t sendNonce);
  void advanceOwnKeys();  // recv <- send <- next <- fresh; localKeySeq + 1
  bool rotationAllowed(Clock::time_point now) const;

  PublicKey remote_;
  KeySource keys_;
  Clock::duration rotationGuard_;

  std::uint64_t seq_;  // the remote's last applied init/ack seq
  std::uint64_t remoteKeySeq_ = 0;
  crypto::BoxPublicKey current_, next_;
  std::uint64_t localKeySeq_ = 0;
  crypto::BoxKeyPair recv_, send_, nextPair_;
  crypto::BoxSharedKey recvShared_, sendShared_, nextSendShared_, nextRecvShared_;
  std::uint64_t recvNonce_ = 0, sendNonce_ = 0, nextSendNonce_ = 0, nextRecvNonce_ = 0;

  Clock::time_point since_, lastActivity_;
  std::optional<Clock::time_point> rotated_;  // the last ratchet on remote traffic
  std::uint64_t rx_ = 0, tx_ = 0;
  Bytes header_;  // seal's scratch: the traffic header before it is placed
};

}  // namespace rtk::core::session
