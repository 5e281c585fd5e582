// A scripted ProbeUpstream: a graph of keys (who lists whom as a peer), our
// up peers, tree and paths, and remote calls answered inline or held until
// the test releases them. Counts calls per key and the most ever out at once.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "probe/ProbeUpstream.hpp"

namespace rtk::probe::fake {

inline PublicKey keyN(int n) {
  PublicKey k;
  k.bytes[0] = static_cast<std::uint8_t>(n >> 8);
  k.bytes[1] = static_cast<std::uint8_t>(n);
  k.bytes[31] = 0x5a;
  return k;
}

inline std::string keysJson(const std::vector<PublicKey>& keys) {
  std::string out = "[";
  for (const auto& k : keys) out += (out.size() > 1 ? ",\"" : "\"") + k.hex() + "\"";
  return out + "]";
}

class FakeUpstream final : public ProbeUpstream {
 public:
  PublicKey self = keyN(0);
  std::vector<LocalPeer> peers;
  std::map<PublicKey, std::vector<PublicKey>> graph;  // remote peers replies
  std::map<PublicKey, std::chrono::nanoseconds> rtts;
  std::set<PublicKey> unreachable;                     // answered with Timeout
  std::map<PublicKey, int> timeoutsFirst;              // this many Timeouts, then answers
  std::map<PublicKey, std::string> rawReplies;         // replaces the graph's reply
  std::vector<TreeEntry> treeEntries;
  std::vector<PathEntry> pathEntries;
  bool hold = false;  // keep replies until release()

  // Makes `a` and `b` peers of each other (and our up peers when one is self).
  void link(int a, int b, std::uint64_t portOfBAtA = 0) {
    graph[keyN(a)].push_back(keyN(b));
    graph[keyN(b)].push_back(keyN(a));
    if (a == 0) peers.push_back(LocalPeer{keyN(b), portOfBAtA, std::chrono::microseconds(100 + b)});
  }

  PublicKey selfKey() const override { return self; }
  std::vector<LocalPeer> upPeers() const override { return peers; }
  std::vector<TreeEntry> tree() const override {
    std::lock_guard lock(mutex_);
    return treeEntries;
  }
  std::vector<PathEntry> paths() const override {
    std::lock_guard lock(mutex_);
    return pathEntries;
  }
  void lookup(const PublicKey& key) override {
    std::lock_guard lock(mutex_);
    lookups.push_back(key);
    if (onLookup) onLookup(*this);
  }
  void query(RemoteQuery kind, const PublicKey& key, std::chrono::milliseconds, QueryDone done) override {
    {
      std::lock_guard lock(mutex_);
      ++calls[{static_cast<int>(kind), key}];
      pending.emplace_back(kind, key, std::move(done));
      maxOut = std::max(maxOut, pending.size());
      if (hold) return;
    }
    releaseAll();
  }

  // Answers every held call (and those their callbacks make, unless hold).
  std::size_t releaseAll() {
    std::size_t n = 0;
    for (;;) {
      std::tuple<RemoteQuery, PublicKey, QueryDone> next;
      {
        std::lock_guard lock(mutex_);
        if (pending.empty()) return n;
        next = std::move(pending.front());
        pending.erase(pending.begin());
      }
      ++n;
      auto& [kind, key, done] = next;
      done(answer(kind, key));
    }
  }

  std::size_t outstanding() const {
    std::lock_guard lock(mutex_);
    return pending.size();
  }
  std::size_t callsFor(RemoteQuery kind, const PublicKey& key) const {
    std::lock_guard lock(mutex_);
    auto it = calls.find({static_cast<int>(kind), key});
    return it == calls.end() ? 0 : it->second;
  }
  void setPaths(std::vector<PathEntry> p) {
    std::lock_guard lock(mutex_);
    pathEntries = std::move(p);
  }

  std::vector<PublicKey> lookups;
  std::function<void(FakeUpstream&)> onLookup;  // runs under the lock: touch only pathEntries
  std::size_t maxOut = 0;

 private:
  Outcome<RemoteReply> answer(RemoteQuery kind, const PublicKey& key) {
    Outcome<RemoteReply> out;
    if (timeoutsFirst[key] > 0) {
      --timeoutsFirst[key];
      out.error = Error(Errc::Timeout, "fake: first contact lost to " + key.hex());
      return out;
    }
    if (unreachable.count(key) || (kind == RemoteQuery::Peers && !graph.count(key) && !rawReplies.count(key))) {
      out.error = Error(Errc::Timeout, "fake: no answer from " + key.hex());
      return out;
    }
    auto rtt = rtts.count(key) ? rtts.at(key) : std::chrono::milliseconds(1 + key.bytes[1]);
    if (kind == RemoteQuery::Self) {
      out.value = RemoteReply{"{\"key\":\"" + key.hex() + "\"}", rtt};
    } else {
      out.value = RemoteReply{rawReplies.count(key) ? rawReplies.at(key) : keysJson(graph.at(key)), rtt};
    }
    return out;
  }

  mutable std::mutex mutex_;
  std::map<std::pair<int, PublicKey>, std::size_t> calls;
  std::vector<std::tuple<RemoteQuery, PublicKey, QueryDone>> pending;
};

}  // namespace rtk::probe::fake

#include <cppunit/TestAssert.h>

template <>
struct CppUnit::assertion_traits<rtk::PublicKey> {
  static bool equal(const rtk::PublicKey& a, const rtk::PublicKey& b) { return a == b; }
  static std::string toString(const rtk::PublicKey& k) { return k.hex(); }
};
