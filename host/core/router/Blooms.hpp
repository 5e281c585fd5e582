// Blooms — per-peer bloom filter state of the router (ironwood
// network/bloomfilter.go, blooms): what each tree neighbour told us it can
// reach (recv), what we last told it (send), and the multicast of lookups
// along the tree to the neighbours whose filter may hold the target.
//
// Only tree links (our parent and our children) carry filters; the filter
// for one neighbour is our own transformed key plus everything the other
// tree neighbours sent. New 1 bits go out at once, stale 1 bits are cleared
// one maintenance round later (keepOnes / zDirty), so filters do not flap.
//
// Router thread only.
#pragma once

#include <map>

#include "core/router/PacketQueue.hpp"
#include "core/wire/BloomFilter.hpp"
#include "core/wire/PathLookup.hpp"
#include "ratatoskr/types.hpp"

namespace rtk::core::router {

class Router;
class Peer;

class Blooms {
 public:
  explicit Blooms(Router& router) : router_(router) {}

  // The transform the node was configured with (identity by default).
  PublicKey xKey(const PublicKey& key) const;
  bool isOnTree(const PublicKey& key) const;

  void addInfo(const PublicKey& key);
  void removeInfo(const PublicKey& key);
  void handleBloom(const PublicKey& from, const wire::BloomFilter& bloom);
  // Resends what we last sent `peer`'s key (a new link, or a sibling link
  // went away).
  void sendBloom(Peer& peer);
  // Once per maintenance round: recompute tree membership, send filters
  // that changed (and every filter once an hour).
  void doMaintenance();
  // Forwards a lookup to every tree neighbour but `fromKey` whose filter
  // may contain xKey(toKey), over its lowest-priority link.
  void sendMulticast(const wire::PathLookup& lookup, const PublicKey& fromKey, const PublicKey& toKey);

  // For tests and debugging.
  struct Snapshot {
    PublicKey key;
    wire::BloomFilter send, recv;
    bool onTree = false;
  };
  std::vector<Snapshot> snapshot() const;

 private:
  struct Info {
    wire::BloomFilter send;
    wire::BloomFilter recv;
    std::uint16_t seq = 0;  // maintenance rounds since last sent; resend at 3600
    bool onTree = false;
    bool zDirty = false;  // send holds 1 bits we no longer need
  };

  void fixOnTree();
  void sendAllBlooms();
  // The filter `key` should get next, and whether it differs from the last
  // one sent. Mirrors ironwood's _getBloomFor including when it stores
  // zDirty (only together with a new filter).
  std::pair<wire::BloomFilter, bool> bloomFor(const PublicKey& key, bool keepOnes);
  void sendTo(const PublicKey& key, const wire::BloomFilter& bloom);

  Router& router_;
  std::map<PublicKey, Info> blooms_;
};

}  // namespace rtk::core::router
