#include <cppunit/extensions/HelperMacros.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "TestVectors.hpp"
#include "common/TempDir.hpp"
#include "core/crypto/Pem.hpp"
#include "ratatoskr/error.hpp"

using rtk::Errc;
using rtk::Error;
using rtk::core::Bytes;
using namespace rtk::core::crypto;
using rtk::test::hex;
using rtk::test::TempDir;
using rtk::test::unhex;

namespace {

// `yggdrasil -useconffile F -exportkey` (0.5.12) for PrivateKey = kHex.
const char* kHex =
    "89d625e2931160edad0ad644d10587b4a4f8399ec5eb0b63c6686c265920c255"
    "46fc66892d83502abcd47e06048c13cc495d67856bfe8caa684dd17cd1f6de7f";
const char* kExported =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIInWJeKTEWDtrQrWRNEFh7Sk+DmexesLY8ZobCZZIMJV\n"
    "-----END PRIVATE KEY-----\n";
// `openssl genpkey -algorithm X25519`: valid PKCS#8, wrong algorithm.
const char* kX25519 =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VuBCIEIPATJIIsK4RN/Sti1vMRIEpm7i0CK8O/Yni35/MRFzdI\n"
    "-----END PRIVATE KEY-----\n";
const char* kPublic =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEALsO2FAJ92xThN2xDfkFHXnhYgnAal96jGiS3pH9YFlA=\n"
    "-----END PUBLIC KEY-----\n";

std::string configErrorOf(const std::string& path) {
  try {
    loadPemPrivateKey(path);
  } catch (const Error& e) {
    CPPUNIT_ASSERT(e.code() == Errc::Config);
    return e.what();
  }
  CPPUNIT_FAIL("no error for " + path);
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string dataPath(const std::string& name) { return std::string(RTK_CRYPTO_DATA) + "/" + name; }

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  CPPUNIT_ASSERT_MESSAGE("cannot open " + path, in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The message parsePemPrivateKey throws for `text`; it must be Errc::Config
// and name the origin.
std::string parseErrorOf(std::string_view text) {
  try {
    parsePemPrivateKey(text, "test");
  } catch (const Error& e) {
    CPPUNIT_ASSERT(e.code() == Errc::Config);
    std::string msg = e.what();
    CPPUNIT_ASSERT_MESSAGE(msg, msg.starts_with("crypto: test: "));
    return msg;
  }
  CPPUNIT_FAIL("no error for: " + std::string(text));
  return {};
}

const std::string kPkcs8Error = "crypto: test: failed to unmarshal PKCS#8 key: ";

// A DER element: `tag`, the length of `contents` in its shortest form, `contents`.
Bytes der(std::uint8_t tag, const Bytes& contents) {
  Bytes out{tag};
  const std::size_t n = contents.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    Bytes length;
    for (std::size_t rest = n; rest != 0; rest >>= 8) length.insert(length.begin(), static_cast<std::uint8_t>(rest));
    out.push_back(static_cast<std::uint8_t>(0x80 | length.size()));
    out.insert(out.end(), length.begin(), length.end());
  }
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// The pieces of an Ed25519 PKCS#8 key, to build variants from.
const Bytes kSeed = unhex("89d625e2931160edad0ad644d10587b4a4f8399ec5eb0b63c6686c265920c255");
Bytes version(std::uint8_t v) { return der(0x02, {v}); }
Bytes algorithm(const Bytes& oid, const Bytes& params = {}) { return der(0x30, cat({der(0x06, oid), params})); }
const Bytes kEd25519Oid = {0x2b, 0x65, 0x70};
Bytes seedField(const Bytes& seed) { return der(0x04, der(0x04, seed)); }
Bytes pkcs8(std::initializer_list<Bytes> fields) { return der(0x30, cat(fields)); }

// `bytes` in a PEM block of `type`, base64 in 64-column lines.
std::string pemOf(const Bytes& bytes, const std::string& type = "PRIVATE KEY") {
  std::string b64(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.pop_back();
  std::string out = "-----BEGIN " + type + "-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + type + "-----\n";
}

// The DER inside a PEM text with one block and no headers.
Bytes derOf(const std::string& pem) {
  std::string body;
  std::istringstream lines(pem);
  for (std::string line; std::getline(lines, line);)
    if (!line.starts_with("-----")) body += line;
  Bytes out(body.size());
  std::size_t size = 0;
  CPPUNIT_ASSERT(sodium_base642bin(out.data(), out.size(), body.data(), body.size(), "\r", &size, nullptr,
                                   sodium_base64_VARIANT_ORIGINAL) == 0);
  out.resize(size);
  return out;
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size())
    text.replace(pos, from.size(), to);
  return text;
}

// `openssl genpkey` for other algorithms: valid PKCS#8, wrong algorithm.
const char* kEd448 =
    "-----BEGIN PRIVATE KEY-----\n"
    "MEcCAQAwBQYDK2VxBDsEOfXO3kOdfWDYXOXVp3V9EC7agBEEV68yIrOgat20o5j8\n"
    "9438vesObk9YUzSvyozj7nM9CLWGvvxwMg==\n"
    "-----END PRIVATE KEY-----\n";
const char* kX448 =
    "-----BEGIN PRIVATE KEY-----\n"
    "MEYCAQAwBQYDK2VvBDoEOHDVfnI1G1SkaM5BdCePlROevIZrkcTEiOqCkGDny2uQ\n"
    "O2p89Se+JTATuFl0rhUsZ0Ltdsv8lXGT\n"
    "-----END PRIVATE KEY-----\n";
// -algorithm EC -pkeyopt ec_paramgen_curve:P-256 (its outer length is in the long form).
const char* kEcP256 =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSuN8cy0CDzgjtjmY\n"
    "TTRp/e5jXh6/kSDIm+66Mb2SK0uhRANCAATTUe5Hldk9p1GEheJhUeti/xRhd1dG\n"
    "qgWqgTchMv17ShsRG4LeKNI28NAz5JwcDaIFJa6gRHK0IDuki+x2vgPH\n"
    "-----END PRIVATE KEY-----\n";

}  // namespace

class PemTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PemTest);
  CPPUNIT_TEST(encodesExactlyAsYggdrasilExportkey);
  CPPUNIT_TEST(parsesYggdrasilExportkeyOutput);
  CPPUNIT_TEST(roundTripsRandomKeysThroughFiles);
  CPPUNIT_TEST(skipsTextBeforeTheBlock);
  CPPUNIT_TEST(errorsNameThePathAndTheReason);
  CPPUNIT_TEST(binaryTypeIsEscapedInTheMessage);
  CPPUNIT_TEST(builderMatchesTheExportkeyBytes);
  CPPUNIT_TEST(parsesTheRfc8410V2KeyWithAttributesAndPublicKey);
  CPPUNIT_TEST(parsesAnOpensslGenpkeyFile);
  CPPUNIT_TEST(acceptsLongFormLengths);
  CPPUNIT_TEST(skipsHeadersAndAcceptsCrlfAndWhitespace);
  CPPUNIT_TEST(findsTheFirstCompleteBlock);
  CPPUNIT_TEST(ignoresBytesAfterTheKey);
  CPPUNIT_TEST(namesOtherAlgorithms);
  CPPUNIT_TEST(rejectsEd25519Parameters);
  CPPUNIT_TEST(rejectsSeedsThatAreNot32Bytes);
  CPPUNIT_TEST(rejectsMalformedDer);
  CPPUNIT_TEST(rejectsEveryTruncation);
  CPPUNIT_TEST(rejectsInvalidBase64);
  CPPUNIT_TEST_SUITE_END();

 public:
  void encodesExactlyAsYggdrasilExportkey() {
    auto key = SigningKey::fromHex(kHex);
    CPPUNIT_ASSERT_EQUAL(std::string(kExported), toPemPrivateKey(key));
  }

  void parsesYggdrasilExportkeyOutput() {
    // exportkey prints the block followed by an empty line (fmt.Println of text ending in "\n").
    auto key = parsePemPrivateKey(std::string(kExported) + "\n", "stdin");
    CPPUNIT_ASSERT_EQUAL(std::string(kHex), key.hex());
  }

  void roundTripsRandomKeysThroughFiles() {
    TempDir dir{"pem"};
    for (int i = 0; i < 20; ++i) {
      auto key = SigningKey::generate();
      auto pem = toPemPrivateKey(key);
      CPPUNIT_ASSERT(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
      CPPUNIT_ASSERT(pem.ends_with("\n-----END PRIVATE KEY-----\n"));
      CPPUNIT_ASSERT_EQUAL(std::size_t(28 + 65 + 26), pem.size());  // 48 DER bytes = 64 base64 chars
      auto path = dir.write("k" + std::to_string(i) + ".pem", pem);
      auto back = loadPemPrivateKey(path);
      CPPUNIT_ASSERT(back.secret() == key.secret());
    }
  }

  void skipsTextBeforeTheBlock() {
    auto key = parsePemPrivateKey(std::string("# my node key\nsome notes\n") + kExported, "inline");
    CPPUNIT_ASSERT_EQUAL(std::string(kHex), key.hex());
  }

  // Found by fuzz_crypto_pem: a NUL in the block type cut the message short
  // (what() is a C string). Bytes outside printable ASCII are escaped.
  void binaryTypeIsEscapedInTheMessage() {
    const std::string type("PRIVAT\0\0\0\xd4Y\\", 12);
    const std::string pem = "-----BEGIN " + type + "-----\nAAAA\n-----END " + type + "-----\n";
    CPPUNIT_ASSERT_EQUAL(
        std::string("crypto: test: unexpected PEM type \"PRIVAT\\x00\\x00\\x00\\xd4Y\\x5c\" (want \"PRIVATE KEY\")"),
        parseErrorOf(pem));
  }

  void errorsNameThePathAndTheReason() {
    TempDir dir{"pem"};
    auto missing = dir.file("absent.pem");
    auto msg = configErrorOf(missing);
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, missing) && contains(msg, "cannot open"));

    auto empty = dir.write("empty.pem", "just text, no block\n");
    msg = configErrorOf(empty);
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, empty) && contains(msg, "no PEM block"));

    auto pub = dir.write("public.pem", kPublic);
    msg = configErrorOf(pub);
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, pub) && contains(msg, "unexpected PEM type \"PUBLIC KEY\""));

    auto x = dir.write("x25519.pem", kX25519);
    msg = configErrorOf(x);
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, x) && contains(msg, "must be an ed25519 key"));

    auto junk = dir.write("junk.pem", "-----BEGIN PRIVATE KEY-----\nAAECAwQFBgcICQ==\n-----END PRIVATE KEY-----\n");
    msg = configErrorOf(junk);
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, junk) && contains(msg, "PKCS#8"));

    auto dirAsFile = dir.file("");
    msg = configErrorOf(dirAsFile);
    CPPUNIT_ASSERT_MESSAGE(msg, contains(msg, dirAsFile));
  }

  // The DER builder below makes exactly Go's 48 bytes, so the variants built
  // from it differ from real keys only where a test means them to.
  void builderMatchesTheExportkeyBytes() {
    CPPUNIT_ASSERT_EQUAL(std::string(kExported), pemOf(pkcs8({version(0), algorithm(kEd25519Oid), seedField(kSeed)})));
  }

  // RFC 8410 section 10.3: version 1 with an attribute and the [1] public key.
  // OpenSSL 3.0 refuses this file (its PKCS8_PRIV_KEY_INFO has no [1] field);
  // without the [1] field, `openssl pkey -text` prints this seed and a public
  // key equal to the one in [1].
  void parsesTheRfc8410V2KeyWithAttributesAndPublicKey() {
    auto key = loadPemPrivateKey(dataPath("pem_rfc8410.pem"));
    CPPUNIT_ASSERT_EQUAL(std::string("d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842"
                                     "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"),
                         key.hex());
    auto der = derOf(readFile(dataPath("pem_rfc8410.pem")));
    CPPUNIT_ASSERT_EQUAL(hex(rtk::core::ByteView(der).last(32)), key.publicKey().hex());
  }

  // `openssl genpkey -algorithm ed25519`; seed and public key as `openssl pkey
  // -noout -text` prints them. OpenSSL writes the same 48-byte form as Go.
  void parsesAnOpensslGenpkeyFile() {
    auto key = loadPemPrivateKey(dataPath("pem_openssl_genpkey.pem"));
    CPPUNIT_ASSERT_EQUAL(std::string("6e9c16635f4f4592274afb1b97cb47471721f44e8f4894148d3a83b22408f6dc"
                                     "d5b5fb716cd0501f0d47e01f1de3034e8fc6f64a502575898cfc039c68c7dcd3"),
                         key.hex());
    CPPUNIT_ASSERT_EQUAL(readFile(dataPath("pem_openssl_genpkey.pem")), toPemPrivateKey(key));
  }

  void acceptsLongFormLengths() {
    // The genpkey key with two attributes (friendlyName, a 300-byte
    // localKeyID): the outer SEQUENCE and [0] have two-byte lengths (82 xx xx);
    // OpenSSL reads it as the same key.
    auto key = loadPemPrivateKey(dataPath("pem_long_lengths.pem"));
    CPPUNIT_ASSERT(key.secret() == loadPemPrivateKey(dataPath("pem_openssl_genpkey.pem")).secret());
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0x82), derOf(readFile(dataPath("pem_long_lengths.pem")))[1]);
    // Attributes of every size across the short/81/82 boundaries of both lengths.
    for (std::size_t n = 0; n <= 300; ++n) {
      Bytes attributes = der(0xa0, Bytes(n, 0x31));
      auto pem = pemOf(pkcs8({version(0), algorithm(kEd25519Oid), seedField(kSeed), attributes}));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(n), std::string(kHex), parsePemPrivateKey(pem, "test").hex());
    }
  }

  void skipsHeadersAndAcceptsCrlfAndWhitespace() {
    const std::string exported = kExported;
    const std::string body = "MC4CAQAwBQYDK2VwBCIEIInWJeKTEWDtrQrWRNEFh7Sk+DmexesLY8ZobCZZIMJV";
    std::vector<std::string> variants = {
        // RFC 1421 headers up to a blank line.
        replaceAll(exported, "KEY-----\nMC4", "KEY-----\nComment: my node\nX-Origin: ratatoskr test\n\nMC4"),
        // Headers without the blank line (Go's pem.Decode allows it).
        replaceAll(exported, "KEY-----\nMC4", "KEY-----\nComment: my node\nMC4"),
        // Windows line ends, with headers.
        replaceAll(replaceAll(exported, "KEY-----\nMC4", "KEY-----\nComment: x\n\nMC4"), "\n", "\r\n"),
        // Short lines, spaces and tabs in the body, trailing blanks after BEGIN and END.
        "-----BEGIN PRIVATE KEY----- \t\r\n" + body.substr(0, 10) + "\n  " + body.substr(10, 30) + "\t\n\n" +
            body.substr(40) + "\n-----END PRIVATE KEY-----  \n",
        // No final newline.
        exported.substr(0, exported.size() - 1),
    };
    for (const auto& text : variants)
      CPPUNIT_ASSERT_EQUAL_MESSAGE(text, std::string(kHex), parsePemPrivateKey(text, "test").hex());
  }

  void findsTheFirstCompleteBlock() {
    const std::string exported = kExported;
    // A BEGIN line without its END is skipped; so is one not at the start of a line.
    CPPUNIT_ASSERT_EQUAL(std::string(kHex),
                         parsePemPrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n\n" + exported, "test").hex());
    CPPUNIT_ASSERT_EQUAL(std::string(kHex),
                         parsePemPrivateKey("-----BEGIN X-----\nAAAA\n-----END Y-----\n" + exported, "test").hex());
    CPPUNIT_ASSERT_EQUAL(std::string("crypto: test: failed to parse PEM file: no PEM block found"),
                         parseErrorOf("text -----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("crypto: test: failed to parse PEM file: no PEM block found"),
                         parseErrorOf(replaceAll(exported, "END PRIVATE", "END PUBLIC")));
    CPPUNIT_ASSERT_EQUAL(std::string("crypto: test: failed to parse PEM file: no PEM block found"), parseErrorOf(""));
    // The first block counts, whatever follows (as in Go).
    CPPUNIT_ASSERT_EQUAL(std::string("crypto: test: unexpected PEM type \"PUBLIC KEY\" (want \"PRIVATE KEY\")"),
                         parseErrorOf(std::string(kPublic) + exported));
    CPPUNIT_ASSERT_EQUAL(std::string("crypto: test: unexpected PEM type \"\" (want \"PRIVATE KEY\")"),
                         parseErrorOf("-----BEGIN -----\n-----END -----\n"));
  }

  void ignoresBytesAfterTheKey() {
    // Go's x509.ParsePKCS8PrivateKey ignores what follows the SEQUENCE.
    auto der = cat({pkcs8({version(0), algorithm(kEd25519Oid), seedField(kSeed)}), Bytes{0x00, 0xff, 0x30}});
    CPPUNIT_ASSERT_EQUAL(std::string(kHex), parsePemPrivateKey(pemOf(der), "test").hex());
  }

  void namesOtherAlgorithms() {
    const std::string want = "crypto: test: private key must be an ed25519 key, got ";
    CPPUNIT_ASSERT_EQUAL(want + "X25519", parseErrorOf(kX25519));
    CPPUNIT_ASSERT_EQUAL(want + "X448", parseErrorOf(kX448));
    CPPUNIT_ASSERT_EQUAL(want + "ED448", parseErrorOf(kEd448));
    CPPUNIT_ASSERT_EQUAL(want + "EC", parseErrorOf(kEcP256));
    const Bytes rsa = unhex("2a864886f70d010101"), null = {0x05, 0x00};
    CPPUNIT_ASSERT_EQUAL(want + "RSA", parseErrorOf(pemOf(pkcs8({version(0), algorithm(rsa, null), der(0x04, {})}))));
    // Others by their dotted OID, arcs of any size up to 64 bits.
    CPPUNIT_ASSERT_EQUAL(want + "1.2.3.4",
                         parseErrorOf(pemOf(pkcs8({version(0), algorithm({0x2a, 3, 4}), seedField(kSeed)}))));
    const Bytes big = unhex("883781ffffffffffffffff7f00");  // 2.999, 2^64-1, 0
    CPPUNIT_ASSERT_EQUAL(want + "2.999.18446744073709551615.0",
                         parseErrorOf(pemOf(pkcs8({version(1), algorithm(big), seedField(kSeed)}))));
    // OIDs that are not valid encodings.
    for (const Bytes& bad :
         {Bytes{}, Bytes{0x2b, 0x65, 0xf0}, Bytes{0x2b, 0x80, 0x01}, unhex("2b82808080808080808000")})
      CPPUNIT_ASSERT_EQUAL(kPkcs8Error + "malformed algorithm OBJECT IDENTIFIER",
                           parseErrorOf(pemOf(pkcs8({version(0), algorithm(bad), seedField(kSeed)}))));
  }

  void rejectsEd25519Parameters() {
    for (const Bytes& params : {Bytes{0x05, 0x00}, der(0x30, {}), Bytes{0x00}})
      CPPUNIT_ASSERT_EQUAL(kPkcs8Error + "ed25519 algorithm parameters must be absent",
                           parseErrorOf(pemOf(pkcs8({version(0), algorithm(kEd25519Oid, params), seedField(kSeed)}))));
  }

  void rejectsSeedsThatAreNot32Bytes() {
    for (std::size_t n : {0, 31, 33, 64}) {
      auto pem = pemOf(pkcs8({version(0), algorithm(kEd25519Oid), seedField(Bytes(n, 7))}));
      CPPUNIT_ASSERT_EQUAL(kPkcs8Error + "ed25519 private key must be 32 bytes, got " + std::to_string(n),
                           parseErrorOf(pem));
    }
    // The seed directly in privateKey, without the inner OCTET STRING.
    auto flat = pemOf(pkcs8({version(0), algorithm(kEd25519Oid), der(0x04, kSeed)}));
    CPPUNIT_ASSERT(parseErrorOf(flat).starts_with(kPkcs8Error + "expected CurvePrivateKey OCTET STRING, got tag 0x89"));
    auto extra = pemOf(pkcs8({version(0), algorithm(kEd25519Oid), der(0x04, cat({der(0x04, kSeed), Bytes{0}}))}));
    CPPUNIT_ASSERT_EQUAL(kPkcs8Error + "unexpected data after the CurvePrivateKey", parseErrorOf(extra));
  }

  void rejectsMalformedDer() {
    const Bytes alg = algorithm(kEd25519Oid), seed = seedField(kSeed);
    struct Case {
      Bytes der;
      std::string reason;
    };
    const std::vector<Case> cases = {
        {pkcs8({version(2), alg, seed}), "version must be 0 or 1"},
        {pkcs8({der(0x02, {0, 0}), alg, seed}), "version must be 0 or 1"},
        {pkcs8({der(0x02, {}), alg, seed}), "version must be 0 or 1"},
        {pkcs8({alg, seed}), "expected version INTEGER, got tag 0x30"},
        {pkcs8({version(0), seed}), "expected AlgorithmIdentifier SEQUENCE, got tag 0x04"},
        {pkcs8({version(0), alg}), "truncated: privateKey OCTET STRING missing"},
        {pkcs8({version(0), der(0x30, {}), seed}), "truncated: algorithm OBJECT IDENTIFIER missing"},
        {pkcs8({version(0), alg, seed, der(0x82, {1})}), "unexpected data after the private key"},
        {pkcs8({version(1), alg, seed, der(0x81, {0}), der(0xa0, {})}), "unexpected data after the private key"},
        {der(0x31, cat({version(0), alg, seed})), "expected PrivateKeyInfo SEQUENCE, got tag 0x31"},
        {cat({Bytes{0x30, 0x80}, version(0), alg, seed, Bytes{0, 0}}),
         "indefinite length of PrivateKeyInfo SEQUENCE (not DER)"},
        {cat({Bytes{0x30, 0x81, 0x2e}, version(0), alg, seed}),
         "non-minimal length of PrivateKeyInfo SEQUENCE (not DER)"},
        {cat({Bytes{0x30, 0x82, 0x00, 0x2e}, version(0), alg, seed}),
         "non-minimal length of PrivateKeyInfo SEQUENCE (not DER)"},
        {cat({Bytes{0x30, 0x85, 0, 0, 0, 0, 0x2e}, version(0), alg, seed}),
         "length of PrivateKeyInfo SEQUENCE too large"},
        {cat({Bytes{0x30, 0x84, 0xff, 0xff, 0xff, 0xff}, version(0), alg, seed}), "truncated PrivateKeyInfo SEQUENCE"},
        {Bytes{0x30}, "truncated PrivateKeyInfo SEQUENCE"},
        {Bytes{}, "truncated: PrivateKeyInfo SEQUENCE missing"},
    };
    for (const auto& c : cases) CPPUNIT_ASSERT_EQUAL(kPkcs8Error + c.reason, parseErrorOf(pemOf(c.der)));
    // The old test's junk block.
    CPPUNIT_ASSERT(parseErrorOf("-----BEGIN PRIVATE KEY-----\nAAECAwQFBgcICQ==\n-----END PRIVATE KEY-----\n")
                       .starts_with(kPkcs8Error));
  }

  // Every proper prefix of a real key's DER is a PKCS#8 error, never a crash
  // or an out-of-bounds read (the ASan build checks the latter).
  void rejectsEveryTruncation() {
    for (const auto& pem : {std::string(kExported), readFile(dataPath("pem_rfc8410.pem")),
                            readFile(dataPath("pem_long_lengths.pem")), std::string(kEcP256)}) {
      auto der = derOf(pem);
      CPPUNIT_ASSERT(der.size() >= 48);
      for (std::size_t n = 0; n < der.size(); ++n) {
        auto msg = parseErrorOf(pemOf(Bytes(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(n))));
        CPPUNIT_ASSERT_MESSAGE(msg, msg.starts_with(kPkcs8Error));
      }
    }
  }

  void rejectsInvalidBase64() {
    const std::string want = "crypto: test: failed to parse PEM file: invalid base64 in the PRIVATE KEY block";
    for (const char* body : {"AAECAwQ", "AAEC!wQF", "AAECAwR=", "AAECAw==AAEC", "AA-CAwQF", "AAEC\vAwQF"})
      CPPUNIT_ASSERT_EQUAL(
          want, parseErrorOf(std::string("-----BEGIN PRIVATE KEY-----\n") + body + "\n-----END PRIVATE KEY-----\n"));
    // A NUL is not whitespace (libsodium alone would skip it).
    std::string withNul = kExported;
    withNul.insert(withNul.find("MC4C") + 2, 1, '\0');
    CPPUNIT_ASSERT_EQUAL(want, parseErrorOf(withNul));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PemTest);
