// SemVer 2.0.0 and npm ranges: tables, properties, and thousands of generated cases
// checked against Debian's node-semver (the reference implementation) in this run.
#include "analyzers/dependencies/versioning/semver.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "tests/support/test_repo.h"

namespace ddd::analyzers::deps {
namespace {

SemVer v(const char* s) { return *parseSemVer(s); }

TEST(SemVer, ParsesAndPrintsCanonically) {
  EXPECT_EQ(v("1.2.3").toString(), "1.2.3");
  EXPECT_EQ(v(" v1.2.3-beta.1+build.5 ").toString(), "1.2.3-beta.1");
  EXPECT_EQ(v("1.2.3+build").build, "build");
  for (const char* bad :
       {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.3-01", "1.2.3-", "1.2.3+", "1.2.3-a..b",
        "1.x.3", "=1.2.3", "a.b.c", "9007199254740992.0.0", "1.2.3 4"}) {
    EXPECT_FALSE(parseSemVer(bad)) << bad;
  }
  EXPECT_TRUE(parseSemVer("9007199254740991.0.0"));
}

TEST(SemVer, PrecedenceFollowsTheSpec) {
  // The spec's own example chain.
  const char* chain[] = {"1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                         "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0"};
  for (size_t i = 0; i + 1 < std::size(chain); ++i) {
    EXPECT_LT(compareSemVer(v(chain[i]), v(chain[i + 1])), 0) << chain[i] << " < " << chain[i + 1];
    EXPECT_GT(compareSemVer(v(chain[i + 1]), v(chain[i])), 0);
  }
  EXPECT_EQ(compareSemVer(v("1.0.0+a"), v("1.0.0+b")), 0);
  EXPECT_LT(compareSemVer(v("1.9.0"), v("1.10.0")), 0);
  EXPECT_LT(compareSemVer(v("1.0.0-2"), v("1.0.0-10")), 0);
}

TEST(SemVer, Increments) {
  EXPECT_EQ(increment(v("1.2.3"), SemVerIncrement::Major).toString(), "2.0.0");
  EXPECT_EQ(increment(v("1.2.3"), SemVerIncrement::Minor).toString(), "1.3.0");
  EXPECT_EQ(increment(v("1.2.3"), SemVerIncrement::Patch).toString(), "1.2.4");
  EXPECT_EQ(increment(v("1.2.3-rc.1"), SemVerIncrement::Patch).toString(), "1.2.3");
  EXPECT_EQ(increment(v("2.0.0-rc.1"), SemVerIncrement::Major).toString(), "2.0.0");
  EXPECT_EQ(increment(v("1.2.3"), SemVerIncrement::Prerelease).toString(), "1.2.4-0");
  EXPECT_EQ(increment(v("1.2.3-rc.1"), SemVerIncrement::Prerelease).toString(), "1.2.3-rc.2");
  EXPECT_EQ(increment(v("1.2.3-rc"), SemVerIncrement::Prerelease).toString(), "1.2.3-rc.0");
}

TEST(NpmRange, NormalisesAsNpmDoes) {
  const std::pair<const char*, const char*> table[] = {
      {"^1.2.3", ">=1.2.3 <2.0.0-0"},
      {"~1.2", ">=1.2.0 <1.3.0-0"},
      {"1.x", ">=1.0.0 <2.0.0-0"},
      {"1.2 - 2.3.4", ">=1.2.0 <=2.3.4"},
      {">1.2", ">=1.3.0"},
      {"<=1.2", "<1.3.0-0"},
      {"*", "*"},
      {"", "*"},
      {"^0.0.3", ">=0.0.3 <0.0.4-0"},
      {"~1", ">=1.0.0 <2.0.0-0"},
      {">=1.2.3 <2", ">=1.2.3 <2.0.0-0"},
      {"1.2.3 - 2", ">=1.2.3 <3.0.0-0"},
      {"=1.2", ">=1.2.0 <1.3.0-0"},
      {"^1.2.3-beta.2", ">=1.2.3-beta.2 <2.0.0-0"},
      {">1.x", ">=2.0.0"},
      {"<1.2.x", "<1.2.0-0"},
      {"~1.2.3-rc.1", ">=1.2.3-rc.1 <1.3.0-0"},
      {"x || 2", "*"},
      {"^0.x", "<1.0.0-0"},
      {"<1", "<1.0.0-0"},
      {">= 1.2.3", ">=1.2.3"},
      {"~> 1.2", ">=1.2.0 <1.3.0-0"},
      {"1.2.3 || >=2 <3", "1.2.3||>=2.0.0 <3.0.0-0"},
      {"<0.0.0-0 || 1.x", ">=1.0.0 <2.0.0-0"},
      {">*", "<0.0.0-0"},
  };
  for (const auto& [in, want] : table) {
    auto r = NpmRange::parse(in);
    ASSERT_TRUE(r) << in;
    EXPECT_EQ(r->toString(), want) << in;
  }
  // A set that matches nothing (">x", "<0.0.0-0") is still read to its end: a bad
  // comparator after it makes the range invalid, as in npm (found by fuzzing).
  for (const char* bad : {"^01.2", "1.2.3.4", ">=a", "1 - ", "~>", ">=1.2.3-", ">x abc",
                          "<0.0.0-0 1.2.3.4", "1.x || >* |#|~"}) {
    EXPECT_FALSE(NpmRange::parse(bad)) << bad;
  }
}

TEST(NpmRange, PrereleasesOnlyWithASameTupleComparator) {
  auto r = *NpmRange::parse("^1.2.3-beta.2");
  EXPECT_TRUE(r.satisfiedBy(v("1.2.3-beta.4")));
  EXPECT_FALSE(r.satisfiedBy(v("1.2.4-beta.0")));  // another tuple
  EXPECT_TRUE(
      NpmRange::parse("^1.2.3-beta.2", /*includePrerelease=*/true)->satisfiedBy(v("1.2.4-beta.0")));
  EXPECT_TRUE(r.satisfiedBy(v("1.9.0")));
  EXPECT_FALSE(r.satisfiedBy(v("2.0.0-0")));
  auto caret = *NpmRange::parse("^1.0.0");
  EXPECT_FALSE(caret.satisfiedBy(v("1.5.0-rc.1")));
}

TEST(NpmRange, MaxSatisfyingPicksTheHighestMatch) {
  std::vector<SemVer> vs = {v("1.2.3"), v("1.4.0"), v("2.0.0"), v("1.5.0-rc.1"), v("1.4.9")};
  EXPECT_EQ(maxSatisfying(vs, *NpmRange::parse("^1.2.0"))->toString(), "1.4.9");
  EXPECT_EQ(maxSatisfying(vs, *NpmRange::parse("^1.2.0", true))->toString(), "1.5.0-rc.1");
  EXPECT_FALSE(maxSatisfying(vs, *NpmRange::parse(">3")));
}

// --- differential testing against node-semver ----------------------------------------

std::string randomVersion(std::mt19937& rng) {
  static const char* pres[] = {"alpha", "beta",    "rc",     "0",    "1",  "2",
                               "10",    "alpha.1", "beta.2", "rc.0", "x-y"};
  std::string s =
      std::to_string(rng() % 3) + "." + std::to_string(rng() % 4) + "." + std::to_string(rng() % 4);
  if (rng() % 4 == 0) s += std::string("-") + pres[rng() % std::size(pres)];
  if (rng() % 10 == 0) s += "+b" + std::to_string(rng() % 3);
  return s;
}

std::string randomPartial(std::mt19937& rng) {
  static const char* xs[] = {"x", "X", "*"};
  auto part = [&](int max) {
    return rng() % 6 == 0 ? std::string(xs[rng() % 3]) : std::to_string(rng() % max);
  };
  switch (rng() % 5) {
    case 0:
      return part(3);
    case 1:
      return part(3) + "." + part(4);
    default: {
      std::string s = std::to_string(rng() % 3) + "." + std::to_string(rng() % 4) + "." +
                      std::to_string(rng() % 4);
      if (rng() % 4 == 0) s += std::string("-") + (rng() % 2 ? "beta" : "rc.1");
      return s;
    }
  }
}

std::string randomRange(std::mt19937& rng) {
  static const char* ops[] = {"", "^", "~", ">", ">=", "<", "<=", "=", "~>", "v"};
  auto comparator = [&] {
    std::string op = ops[rng() % std::size(ops)];
    return op + (rng() % 8 == 0 ? " " : "") + randomPartial(rng);
  };
  std::string out;
  const int sets = 1 + static_cast<int>(rng() % 3 == 0);
  for (int s = 0; s < sets; ++s) {
    if (s) out += rng() % 2 ? " || " : "||";
    if (rng() % 6 == 0) {
      out += randomPartial(rng) + " - " + randomPartial(rng);
      continue;
    }
    const int n = 1 + static_cast<int>(rng() % 2);
    for (int i = 0; i < n; ++i) {
      if (i) out += ' ';
      out += comparator();
    }
  }
  // Now and then a token npm rejects, anywhere in the range, after or before a set that
  // matches nothing as well.
  if (rng() % 6 == 0) {
    static const char* junk[] = {"abc", "1.2.3.4", "|", ">=a", "~01", ">x", "<0.0.0-0", ">*"};
    std::vector<size_t> gaps = {0, out.size()};
    for (size_t k = 0; k < out.size(); ++k) {
      if (out[k] == ' ') gaps.push_back(k);
    }
    out.insert(gaps[rng() % gaps.size()], std::string(" ") + junk[rng() % std::size(junk)] + " ");
  }
  if (rng() % 25 == 0) out = "*";
  if (rng() % 40 == 0) out = "";
  return out;
}

TEST(NpmRange, AgreesWithNodeSemverOnGeneratedCases) {
  if (ddd::testing::runCommand("command -v node").exitCode != 0 ||
      !std::filesystem::exists("/usr/share/nodejs/semver/package.json")) {
    FAIL() << "node and Debian's node-semver are needed for this test: run deploy/setup.sh";
  }
  std::mt19937 rng(20261124);
  std::vector<std::string> ranges, versions;
  for (int i = 0; i < 1500; ++i) ranges.push_back(randomRange(rng));
  for (int i = 0; i < 60; ++i) versions.push_back(randomVersion(rng));
  ddd::testing::TempDir dir;
  {
    std::ofstream in(dir.path() / "cases.json");
    in << nlohmann::json{{"ranges", ranges}, {"versions", versions}}.dump();
  }
  std::ofstream(dir.path() / "ref.js") << R"js(
const semver = require('semver');
const fs = require('fs');
const c = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = {valid: [], validPre: [], sat: [], satPre: [], max: [], cmp: []};
for (const r of c.ranges) {
  out.valid.push(semver.validRange(r));
  out.validPre.push(semver.validRange(r, {includePrerelease: true}));
  out.sat.push(c.versions.map(v => semver.satisfies(v, r)));
  out.satPre.push(c.versions.map(v => semver.satisfies(v, r, {includePrerelease: true})));
  out.max.push(semver.maxSatisfying(c.versions, r));
}
for (const a of c.versions) out.cmp.push(c.versions.map(b => semver.compare(a, b)));
fs.writeFileSync(process.argv[3], JSON.stringify(out));
)js";
  const auto run = ddd::testing::runCommand(
      "NODE_PATH=/usr/share/nodejs node " + (dir.path() / "ref.js").string() + " " +
      (dir.path() / "cases.json").string() + " " + (dir.path() / "out.json").string());
  ASSERT_EQ(run.exitCode, 0) << run.output;
  std::ifstream outFile(dir.path() / "out.json");
  const auto ref = nlohmann::json::parse(outFile);

  std::vector<SemVer> parsed;
  for (const auto& s : versions) parsed.push_back(*parseSemVer(s));
  for (size_t a = 0; a < versions.size(); ++a) {
    for (size_t b = 0; b < versions.size(); ++b) {
      const int ours = compareSemVer(parsed[a], parsed[b]);
      ASSERT_EQ((ours > 0) - (ours < 0), ref["cmp"][a][b].get<int>())
          << versions[a] << " vs " << versions[b];
    }
  }
  size_t checked = 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    SCOPED_TRACE("range \"" + ranges[i] + "\"");
    auto r = NpmRange::parse(ranges[i]);
    if (ref["valid"][i].is_null()) {
      EXPECT_FALSE(r) << "npm rejects it; we read " << (r ? r->toString() : "");
      continue;
    }
    ASSERT_TRUE(r) << "npm reads it as " << ref["valid"][i];
    EXPECT_EQ(r->toString(), ref["valid"][i].get<std::string>());
    auto pre = NpmRange::parse(ranges[i], true);
    ASSERT_TRUE(pre);
    EXPECT_EQ(pre->toString(), ref["validPre"][i].get<std::string>()) << "(includePrerelease)";
    for (size_t k = 0; k < versions.size(); ++k) {
      EXPECT_EQ(r->satisfiedBy(parsed[k]), ref["sat"][i][k].get<bool>()) << versions[k];
      EXPECT_EQ(pre->satisfiedBy(parsed[k]), ref["satPre"][i][k].get<bool>())
          << versions[k] << " (pre)";
      ++checked;
    }
    auto best = maxSatisfying(parsed, *r);
    if (ref["max"][i].is_null()) {
      EXPECT_FALSE(best);
    } else {
      ASSERT_TRUE(best);
      EXPECT_EQ(compareSemVer(*best, *parseSemVer(ref["max"][i].get<std::string>())), 0);
    }
  }
  EXPECT_GT(checked, 50000u);
}

TEST(SemVer, CompareIsATotalOrder) {
  std::mt19937 rng(7);
  std::vector<SemVer> vs;
  for (int i = 0; i < 300; ++i) vs.push_back(*parseSemVer(randomVersion(rng)));
  for (size_t i = 0; i < vs.size(); ++i) {
    EXPECT_EQ(compareSemVer(vs[i], vs[i]), 0);
    for (size_t j = 0; j < vs.size(); j += 7) {
      const int ab = compareSemVer(vs[i], vs[j]);
      EXPECT_EQ(ab, -compareSemVer(vs[j], vs[i]));
      for (size_t k = 0; k < vs.size(); k += 31) {
        if (ab <= 0 && compareSemVer(vs[j], vs[k]) <= 0) {
          EXPECT_LE(compareSemVer(vs[i], vs[k]), 0);
        }
      }
    }
    // "=" of a version matches exactly the versions equal to it.
    auto eq = NpmRange::parse(std::string("=").append(vs[i].toString()));
    ASSERT_TRUE(eq);
    EXPECT_TRUE(eq->satisfiedBy(vs[i]));
  }
}

}  // namespace
}  // namespace ddd::analyzers::deps
