// The literal prefilter: required literals of patterns, the SIMD literal scanner, and
// the guarantee that prefiltering never changes what the matcher finds.

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "analyzers/deprecations/literal_scanner.h"
#include "analyzers/deprecations/matcher.h"
#include "analyzers/deprecations/pattern_literals.h"
#include "tests/analyzers/deprecations_support.h"

namespace ddd::analyzers::deprecations {
namespace {

using Strings = std::vector<std::string>;

TEST(DeprecationsPatternLiterals, RequiredLiteralsOfTypicalRules) {
  auto lit = [](const char* p) { return analyzePattern(p); };
  EXPECT_EQ(lit(R"(\bdatetime\.utcnow\(\))").required, Strings{"datetime.utcnow()"});
  EXPECT_FALSE(lit(R"(\bdatetime\.utcnow\(\))").mayMatchNewline);
  EXPECT_EQ(lit(R"(\b(logging|log)\.warn\()").required, (Strings{"log.warn(", "logging.warn("}));
  EXPECT_EQ(lit(R"(\bself\.(?P<m>assertEquals)\()").required, Strings{"self.assertEquals("});
  // The most selective necessary piece: a keyword on every other line loses to a rarer one.
  EXPECT_EQ(lit(R"((?m)^[ \t]*(import[ \t]+imp\b|from[ \t]+imp[ \t]+import\b))").required,
            Strings{"imp"});
  EXPECT_EQ(lit(R"((?m)^[ \t]*(import[ \t]+smtpd\b|from[ \t]+smtpd[ \t]+import\b))").required,
            Strings{"smtpd"});
  EXPECT_EQ(lit(R"((?m)^[ \t]*import[ \t]+(?:a|uu))").required, Strings{"import"});
  EXPECT_FALSE(lit(R"((?m)^[ \t]*import[ \t]+imp\b)").mayMatchNewline);
  EXPECT_TRUE(lit(R"(import\s+imp\b)").mayMatchNewline);       // \s takes '\n'
  EXPECT_TRUE(lit(R"(new Buffer\([^)]*\))").mayMatchNewline);  // [^)] takes '\n'
  EXPECT_EQ(lit(R"(new Buffer\([^)]*\))").required, Strings{"new Buffer("});
  EXPECT_FALSE(lit(R"(ioutil\.(ReadAll|ReadFile|WriteFile)\b)").mayMatchNewline);
  EXPECT_EQ(lit(R"(ioutil\.(ReadAll|ReadFile))").required,
            (Strings{"ioutil.ReadAll", "ioutil.ReadFile"}));
  EXPECT_TRUE(lit(R"((?s)a.b.c.d)").mayMatchNewline);
  EXPECT_FALSE(lit(R"(abc.d)").mayMatchNewline);
  EXPECT_TRUE(lit(R"(sudo:\n)").mayMatchNewline);  // an escaped newline
  EXPECT_TRUE(lit("sudo:\n").mayMatchNewline);     // a raw one
  EXPECT_TRUE(lit(R"((?:a\n|b)sudo:)").mayMatchNewline);
  EXPECT_TRUE(lit(R"((?:[^x]*\n)?sudo:)").mayMatchNewline);
  EXPECT_EQ(lit(R"(x{2}yz)").required, Strings{"xxyz"});
  EXPECT_EQ(lit(R"(\x41BC)").required, Strings{"ABC"});
}

TEST(DeprecationsPatternLiterals, UnknownWhenUnsure) {
  for (const char* p : {"(?i)utcnow", "\\pLfoo", "\\Qa.b\\E", "a|bc", "[[:alpha:]]+xyz", "ab",
                        "a*b*c*", "(foo)?bar|x"}) {
    const PatternLiterals pl = analyzePattern(p);
    EXPECT_TRUE(pl.required.empty()) << p;
  }
  EXPECT_TRUE(analyzePattern("(?i)utcnow").mayMatchNewline);
  // Deep nesting is given up on, not recursed into without bound.
  const std::string deep = std::string(100000, '(') + "utcnow" + std::string(100000, ')');
  EXPECT_TRUE(analyzePattern(deep).required.empty());
  EXPECT_EQ(analyzePattern(std::string(60, '(') + "utcnow" + std::string(60, ')')).required,
            Strings{"utcnow"});
  // Case-insensitivity switched off again is fine.
  EXPECT_EQ(analyzePattern("(?-i)utcnow").required, Strings{"utcnow"});
}

std::vector<LiteralHit> naiveFind(const Strings& literals, const std::string& text) {
  std::vector<LiteralHit> hits;
  for (std::size_t at = 0; at < text.size(); ++at) {
    for (uint32_t i = 0; i < literals.size(); ++i) {
      if (text.compare(at, literals[i].size(), literals[i]) == 0) hits.push_back({i, at});
    }
  }
  return hits;
}

void expectSameHits(std::vector<LiteralHit> a, std::vector<LiteralHit> b, const std::string& text) {
  auto key = [](const LiteralHit& h) { return std::make_pair(h.offset, h.literal); };
  auto less = [&](const LiteralHit& x, const LiteralHit& y) { return key(x) < key(y); };
  std::sort(a.begin(), a.end(), less);
  std::sort(b.begin(), b.end(), less);
  ASSERT_EQ(a.size(), b.size()) << text;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(key(a[i]), key(b[i])) << text;
  }
}

TEST(DeprecationsLiteralScanner, FindsEveryOccurrenceIncludingOverlapsAndEdges) {
  const Strings literals = {"utcnow", "warn(", "abab", "aba", "xyz", std::string("\xff\x00\x01", 3),
                            "import"};
  const LiteralScanner scanner(literals);
  std::vector<LiteralHit> hits;
  const std::string text = std::string("utcnow") + std::string(40, '.') +
                           "ababab warn(warn( import" + std::string("\xff\x00\x01", 3) + "xyz";
  scanner.findAll(text, hits);
  expectSameHits(hits, naiveFind(literals, text), text);
  for (std::size_t i = 1; i < hits.size(); ++i) EXPECT_LE(hits[i - 1].offset, hits[i].offset);
  scanner.findAll("", hits);
  EXPECT_TRUE(hits.empty());
  scanner.findAll("ab", hits);
  EXPECT_TRUE(hits.empty());
}

TEST(DeprecationsLiteralScanner, AgreesWithANaiveSearchOnRandomText) {
  std::mt19937 rng(7);
  const std::string alphabet = "abcxyz.( \n";
  Strings literals;
  for (int i = 0; i < 40; ++i) {
    std::string lit;
    const int length = 3 + static_cast<int>(rng() % 5);
    for (int k = 0; k < length; ++k) lit += alphabet[rng() % alphabet.size()];
    literals.push_back(lit);
  }
  std::sort(literals.begin(), literals.end());
  literals.erase(std::unique(literals.begin(), literals.end()), literals.end());
  const LiteralScanner scanner(literals);
  std::vector<LiteralHit> hits;
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int length = static_cast<int>(rng() % 200);
    for (int k = 0; k < length; ++k) text += alphabet[rng() % alphabet.size()];
    const auto expected = naiveFind(literals, text);
    for (auto simd : {LiteralScanner::Simd::Best, LiteralScanner::Simd::Avx2,
                      LiteralScanner::Simd::Ssse3, LiteralScanner::Simd::Scalar}) {
      scanner.findAll(text, hits, simd);
      expectSameHits(hits, expected, text);
    }
  }
  EXPECT_THROW(LiteralScanner({"ab"}), std::invalid_argument);
}

// The same rules with and without the literal prefilter find the same matches.
TEST(DeprecationsMatcher, PrefilterNeverChangesResults) {
  const Strings patterns = {
      R"(\bdatetime\.utcnow\(\))",
      R"(\b(logging|logger|log)\.warn\()",
      R"((?m)^[ \t]*(import[ \t]+imp\b|from[ \t]+imp[ \t]+import\b))",
      R"(import\s+imp\b)",
      R"(new Buffer\([^)]*\))",
      R"(\bself\.(?P<m>assertEquals)\()",
      R"((?m)warn\($)",
      R"(\bimp\b)",
      R"(x+y?z{1,2}w)",
      R"((?s)begin.*?end)",
      R"(imp\n)",
      R"((?m)^(?:[^\n]*\n)?[ ]*from\b)",
  };
  std::vector<RulePack> packs;
  {
    nlohmann::json pack = {{"pack", "eq"}, {"rules", nlohmann::json::array()}};
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      pack["rules"].push_back({{"id", "eq.r" + std::to_string(i)},
                               {"languages", {"python"}},
                               {"pattern", patterns[i]},
                               {"replacement", "R"},
                               {"inStrings", i % 2 == 0},
                               {"message", "m"}});
    }
    packs.push_back(parseRulePack(pack.dump(), "eq.json", RulePackOptions{false}));
  }
  std::vector<const Rule*> rules;
  for (const Rule& r : packs[0].rules) rules.push_back(&r);
  const RuleMatcher fast(rules, MatchOptions{10000, true});
  const RuleMatcher plain(rules, MatchOptions{10000, false});

  const Strings words = {"datetime.utcnow()",
                         "logging.warn(",
                         "log.warn(",
                         "import imp",
                         "import\n  imp",
                         "from imp import x",
                         "new Buffer(1,\n2)",
                         "self.assertEquals(",
                         "imp",
                         "xxyzzw",
                         "begin",
                         "end",
                         "# c",
                         "'s'",
                         "\"",
                         "\n",
                         " ",
                         "\t",
                         "warn(",
                         "x",
                         "y",
                         "z"};
  std::mt19937 rng(11);
  FileMatches a;
  FileMatches b;
  for (int round = 0; round < 400; ++round) {
    std::string text;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) text += words[rng() % words.size()];
    fast.scan("f.py", Language::Python, text, a);
    plain.scan("f.py", Language::Python, text, b);
    ASSERT_EQ(a.matches.size(), b.matches.size()) << text;
    for (std::size_t i = 0; i < a.matches.size(); ++i) {
      EXPECT_EQ(a.matches[i].rule, b.matches[i].rule) << text;
      EXPECT_EQ(a.matches[i].begin, b.matches[i].begin) << text;
      EXPECT_EQ(a.matches[i].end, b.matches[i].end) << text;
      EXPECT_EQ(a.matches[i].line, b.matches[i].line) << text;
    }
  }
}

// The same, for every rule of the shipped packs over their own test cases, alone and
// glued together.
TEST(DeprecationsMatcher, PrefilterNeverChangesResultsOnShippedRules) {
  LoadedPacks loaded = loadShippedPacks(defaultDataDir());
  if (loaded.packs.empty()) loaded.packs = ddd::testing::deprecations::allTestPacks();
  std::vector<const Rule*> rules;
  std::map<Language, std::vector<std::string>> samples;
  for (const RulePack& p : loaded.packs) {
    for (const Rule& r : p.rules) {
      rules.push_back(&r);
      for (const auto* cases : {&r.positive, &r.negative}) {
        for (const RuleTestCase& c : *cases) {
          if (auto l = languageOf(c.path)) samples[*l].push_back(c.code);
        }
      }
    }
  }
  const RuleMatcher fast(rules, MatchOptions{10000, true});
  const RuleMatcher plain(rules, MatchOptions{10000, false});
  std::mt19937 rng(3);
  FileMatches a;
  FileMatches b;
  std::size_t compared = 0;
  for (const auto& [language, codes] : samples) {
    std::vector<std::string> texts = codes;
    for (int k = 0; k < 50; ++k) {
      std::string glued;
      for (int j = 0; j < 4; ++j) glued += codes[rng() % codes.size()];
      texts.push_back(glued);
    }
    for (const std::string& text : texts) {
      // Paths that satisfy most globs of the language's rules.
      for (const char* path :
           {"a/b", ".github/workflows/ci", "roles/x/tasks/main", "playbooks/site"}) {
        std::string file = path;
        switch (language) {
          case Language::Python:
            file += ".py";
            break;
          case Language::JavaScript:
            file += ".js";
            break;
          case Language::TypeScript:
            file += ".ts";
            break;
          case Language::Go:
            file += ".go";
            break;
          case Language::Cpp:
            file += ".cpp";
            break;
          case Language::C:
            file += ".c";
            break;
          case Language::Yaml:
            file += ".yml";
            break;
          case Language::Dockerfile:
            file = "Dockerfile";
            break;
          case Language::Shell:
            file += ".sh";
            break;
        }
        fast.scan(file, language, text, a);
        plain.scan(file, language, text, b);
        ASSERT_EQ(a.matches.size(), b.matches.size()) << file << ":\n" << text;
        for (std::size_t i = 0; i < a.matches.size(); ++i) {
          EXPECT_EQ(a.matches[i].rule, b.matches[i].rule) << file << ":\n" << text;
          EXPECT_EQ(a.matches[i].begin, b.matches[i].begin) << file << ":\n" << text;
          EXPECT_EQ(a.matches[i].replacement, b.matches[i].replacement) << file << ":\n" << text;
        }
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 100u);
}

}  // namespace
}  // namespace ddd::analyzers::deprecations
