// PEP 440: tables, and generated versions and specifier sets checked against Debian's
// python3-packaging (the reference implementation) in this run.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "analyzers/dependencies/versioning/versioning.h"
#include "tests/support/test_repo.h"

namespace ddd::analyzers::deps {
namespace {

const Versioning& pep440() { return *findVersioning("pep440"); }

TEST(Pep440, NormalisesAsPackagingPrints) {
  const std::pair<const char*, const char*> table[] = {
      {"1.0", "1.0"},
      {"v1.0", "1.0"},
      {" 1.0.0 ", "1.0.0"},
      {"1.0RC1", "1.0rc1"},
      {"1.0-alpha.2", "1.0a2"},
      {"1.0.beta", "1.0b0"},
      {"1.0c3", "1.0rc3"},
      {"1.0preview4", "1.0rc4"},
      {"1.0-1", "1.0.post1"},
      {"1.0.rev2", "1.0.post2"},
      {"1.0r", "1.0.post0"},
      {"1.0-dev", "1.0.dev0"},
      {"1!2.0_post3.dev4", "1!2.0.post3.dev4"},
      {"0!1.0", "1.0"},
      {"1.0+Ubuntu-1_02", "1.0+ubuntu.1.2"},
      {"01.002", "1.2"},
  };
  for (const auto& [in, want] : table) {
    EXPECT_EQ(pep440().canonical(in).value_or("<invalid>"), want) << in;
  }
  for (const char* bad : {"", "1.", ".1", "1.0+", "1.0+a..b", "a1", "1.0 .post1", "1.0-", "1!",
                          "1.0dev1post1", "1.0+local+x", "99999999999999999999.0"}) {
    EXPECT_FALSE(pep440().isVersion(bad)) << bad;
  }
}

TEST(Pep440, OrdersAsPackagingSortKey) {
  const char* chain[] = {"1.0.dev0",       "1.0a1.dev1", "1.0a1",    "1.0a1.post1", "1.0b1",
                         "1.0rc1",         "1.0",        "1.0+abc",  "1.0+abc.5",   "1.0+5",
                         "1.0.post1.dev1", "1.0.post1",  "1.1.dev1", "1!0.1"};
  for (size_t i = 0; i + 1 < std::size(chain); ++i) {
    EXPECT_LT(pep440().compare(chain[i], chain[i + 1]), 0) << chain[i] << " < " << chain[i + 1];
  }
  EXPECT_EQ(pep440().compare("1.0", "1.0.0.0"), 0);
  EXPECT_THROW(pep440().compare("1.0", "banana"), VersioningError);
}

TEST(Pep440, SpecifiersFollowSpecifierSetDefaults) {
  EXPECT_TRUE(pep440().matches("1.4.5", "~=1.4.2"));
  EXPECT_FALSE(pep440().matches("1.5.0", "~=1.4.2"));
  EXPECT_TRUE(pep440().matches("1.9", "~=1.4"));
  EXPECT_TRUE(pep440().matches("1.2.7", "==1.2.*"));
  EXPECT_FALSE(pep440().matches("1.2.7", "!=1.2.*"));
  EXPECT_TRUE(pep440().matches("1.0+local", "==1.0"));
  EXPECT_FALSE(pep440().matches("1.0", "==1.0+local"));
  EXPECT_FALSE(pep440().matches("2.0rc1", ">=1.0"));    // pre-releases excluded
  EXPECT_TRUE(pep440().matches("2.0rc1", ">=1.0rc1"));  // unless the set names one
  EXPECT_FALSE(pep440().matches("3.1.dev0", "<3.1"));
  EXPECT_FALSE(pep440().matches("3.1.post1", ">3.1"));
  EXPECT_TRUE(pep440().matches("1.0", ""));
  EXPECT_FALSE(pep440().matches("1.0a1", ""));
  EXPECT_TRUE(pep440().matches("1.0", "===1.0"));
  EXPECT_FALSE(pep440().matches("1.0.0", "===1.0"));
  EXPECT_TRUE(pep440().matches("1.5", ">= 1.0 , < 2"));
  EXPECT_FALSE(pep440().isValid("~=1"));
  EXPECT_FALSE(pep440().isValid(">=1.0+local"));
  EXPECT_FALSE(pep440().isValid("==1.0a1.*"));
  EXPECT_EQ(pep440().maxSatisfying({"1.0", "1.9", "2.0", "2.1rc1"}, ">=1,<2.1").value_or(""),
            "2.0");
  EXPECT_EQ(pep440().minSatisfying({"1.9", "1.0", "2.0"}, ">=1").value_or(""), "1.0");
}

TEST(Pep440, NewRangeKeepsTheShape) {
  struct Case {
    const char *range, *target;
    RangeStrategy strategy;
    const char* want;
  } cases[] = {
      {"~=1.2", "1.4.3", RangeStrategy::Bump, "~=1.4"},
      {"~=1.2.0", "1.4.3", RangeStrategy::Bump, "~=1.4.3"},
      {"==1.2.3", "1.4.0", RangeStrategy::Bump, "==1.4.0"},
      {"==1.2.3", "1.4.0", RangeStrategy::Replace, "==1.4.0"},
      {">=1.2,<2", "2.1", RangeStrategy::Bump, ">=2.1,<3"},
      {">=1.2,<2", "1.5", RangeStrategy::Replace, ">=1.2,<2"},
      {">=1.2, <2", "2.1", RangeStrategy::Widen, ">=1.2, <3"},
      {">=1.2,<1.5.0", "1.7.2", RangeStrategy::Widen, ">=1.2,<1.8.0"},
      {"==1.2.*", "1.4.0", RangeStrategy::Bump, "==1.4.*"},
      {"~=1.2", "2.1", RangeStrategy::Widen, ">=1.2,<3"},
      {"~=1.2", "1.9", RangeStrategy::Widen, "~=1.2"},
      {">=1.2", "3.0", RangeStrategy::Replace, ">=1.2"},
      {">=1.2", "3.0", RangeStrategy::Pin, "==3.0"},
      {"1.2", "1.3", RangeStrategy::Bump, "1.3"},
      {"", "1.3", RangeStrategy::Bump, ""},
      {"", "1.0rc1", RangeStrategy::Bump, "<none>"},  // found by fuzzing: "" admits no pre-release
      {"", "1.0rc1", RangeStrategy::Pin, "==1.0rc1"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(pep440().newRange(c.range, "", c.target, c.strategy).value_or("<none>"), c.want)
        << c.range << " -> " << c.target;
  }
}

// --- differential testing against python3-packaging ---------------------------------

std::string randomPep440(std::mt19937& rng, bool allowJunk) {
  auto pick = [&](std::initializer_list<const char*> xs) {
    return std::string(*(xs.begin() + rng() % xs.size()));
  };
  std::string s;
  if (rng() % 12 == 0) s += " ";
  if (rng() % 8 == 0) s += rng() % 2 ? "v" : "V";
  if (rng() % 15 == 0) s += std::to_string(rng() % 3) + "!";
  const int parts = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < parts; ++i) {
    if (i) s += '.';
    s += std::to_string(rng() % 10 == 0 ? 0 : rng() % 4);
    if (rng() % 20 == 0) s += "0";
  }
  auto sep = [&] { return pick({"", "", "", ".", "-", "_"}); };
  auto num = [&] { return rng() % 4 == 0 ? std::string() : std::to_string(rng() % 12); };
  if (rng() % 3 == 0) {
    s += sep() + pick({"a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "RC", "Alpha"}) +
         sep() + num();
  }
  if (rng() % 5 == 0) {
    if (rng() % 3 == 0) {
      s += "-" + std::to_string(rng() % 5);
    } else {
      s += sep() + pick({"post", "rev", "r", "POST"}) + sep() + num();
    }
  }
  if (rng() % 5 == 0) s += sep() + pick({"dev", "DEV"}) + sep() + num();
  if (rng() % 7 == 0) {
    s += "+" + pick({"ubuntu", "abc", "5", "01", "Local"});
    if (rng() % 2) s += pick({".", "-", "_"}) + pick({"1", "x2", "007", "b"});
  }
  if (allowJunk && rng() % 15 == 0) {
    const size_t at = rng() % (s.size() + 1);
    s.insert(at, pick({".", "+", "-", "x", "!", " ", "*", ".."}));
  }
  if (rng() % 12 == 0) s += " ";
  return s;
}

std::string randomSpecifierSet(std::mt19937& rng) {
  static const char* ops[] = {"~=", "==", "!=", "<=", ">=", "<", ">", "==="};
  const int n = static_cast<int>(rng() % 3);
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i) out += rng() % 3 == 0 ? " , " : ",";
    std::string op = ops[rng() % std::size(ops)];
    std::string version = randomPep440(rng, rng() % 10 == 0);
    if ((op == "==" || op == "!=") && rng() % 3 == 0) {
      // A wildcard: a plain release then ".*".
      version = std::to_string(rng() % 3);
      if (rng() % 2) version += "." + std::to_string(rng() % 4);
      version += ".*";
    }
    if (op == "===" && rng() % 2) version = pep440().canonical(version).value_or(version);
    out += op;
    if (rng() % 6 == 0) out += ' ';
    out += version;
  }
  return out;
}

TEST(Pep440, AgreesWithPackagingOnGeneratedCases) {
  if (!std::filesystem::exists("/usr/bin/python3") ||
      ddd::testing::runCommand("/usr/bin/python3 -c 'import packaging.specifiers'").exitCode != 0) {
    FAIL() << "/usr/bin/python3 with Debian's python3-packaging is needed for this test: run "
              "deploy/setup.sh";
  }
  std::mt19937 rng(4402026);
  std::vector<std::string> versions, specs;
  for (int i = 0; i < 1500; ++i) versions.push_back(randomPep440(rng, true));
  for (int i = 0; i < 1200; ++i) specs.push_back(randomSpecifierSet(rng));
  // What newRange writes, per strategy, for a random final-release target of each set.
  nlohmann::json rewrites = nlohmann::json::array();
  for (const auto& spec : specs) {
    const std::string target = versions[rng() % versions.size()];
    if (!pep440().isValid(spec) || !pep440().isStable(target)) continue;
    for (auto strategy :
         {RangeStrategy::Bump, RangeStrategy::Replace, RangeStrategy::Pin, RangeStrategy::Widen}) {
      if (auto written = pep440().newRange(spec, "", target, strategy)) {
        if (pep440().isVersion(*written)) continue;  // a bare version is not a specifier set
        rewrites.push_back({{"from", spec}, {"to", *written}, {"target", target}});
      }
    }
  }
  ddd::testing::TempDir dir;
  std::ofstream(dir.path() / "cases.json")
      << nlohmann::json{{"versions", versions}, {"specs", specs}, {"rewrites", rewrites}}.dump();
  std::ofstream(dir.path() / "ref.py") << R"py(
import json, sys
from packaging.version import Version, InvalidVersion
from packaging.specifiers import SpecifierSet, InvalidSpecifier
c = json.load(open(sys.argv[1]))
canon, parsed = [], []
for v in c["versions"]:
    try:
        p = Version(v); canon.append(str(p)); parsed.append(p)
    except InvalidVersion:
        canon.append(None)
probes = parsed[:120]
cmp = [[(a > b) - (a < b) for b in probes] for a in probes]
valid, contains = [], []
for s in c["specs"]:
    try:
        ss = SpecifierSet(s)
    except InvalidSpecifier:
        valid.append(False); contains.append(None); continue
    try:
        contains.append([ss.contains(p) for p in probes]); valid.append(True)
    except InvalidVersion:  # "===" of a non-version: packaging raises
        valid.append(None); contains.append(None)
rewrites = []
for w in c["rewrites"]:
    try:
        rewrites.append(SpecifierSet(w["to"]).contains(w["target"]))
    except (InvalidSpecifier, InvalidVersion):
        rewrites.append(False)
json.dump({"canon": canon, "cmp": cmp, "valid": valid, "contains": contains, "rewrites": rewrites},
          open(sys.argv[2], "w"))
)py";
  const auto run = ddd::testing::runCommand("/usr/bin/python3 " + (dir.path() / "ref.py").string() +
                                            " " + (dir.path() / "cases.json").string() + " " +
                                            (dir.path() / "out.json").string());
  ASSERT_EQ(run.exitCode, 0) << run.output;
  std::ifstream outFile(dir.path() / "out.json");
  const auto ref = nlohmann::json::parse(outFile);

  std::vector<std::string> probes;
  for (size_t i = 0; i < versions.size(); ++i) {
    const auto ours = pep440().canonical(versions[i]);
    if (ref["canon"][i].is_null()) {
      EXPECT_FALSE(ours) << "packaging rejects \"" << versions[i] << "\"; we read " << *ours;
    } else {
      ASSERT_TRUE(ours) << "packaging reads \"" << versions[i] << "\" as " << ref["canon"][i];
      EXPECT_EQ(*ours, ref["canon"][i].get<std::string>()) << versions[i];
      if (probes.size() < 120) probes.push_back(versions[i]);
    }
  }
  ASSERT_EQ(probes.size(), ref["cmp"].size());
  for (size_t a = 0; a < probes.size(); ++a) {
    for (size_t b = 0; b < probes.size(); ++b) {
      const int ours = pep440().compare(probes[a], probes[b]);
      ASSERT_EQ((ours > 0) - (ours < 0), ref["cmp"][a][b].get<int>())
          << probes[a] << " vs " << probes[b];
    }
  }
  size_t checked = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    SCOPED_TRACE("specifier set \"" + specs[i] + "\"");
    if (ref["valid"][i].is_null()) continue;  // packaging raises on contains()
    if (!ref["valid"][i].get<bool>()) {
      EXPECT_FALSE(pep440().isValid(specs[i]) && !pep440().isVersion(specs[i]));
      continue;
    }
    ASSERT_TRUE(pep440().isValid(specs[i]));
    for (size_t k = 0; k < probes.size(); ++k) {
      EXPECT_EQ(pep440().matches(probes[k], specs[i]), ref["contains"][i][k].get<bool>())
          << probes[k];
      ++checked;
    }
  }
  EXPECT_GT(checked, 60000u);
  ASSERT_EQ(rewrites.size(), ref["rewrites"].size());
  EXPECT_GT(rewrites.size(), 500u);
  for (size_t i = 0; i < rewrites.size(); ++i) {
    EXPECT_TRUE(ref["rewrites"][i].get<bool>())
        << "\"" << rewrites[i]["from"].get<std::string>() << "\" -> \""
        << rewrites[i]["to"].get<std::string>() << "\" for "
        << rewrites[i]["target"].get<std::string>()
        << ": packaging rejects it or it does not admit the target";
  }
}

}  // namespace
}  // namespace ddd::analyzers::deps
