// The one-pass packument reader (npm_packument.cpp) against the nlohmann readers it
// replaced (parseNpmPackumentReference: the SAX reader, and with lock entries the
// filtered document): the same facts or the same error, for generated
// packuments of real shape, odd but valid ones, mutated (mostly invalid) ones, read whole
// and streamed in pieces of every size.
#include <gtest/gtest.h>

#include <streambuf>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/npm_packument.h"
#include "tests/support/packument_gen.h"
#include "tests/support/pieces_streambuf.h"

namespace ddd::analyzers::deps {
namespace {

// A text handed out in pieces of the given sizes (cycled), as the HTTP client's body
// reader hands out what arrives.

// Everything a ReleaseInfo says, or the error's text.
std::string render(const ReleaseInfo& info) {
  std::string out = "ok\n" + info.sourceUrl + "\n" + info.homepage + "\n" +
                    (info.deprecated ? "D:" + info.deprecationMessage : "") + "\n";
  for (const auto& [tag, v] : info.tags) out += "tag " + tag + "=" + v + "\n";
  for (const auto& r : info.releases) {
    out += r.version + "|" + (r.released ? std::to_string(*r.released) : "-") + "|" +
           (r.deprecated ? "D:" + r.deprecationMessage : "") + "|" + r.digest + "|" +
           r.enginesNode + "|" + r.artifactUrl + "|" + r.lockMetadata + "\n";
  }
  return out;
}
template <typename Parse>
std::string attempt(Parse&& parse) {
  try {
    return render(parse());
  } catch (const RegistryError& e) {
    return std::string("error: ") + e.what();
  }
}

// `lock`: with lock entries (the reference is then the filtered document).
std::string fast(const std::string& text, bool lock = false) {
  return attempt(
      [&] { return parseNpmPackument(std::string_view(text), "npm package pkg", lock); });
}
std::string reference(const std::string& text, bool lock = false) {
  return attempt([&] {
    return parseNpmPackumentReference(std::string_view(text), "npm package pkg", lock);
  });
}
std::string fastStreamed(const std::string& text, std::vector<size_t> sizes, bool lock = false) {
  return attempt([&] {
    ddd::testing::PiecesStreambuf buf(text, std::move(sizes));
    std::istream in(&buf);
    return parseNpmPackument(in, "npm package pkg", lock);
  });
}
std::string referenceStreamed(const std::string& text, bool lock = false) {
  return attempt([&] {
    ddd::testing::PiecesStreambuf buf(text, {4096});
    std::istream in(&buf);
    return parseNpmPackumentReference(in, "npm package pkg", lock);
  });
}

TEST(NpmPackumentScan, RealShapedPackumentsReadAsTheReferenceReadsThem) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    ddd::testing::PackumentGenerator gen(seed, false);
    const std::string doc = gen.make(20 + static_cast<int>(seed) * 30, 5000);
    const std::string expected = reference(doc);
    ASSERT_EQ(expected.rfind("ok\n", 0), 0u) << expected.substr(0, 200);
    EXPECT_EQ(fast(doc), expected) << "seed " << seed;
    EXPECT_EQ(referenceStreamed(doc), expected) << "seed " << seed;
    EXPECT_EQ(fastStreamed(doc, {65536}), expected) << "seed " << seed;
    EXPECT_EQ(fastStreamed(doc, {1}), expected) << "seed " << seed;
    EXPECT_EQ(fastStreamed(doc, {7, 1, 300, 2}), expected) << "seed " << seed;
    const std::string expectedLock = reference(doc, true);
    ASSERT_NE(expectedLock.find("\"dependencies\":{"), std::string::npos);
    EXPECT_EQ(fast(doc, true), expectedLock) << "seed " << seed;
    EXPECT_EQ(fastStreamed(doc, {1}, true), expectedLock) << "seed " << seed;
    EXPECT_EQ(fastStreamed(doc, {7, 1, 300, 2}, true), expectedLock) << "seed " << seed;
  }
  // The facts are really there (not two empty answers agreeing).
  ddd::testing::PackumentGenerator gen(5, false);
  const auto info = parseNpmPackument(gen.make(300, 1000), "npm package pkg");
  ASSERT_GE(info.releases.size(), 250u);
  size_t dated = 0, digests = 0, engines = 0, deprecated = 0;
  for (const auto& r : info.releases) {
    dated += r.released.has_value();
    digests += r.digest.rfind("sha512-", 0) == 0;
    engines += r.enginesNode == ">=14";
    deprecated += r.deprecated;
  }
  EXPECT_EQ(dated, info.releases.size());
  EXPECT_EQ(digests, info.releases.size());
  EXPECT_GT(engines, 30u);
  EXPECT_GT(deprecated, 5u);
  EXPECT_EQ(info.tags.count("latest"), 1u);
}

// Escapes of every kind, raw UTF-8, numbers of every form, nested junk, repeated keys and
// values of unexpected types: valid JSON all, read alike.
TEST(NpmPackumentScan, OddButValidDocumentsReadAlike) {
  size_t ok = 0;
  for (uint32_t seed = 100; seed < 400; ++seed) {
    ddd::testing::PackumentGenerator gen(seed, true);
    const std::string doc = gen.make(static_cast<int>(seed % 40), 300);
    const std::string expected = reference(doc);
    ok += expected.rfind("ok\n", 0) == 0;
    ASSERT_EQ(fast(doc), expected) << doc;
    ASSERT_EQ(fastStreamed(doc, {1 + seed % 13}), referenceStreamed(doc)) << doc;
    ASSERT_EQ(fast(doc, true), reference(doc, true)) << doc;
    ASSERT_EQ(fastStreamed(doc, {1 + seed % 7}, true), referenceStreamed(doc, true)) << doc;
  }
  EXPECT_GT(ok, 200u);  // most have a "versions" object (some end with a repeated junk one)
}

// Mutations (bytes spliced in, removed, the text cut short): both verdicts occur, and the
// two readers give the same one, with the same facts or the same message.
TEST(NpmPackumentScan, MutatedDocumentsGetTheSameVerdict) {
  size_t accepted = 0, refused = 0;
  for (uint32_t seed = 1000; seed < 2500; ++seed) {
    ddd::testing::PackumentGenerator gen(seed, seed % 2 == 0);
    std::string doc = gen.make(static_cast<int>(seed % 12), 200);
    const size_t edits = 1 + gen.pick(3);
    for (size_t e = 0; e < edits && !doc.empty(); ++e) {
      const size_t at = gen.pick(doc.size());
      switch (gen.pick(4)) {
        case 0:
          doc.insert(at, gen.noise());
          break;
        case 1:
          doc.erase(at, 1 + gen.pick(4));
          break;
        case 2:
          doc.resize(at);
          break;
        default:
          doc[at] = gen.noise()[0];
      }
    }
    const std::string expected = reference(doc);
    (expected.rfind("ok\n", 0) == 0 ? accepted : refused)++;
    ASSERT_EQ(fast(doc), expected) << doc;
    ASSERT_EQ(fastStreamed(doc, {1 + seed % 5, 64}), referenceStreamed(doc)) << doc;
    ASSERT_EQ(fast(doc, true), reference(doc, true)) << doc;
    ASSERT_EQ(fastStreamed(doc, {1 + seed % 3, 5}, true), referenceStreamed(doc, true)) << doc;
  }
  EXPECT_GT(accepted, 50u);
  EXPECT_GT(refused, 500u);
}

// Texts at the edges of what nlohmann accepts.
TEST(NpmPackumentScan, EdgesOfTheGrammar) {
  const std::string v = R"("versions":{"1.0.0":{}})";
  const std::vector<std::string> docs = {
      "", " ", "{", "}", "{}", "[]", "null", "\"x\"", "{" + v + "}", "{" + v + "} ",
      "{" + v + "}x", "{" + v + "},", "{" + v + "}" + std::string(1, '\0') + "junk",
      std::string(1, '\0'), "\xEF\xBB\xBF{" + v + "}", "\xEF\xBB{" + v + "}",
      " \xEF\xBB\xBF{" + v + "}", "{" + v + ",}", "{," + v + "}", "{" + v + ",\"a\"}",
      "{" + v + ",\"a\":}", "{" + v + ",\"a\":1,}", "{" + v + ",\"a\":[1,]}",
      "{" + v + ",\"a\":[,1]}", "{" + v + ",\"a\":01}", "{" + v + ",\"a\":-}",
      "{" + v + ",\"a\":1.}", "{" + v + ",\"a\":1e}", "{" + v + ",\"a\":1e+}",
      "{" + v + ",\"a\":-0.0e-0}", "{" + v + ",\"a\":1e308}", "{" + v + ",\"a\":1e309}",
      "{" + v + ",\"a\":-1e309}", "{" + v + ",\"a\":" + std::string(309, '9') + "}",
      "{" + v + ",\"a\":" + std::string(308, '9') + "}", "{" + v + ",\"a\":tru}",
      "{" + v + ",\"a\":truex}", "{" + v + ",\"a\":nulll}", "{" + v + ",\"a\":\"\\x\"}",
      "{" + v + ",\"a\":\"\\u12\"}", "{" + v + ",\"a\":\"\\ud800\"}",
      "{" + v + ",\"a\":\"\\ud800\\u0041\"}", "{" + v + ",\"a\":\"\\udc00\"}",
      "{" + v + ",\"a\":\"\\ud83d\\ude00\"}", "{" + v + ",\"a\":\"\t\"}",
      "{" + v + ",\"a\":\"\x7f\"}", "{" + v + ",\"a\":\"\xC0\x80\"}",
      "{" + v + ",\"a\":\"\xED\xA0\x80\"}", "{" + v + ",\"a\":\"\xF4\x90\x80\x80\"}",
      "{" + v + ",\"a\":\"\xE0\x9F\xBF\"}", "{" + v + ",\"a\":\"\xF0\x90\x80\x80\"}",
      "{" + v + ",\"a\":\"\xC3\"}", "{\"vers\\u0069ons\":{\"1.0.0\":{\"deprecat\\u0065d\":\"\\u00fc\\n\"}}}",
      "{\"versions\":{\"1.0.0\":{\"deprecated\":\"a\\u0000b\"}},\"dist-tags\":{\"latest\":\"1.0.0\"}}",
      "{\"versions\":{\"1.0.0\":{}},\"time\":{\"1.0.0\":\"2020-01-01T00:00:00Z\"},\"time\":5}",
      "{\"versions\":{\"1.0.0\":{}},\"dist-tags\":{\"latest\":\"1.0.0\"},\"dist-tags\":[]}",
      "{\"versions\":{\"1.0.0\":{}},\"time\":{\"1.0.0\":\"2020-01-01T00:00:00Z\",\"1.0.0\":1}}",
      "{\"versions\":{\"1.0.0\":{\"deprecated\":\"x\",\"deprecated\":false}}}",
      "{\"versions\":{\"1.0.0\":{\"deprecated\":true}},\"dist-tags\":{\"latest\":\"1.0.0\"}}",
      "{\"versions\":{\"1.0.0\":{\"deprecated\":tru}}}",
      "{\"versions\":" + std::string(5000, '[') + std::string(5000, ']') + "}",
      "{\"versions\":{},\"x\":" + std::string(5000, '[') + std::string(4999, ']') + "}",
      "{\"versions\":{},\"x\":" + std::string(3000, '[') + "{\"a\":" + std::string(3000, '[') +
          std::string(3000, ']') + "}" + std::string(3000, ']') + "}",
  };
  for (const auto& doc : docs) {
    const std::string expected = reference(doc);
    EXPECT_EQ(fast(doc), expected) << doc.substr(0, 120);
    const std::string expectedStreamed = referenceStreamed(doc);
    EXPECT_EQ(fastStreamed(doc, {1}), expectedStreamed) << doc.substr(0, 120);
    EXPECT_EQ(fastStreamed(doc, {2, 3}), expectedStreamed) << doc.substr(0, 120);
    EXPECT_EQ(fast(doc, true), reference(doc, true)) << doc.substr(0, 120);
    EXPECT_EQ(fastStreamed(doc, {1}, true), referenceStreamed(doc, true)) << doc.substr(0, 120);
  }
  // A repeated `time` or `dist-tags` key: the last value counts, as in the document (and
  // in the lock-entries reader, which builds it).
  for (const bool lock : {false, true}) {
    EXPECT_FALSE(parseNpmPackument(docs[docs.size() - 9], "x", lock).releases[0].released);
    EXPECT_TRUE(parseNpmPackument(docs[docs.size() - 8], "x", lock).tags.empty());
    EXPECT_EQ(parseNpmPackument(docs[docs.size() - 10], "x", lock).releases[0].deprecationMessage,
              std::string("a\0b", 3));
  }
}

// A stream that ends early, or whose source fails, is an error naming the package and
// the registry; the exception of a failing source propagates as it is.
TEST(NpmPackumentScan, CutStreamsAndFailingSources) {
  ddd::testing::PackumentGenerator gen(7, false);
  const std::string doc = gen.make(200, 100000);
  for (size_t cut : {size_t{1}, doc.size() / 3, doc.size() - 1}) {
    const std::string part = doc.substr(0, cut);
    ddd::testing::PiecesStreambuf buf(part, {65536});
    std::istream in(&buf);
    try {
      parseNpmPackument(in, "npm package pkg from https://r.test");
      ADD_FAILURE() << "accepted a text cut at " << cut;
    } catch (const RegistryError& e) {
      EXPECT_NE(std::string(e.what()).find("npm package pkg from https://r.test"),
                std::string::npos);
    }
  }
  struct Failing : std::streambuf {
    int_type underflow() override { throw std::runtime_error("connection reset"); }
  } failing;
  std::istream in(&failing);
  EXPECT_THROW(parseNpmPackument(in, "npm package pkg"), std::runtime_error);
}

}  // namespace
}  // namespace ddd::analyzers::deps
