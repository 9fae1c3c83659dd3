// The "npm" scheme through the Versioning interface, against Debian's node-semver in this
// run: matches / maxSatisfying / minSatisfying on generated ranges and versions, and every
// range newRange() writes (all four strategies) must be a valid npm range that admits its
// target according to node-semver itself.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "analyzers/dependencies/versioning/versioning.h"
#include "tests/support/test_repo.h"

namespace ddd::analyzers::deps {
namespace {

std::string randomNpmVersion(std::mt19937& rng) {
  static const char* pres[] = {"alpha", "beta.1", "rc.0", "0", "rc.10"};
  std::string s = std::to_string(rng() % 4);
  s += '.';
  s += std::to_string(rng() % 5);
  s += '.';
  s += std::to_string(rng() % 5);
  if (rng() % 5 == 0) {
    s += '-';
    s += pres[rng() % std::size(pres)];
  }
  return s;
}

std::string randomNpmPartial(std::mt19937& rng) {
  std::string s = rng() % 10 == 0 ? "v" : "";
  const int parts = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < parts; ++i) {
    if (i) s += '.';
    s += rng() % 9 == 0 ? "x" : std::to_string(rng() % (i ? 5 : 4));
  }
  if (parts == 3 && rng() % 6 == 0) s += "-rc.0";
  return s;
}

std::string randomNpmRange(std::mt19937& rng) {
  static const char* ops[] = {"", "^", "~", ">=", ">", "<", "<=", "=", "~>"};
  std::string out;
  const int sets = 1 + static_cast<int>(rng() % 4 == 0);
  for (int s = 0; s < sets; ++s) {
    if (s) out += rng() % 2 ? " || " : "||";
    if (rng() % 7 == 0) {
      out += randomNpmPartial(rng);
      out += " - ";
      out += randomNpmPartial(rng);
      continue;
    }
    const int n = 1 + static_cast<int>(rng() % 3 == 0);
    for (int i = 0; i < n; ++i) {
      if (i) out += ' ';
      out += ops[rng() % std::size(ops)];
      out += randomNpmPartial(rng);
    }
  }
  return out;
}

TEST(NpmVersioning, AgreesWithNodeSemverAndWritesRangesItAccepts) {
  if (ddd::testing::runCommand("command -v node").exitCode != 0 ||
      !std::filesystem::exists("/usr/share/nodejs/semver/package.json")) {
    FAIL() << "node and Debian's node-semver are needed for this test: run deploy/setup.sh";
  }
  const Versioning& npm = *findVersioning("npm");
  std::mt19937 rng(31337);
  std::vector<std::string> versions, ranges;
  for (int i = 0; i < 40; ++i) versions.push_back(randomNpmVersion(rng));
  for (int i = 0; i < 1000; ++i) ranges.push_back(randomNpmRange(rng));
  // What newRange writes, per strategy, for a random target of each valid range.
  nlohmann::json rewrites = nlohmann::json::array();
  for (const auto& r : ranges) {
    if (!npm.isValid(r)) continue;
    const std::string target = versions[rng() % versions.size()];
    for (auto strategy :
         {RangeStrategy::Bump, RangeStrategy::Replace, RangeStrategy::Pin, RangeStrategy::Widen}) {
      if (auto written = npm.newRange(r, "", target, strategy)) {
        rewrites.push_back({{"from", r}, {"to", *written}, {"target", target}});
      }
    }
  }
  ddd::testing::TempDir dir;
  std::ofstream(dir.path() / "cases.json")
      << nlohmann::json{{"ranges", ranges}, {"versions", versions}, {"rewrites", rewrites}}.dump();
  std::ofstream(dir.path() / "ref.js") << R"js(
const semver = require('semver');
const fs = require('fs');
const c = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = {valid: [], sat: [], max: [], min: [], rewrites: []};
for (const r of c.ranges) {
  out.valid.push(semver.validRange(r) !== null);
  out.sat.push(c.versions.map(v => semver.satisfies(v, r)));
  out.max.push(semver.maxSatisfying(c.versions, r));
  out.min.push(semver.minSatisfying(c.versions, r));
}
for (const w of c.rewrites) {
  out.rewrites.push(semver.validRange(w.to) !== null && semver.satisfies(w.target, w.to));
}
fs.writeFileSync(process.argv[3], JSON.stringify(out));
)js";
  const auto run = ddd::testing::runCommand(
      "NODE_PATH=/usr/share/nodejs node " + (dir.path() / "ref.js").string() + " " +
      (dir.path() / "cases.json").string() + " " + (dir.path() / "out.json").string());
  ASSERT_EQ(run.exitCode, 0) << run.output;
  std::ifstream outFile(dir.path() / "out.json");
  const auto ref = nlohmann::json::parse(outFile);

  size_t valid = 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    SCOPED_TRACE("range \"" + ranges[i] + "\"");
    ASSERT_EQ(npm.isValid(ranges[i]), ref["valid"][i].get<bool>());
    if (!npm.isValid(ranges[i])) continue;
    ++valid;
    for (size_t k = 0; k < versions.size(); ++k) {
      EXPECT_EQ(npm.matches(versions[k], ranges[i]), ref["sat"][i][k].get<bool>()) << versions[k];
    }
    const auto max = npm.maxSatisfying(versions, ranges[i]);
    const auto min = npm.minSatisfying(versions, ranges[i]);
    EXPECT_EQ(max.value_or("null"),
              ref["max"][i].is_null() ? "null" : ref["max"][i].get<std::string>());
    EXPECT_EQ(min.value_or("null"),
              ref["min"][i].is_null() ? "null" : ref["min"][i].get<std::string>());
  }
  EXPECT_GT(valid, 800u);
  ASSERT_EQ(rewrites.size(), ref["rewrites"].size());
  EXPECT_GT(rewrites.size(), 2500u);
  for (size_t i = 0; i < rewrites.size(); ++i) {
    EXPECT_TRUE(ref["rewrites"][i].get<bool>())
        << "\"" << rewrites[i]["from"].get<std::string>() << "\" -> \""
        << rewrites[i]["to"].get<std::string>() << "\" for "
        << rewrites[i]["target"].get<std::string>()
        << ": node-semver rejects it or it does not admit the target";
  }
}

}  // namespace
}  // namespace ddd::analyzers::deps
