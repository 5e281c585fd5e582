// FakeNode — the one in-memory rtk::NodeInterface for every test suite: the
// node service table, plugins and the runtime (tests/unit/runtime,
// tests/abi), and the admin socket (tests/unit/core/admin, the admin request
// fuzzer).
//
// Every call is recorded (calls(), lastCall()); results come from public
// fields; `failWith` makes the next recorded call throw rtk::Error(code,
// message) before it does anything else.
//
// It behaves like a real node where tests rely on it:
//  - publicKey() and getSelf().key answer `keyValue`; address() and subnet()
//    answer `addressValue` / `subnetValue` when set, otherwise the ones a real
//    node derives from `keyValue` (ratatoskr/address.hpp).
//  - addPeer/removePeer keep `configuredPeers`: a URI without "://" is
//    InvalidArgument, adding a configured one AlreadyExists, removing an
//    unknown one NotFound; successful calls are appended to `added` /
//    `removed` as (uri, sourceInterface).
//  - getNodeInfo and remoteGet* answer the optional `remote*` fields; nullopt
//    means no reply (Errc::Timeout). They remember the key in `lastRemoteKey`.
//    With `holdNodeInfo` set, getNodeInfo blocks (counted in `held`) until
//    release(), to stand for a slow handler.
//  - Conns, listeners and packet conns are in-memory queues whose blocking
//    calls wait on a condition variable and are released by close() from any
//    thread, like the real ones (net.hpp). `waiters` counts calls currently
//    blocked, so a test can close only once the other thread is really
//    waiting.
//  - Peer events, probes and remote queries wait until the test drives them
//    (emitPeerEvent, finishProbes, answerQueries).
// Thread-safety: the NodeInterface members are safe from any thread. The
// public data fields are plain: set them before handing the node out, or
// read them once the calls that write them have returned.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ratatoskr/address.hpp"
#include "ratatoskr/error.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::test {

// State shared by a fake conn/listener/packetconn and the test.
struct FakePipe {
  std::mutex mutex;
  std::condition_variable cv;
  bool closed = false;
  bool writeClosed = false;
  std::deque<std::string> inbound;             // what read()/readFrom() return
  std::deque<Endpoint> inboundFrom;            // sources for readFrom()
  std::vector<std::string> written;            // what write()/writeTo() got
  std::vector<Endpoint> writtenTo;
  Deadline readDeadline, writeDeadline;
  std::size_t tryWriteRoom = SIZE_MAX;         // bytes FakeConn::tryWrite still takes
  std::atomic<int> waiters{0};

  void push(std::string data, Endpoint from = {}) {
    {
      std::lock_guard lock(mutex);
      inbound.push_back(std::move(data));
      inboundFrom.push_back(from);
    }
    cv.notify_all();
  }
  // Blocks until data, close or deadline.
  std::string pop(Endpoint* from) {
    std::unique_lock lock(mutex);
    ++waiters;
    auto ready = [&] { return closed || !inbound.empty(); };
    if (readDeadline) {
      if (!cv.wait_until(lock, *readDeadline, ready)) {
        --waiters;
        throw Error(Errc::Timeout, "fake: read deadline passed");
      }
    } else {
      cv.wait(lock, ready);
    }
    --waiters;
    if (closed) throw Error(Errc::Closed, "fake: closed");
    std::string out = std::move(inbound.front());
    inbound.pop_front();
    if (from) *from = inboundFrom.front();
    inboundFrom.pop_front();
    return out;
  }
  void close() {
    {
      std::lock_guard lock(mutex);
      closed = true;
    }
    cv.notify_all();
  }
};

class FakeConn final : public Conn {
 public:
  FakeConn(std::shared_ptr<FakePipe> pipe, Endpoint local, Endpoint remote)
      : pipe_(std::move(pipe)), local_(local), remote_(remote) {}
  std::size_t read(void* data, std::size_t size) override {
    std::string chunk = pipe_->pop(nullptr);
    std::size_t n = std::min(size, chunk.size());
    std::memcpy(data, chunk.data(), n);
    return n;
  }
  std::size_t write(const void* data, std::size_t size) override {
    std::lock_guard lock(pipe_->mutex);
    if (pipe_->closed) throw Error(Errc::Closed, "fake: closed");
    if (pipe_->writeClosed) throw Error(Errc::Closed, "fake: write side closed");
    pipe_->written.emplace_back(static_cast<const char*>(data), size);
    return size;
  }
  void closeWrite() override {
    std::lock_guard lock(pipe_->mutex);
    pipe_->writeClosed = true;
  }
  void close() override { pipe_->close(); }
  void setReadDeadline(Deadline d) override {
    std::lock_guard lock(pipe_->mutex);
    pipe_->readDeadline = d;
  }
  void setWriteDeadline(Deadline d) override {
    std::lock_guard lock(pipe_->mutex);
    pipe_->writeDeadline = d;
  }
  Endpoint localEndpoint() const override { return local_; }
  Endpoint remoteEndpoint() const override { return remote_; }
  // Non-blocking forms without a readiness descriptor (readinessFd stays
  // NotSupported): enough to carry would-block through the C table.
  std::optional<std::size_t> tryRead(void* data, std::size_t size) override {
    std::lock_guard lock(pipe_->mutex);
    if (pipe_->closed) throw Error(Errc::Closed, "fake: closed");
    if (pipe_->inbound.empty()) return std::nullopt;
    std::string chunk = std::move(pipe_->inbound.front());
    pipe_->inbound.pop_front();
    pipe_->inboundFrom.pop_front();
    std::size_t n = std::min(size, chunk.size());
    std::memcpy(data, chunk.data(), n);
    return n;
  }
  std::size_t tryWrite(const void* data, std::size_t size) override {
    std::lock_guard lock(pipe_->mutex);
    if (pipe_->closed) throw Error(Errc::Closed, "fake: closed");
    std::size_t n = std::min(size, pipe_->tryWriteRoom);
    pipe_->tryWriteRoom -= n;
    if (n > 0) pipe_->written.emplace_back(static_cast<const char*>(data), n);
    return n;
  }

 private:
  std::shared_ptr<FakePipe> pipe_;
  Endpoint local_, remote_;
};

class FakeListener final : public Listener {
 public:
  FakeListener(std::shared_ptr<FakePipe> pipe, Endpoint local) : pipe_(std::move(pipe)), local_(local) {}
  // Each pushed chunk stands for one incoming connection; its data is the
  // first thing the accepted conn will read.
  std::unique_ptr<Conn> accept(Deadline deadline) override {
    {
      std::lock_guard lock(pipe_->mutex);
      pipe_->readDeadline = deadline;
    }
    Endpoint from;
    std::string first = pipe_->pop(&from);
    auto connPipe = std::make_shared<FakePipe>();
    connPipe->push(first);
    accepted.push_back(connPipe);
    return std::make_unique<FakeConn>(connPipe, local_, from);
  }
  void close() override { pipe_->close(); }
  Endpoint localEndpoint() const override { return local_; }
  std::vector<std::shared_ptr<FakePipe>> accepted;

 private:
  std::shared_ptr<FakePipe> pipe_;
  Endpoint local_;
};

class FakePacketConn final : public PacketConn {
 public:
  FakePacketConn(std::shared_ptr<FakePipe> pipe, Endpoint local) : pipe_(std::move(pipe)), local_(local) {}
  std::size_t readFrom(void* data, std::size_t size, Endpoint& from) override {
    std::string d = pipe_->pop(&from);
    std::size_t n = std::min(size, d.size());
    std::memcpy(data, d.data(), n);
    return n;
  }
  std::size_t writeTo(const void* data, std::size_t size, const Endpoint& to) override {
    if (size > 1280) throw Error(Errc::MessageTooLarge, "fake: datagram of " + std::to_string(size) + " bytes above the MTU");
    std::lock_guard lock(pipe_->mutex);
    if (pipe_->closed) throw Error(Errc::Closed, "fake: closed");
    pipe_->written.emplace_back(static_cast<const char*>(data), size);
    pipe_->writtenTo.push_back(to);
    return size;
  }
  void close() override { pipe_->close(); }
  void setReadDeadline(Deadline d) override {
    std::lock_guard lock(pipe_->mutex);
    pipe_->readDeadline = d;
  }
  void setWriteDeadline(Deadline d) override {
    std::lock_guard lock(pipe_->mutex);
    pipe_->writeDeadline = d;
  }
  Endpoint localEndpoint() const override { return local_; }

 private:
  std::shared_ptr<FakePipe> pipe_;
  Endpoint local_;
};

class FakeNode final : public NodeInterface {
 public:
  struct Call {
    std::string name;
    std::vector<std::string> args;
  };

  // ---- what the fake answers ----
  PublicKey keyValue;                               // publicKey(), getSelf().key
  std::optional<Ip6Address> addressValue, subnetValue;  // nullopt: derived from keyValue
  std::uint64_t mtuValue = 1280;
  std::uint64_t routingEntries = 1;                 // getSelf().routingEntries
  std::vector<PeerInfo> peers;
  std::vector<MulticastInterfaceInfo> multicast;
  std::vector<TreeEntry> tree;
  std::vector<PathEntry> paths;
  std::vector<SessionEntry> sessions;
  // What getNodeInfo / remoteGet* answer; nullopt: no reply (Errc::Timeout).
  std::optional<std::string> remoteNodeInfo;
  std::chrono::nanoseconds remoteNodeInfoRtt = std::chrono::milliseconds(3);
  std::optional<std::string> remoteSelf;
  std::optional<std::vector<PublicKey>> remotePeers, remoteTree;
  PublicKey lastRemoteKey;                          // the key of the last getNodeInfo / remoteGet*
  bool throwOnGetters = false;                      // address/subnet/publicKey/mtu throw Errc::Closed

  // ---- peer bookkeeping (addPeer / removePeer) ----
  std::set<std::string> configuredPeers;
  std::vector<std::pair<std::string, std::string>> added, removed;  // (uri, sourceInterface)

  // When set, getNodeInfo blocks until release() (a slow handler); `held`
  // counts the calls that got there.
  std::atomic<bool> holdNodeInfo{false};
  std::atomic<int> held{0};
  void release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    holdCv_.notify_all();
  }

  // The pipes behind the objects the fake hands out.
  std::shared_ptr<FakePipe> dialPipe = std::make_shared<FakePipe>();
  std::shared_ptr<FakePipe> listenPipe = std::make_shared<FakePipe>();
  std::shared_ptr<FakePipe> packetPipe = std::make_shared<FakePipe>();
  Endpoint localEndpoint{}, remoteEndpoint{};
  // dial() blocks until its cancel token fires (or its deadline passes).
  bool dialBlocks = false;
  std::atomic<bool> dialWaiting{false};

  // The next fallible call throws this.
  void failWith(Errc code, std::string message) {
    std::lock_guard lock(mutex_);
    fail_ = Error(code, std::move(message));
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::optional<Call> lastCall(const std::string& name) const {
    std::lock_guard lock(mutex_);
    for (auto it = calls_.rbegin(); it != calls_.rend(); ++it)
      if (it->name == name) return *it;
    return std::nullopt;
  }
  std::map<std::string, AdminHandler>& adminHandlers() { return handlers_; }
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  DialOptions lastDialOptions() const {
    std::lock_guard lock(mutex_);
    return dialOptions_;
  }

  // ---- NodeInterface ----
  std::unique_ptr<Conn> dial(std::string_view network, std::string_view address, const DialOptions& options) override {
    record("dial", {std::string(network), std::string(address)});
    {
      std::lock_guard lock(mutex_);
      dialOptions_ = options;
    }
    if (dialBlocks) {
      std::mutex m;
      std::condition_variable cv;
      bool fired = false;
      auto reg = options.cancel.onCancel([&] {
        std::lock_guard lock(m);
        fired = true;
        cv.notify_all();
      });
      std::unique_lock lock(m);
      dialWaiting = true;
      bool done = options.deadline ? cv.wait_until(lock, *options.deadline, [&] { return fired; })
                                   : (cv.wait(lock, [&] { return fired; }), true);
      dialWaiting = false;
      if (!done) throw Error(Errc::Timeout, "dial: deadline passed");
      throw Error(Errc::Cancelled, "dial: cancelled");
    }
    return std::make_unique<FakeConn>(dialPipe, localEndpoint, remoteEndpoint);
  }
  std::unique_ptr<Listener> listen(std::string_view network, std::string_view address) override {
    record("listen", {std::string(network), std::string(address)});
    auto l = std::make_unique<FakeListener>(listenPipe, localEndpoint);
    lastListener = l.get();
    return l;
  }
  std::unique_ptr<PacketConn> listenPacket(std::string_view network, std::string_view address) override {
    record("listenPacket", {std::string(network), std::string(address)});
    return std::make_unique<FakePacketConn>(packetPipe, localEndpoint);
  }
  Ip6Address address() const override {
    getter();
    return addressValue ? *addressValue : address::addressForKey(keyValue);
  }
  Ip6Address subnet() const override {
    getter();
    return subnetValue ? *subnetValue : address::subnetForKey(keyValue);
  }
  PublicKey publicKey() const override {
    getter();
    return keyValue;
  }
  std::uint64_t mtu() const override {
    getter();
    return mtuValue;
  }
  void addPeer(std::string_view uri, std::string_view iface) override {
    record("addPeer", {std::string(uri), std::string(iface)});
    std::lock_guard lock(mutex_);
    if (uri.find("://") == std::string_view::npos) throw Error(Errc::InvalidArgument, "links: \"" + std::string(uri) + "\": not a peer URI");
    if (!configuredPeers.insert(std::string(uri)).second) throw Error(Errc::AlreadyExists, "links: " + std::string(uri) + ": already configured");
    added.emplace_back(uri, iface);
  }
  void removePeer(std::string_view uri, std::string_view iface) override {
    record("removePeer", {std::string(uri), std::string(iface)});
    std::lock_guard lock(mutex_);
    if (!configuredPeers.erase(std::string(uri))) throw Error(Errc::NotFound, "links: " + std::string(uri) + ": not configured");
    removed.emplace_back(uri, iface);
  }
  std::vector<PeerInfo> getPeers() const override {
    const_cast<FakeNode*>(this)->record("getPeers", {});
    return peers;
  }
  void retryPeers() override { record("retryPeers", {}); }
  std::uint64_t subscribePeerEvents(PeerEventHandler handler) override {
    record("subscribePeerEvents", {});
    std::lock_guard lock(mutex_);
    subscribers_[nextSubscriber_] = std::move(handler);
    return nextSubscriber_++;
  }
  void unsubscribePeerEvents(std::uint64_t id) override {
    record("unsubscribePeerEvents", {std::to_string(id)});
    std::lock_guard lock(mutex_);
    subscribers_.erase(id);
  }
  void probePeer(std::string_view uri, std::chrono::milliseconds timeout, ProbeCallback done) override {
    record("probePeer", {std::string(uri), std::to_string(timeout.count())});
    std::lock_guard lock(mutex_);
    probes_.push_back(std::move(done));
  }
  void removeAdminHandler(std::string_view name) override {
    record("removeAdminHandler", {std::string(name)});
    AdminHandler dropped;  // released outside the lock
    std::lock_guard lock(mutex_);
    auto it = handlers_.find(std::string(name));
    if (it == handlers_.end()) throw Error(Errc::NotFound, "fake: no admin command " + std::string(name));
    dropped = std::move(it->second);
    handlers_.erase(it);
  }
  void queryRemote(RemoteQuery query, const PublicKey& key, std::chrono::milliseconds timeout, RemoteCallback done) override {
    record("queryRemote", {std::to_string(static_cast<int>(query)), key.hex(), std::to_string(timeout.count())});
    std::lock_guard lock(mutex_);
    queries_.push_back(std::move(done));
  }
  std::string nodeInfo() const override {
    std::lock_guard lock(mutex_);
    return nodeInfo_;
  }
  void setNodeInfo(std::string_view json) override {
    record("setNodeInfo", {std::string(json)});
    if (json.size() > nodeInfoLimit) throw Error(Errc::MessageTooLarge, "fake: NodeInfo over " + std::to_string(nodeInfoLimit));
    std::lock_guard lock(mutex_);
    nodeInfo_ = std::string(json);
  }

  // ---- driving the asynchronous parts from a test ----
  std::size_t nodeInfoLimit = 16384;
  // Calls every subscribed handler with `event`, as the link thread would.
  void emitPeerEvent(const PeerEvent& event) {
    std::map<std::uint64_t, PeerEventHandler> now;
    {
      std::lock_guard lock(mutex_);
      now = subscribers_;
    }
    for (auto& [id, h] : now) h(event);
  }
  std::size_t subscriberCount() const {
    std::lock_guard lock(mutex_);
    return subscribers_.size();
  }
  // Answers every probe / query waiting so far with what `answer` returns.
  std::size_t finishProbes(const std::function<Outcome<PeerProbe>()>& answer) {
    std::vector<ProbeCallback> now;
    {
      std::lock_guard lock(mutex_);
      now.swap(probes_);
    }
    for (auto& cb : now) cb(answer());
    return now.size();
  }
  std::size_t answerQueries(const std::function<Outcome<RemoteReply>()>& answer) {
    std::vector<RemoteCallback> now;
    {
      std::lock_guard lock(mutex_);
      now.swap(queries_);
    }
    for (auto& cb : now) cb(answer());
    return now.size();
  }
  std::size_t pendingQueries() const {
    std::lock_guard lock(mutex_);
    return queries_.size();
  }
  void enableMulticast() override { record("enableMulticast", {}); }
  void disableMulticast() override { record("disableMulticast", {}); }
  std::vector<MulticastInterfaceInfo> multicastInterfaces() const override {
    const_cast<FakeNode*>(this)->record("multicastInterfaces", {});
    return multicast;
  }
  void enableAdmin(std::string_view address) override { record("enableAdmin", {std::string(address)}); }
  void disableAdmin() override { record("disableAdmin", {}); }
  void addAdminHandler(std::string_view name, std::string_view description, std::vector<std::string> fields,
                       AdminHandler handler) override {
    std::vector<std::string> args{std::string(name), std::string(description)};
    args.insert(args.end(), fields.begin(), fields.end());
    record("addAdminHandler", args);
    std::lock_guard lock(mutex_);
    handlers_[std::string(name)] = std::move(handler);
  }
  SelfInfo getSelf() const override {
    const_cast<FakeNode*>(this)->record("getSelf", {});
    return SelfInfo{keyValue, routingEntries};
  }
  std::vector<TreeEntry> getTree() const override {
    const_cast<FakeNode*>(this)->record("getTree", {});
    return tree;
  }
  std::vector<PathEntry> getPaths() const override {
    const_cast<FakeNode*>(this)->record("getPaths", {});
    return paths;
  }
  std::vector<SessionEntry> getSessions() const override {
    const_cast<FakeNode*>(this)->record("getSessions", {});
    return sessions;
  }
  void sendLookup(const PublicKey& key) override { record("sendLookup", {key.hex()}); }
  NodeInfoReply getNodeInfo(const PublicKey& key, std::chrono::milliseconds timeout) override {
    record("getNodeInfo", {key.hex(), std::to_string(timeout.count())});
    std::unique_lock lock(mutex_);
    lastRemoteKey = key;
    if (holdNodeInfo) {
      ++held;
      holdCv_.wait(lock, [&] { return released_; });
    }
    if (!remoteNodeInfo) throw Error(Errc::Timeout, "proto: getNodeInfo: no reply within " + std::to_string(timeout.count()) + " ms");
    return NodeInfoReply{*remoteNodeInfo, remoteNodeInfoRtt};
  }
  std::string remoteGetSelf(const PublicKey& key, std::chrono::milliseconds timeout) override {
    return remoteAnswer("remoteGetSelf", key, timeout, remoteSelf);
  }
  std::vector<PublicKey> remoteGetPeers(const PublicKey& key, std::chrono::milliseconds timeout) override {
    return remoteAnswer("remoteGetPeers", key, timeout, remotePeers);
  }
  std::vector<PublicKey> remoteGetTree(const PublicKey& key, std::chrono::milliseconds timeout) override {
    return remoteAnswer("remoteGetTree", key, timeout, remoteTree);
  }
  void close() override {
    record("close", {});
    std::map<std::string, AdminHandler> dropped;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      dropped.swap(handlers_);
    }
  }

  FakeListener* lastListener = nullptr;

 private:
  // A remote debug call: recorded, its key kept, the answer or a Timeout.
  template <class T>
  T remoteAnswer(const char* call, const PublicKey& key, std::chrono::milliseconds timeout, const std::optional<T>& answer) {
    record(call, {key.hex(), std::to_string(timeout.count())});
    std::lock_guard lock(mutex_);
    lastRemoteKey = key;
    if (!answer) throw Error(Errc::Timeout, "proto: no reply");
    return *answer;
  }
  void record(std::string name, std::vector<std::string> args) {
    std::optional<Error> fail;
    {
      std::lock_guard lock(mutex_);
      calls_.push_back(Call{std::move(name), std::move(args)});
      fail.swap(fail_);
    }
    if (fail) throw *fail;
  }
  void getter() const {
    if (throwOnGetters) throw Error(Errc::Closed, "fake: getter after close");
  }

  mutable std::mutex mutex_;
  std::vector<Call> calls_;
  std::map<std::uint64_t, PeerEventHandler> subscribers_;
  std::uint64_t nextSubscriber_ = 1;
  std::vector<ProbeCallback> probes_;
  std::vector<RemoteCallback> queries_;
  std::string nodeInfo_ = "{}";
  std::optional<Error> fail_;
  std::map<std::string, AdminHandler> handlers_;
  DialOptions dialOptions_;
  bool closed_ = false;
  std::condition_variable holdCv_;
  bool released_ = false;
};

// A deterministic, distinct key per seed.
inline PublicKey testKey(std::uint8_t seed) {
  PublicKey k;
  for (std::size_t i = 0; i < k.bytes.size(); ++i) k.bytes[i] = static_cast<std::uint8_t>(seed * 13 + i * 7);
  return k;
}

}  // namespace rtk::test
