#include "LwipStack.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

#include "NodeStack.hpp"
#include "core/util/SpinWait.hpp"
#include "lwip/init.h"
#include "lwip/ip6_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "rtk_lwip_hooks.h"

namespace rtk::netstack::detail {

namespace {

// The process-wide registry: the running stack, and the thread that may
// touch lwIP. acquireNode/releaseNode hold gRegistryMutex across starting and
// joining the thread, so two threads never run lwIP at once.
std::mutex gRegistryMutex;
std::shared_ptr<LwipStack> gCurrent;
std::once_flag gLwipInitOnce;
std::atomic<std::thread::id> gStackThread{};

// The logger lwIP's assertion handler writes to (the stack's, while it runs).
std::mutex gAssertLogMutex;
Log gAssertLog;

}  // namespace

std::shared_ptr<LwipStack> LwipStack::acquireNode(const Log& log) {
  std::lock_guard lock(gRegistryMutex);
  if (!gCurrent) {
    gCurrent.reset(new LwipStack(log));
    std::lock_guard logLock(gAssertLogMutex);
    gAssertLog = log;
  }
  ++gCurrent->nodes_;
  return gCurrent;
}

void LwipStack::releaseNode() {
  std::lock_guard lock(gRegistryMutex);
  if (--nodes_ > 0) return;
  {
    std::lock_guard stateLock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  log_.debug("stack thread stopped");
  if (gCurrent.get() == this) gCurrent.reset();
}

LwipStack::LwipStack(Log log) : log_(std::move(log)) {
  thread_.start("rtk-netstack", [this] { run(); });
}

LwipStack::~LwipStack() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  // releaseNode() joined already unless a node never released: the registry
  // holds a reference while any node does, so this never runs on the stack
  // thread.
  thread_.join();
}

void LwipStack::post(Task task) { postIfRunning(std::move(task)); }

bool LwipStack::postIfRunning(Task task) {
  bool wasIdle;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    wasIdle = tasks_.empty() && inbound_.empty();
    tasks_.push_back(std::move(task));
    workPending_.store(true, std::memory_order_release);
  }
  if (wasIdle) wake_.notify_one();
  return true;
}

void LwipStack::deliver(std::uint64_t nodeId, core::OffsetBytes packet) {
  const std::size_t cost = packet.size();
  if (inbound_.push(Inbound{nodeId, std::move(packet)}, cost) != core::QueuePush::QueuedFirst)
    return;
  workPending_.store(true, std::memory_order_release);
  // The stack thread tests inbound_ under mutex_ before it sleeps: taking
  // mutex_ here means it either saw the packet or is asleep for the notify.
  { std::lock_guard lock(mutex_); }
  wake_.notify_one();
}

std::uint64_t LwipStack::inputDrops() const { return inbound_.dropped(); }

std::uint64_t LwipStack::addNode(NodeStack* node) {
  auto id = nextNodeId_++;
  nodeMap_.emplace(id, node);
  return id;
}

void LwipStack::removeNode(std::uint64_t nodeId) { nodeMap_.erase(nodeId); }

bool LwipStack::loopbackPending() const {
  for (auto& [id, node] : nodeMap_)
    if (node->loopbackPending()) return true;
  return false;
}

void LwipStack::run() {
  gStackThread.store(std::this_thread::get_id());
  std::call_once(gLwipInitOnce, [] { lwip_init(); });
  log_.debug("stack thread started");

  std::vector<Task> tasks;
  std::vector<Inbound> inbound;
  for (;;) {
    // Sleep until there is work or lwIP's next timer is due; never longer.
    // Looped-back packets (a node talking to itself) are work too.
    const u32_t sleepMs = sys_timeouts_sleeptime();
    const bool busy = loopbackPending();
    if (!busy && sleepMs != 0) core::spinWait(workPending_);  // then the wait below returns at once
    {
      std::unique_lock lock(mutex_);
      auto ready = [this] { return stopping_ || !tasks_.empty() || !inbound_.empty(); };
      if (!busy) {
        if (sleepMs == SYS_TIMEOUTS_SLEEPTIME_INFINITE) {
          wake_.wait(lock, ready);
        } else {
          wake_.wait_for(lock, std::chrono::milliseconds(sleepMs), ready);
        }
      }
      if (stopping_ && tasks_.empty() && inbound_.empty()) break;
      workPending_.store(false, std::memory_order_relaxed);  // before taking: a later push sets it again
      tasks.swap(tasks_);
      inbound_.drainInto(inbound);
    }
    for (auto& in : inbound) {
      auto it = nodeMap_.find(in.nodeId);
      if (it != nodeMap_.end()) it->second->input(std::move(in.packet));
    }
    inbound.clear();
    for (auto& task : tasks) {
      try {
        task();
      } catch (const std::exception& e) {
        log_.error("task failed: ", e.what());
      }
    }
    tasks.clear();
    sys_check_timeouts();
    netif_poll_all();
  }
  gStackThread.store(std::thread::id{});
}

}  // namespace rtk::netstack::detail

using rtk::netstack::detail::gAssertLog;
using rtk::netstack::detail::gAssertLogMutex;
using rtk::netstack::detail::gStackThread;

extern "C" {

// lwIP's clock (NO_SYS): milliseconds, wrapping at 2^32 (lwIP compares with
// wrap-around arithmetic).
u32_t sys_now(void) {
  using namespace std::chrono;
  return static_cast<u32_t>(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

void rtk_lwip_assert(const char* message, const char* file, int line) {
  char text[512];
  std::snprintf(text, sizeof text, "lwIP assertion failed: %s at %s:%d", message, file, line);
  rtk::Log log;
  {
    std::lock_guard lock(gAssertLogMutex);
    log = gAssertLog;
  }
  log.error(text);
  std::fprintf(stderr, "netstack: %s\n", text);
  std::abort();
}

void rtk_lwip_assert_core_locked(void) {
  if (std::this_thread::get_id() != gStackThread.load(std::memory_order_relaxed))
    rtk_lwip_assert("lwIP called outside the rtk-netstack thread", __FILE__, __LINE__);
}

uint32_t rtk_lwip_rand(void) {
  // Only the stack thread calls into lwIP, but thread_local keeps this
  // correct without that assumption.
  thread_local std::mt19937 rng{std::random_device{}()};
  return static_cast<uint32_t>(rng());
}

u32_t rtk_lwip_tcp_isn(const ip_addr_t*, u16_t, const ip_addr_t*, u16_t) { return rtk_lwip_rand(); }

struct netif* rtk_lwip_ip6_route(const ip6_addr_t* src, const ip6_addr_t* dest) {
  // 200::/7: the first byte is 0x02 or 0x03.
  const auto first = reinterpret_cast<const std::uint8_t*>(dest->addr)[0];
  if ((first & 0xfe) != 0x02 || ip6_addr_isany(src)) return nullptr;
  struct netif* n;
  NETIF_FOREACH(n) {
    if (netif_is_up(n) && netif_is_link_up(n) && ip6_addr_isvalid(netif_ip6_addr_state(n, 0)) &&
        ip6_addr_cmp(src, netif_ip6_addr(n, 0)))
      return n;
  }
  return nullptr;
}

}  // extern "C"
