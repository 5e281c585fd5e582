#include "NodeStack.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "LwipConvert.hpp"
#include "core/util/BufferPool.hpp"
#include "lwip/ip6.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "ratatoskr/error.hpp"
#include "ratatoskr/net.hpp"

namespace rtk::netstack::detail {

namespace {

constexpr std::size_t kIp6HeaderBytes = 40;

// A received packet handed to lwIP without copying: a custom pbuf that owns
// the node's buffer (the packet at its offset) and frees it when lwIP lets go
// of the packet.
struct InboundPbuf {
  struct pbuf_custom custom;
  core::OffsetBytes data;
};
// The pbuf lwIP hands back to the free function is the first member.
static_assert(std::is_standard_layout_v<InboundPbuf>);

void freeInbound(struct pbuf* p) {
  auto* holder = reinterpret_cast<InboundPbuf*>(p);
  core::BufferPool::shared().give(std::move(holder->data.buffer));
  delete holder;
}

// lwIP 2.1 reads past the end of some malformed packets before it checks
// their lengths (found by fuzz_netstack_input under ASan): ip6_input reads
// the length byte of a hop-by-hop, routing or destination options header
// that is not in the packet, and the length byte of an option whose type is
// its header's last byte; tcp_parseopt the length byte of an option whose
// kind is the header's last byte. Such packets are dropped here: true when
// every extension header, up to the first other one, lies inside the
// payload length (also after an atomic fragment header, which lwIP parses
// through), every option of a hop-by-hop or destination options header
// inside its header and, for TCP, every option inside the TCP header. (The
// inner headers of a reassembled fragmented packet are lwIP's alone.)
bool tcpOptionsFit(core::ByteView packet, std::size_t at, std::size_t end) {
  if (at + 20 > end) return true;  // lwIP drops a short TCP header itself
  const std::size_t headerEnd = at + 4 * std::size_t{static_cast<std::uint8_t>(packet[at + 12] >> 4)};
  if (headerEnd > end) return true;  // so is a header longer than the packet
  for (std::size_t i = at + 20; i < headerEnd;) {
    const std::uint8_t kind = packet[i];
    if (kind == 0) return true;  // end of the option list
    if (kind == 1) {             // no-operation
      ++i;
      continue;
    }
    if (i + 1 >= headerEnd) return false;
    const std::size_t length = packet[i + 1];
    if (length < 2 || i + length > headerEnd) return false;
    i += length;
  }
  return true;
}

// The options of a hop-by-hop or destination options header, [at, end):
// Pad1 is one byte; every other option a type, a length and that many bytes
// (RFC 8200 4.2), which together fill the header exactly.
bool extensionOptionsFit(core::ByteView packet, std::size_t at, std::size_t end) {
  std::size_t i = at;
  while (i < end) {
    if (packet[i] == 0) {  // Pad1
      ++i;
      continue;
    }
    if (i + 1 >= end) return false;  // the length byte is past the header
    i += 2 + std::size_t{packet[i + 1]};
  }
  return i == end;
}

bool headersFit(core::ByteView packet) {
  const std::size_t end = std::min(packet.size(), kIp6HeaderBytes + (std::size_t{packet[4]} << 8 | packet[5]));
  std::size_t at = kIp6HeaderBytes;
  std::uint8_t next = packet[6];
  for (;;) {
    switch (next) {
      case 0:    // hop-by-hop options
      case 43:   // routing
      case 60: {  // destination options
        if (at + 8 > end) return false;
        const std::size_t length = 8 * (std::size_t{packet[at + 1]} + 1);
        if (at + length > end) return false;
        if (next != 43 && !extensionOptionsFit(packet, at + 2, at + length)) return false;
        next = packet[at];
        at += length;
        break;
      }
      case 44: {  // fragment
        if (at + 8 > end) return false;
        // An atomic fragment (offset 0, no more fragments) is not reassembled:
        // lwIP skips its header and parses the next one in place, so walk on.
        // A real fragment's inner headers are checked after reassembly.
        if (((std::size_t{packet[at + 2]} << 8 | packet[at + 3]) & 0xFFF9) != 0) return true;
        next = packet[at];
        at += 8;
        break;
      }
      case 6:
        return tcpOptionsFit(packet, at, end);
      default:
        return true;  // another upper layer or none
    }
  }
}

}  // namespace

std::shared_ptr<NodeStack> NodeStack::create(core::ipv6::PacketInterface& packets, Log log) {
  std::shared_ptr<NodeStack> node(new NodeStack(packets, std::move(log)));
  node->start();
  return node;
}

NodeStack::NodeStack(core::ipv6::PacketInterface& packets, Log log)
    : packets_(packets), log_(std::move(log)), address_(packets.address()) {
  if (!address_.isYggdrasil())
    throw Error(Errc::InvalidArgument, "netstack: node address " + formatAddress(address_) + " is not in 200::/7");
  const auto mtu = packets.mtu();
  if (mtu < 1280)
    throw Error(Errc::InvalidArgument, "netstack: MTU " + std::to_string(mtu) + " is below IPv6's minimum of 1280");
  mtu_ = static_cast<std::uint16_t>(std::min<std::uint64_t>(mtu, 65535));
  lwipAddress_ = toLwip(address_);
}

void NodeStack::start() {
  stack_ = LwipStack::acquireNode(log_);
  try {
    stack_->call([this] {
      if (!netif_add_noaddr(&netif_, this, &NodeStack::netifInit, ip6_input))
        throw Error(Errc::Io, "netstack: lwIP refused the interface");
      netifAdded_ = true;
      netif_ip6_addr_set(&netif_, 0, &lwipAddress_);
      netif_ip6_addr_set_state(&netif_, 0, IP6_ADDR_PREFERRED);
      netif_set_up(&netif_);
      netif_set_link_up(&netif_);
      nodeId_ = stack_->addNode(this);
    });
  } catch (...) {
    stack_->releaseNode();
    throw;
  }
  // Received packets: check the cheap things on the core's thread, then hand
  // the buffer (moved, not copied) to the stack thread.
  std::weak_ptr<NodeStack> weak = weak_from_this();
  auto stack = stack_;
  auto nodeId = nodeId_;
  packets_.setPacketHandler([weak, stack, nodeId](core::OffsetBytes packet) {
    if (packet.size() < kIp6HeaderBytes || packet.size() > 0xFFFF || (packet[0] >> 4) != 6 ||
        !headersFit(packet.view())) {
      if (auto node = weak.lock()) node->inputDrops_.fetch_add(1);
      return;
    }
    stack->deliver(nodeId, std::move(packet));
  });
  log_.info("netstack: serving ", formatAddress(address_), " (MTU ", mtu_, ")");
}

NodeStack::~NodeStack() { close(); }

void NodeStack::close() {
  std::lock_guard lock(closeMutex_);
  if (closed_.exchange(true)) return;
  if (!stack_) return;
  packets_.setPacketHandler({});
  try {
    stack_->call([this] { closeOnStack(); });
  } catch (const std::exception& e) {
    log_.error("netstack: close: ", e.what());
  }
  stack_->releaseNode();
  log_.info("netstack: closed ", formatAddress(address_));
}

void NodeStack::requireOpen() const {
  if (closing_) throw Error(Errc::Closed, "netstack: node closed");
}

void NodeStack::add(std::shared_ptr<LiveObject> object) {
  auto* key = object.get();
  live_.emplace(key, std::move(object));
  openObjects_.store(live_.size(), std::memory_order_relaxed);
}

void NodeStack::remove(LiveObject* object) {
  live_.erase(object);
  openObjects_.store(live_.size(), std::memory_order_relaxed);
}

void NodeStack::closeOnStack() {
  closing_ = true;
  auto objects = std::move(live_);
  live_.clear();
  openObjects_.store(0, std::memory_order_relaxed);
  for (auto& [key, object] : objects) object->abortFromNode();
  objects.clear();
  abortStrayPcbs();
  if (netifAdded_) {
    netif_remove(&netif_);
    netifAdded_ = false;
  }
  stack_->removeNode(nodeId_);
}

// Pcbs lwIP still holds for this address after their owners let go of them:
// connections closed gracefully (FIN_WAIT, TIME_WAIT, LAST_ACK ...). They
// must go with the netif: the next node with this address starts clean.
void NodeStack::abortStrayPcbs() {
  auto mine = [this](const ip_addr_t& a) { return ip_addr_cmp(&a, &lwipAddress_); };
  for (struct tcp_pcb** list : {&tcp_active_pcbs, &tcp_tw_pcbs, &tcp_bound_pcbs}) {
    for (bool again = true; again;) {
      again = false;
      for (struct tcp_pcb* pcb = *list; pcb; pcb = pcb->next) {
        if (!mine(pcb->local_ip)) continue;
        tcp_arg(pcb, nullptr);
        if (pcb->state != LISTEN) {
          tcp_recv(pcb, nullptr);
          tcp_sent(pcb, nullptr);
          tcp_err(pcb, nullptr);
          tcp_poll(pcb, nullptr, 0);
        }
        tcp_abort(pcb);
        again = true;
        break;
      }
    }
  }
  for (bool again = true; again;) {
    again = false;
    for (struct tcp_pcb_listen* pcb = tcp_listen_pcbs.listen_pcbs; pcb; pcb = pcb->next) {
      if (!mine(pcb->local_ip)) continue;
      tcp_arg(reinterpret_cast<struct tcp_pcb*>(pcb), nullptr);
      tcp_accept(reinterpret_cast<struct tcp_pcb*>(pcb), nullptr);
      tcp_close(reinterpret_cast<struct tcp_pcb*>(pcb));
      again = true;
      break;
    }
  }
  for (bool again = true; again;) {
    again = false;
    for (struct udp_pcb* pcb = udp_pcbs; pcb; pcb = pcb->next) {
      if (!mine(pcb->local_ip)) continue;
      udp_remove(pcb);
      again = true;
      break;
    }
  }
}

void NodeStack::input(core::OffsetBytes packet) {
  // Only packets for this node's address: the core delivers nothing else,
  // and a packet for another node in this process must not reach its netif
  // through ours (lwIP would accept any local address).
  if (std::memcmp(packet.data() + 24, address_.bytes.data(), 16) != 0) {
    inputDrops_.fetch_add(1);
    return;
  }
  const auto length = static_cast<u16_t>(packet.size());
  auto* holder = new InboundPbuf;
  holder->custom.custom_free_function = &freeInbound;
  holder->data = std::move(packet);
  struct pbuf* p = pbuf_alloced_custom(PBUF_RAW, length, PBUF_REF, &holder->custom, holder->data.data(), length);
  if (!p) {
    delete holder;
    inputDrops_.fetch_add(1);
    return;
  }
  if (netif_.input(p, &netif_) != ERR_OK) pbuf_free(p);
}

}  // namespace rtk::netstack::detail

// lwIP hook (lwipopts.h), stack thread: a segment that consumes sequence
// space below snd_nxt was sent before (lwIP 2.1 never moves snd_nxt back,
// not even for a timeout), so it is a retransmission; it is counted for the
// node whose address the connection is bound to.
extern "C" void rtk_lwip_tcp_segment_out(const struct pbuf* p, const struct tcp_hdr* hdr, const struct tcp_pcb* pcb) {
  // A reset from a listener arrives with the listening pcb cast to tcp_pcb:
  // only the common fields (state) may be read before this check.
  if (!pcb || pcb->state == LISTEN || pcb->state == CLOSED) return;
  const bool consumesSequence = p->tot_len > TCPH_HDRLEN_BYTES(hdr) || (TCPH_FLAGS(hdr) & (TCP_SYN | TCP_FIN)) != 0;
  if (!consumesSequence || !TCP_SEQ_LT(lwip_ntohl(hdr->seqno), pcb->snd_nxt)) return;
  struct netif* n;
  NETIF_FOREACH(n) {
    if (ip6_addr_cmp(ip_2_ip6(&pcb->local_ip), netif_ip6_addr(n, 0))) {
      static_cast<rtk::netstack::detail::NodeStack*>(n->state)->countTcpRetransmit();
      return;
    }
  }
}

namespace rtk::netstack::detail {

err_t NodeStack::netifInit(struct netif* netif) {
  auto* self = static_cast<NodeStack*>(netif->state);
  netif->name[0] = 'y';
  netif->name[1] = 'g';
  netif->output_ip6 = &NodeStack::netifOutput;
  netif->mtu = self->mtu_;
  // Point-to-point: no ARP, no broadcast, no MLD.
  netif->flags = 0;
  return ERR_OK;
}

// lwIP's output callback: copy the packet and hand it to the core on this
// thread. PacketInterface::writePacket does not block (the core checks the
// addresses and queues the packet for the session thread, which seals it),
// so a thread between the two would only add a hand-off to every packet.
err_t NodeStack::netifOutput(struct netif* netif, struct pbuf* p, const ip6_addr_t*) {
  auto* self = static_cast<NodeStack*>(netif->state);
  // From the pool, after the headroom the core writes its headers into
  // (the session message type, the session's header): the packet is then
  // sealed where it lies.
  constexpr std::size_t kHeadroom = core::ipv6::PacketInterface::kWriteHeadroom;
  core::Bytes packet = core::BufferPool::shared().take(kHeadroom + std::size_t{p->tot_len});
  packet.resize(kHeadroom);
  for (const struct pbuf* q = p; q; q = q->next) {
    const auto* data = static_cast<const std::uint8_t*>(q->payload);
    packet.insert(packet.end(), data, data + q->len);
  }
  try {
    self->packets_.writePacket(core::OffsetBytes(std::move(packet), kHeadroom));
  } catch (const std::exception& e) {
    // Exceptions must not cross lwIP's C frames; the packet is lost as if
    // the link had dropped it (TCP sends it again).
    self->log_.warn("netstack: writePacket: ", e.what());
  }
  return ERR_OK;
}

}  // namespace rtk::netstack::detail
