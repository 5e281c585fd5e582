#include "NodeCounters.hpp"

namespace rtk {

namespace {

void addCounter(std::vector<NodeCounter>& out, const char* name, const char* reason, const char* help,
                std::uint64_t value, bool gauge = false) {
  out.push_back(NodeCounter{name, reason, help, value, gauge});
}

}  // namespace

std::vector<NodeCounter> nodeCounters(core::node::Core& core, netstack::Netstack& stack,
                                      const core::multicast::MulticastStats* multicast) {
  std::vector<NodeCounter> out;
  const char* drops = "packets dropped, by reason";
  const char* ipv6Drops = "IPv6 packets dropped between the netstack and the sessions, by reason";

  auto s = core.sessions().counters();
  addCounter(out, "session_packets_dropped_total", "inbound_queue_full", drops, s.inboundDropped);
  addCounter(out, "session_packets_dropped_total", "outbound_queue_full", drops, s.outboundDropped);
  addCounter(out, "session_packets_dropped_total", "too_large", drops, s.oversizeDropped);
  addCounter(out, "session_packets_dropped_total", "buffer_evicted", drops, s.buffersEvicted);
  addCounter(out, "sessions_evicted_total", "", "sessions closed because the session table was full", s.sessionsEvicted);
  addCounter(out, "sessions_expired_total", "", "sessions closed after their idle timeout", s.sessionsExpired);

  auto k = core.keystore().counters();
  addCounter(out, "ipv6_packets_sent_total", "", "IPv6 packets handed to the session layer", k.sent);
  addCounter(out, "ipv6_packets_received_total", "", "IPv6 packets delivered to the netstack", k.received);
  addCounter(out, "ipv6_lookups_total", "", "path lookups started for unknown destination keys", k.lookups);
  addCounter(out, "ipv6_packets_dropped_total", "lookup_buffer", ipv6Drops, k.bufferDrops);
  addCounter(out, "ipv6_packets_dropped_total", "not_ipv6", ipv6Drops, k.notIpv6 + k.inNotIpv6 + k.inNotTraffic);
  addCounter(out, "ipv6_packets_dropped_total", "too_short", ipv6Drops, k.tooShort + k.inTooShort);
  addCounter(out, "ipv6_packets_dropped_total", "too_large", ipv6Drops, k.tooLarge + k.inTooBig);
  addCounter(out, "ipv6_packets_dropped_total", "bad_source", ipv6Drops, k.badSource + k.inBadSource);
  addCounter(out, "ipv6_packets_dropped_total", "bad_destination", ipv6Drops, k.badDestination + k.inBadDestination);
  addCounter(out, "ipv6_packets_dropped_total", "no_handler", ipv6Drops, k.inNoHandler);

  auto refused = core.links().inboundRefusals();
  const char* refusedHelp = "inbound connections closed at once because too many handshakes were pending, by cap";
  addCounter(out, "link_inbound_refused_total", "handshakes_pending", refusedHelp, refused.pendingCap);
  addCounter(out, "link_inbound_refused_total", "source_handshakes_pending", refusedHelp, refused.perSourceCap);

  try {
    auto p = core.proto().stats();
    addCounter(out, "proto_messages_received_total", "", "NodeInfo and debug protocol messages received", p.dispatcher.received);
    addCounter(out, "proto_requests_answered_total", "", "NodeInfo and debug requests answered", p.dispatcher.requestsAnswered);
    addCounter(out, "proto_messages_dropped_total", "malformed_or_unsolicited",
               "NodeInfo and debug protocol messages dropped, by reason", p.dispatcher.dropped);
    addCounter(out, "proto_messages_dropped_total", "queue_full",
               "NodeInfo and debug protocol messages dropped, by reason", p.queueDrops);
  } catch (const Error&) {
    // The proto thread stopped (the node is closing): its totals are gone with it.
  }

  auto n = stack.counters();
  addCounter(out, "netstack_packets_dropped_total", "inbound", drops, n.inputDrops);
  addCounter(out, "netstack_open_sockets", "", "TCP connections, listeners and UDP sockets open in the netstack",
             n.openSockets, true);
  if (multicast) {
    const char* dropped = "multicast datagrams dropped, by reason";
    addCounter(out, "multicast_beacons_sent_total", "", "multicast beacons sent", multicast->beaconsSent);
    addCounter(out, "multicast_datagrams_received_total", "", "datagrams received on the multicast port",
               multicast->datagramsReceived);
    addCounter(out, "multicast_datagrams_dropped_total", "malformed", dropped, multicast->malformed);
    addCounter(out, "multicast_datagrams_dropped_total", "wrong_password", dropped, multicast->wrongPassword);
    addCounter(out, "multicast_datagrams_dropped_total", "ignored", dropped, multicast->ignored);
    addCounter(out, "multicast_dials_total", "", "links dialled back after a valid beacon", multicast->dials);
    addCounter(out, "multicast_dials_refused_total", "",
               "valid beacons not dialled back (linked already, dialling, or too many dials in progress)",
               multicast->dialsRefused);
  }
  return out;
}

}  // namespace rtk
