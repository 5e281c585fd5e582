// MetricsRegistry: order, removal (also from inside a collect), and that
// remove() waits for a collect in progress on another thread.
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <future>
#include <thread>

#include "ratatoskr/abi.hpp"
#include "ratatoskr/error.hpp"
#include "runtime/MetricsRegistry.hpp"

namespace rtk::host {

namespace {

struct Recorder {
  std::vector<std::string> names;
  static void sample(void* ctx, const rtk_metric_sample* s) {
    static_cast<Recorder*>(ctx)->names.emplace_back(sdk::fromStr(s->name));
  }
  rtk_metric_sink sink{this, &Recorder::sample};
};

void writeNamed(const rtk_metric_sink* out, const char* name) {
  rtk_metric_sample s{sizeof s, RTK_METRIC_GAUGE, sdk::toStr(name), sdk::toStr("h"), nullptr, 0, 1};
  out->sample(out->ctx, &s);
}

}  // namespace

class MetricsRegistryTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MetricsRegistryTest);
  CPPUNIT_TEST(hostSamplesFirstThenCollectorsInOrder);
  CPPUNIT_TEST(aCollectorMayRemoveItselfAndAnother);
  CPPUNIT_TEST(removeWaitsForACollectInProgress);
  CPPUNIT_TEST(aMissingFunctionIsRefused);
  CPPUNIT_TEST_SUITE_END();

 public:
  void hostSamplesFirstThenCollectorsInOrder() {
    MetricsRegistry r([](const rtk_metric_sink& out) { writeNamed(&out, "host"); });
    r.add("b", [](void*, const rtk_metric_sink* out) { writeNamed(out, "first"); }, nullptr);
    auto id = r.add("a", [](void*, const rtk_metric_sink* out) { writeNamed(out, "second"); }, nullptr);
    Recorder rec;
    r.collect(rec.sink);
    CPPUNIT_ASSERT_EQUAL(std::string("host first second"), rec.names[0] + " " + rec.names[1] + " " + rec.names[2]);
    r.remove(id);
    r.remove(12345);  // unknown: ignored
    Recorder again;
    r.collect(again.sink);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), again.names.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.size());
  }

  void aCollectorMayRemoveItselfAndAnother() {
    MetricsRegistry r;
    struct Ctx {
      MetricsRegistry* registry;
      std::uint64_t self = 0, other = 0;
    } ctx{&r};
    ctx.self = r.add("a", [](void* c, const rtk_metric_sink* out) {
      auto* x = static_cast<Ctx*>(c);
      writeNamed(out, "remover");
      x->registry->remove(x->self);   // must not wait for the collect it runs in
      x->registry->remove(x->other);  // the later one is not called any more
    }, &ctx);
    ctx.other = r.add("b", [](void*, const rtk_metric_sink* out) { writeNamed(out, "removed"); }, nullptr);
    Recorder rec;
    r.collect(rec.sink);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), rec.names.size());
    CPPUNIT_ASSERT_EQUAL(std::string("remover"), rec.names[0]);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), r.size());
  }

  void removeWaitsForACollectInProgress() {
    MetricsRegistry r;
    struct Ctx {
      std::promise<void> entered;
      std::shared_future<void> release;
      std::atomic<bool> finished{false};
    } ctx;
    std::promise<void> release;
    ctx.release = release.get_future().share();
    auto id = r.add("slow", [](void* c, const rtk_metric_sink*) {
      auto* x = static_cast<Ctx*>(c);
      x->entered.set_value();
      x->release.wait();
      x->finished = true;
    }, &ctx);
    auto entered = ctx.entered.get_future();
    Recorder rec;
    std::thread collector([&] { r.collect(rec.sink); });
    entered.wait();
    auto removed = std::async(std::launch::async, [&] { r.remove(id); });
    // remove() is blocked behind the running collector until it is released.
    CPPUNIT_ASSERT(removed.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);
    release.set_value();
    removed.wait();
    CPPUNIT_ASSERT(ctx.finished.load());
    collector.join();
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), r.size());
  }

  void aMissingFunctionIsRefused() {
    MetricsRegistry r;
    CPPUNIT_ASSERT_THROW(r.add("p", nullptr, nullptr), Error);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetricsRegistryTest);

}  // namespace rtk::host
