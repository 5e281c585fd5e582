// Issue 15 b: examples/http's web UI, served by our example process over
// Yggdrasil and opened by headless Chromium from a real yggdrasil node's
// namespace (through its TUN): the page's peer table lists the real node's
// key, the crawl graph draws it and a second real node behind it (found by
// the crawl's remote peers query), and the real node's NodeInfo is shown. The screenshot and the DOM are kept as
// artefacts in $RTK_INTEROP_DIR/artefacts (default /tmp/rtk-interop/artefacts).
#include "Lab.hpp"
#include "Trace.hpp"
#include "Wait.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>

using namespace rtk::interop;

namespace {

std::string httpReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The text of the first element that starts with `open` up to `close`.
std::string httpElement(const std::string& dom, const std::string& open, const std::string& close) {
  const auto begin = dom.find(open);
  if (begin == std::string::npos) return {};
  const auto end = dom.find(close, begin);
  return end == std::string::npos ? std::string() : dom.substr(begin, end + close.size() - begin);
}

std::vector<std::string> chromium(const std::filesystem::path& profile, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                   "--hide-scrollbars", "--user-data-dir=" + profile.string(),
                                   "--virtual-time-budget=6000"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

}  // namespace

class HttpExampleTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpExampleTest);
  CPPUNIT_TEST(chromiumFromRealNodeShowsPeerAndCrawl);
  CPPUNIT_TEST_SUITE_END();

 public:
  void chromiumFromRealNodeShowsPeerAndCrawl() {
    const RunResult version = Subprocess::run({"chromium", "--version"}, 20000);
    CPPUNIT_ASSERT_MESSAGE("chromium is needed (Debian's \"chromium\", see .ci/install-deps): " + version.describe() +
                               " " + version.err,
                           version.ok());
    trace("http example: " + version.out.substr(0, version.out.find('\n')));

    Lab lab("ex-http");
    Netns& realNs = lab.addNetns("real");
    Netns& ourNs = lab.addNetns("ours");
    const VethLink& link = lab.connect(realNs, ourNs);
    NodeSpec spec;
    spec.name = "real";
    spec.listen = {"tcp://[::]:7100"};
    RealNode& real = lab.addRealNode(spec, realNs);
    real.start();
    // A second real node behind the first: only the crawl's remote calls find it.
    Netns& farNs = lab.addNetns("far");
    const VethLink& farLink = lab.connect(realNs, farNs);
    NodeSpec farSpec;
    farSpec.name = "far";
    farSpec.peers = {"tcp://[" + farLink.a().ipv6 + "]:7100"};
    RealNode& far = lab.addRealNode(farSpec, farNs);
    far.start();

    Subprocess example = ourNs.spawn({RTK_EXAMPLE_HTTP, "--peer", "tcp://[" + link.a().ipv6 + "]:7100", "--port",
                                      "8080", "--crawl-every", "5", "--nodeinfo", "{\"name\":\"http-example\"}"},
                                     lab.file("example.log").string());
    std::string ours;
    waitUntil("the example listens", 20000, [&] {
      const std::string log = httpReadFile(lab.file("example.log"));
      const auto at = log.find("listening on http://[");
      if (at == std::string::npos) return false;
      const auto from = at + std::string("listening on http://[").size();
      ours = log.substr(from, log.find(']', from) - from);
      return true;
    });
    const std::string url = "http://[" + ours + "]:8080/";
    // The crawl runs when the peer comes up and every 5 s; wait until it has
    // the far node, found in the real node's answer to a remote peers query.
    const auto crawlStart = std::chrono::steady_clock::now();
    waitUntil("the crawl finds the far real node", 30000, [&] {
      const RunResult crawl = realNs.run({"curl", "-g", "-s", "-m", "3", url + "api/crawl"}, 5000);
      return crawl.ok() && crawl.out.find("\"key\":\"" + real.publicKey() + "\"") != std::string::npos &&
             crawl.out.find("\"key\":\"" + far.publicKey() + "\",\"address\":\"" + far.address() +
                            "\",\"parent\":\"" + real.publicKey() + "\",\"depth\":2") != std::string::npos;
    });
    trace("http example: the crawl had both real nodes after " +
          std::to_string(std::chrono::duration<double>(std::chrono::steady_clock::now() - crawlStart).count()) + " s");
    // Bad input through the real network: a clear 400.
    const RunResult bad =
        realNs.run({"curl", "-g", "-s", "-m", "5", "-w", " %{http_code}", url + "api/nodeinfo?key=xyz"}, 8000);
    CPPUNIT_ASSERT_MESSAGE(bad.out, bad.out.find("64 hex digits") != std::string::npos && bad.out.size() > 3 &&
                                        bad.out.substr(bad.out.size() - 3) == "400");

    // The fragment selects the real node, so the page also asks for its NodeInfo.
    const std::string page = url + "#key=" + real.publicKey();
    const RunResult dump = realNs.run(chromium(lab.dir() / "chromium", {"--dump-dom", page}), 60000);
    trace("http example: chromium --dump-dom " + dump.status.describe() + " in " + std::to_string(dump.seconds) + " s");
    const RunResult shot = realNs.run(
        chromium(lab.dir() / "chromium", {"--window-size=1280,1500", "--screenshot=" + lab.file("page.png").string(), page}),
        60000);
    trace("http example: chromium --screenshot " + shot.status.describe() + " in " + std::to_string(shot.seconds) + " s");

    const auto artefacts = lab.dir().parent_path() / "artefacts";
    std::filesystem::create_directories(artefacts);
    std::ofstream(artefacts / "http-example.html", std::ios::binary) << dump.out;
    std::error_code ec;
    std::filesystem::copy_file(lab.file("page.png"), artefacts / "http-example.png",
                               std::filesystem::copy_options::overwrite_existing, ec);
    trace("http example: artefacts in " + artefacts.string() + (ec ? " (no screenshot: " + ec.message() + ")" : ""));

    CPPUNIT_ASSERT_MESSAGE(dump.describe() + "\n" + dump.err.substr(0, 2000), dump.ok());
    const std::string peers = httpElement(dump.out, "<table id=\"peers\"", "</table>");
    CPPUNIT_ASSERT_MESSAGE("no peer table in the DOM:\n" + dump.out.substr(0, 3000), !peers.empty());
    CPPUNIT_ASSERT_MESSAGE("the peer table lacks the real node's key " + real.publicKey() + ":\n" + peers,
                           peers.find(real.publicKey()) != std::string::npos);
    const std::string graph = httpElement(dump.out, "<svg id=\"crawl-graph\"", "</svg>");
    CPPUNIT_ASSERT_MESSAGE("no crawl graph in the DOM:\n" + dump.out.substr(0, 3000), !graph.empty());
    CPPUNIT_ASSERT_MESSAGE("the crawl graph does not draw the real node:\n" + graph,
                           graph.find("data-key=\"" + real.publicKey() + "\"") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE("the crawl graph does not draw the far real node:\n" + graph,
                           graph.find("data-key=\"" + far.publicKey() + "\"") != std::string::npos);
    const std::string nodeInfo = httpElement(dump.out, "<pre id=\"nodeinfo\"", "</pre>");
    CPPUNIT_ASSERT_MESSAGE("the real node's NodeInfo is not shown:\n" + nodeInfo,
                           nodeInfo.find("\"buildname\": \"yggdrasil\"") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE("the header lacks our address " + ours, dump.out.find(ours) != std::string::npos);

    CPPUNIT_ASSERT_MESSAGE(shot.describe() + "\n" + shot.err.substr(0, 2000), shot.ok());
    const std::string png = httpReadFile(lab.file("page.png"));
    CPPUNIT_ASSERT_MESSAGE("no PNG screenshot (" + std::to_string(png.size()) + " bytes)",
                           png.size() > 1000 && png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);

    example.signalGroup(SIGTERM);
    const auto end = example.waitFor(10000);
    CPPUNIT_ASSERT_MESSAGE("the example ignored SIGTERM", end.has_value());
    CPPUNIT_ASSERT_MESSAGE(end->describe() + "; log: " + httpReadFile(lab.file("example.log")), end->success());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpExampleTest);
