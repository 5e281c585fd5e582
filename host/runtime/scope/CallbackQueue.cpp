#include "runtime/scope/CallbackQueue.hpp"

#include <future>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/error.hpp"

namespace rtk::host {

std::shared_ptr<CallbackQueue> CallbackQueue::create(std::string threadName, Log log) {
  return std::shared_ptr<CallbackQueue>(new CallbackQueue(std::move(threadName), std::move(log)));
}

CallbackQueue::CallbackQueue(std::string threadName, Log log)
    : threadName_(std::move(threadName)), log_(std::move(log)) {}

CallbackQueue::~CallbackQueue() { close(); }

core::EventLoop* CallbackQueue::loop() {
  // mutex_ held by the caller.
  if (closed_) return nullptr;
  if (!loop_) loop_ = std::make_unique<core::EventLoop>(threadName_);
  return loop_.get();
}

std::uint64_t CallbackQueue::expect(rtk_reply_fn fn, void* ctx) {
  std::lock_guard lock(mutex_);
  if (closed_) throw Error(Errc::Closed, "the plugin is stopping: no new asynchronous calls");
  std::uint64_t id = nextId_++;
  pending_.emplace(id, Pending{fn, ctx});
  return id;
}

void CallbackQueue::complete(std::uint64_t id, rtk_status status, std::string json, std::int64_t rttNs,
                             std::string error) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  Pending p = it->second;
  pending_.erase(it);
  core::EventLoop* l = loop();
  if (!l) return;  // closed: close() delivered it already
  l->post([p, status, json = std::move(json), rttNs, error = std::move(error)] {
    p.fn(p.ctx, status, sdk::toStr(json), rttNs, sdk::toStr(error));
  });
}

void CallbackQueue::forget(std::uint64_t id) noexcept {
  std::lock_guard lock(mutex_);
  pending_.erase(id);
}

bool CallbackQueue::post(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  core::EventLoop* l = loop();
  if (!l) return false;
  l->post(std::move(fn));
  return true;
}

bool CallbackQueue::onCallbackThread() const {
  std::lock_guard lock(mutex_);
  return loop_ && loop_->inLoopThread();
}

void CallbackQueue::barrier() {
  std::future<void> done;
  {
    std::lock_guard lock(mutex_);
    if (!loop_ || closed_ || loop_->inLoopThread()) return;
    auto promise = std::make_shared<std::promise<void>>();
    done = promise->get_future();
    loop_->post([promise] { promise->set_value(); });
  }
  done.wait();
}

void CallbackQueue::close() {
  std::unique_ptr<core::EventLoop> stopping;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    if (!pending_.empty()) {
      core::EventLoop* l = loop();
      static constexpr std::string_view kWhy = "cancelled: the plugin stopped before the reply came";
      for (auto& [id, p] : pending_) {
        l->post([p = p] { p.fn(p.ctx, RTK_ERR_CANCELLED, rtk_str{nullptr, 0}, 0, sdk::toStr(kWhy)); });
      }
      log_.debug(pending_.size(), " pending asynchronous repl", pending_.size() == 1 ? "y" : "ies", " cancelled");
      pending_.clear();
    }
    closed_ = true;
    stopping = std::move(loop_);
  }
  if (stopping) stopping->stop();  // runs what is queued, then joins
}

void CallbackQueue::Reply::ok(std::string json, std::int64_t rttNs) const {
  if (auto q = queue_.lock()) q->complete(id_, RTK_OK, std::move(json), rttNs, {});
}

void CallbackQueue::Reply::fail(const Error& error) const {
  if (auto q = queue_.lock()) q->complete(id_, sdk::toStatus(error.code()), {}, 0, error.what());
}

rtk_status CallbackQueue::startReply(rtk_reply_fn fn, void* ctx, rtk_sink* error, const std::function<void(Reply)>& start) {
  std::uint64_t id = 0;
  rtk_status status = sdk::guard(error, [&] {
    if (!fn) throw Error(Errc::InvalidArgument, "no reply function");
    id = expect(fn, ctx);
    start(Reply(weak_from_this(), id));
  });
  if (status != RTK_OK && id != 0) forget(id);
  return status;
}

std::size_t CallbackQueue::pending() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace rtk::host
