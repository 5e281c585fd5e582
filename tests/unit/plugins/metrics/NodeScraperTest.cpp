// NodeScraper against the FakeNode and a hand-made metrics service table:
// what each source becomes, and that a failing source or a bad sample costs
// only itself.
#include <cppunit/extensions/HelperMacros.h>

#include "NodeScraper.hpp"
#include "common/FakeNode.hpp"

namespace rtk::plugins::metrics {

namespace {

// The metrics service as the host would offer it: collect writes a fixed
// set of samples, one of them invalid (a counter without _total).
struct FakeMetricsService {
  static void write(const rtk_metric_sink* out, rtk_metric_type type, const char* name, const char* help,
                    std::vector<rtk_metric_label> labels, double value) {
    rtk_metric_sample s{sizeof s, type, sdk::toStr(name), sdk::toStr(help), labels.data(), labels.size(), value};
    out->sample(out->ctx, &s);
  }
  static rtk_status addCollector(rtk_metrics*, rtk_metrics_collect_fn, void*, std::uint64_t* id, rtk_sink*) noexcept {
    *id = 1;
    return RTK_OK;
  }
  static void removeCollector(rtk_metrics*, std::uint64_t) noexcept {}
  static rtk_status collect(rtk_metrics*, const rtk_metric_sink* out, rtk_sink*) noexcept {
    write(out, RTK_METRIC_COUNTER, "ratatoskr_ipv6_packets_dropped_total", "drops", {{sdk::toStr("reason"), sdk::toStr("bad_source")}}, 3);
    write(out, RTK_METRIC_COUNTER, "ratatoskr_plugin_bad", "a counter without _total", {}, 1);
    return RTK_OK;
  }
  rtk_metrics_service table{sizeof(rtk_metrics_service), nullptr, &addCollector, &removeCollector, &collect};
};

PublicKey keyOf(std::uint8_t seed) {
  PublicKey k;
  for (auto& b : k.bytes) b = seed;
  return k;
}

bool has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

}  // namespace

class NodeScraperTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NodeScraperTest);
  CPPUNIT_TEST(everySourceBecomesSamples);
  CPPUNIT_TEST(aFailingSourceIsCountedAndTheOthersStay);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    fake_ = std::make_shared<test::FakeNode>();
    fake_->keyValue = keyOf(0x11);
    fake_->routingEntries = 4;
    fake_->tree.resize(3);
    fake_->paths.resize(2);
    fake_->sessions.resize(1);
    PeerInfo up;
    up.uri = "tcp://127.0.0.1:9001";
    up.up = true;
    up.key = keyOf(0x22);
    up.latency = std::chrono::microseconds(1500);
    up.uptime = std::chrono::seconds(10);
    up.cost = 7;
    up.rxBytes = 1000;
    up.txBytes = 2000;
    up.rxPackets = 10;
    up.txPackets = 20;
    PeerInfo down;
    down.uri = "tls://peer.example:443";
    fake_->peers = {up, down};
    client_ = std::make_unique<sdk::MetricsClient>(service_.table, Log());
    scraper_ = std::make_unique<NodeScraper>(*fake_, *fake_, *fake_, *client_, Log());
  }
  void tearDown() override {
    scraper_.reset();
    client_.reset();
    fake_.reset();
  }

  void everySourceBecomesSamples() {
    std::string text = scraper_->scrape();
    std::string peer = "{direction=\"outbound\",key=\"" + keyOf(0x22).hex() + "\",uri=\"tcp://127.0.0.1:9001\"}";
    CPPUNIT_ASSERT_MESSAGE(text, has(text, "ratatoskr_routing_entries 4"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_tree_nodes 3"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_paths 2"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_sessions 1"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_peers{state=\"up\"} 1"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_peers{state=\"down\"} 1"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_peer_up{direction=\"outbound\",uri=\"tcp://127.0.0.1:9001\"} 1"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_peer_up{direction=\"outbound\",uri=\"tls://peer.example:443\"} 0"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_peer_latency_seconds" + peer + " 0.0015"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_peer_uptime_seconds" + peer + " 10"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_peer_cost" + peer + " 7"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_peer_received_bytes_total" + peer + " 1000"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_peer_sent_bytes_total" + peer + " 2000"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_peer_received_packets_total" + peer + " 10"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_peer_sent_packets_total" + peer + " 20"));
    CPPUNIT_ASSERT(has(text, "# TYPE ratatoskr_peer_sent_bytes_total counter"));
    // A down peer has its up line only, no traffic series.
    std::size_t first = text.find("tls://peer.example:443");
    CPPUNIT_ASSERT(first != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string::npos, text.find("tls://peer.example:443", first + 1));
    CPPUNIT_ASSERT(has(text, "ratatoskr_node_info{address=\"" + formatAddress(fake_->address()) + "\",key=\"" +
                                 keyOf(0x11).hex() + "\",subnet=\"" + formatAddress(fake_->subnet()) + "/64\"} 1"));
    // The service's samples, the invalid one dropped and counted.
    CPPUNIT_ASSERT(has(text, "ratatoskr_ipv6_packets_dropped_total{reason=\"bad_source\"} 3"));
    CPPUNIT_ASSERT(text.find("ratatoskr_plugin_bad") == std::string::npos);
    CPPUNIT_ASSERT(has(text, "ratatoskr_metrics_samples_dropped_total 1"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_metrics_scrape_errors_total{source=\"peers\"} 0"));
    // Counters keep counting across scrapes.
    text = scraper_->scrape();
    CPPUNIT_ASSERT(has(text, "ratatoskr_metrics_samples_dropped_total 2"));
  }

  void aFailingSourceIsCountedAndTheOthersStay() {
    fake_->throwOnGetters = true;  // address() and the other getters throw Errc::Closed
    std::string text = scraper_->scrape();
    CPPUNIT_ASSERT_MESSAGE(text, has(text, "ratatoskr_metrics_scrape_errors_total{source=\"network\"} 1"));
    CPPUNIT_ASSERT(text.find("ratatoskr_node_info") == std::string::npos);
    CPPUNIT_ASSERT(has(text, "ratatoskr_routing_entries 4"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_peers{state=\"up\"} 1"));
    CPPUNIT_ASSERT(has(text, "ratatoskr_metrics_scrape_errors_total{source=\"diagnostics\"} 0"));
  }

 private:
  std::shared_ptr<test::FakeNode> fake_;
  FakeMetricsService service_;
  std::unique_ptr<sdk::MetricsClient> client_;
  std::unique_ptr<NodeScraper> scraper_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeScraperTest);

}  // namespace rtk::plugins::metrics
