// Issue 14 a: multicast discovery between our host and a real yggdrasil
// 0.5.12, each in its own namespace, with nothing in either conf but
// MulticastInterfaces (regex "vl.*"):
//
//   r (real) --vl0-- o (our host) --vl1-- h (a hostile sender)
//
// 1. Both list each other as an up peer within 10 s; our beacons, read off
//    vl0 by a UDP socket in r's namespace, are 104 bytes: version 0.5, our
//    key, the port of our vl0 listener, hash length 64, BLAKE2b-512 of our
//    key (no password).
// 2. getMulticastInterfaces from the real yggdrasilctl has the same shape on
//    both nodes.
// 3. 1000 malformed beacons from h on vl1 (short, long, wrong version, wrong
//    hash, wrong declared hash length; seen arriving by a socket beside
//    ours): o still answers, r is still its one peer, and o has no more
//    threads than before. Then 200 well-formed beacons of random keys
//    pointing at a closed port: o dials them (at most 8 at once), and
//    returns to its peers and threads.
// 4. r killed and restarted, then o killed and restarted: they find each
//    other again within 10 s each time.
// 5. Passwords: both "pw-one" → peered; r "pw-two" → for 6 s (at least
//    three beacons each way) neither lists the other, and both still run.
// Malformed beacons go only to o: 0.5.12 trusts the declared hash length and
// could crash (spec §9.2).
#include <cppunit/extensions/HelperMacros.h>

#include <sodium.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "Json.hpp"
#include "Lab.hpp"
#include "ProcStats.hpp"
#include "Trace.hpp"
#include "Wait.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::interop;

namespace {

constexpr int kPeerWithinMs = 10000;
const std::string kScripts = RTK_MULTICAST_SCRIPTS;

Poco::JSON::Array::Ptr multicastOn(const std::string& password) {
  Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
  entry->set("Regex", "vl.*");
  entry->set("Beacon", true);
  entry->set("Listen", true);
  entry->set("Port", 0);
  entry->set("Priority", 0);
  entry->set("Password", password);
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  list->add(entry);
  return list;
}

bool listsUp(const Node& who, const Node& peer) {
  for (const auto& k : who.ctl().upPeerKeys())
    if (k == peer.publicKey()) return true;
  return false;
}

long waitPeeredBothWays(const Node& a, const Node& b, const std::string& when) {
  long ms = waitUntil(a.name() + " and " + b.name() + " peered both ways " + when, kPeerWithinMs,
                      [&] { return listsUp(a, b) && listsUp(b, a); });
  trace("multicast: peered both ways " + when + " after " + std::to_string(ms) + " ms");
  return ms;
}

std::size_t peerCount(const Node& n) {
  auto peers = n.ctl().getPeers()->getArray("peers");
  return peers ? peers->size() : 0;
}

std::vector<std::uint8_t> fromHex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::vector<Poco::JSON::Object::Ptr> readCapture(const std::filesystem::path& path) {
  std::vector<Poco::JSON::Object::Ptr> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto o = parseJsonObject(line, path.string());
    if (o->has("length")) out.push_back(o);
  }
  return out;
}

// A capture of beacons on `ifName` in `ns` for `seconds`, started and ready.
Subprocess startCapture(const Netns& ns, const std::string& ifName, double seconds, const std::filesystem::path& out,
                        const std::filesystem::path& log) {
  Subprocess p = ns.spawn({RTK_PYTHON3, kScripts + "/beacon_capture.py", ifName, std::to_string(seconds), out.string()},
                          log.string());
  waitUntil("beacon capture on " + ifName + " ready", 5000, [&] {
    std::ifstream in(out);
    std::string first;
    return std::getline(in, first) && first.find("ready") != std::string::npos;
  });
  return p;
}

Poco::JSON::Object::Ptr interfaceNamed(const Poco::JSON::Object::Ptr& reply, const std::string& name) {
  auto list = reply->getArray("multicast_interfaces");
  for (std::size_t i = 0; list && i < list->size(); ++i)
    if (list->getObject(i)->getValue<std::string>("name") == name) return list->getObject(i);
  return nullptr;
}

// The reply's structure: the keys of the object and, for every interface,
// each key with the JSON type of its value.
std::set<std::string> shapeOf(const Poco::JSON::Object::Ptr& reply) {
  std::set<std::string> shape;
  for (const auto& [k, v] : *reply) shape.insert(k);
  auto list = reply->getArray("multicast_interfaces");
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    auto entry = list->getObject(i);
    for (const auto& [k, v] : *entry) {
      std::string type = v.isBoolean() ? "bool" : v.isString() ? "string" : v.isNumeric() ? "number" : "other";
      shape.insert("multicast_interfaces[]." + k + ":" + type);
    }
  }
  return shape;
}

std::uint16_t portOf(const std::string& address) { return static_cast<std::uint16_t>(std::stoul(address.substr(address.rfind(':') + 1))); }

}  // namespace

class MulticastTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MulticastTest);
  CPPUNIT_TEST(ourHostAndTheRealNodeFindEachOther);
  CPPUNIT_TEST_SUITE_END();

 public:
  void ourHostAndTheRealNodeFindEachOther() {
    Lab lab("multicast");
    Netns& nsO = lab.addNetns("o");
    Netns& nsR = lab.addNetns("r");
    Netns& nsH = lab.addNetns("h");
    // Link-local addresses usable at once (no 1 s of tentative DAD).
    for (const Netns* ns : {&nsO, &nsR, &nsH})
      ns->check({"sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"}, 5000);
    lab.connect(nsR, nsO);  // vl0
    lab.connect(nsH, nsO);  // vl1
    for (const auto& [ns, ifName] : std::vector<std::pair<const Netns*, std::string>>{
             {&nsR, "vl0"}, {&nsO, "vl0"}, {&nsO, "vl1"}, {&nsH, "vl1"}})
      waitUntil(ifName + " in " + ns->name() + " has a usable link-local address", 5000, [&] {
        auto out = ns->run({"ip", "-6", "addr", "show", "dev", ifName, "scope", "link"}, 5000).out;
        return out.find("fe80::") != std::string::npos && out.find("tentative") == std::string::npos;
      });

    NodeSpec rSpec{.name = "r"};
    rSpec.multicastInterfaces = multicastOn("");
    RealNode& r = lab.addRealNode(rSpec, nsR);
    NodeSpec oSpec{.name = "o"};
    oSpec.multicastInterfaces = multicastOn("");
    OurNode& o = lab.addOurNode(oSpec, nsO);

    // --- 1. peering, and our beacons on the wire.
    Subprocess capture = startCapture(nsR, "vl0", 6, lab.file("vl0-beacons.jsonl"), lab.file("capture.log"));
    o.start();
    r.start();
    waitPeeredBothWays(o, r, "at start");

    auto oInterfaces = o.ctl().call("getMulticastInterfaces");
    auto rInterfaces = r.ctl().call("getMulticastInterfaces");
    trace("multicast: ours " + toJson(oInterfaces) + "; real " + toJson(rInterfaces));
    auto oVl0 = interfaceNamed(oInterfaces, "vl0");
    CPPUNIT_ASSERT_MESSAGE("o lists vl0", oVl0);
    const std::string oAddress = oVl0->getValue<std::string>("address");
    CPPUNIT_ASSERT_MESSAGE(oAddress, std::regex_match(oAddress, std::regex(R"(\[fe80::[0-9a-f:]+%vl0\]:[0-9]+)")));

    // --- 2. getMulticastInterfaces: the same shape.
    CPPUNIT_ASSERT_MESSAGE("r lists vl0", interfaceNamed(rInterfaces, "vl0"));
    CPPUNIT_ASSERT(shapeOf(oInterfaces) == shapeOf(rInterfaces));
    for (const auto& reply : {oInterfaces, rInterfaces}) {
      auto vl0 = interfaceNamed(reply, "vl0");
      CPPUNIT_ASSERT(vl0->getValue<bool>("beacon") && vl0->getValue<bool>("listen") && !vl0->getValue<bool>("password"));
    }

    // --- 1 (cont.). Our beacons, captured while the above ran.
    CPPUNIT_ASSERT(capture.waitFor(15000));
    auto beacons = readCapture(lab.file("vl0-beacons.jsonl"));
    const auto ourKey = fromHex(o.publicKey());
    std::vector<std::uint8_t> expectedHash(64);
    crypto_generichash(expectedHash.data(), expectedHash.size(), ourKey.data(), ourKey.size(), nullptr, 0);
    int ours = 0, real = 0;
    for (const auto& b : beacons) {
      const auto bytes = fromHex(b->getValue<std::string>("hex"));
      CPPUNIT_ASSERT_MESSAGE("a datagram shorter than a beacon header on vl0", bytes.size() >= 40);
      const std::string sender(b->getValue<std::string>("hex").substr(8, 64));
      if (sender == r.publicKey()) {
        ++real;
        CPPUNIT_ASSERT_EQUAL(std::size_t(104), bytes.size());
        continue;
      }
      CPPUNIT_ASSERT_EQUAL_MESSAGE("a beacon from neither node: " + sender, o.publicKey(), sender);
      ++ours;
      CPPUNIT_ASSERT_EQUAL(104, b->getValue<int>("length"));
      CPPUNIT_ASSERT_EQUAL(std::string("00000005"), b->getValue<std::string>("hex").substr(0, 8));
      CPPUNIT_ASSERT_EQUAL(portOf(oAddress), static_cast<std::uint16_t>(bytes[36] << 8 | bytes[37]));
      CPPUNIT_ASSERT_EQUAL(std::string("0040"), b->getValue<std::string>("hex").substr(76, 4));
      CPPUNIT_ASSERT_MESSAGE("our beacon's hash", std::equal(expectedHash.begin(), expectedHash.end(), bytes.begin() + 40));
    }
    trace("multicast: captured on vl0 in 6 s: " + std::to_string(ours) + " of our beacons, " + std::to_string(real) +
          " of the real node's");
    CPPUNIT_ASSERT_MESSAGE("at least two of our beacons on vl0", ours >= 2);

    // --- 3. 1000 malformed beacons at o, from h.
    const std::size_t peersBefore = peerCount(o);
    const ProcStats before = ProcStats::read(o.pid());
    Subprocess witness = startCapture(nsO, "vl1", 3, lab.file("vl1-flood.jsonl"), lab.file("witness.log"));
    auto flood = nsH.check({RTK_PYTHON3, kScripts + "/beacon_flood.py", "vl1", "200"}, 30000);
    CPPUNIT_ASSERT_EQUAL(std::string("1000"), flood.out.substr(0, flood.out.find('\n')));
    CPPUNIT_ASSERT(witness.waitFor(15000));
    std::size_t arrived = 0;
    for (const auto& b : readCapture(lab.file("vl1-flood.jsonl"))) {
      const std::string hex = b->getValue<std::string>("hex");
      // The witness also hears o's and r's own beacons (looped back, or on vl0).
      const bool fromANode = hex.size() >= 72 && (hex.substr(8, 64) == o.publicKey() || hex.substr(8, 64) == r.publicKey());
      if (!fromANode) ++arrived;
    }
    trace("multicast: " + std::to_string(arrived) + " of 1000 malformed beacons seen arriving beside o's socket");
    CPPUNIT_ASSERT_MESSAGE("the flood reached o's namespace", arrived >= 900);
    CPPUNIT_ASSERT_MESSAGE("o answers after the flood", o.ctl().answers(5000));
    CPPUNIT_ASSERT_EQUAL(peersBefore, peerCount(o));
    CPPUNIT_ASSERT(listsUp(o, r));
    waitUntil("o back to at most its threads before the flood", 5000,
              [&] { return ProcStats::read(o.pid()).threads <= before.threads; });
    trace("multicast: o before the flood: " + before.describe() + "; after: " + ProcStats::read(o.pid()).describe());

    // 200 well-formed beacons of strangers, all dialled back and refused:
    // o stays bounded (at most 8 dials at once) and ends as it was.
    auto valid = nsH.check({RTK_PYTHON3, kScripts + "/beacon_flood.py", "vl1", "200", "valid"}, 30000);
    CPPUNIT_ASSERT_EQUAL(std::string("200"), valid.out.substr(0, valid.out.find('\n')));
    const ProcStats during = ProcStats::read(o.pid());
    waitUntil("o back to its peers after 200 stranger beacons", 10000, [&] { return peerCount(o) == peersBefore; });
    waitUntil("o back to its threads after 200 stranger beacons", 5000,
              [&] { return ProcStats::read(o.pid()).threads <= before.threads; });
    CPPUNIT_ASSERT(listsUp(o, r));
    trace("multicast: o right after 200 stranger beacons: " + during.describe() + "; settled: " +
          ProcStats::read(o.pid()).describe());

    // --- 4. kill and restart either node.
    r.kill();
    r.start();
    waitPeeredBothWays(o, r, "after the real node was killed and restarted");
    o.kill();
    o.start();
    waitPeeredBothWays(o, r, "after our node was killed and restarted");

    // --- 5. passwords.
    o.mutableSpec().multicastInterfaces = multicastOn("pw-one");
    r.mutableSpec().multicastInterfaces = multicastOn("pw-one");
    o.restart();
    r.restart();
    waitPeeredBothWays(o, r, "with the same password");
    CPPUNIT_ASSERT(interfaceNamed(o.ctl().call("getMulticastInterfaces"), "vl0")->getValue<bool>("password"));
    r.mutableSpec().multicastInterfaces = multicastOn("pw-two");
    r.restart();
    // Beacons go out at about 0, 1, 3 and 6 s: 6 s covers four from each side.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(6);
    while (std::chrono::steady_clock::now() < until) {
      CPPUNIT_ASSERT_MESSAGE("o peered with r despite different passwords", !listsUp(o, r));
      CPPUNIT_ASSERT_MESSAGE("r peered with o despite different passwords", !listsUp(r, o));
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    CPPUNIT_ASSERT(o.running() && r.running());
    trace("multicast: different passwords: no peering in 6 s, both nodes running");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MulticastTest);
