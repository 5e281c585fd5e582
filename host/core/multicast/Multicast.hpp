// Multicast — LAN peer discovery, wire-compatible with yggdrasil 0.5.12's
// src/multicast (see README.md for the behaviour, and
// /work/shared/spec/plugins.md §9 for the wire).
//
// Every round (1 s + up to ~1.05 s of jitter) it lists the interfaces,
// selects them with the InterfaceSelector, closes listeners whose interface
// or address went away, joins the group on Listen interfaces, and on Beacon
// interfaces opens a local TLS listener on the first usable link-local
// address (its links skip AllowedPublicKeys) and sends a beacon when due
// (intervals 0, 1, 2 ... s up to 15 s). Received beacons are decoded
// strictly; a valid one (version 0.5, not our key, arrival interface selected
// with Listen, hash matching that interface's password) is dialled back as an
// ephemeral link tls://[src%if]:port?key=...&password=...&priority=..., unless
// the DialGuard says a link to that key is up or being dialled.
//
// Threads: one, "rtk-multicast" (poll on the UDP socket and a wake eventfd).
// Links and listeners are the LinkManager's (rtk-links, rtk-accept,
// rtk-linkio-N). Received datagrams are read into one 2 KiB buffer each and
// handled at once, so a hostile LAN costs CPU, never memory or threads.
//
// Lifetime: the constructor validates the entries (Errc::Config), opens the
// UDP socket (Errc::AddressInUse / Io) and starts the thread. stop() (and the
// destructor) joins the thread and closes the listeners; links already made
// stay (as in Go). The LinkManager must outlive stop().
// Thread-safety: interfaces() and stats() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/link/LinkManager.hpp"
#include "core/link/UniqueFd.hpp"
#include "core/multicast/Beacon.hpp"
#include "core/multicast/BeaconSocket.hpp"
#include "core/multicast/DialGuard.hpp"
#include "core/multicast/InterfaceSelector.hpp"
#include "core/util/Thread.hpp"
#include "ratatoskr/log.hpp"
#include "ratatoskr/node_config.hpp"
#include "ratatoskr/node_interface.hpp"

namespace rtk::core::multicast {

struct MulticastSettings {
  PublicKey key;  // ours
  std::vector<MulticastInterfaceConfig> interfaces;
  rtk::Log log;  // subsystem "multicast"
  std::string group = "ff02::114";
  std::uint16_t port = 9001;
  std::size_t maxDialsInFlight = 8;
};

struct MulticastStats {
  std::uint64_t beaconsSent = 0;
  std::uint64_t datagramsReceived = 0;
  std::uint64_t malformed = 0;      // refused by Beacon::decode, or not to the group
  std::uint64_t wrongPassword = 0;  // hash mismatch
  std::uint64_t ignored = 0;        // our own, or on an interface we do not listen on
  std::uint64_t dials = 0;          // callPeer issued
  std::uint64_t dialsRefused = 0;   // DialGuard said no
};

class Multicast {
 public:
  Multicast(MulticastSettings settings, link::LinkManager& links);
  ~Multicast();
  Multicast(const Multicast&) = delete;
  Multicast& operator=(const Multicast&) = delete;

  void stop();  // idempotent
  std::vector<MulticastInterfaceInfo> interfaces() const;
  MulticastStats stats() const;

 private:
  struct Listening {
    std::uint64_t listenerId = 0;
    std::string host;     // "fe80::1"
    std::string address;  // "[fe80::1%eth0]:41234", as getMulticastInterfaces shows it
    std::uint16_t port = 0;
    std::chrono::steady_clock::time_point lastBeacon{};
    std::chrono::seconds interval{0};
  };

  void run();
  void announce();
  void closeStaleListeners(const std::vector<SelectedInterface>& selected);
  Listening* ensureListener(const SelectedInterface& s);
  void sendBeaconIfDue(const SelectedInterface& s, Listening& l);
  void receiveAll();
  void handle(const Datagram& d);
  void dialBack(const Beacon& b, const Datagram& d, const SelectedInterface& s);
  void publish();

  MulticastSettings settings_;
  link::LinkManager& links_;
  rtk::Log log_;
  InterfaceSelector selector_;
  BeaconSocket socket_;
  link::UniqueFd wake_;
  std::atomic<bool> stopping_{false};
  std::mutex stopMutex_;

  // Multicast thread only.
  std::vector<SelectedInterface> selected_;
  std::map<std::string, Listening> listening_;     // by interface name
  std::map<std::string, std::string> lastErrors_;  // by interface: the last listener error, logged once
  DialGuard guard_;

  mutable std::mutex publishedMutex_;
  std::vector<MulticastInterfaceInfo> published_;
  MulticastStats stats_;  // under publishedMutex_

  Thread thread_;  // last: started when everything above exists
};

}  // namespace rtk::core::multicast
