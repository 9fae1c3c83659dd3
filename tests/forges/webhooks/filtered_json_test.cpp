// The receiver's one-pass filtered parse against nlohmann's callback parser (its
// reference): every GitHub and GitLab example payload, hand-picked edge cases of the JSON
// grammar (what nlohmann accepts and refuses), deep nesting (handed to nlohmann), and
// thousands of byte-level mutations of real payloads. Same verdict, same document.
#include "forges/webhooks/events.h"
#include "forges/webhooks/filtered_json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "tests/support/test_repo.h"

namespace ddd::forges {
namespace {

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every example body the forges document: GitHub's (serialised compactly and indented)
// and GitLab's files as they are.
std::vector<std::string> examplePayloads() {
  std::vector<std::string> out;
  const auto github = nlohmann::json::parse(
      readFile(ddd::testing::sharedFixtures() / "github" / "webhooks" / "examples.json"));
  for (const auto& group : github) {
    for (const auto& ex : group["examples"]) {
      out.push_back(ex.dump());
      out.push_back(ex.dump(2));
    }
  }
  for (const auto& entry :
       std::filesystem::directory_iterator(ddd::testing::sharedFixtures() / "gitlab" / "webhooks"))
    out.push_back(readFile(entry.path()));
  return out;
}

void expectSame(std::string_view text, const KeptKeys& keep) {
  const auto fast = parseFilteredJson(text, keep);
  const auto reference = parseFilteredJsonReference(text, keep);
  ASSERT_EQ(fast.has_value(), reference.has_value()) << "input: " << text.substr(0, 200);
  if (fast) {
    ASSERT_EQ(fast->dump(), reference->dump()) << "input: " << text.substr(0, 200);
  }
  // The text the receiver stores parses to the same document (or is empty for no document).
  std::string stored = "unset";
  const auto withText = parseFilteredJson(text, keep, &stored);
  ASSERT_EQ(withText.has_value(), fast.has_value());
  if (!withText) {
    EXPECT_TRUE(stored.empty());
    return;
  }
  const auto reparsed = nlohmann::json::parse(stored, nullptr, false);
  ASSERT_FALSE(reparsed.is_discarded()) << stored.substr(0, 200);
  ASSERT_EQ(reparsed.dump(), fast->dump()) << "input: " << text.substr(0, 200);
}

TEST(FilteredJson, EveryForgeExampleGivesTheSameDocumentAsNlohmann) {
  const auto payloads = examplePayloads();
  ASSERT_GT(payloads.size(), 100u);
  size_t keptFields = 0;
  for (const auto& p : payloads) {
    expectSame(p, eventKeys());
    keptFields += parseFilteredJson(p, eventKeys())->size();
  }
  EXPECT_GT(keptFields, payloads.size());  // the documents are not empty
}

TEST(FilteredJson, KeepsOnlyTheNamedKeysUpToTheDepth) {
  const KeptKeys keep{{"a", "b"}, 2};
  const auto j = parseFilteredJson(
      R"({"a":{"b":{"a":1,"b":2},"c":3},"c":{"a":1},"b":[{"a":1,"z":2},[{"b":1}]]})", keep);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->dump(), R"({"a":{"b":{}},"b":[{},[{}]]})");
  const auto escaped = parseFilteredJson(R"({"\u0061":"x\ty\u00e9\ud83d\ude00","a":"last"})", keep);
  ASSERT_TRUE(escaped);
  EXPECT_EQ((*escaped)["a"], "last");  // a repeated key: the last one wins
}

TEST(FilteredJson, AcceptsAndRefusesWhatNlohmannDoes) {
  const std::vector<std::string> cases = {
      "{}", "[]", " \t\r\n{} ", "\xEF\xBB\xBF{}", "\xEF\xBB{}", "\xEF{}", "{} \xEF\xBB\xBF",
      "{}\0garbage", std::string("{}\0garbage", 10), std::string("{\"a\":\"x\0\"}", 9),
      "{\"a\":1}x", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1,]", "[,1]", "[1 2]", "",
      "   ", "nul", "true", "tru", "falsey", "null", "\"s\"", "01", "-", "-0", "-0.0", "1.",
      ".5", "1e", "1e+", "1E-5", "+1", "0x10", "1e400", "-1e400", "1e-400", "1.5e308",
      "18446744073709551615", "18446744073709551616", "-9223372036854775808",
      "-9223372036854775809", std::string(310, '9'), std::string(299, '9'),
      "\"\\u00\"", "\"\\uZZZZ\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
      "\"\\ud800\\udc00\"", "\"\\x\"", "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"", "\"\x01\"", "\"\x7f\"",
      "\"\xC0\x80\"", "\"\xC2\x80\"", "\"\xE0\x9F\xBF\"", "\"\xE0\xA0\x80\"", "\"\xED\xA0\x80\"",
      "\"\xF0\x8F\xBF\xBF\"", "\"\xF4\x90\x80\x80\"", "\"\xF4\x8F\xBF\xBF\"", "\"\xFF\"",
      "\"\xC3\"", "\"unterminated", "{\"a\":[1,{\"b\":[true,false,null]}]}",
      "{\"action\":\"created\",\"comment\":{\"body\":\"/ddd rerun\",\"user\":{\"login\":\"x\"}}}"};
  size_t accepted = 0;
  for (const auto& c : cases) {
    expectSame(c, eventKeys());
    expectSame(c, KeptKeys{{"a", "b", ""}, 2});
    accepted += parseFilteredJson(c, eventKeys()).has_value();
  }
  // Both verdicts occur, and a few of them are what RFC 8259 and nlohmann say.
  EXPECT_GT(accepted, 10u);
  EXPECT_LT(accepted, cases.size() - 10);
  EXPECT_TRUE(parseFilteredJson(std::string("{}\0garbage", 10), eventKeys()));  // NUL ends it
  EXPECT_TRUE(parseFilteredJson("\xEF\xBB\xBF{}", eventKeys()));               // BOM skipped
  for (const char* bad : {"01", "1e400", "\"\\ud800\"", "\"\xC0\x80\"", "{\"a\":1,}", "tru"})
    EXPECT_FALSE(parseFilteredJson(bad, eventKeys())) << bad;
}

TEST(FilteredJson, DeepNestingIsHandedToNlohmann) {
  const std::string deep = "{\"a\":" + std::string(5000, '[') + std::string(5000, ']') + "}";
  const KeptKeys keep{{"a"}, 3};
  expectSame(deep, keep);
  EXPECT_TRUE(parseFilteredJson(deep, keep));
  expectSame(std::string(100000, '['), keep);  // unterminated: refused, no stack overflow
}

TEST(FilteredJson, MutatedPayloadsGiveTheSameVerdictAndDocument) {
  // Byte flips, insertions and deletions at random places in real payloads; many of the
  // results are malformed, some are still JSON with a different structure.
  const auto payloads = examplePayloads();
  std::mt19937 rng(20261204);
  const char alphabet[] = "{}[],:\"\\ u0123456789eE.-+tfn\x00\x1f\x80\xC3\xA9\xED\xF0\xFF";
  int stillJson = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string p = payloads[rng() % payloads.size()];
    if (p.size() > 4096) p.resize(4096 + rng() % 64);  // cut, usually mid-token
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !p.empty(); ++e) {
      const size_t at = rng() % p.size();
      const char c = alphabet[rng() % (sizeof alphabet - 1)];
      switch (rng() % 3) {
        case 0: p[at] = c; break;
        case 1: p.insert(p.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        default: p.erase(at, 1); break;
      }
    }
    expectSame(p, eventKeys());
    if (parseFilteredJson(p, eventKeys())) ++stillJson;
  }
  EXPECT_GT(stillJson, 100);  // the comparison covered accepted documents too
}

}  // namespace
}  // namespace ddd::forges
