// The versioning plug-ins through their one interface: the registry, each scheme's
// tables (ranges, update types, compatibility, range strategies), and properties every
// scheme must keep (a total order, stable sorting, max/minSatisfying agreeing with matches).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "analyzers/dependencies/versioning/go.h"
#include "analyzers/dependencies/versioning/versioning.h"
#include "tests/support/build_speed.h"

namespace ddd::analyzers::deps {
namespace {

const Versioning& scheme(const char* name) {
  const Versioning* v = findVersioning(name);
  if (!v) throw std::runtime_error(std::string("no versioning ") + name);
  return *v;
}

TEST(VersioningRegistry, ListsEverySchemeOnceByName) {
  std::vector<std::string> names;
  for (const auto* v : versionings()) names.emplace_back(v->name());
  EXPECT_EQ(names, (std::vector<std::string>{"npm", "semver", "pep440", "go", "cargo", "docker", "helm",
                                                "helm-oci"}));
  for (const auto& n : names) EXPECT_EQ(findVersioning(n)->name(), n);
  EXPECT_EQ(findVersioning("maven"), nullptr);
  EXPECT_EQ(parseRangeStrategy("widen"), RangeStrategy::Widen);
  EXPECT_FALSE(parseRangeStrategy("auto"));
  EXPECT_EQ(toString(UpdateType::Digest), "digest");
}

TEST(NpmVersioning, ClassifiesWhatNoRegistryResolves) {
  const auto& npm = scheme("npm");
  EXPECT_EQ(npm.classify("1.2.3"), SpecKind::Version);
  EXPECT_EQ(npm.classify("^1.2"), SpecKind::Range);
  EXPECT_EQ(npm.classify("latest"), SpecKind::Tag);
  EXPECT_EQ(npm.classify("next"), SpecKind::Tag);
  for (const char* s : {"file:../lib", "workspace:*", "workspace:^1.0.0", "link:./x",
                        "git+https://example.invalid/a/b.git", "github:owner/repo#v1", "owner/repo",
                        "https://example.invalid/pkg.tgz", "./local", "npm:other@^1"}) {
    EXPECT_EQ(npm.classify(s), SpecKind::NonRegistry) << s;
    EXPECT_FALSE(npm.isValid(s)) << s;
  }
  EXPECT_EQ(npm.classify(">=1 <"), SpecKind::Invalid);
}

struct RangeCase {
  const char *scheme, *range, *target;
  RangeStrategy strategy;
  const char* want;  // "<none>": not rewritable
};

TEST(RangeStrategies, RewriteOnlyWhatTheyMust) {
  using S = RangeStrategy;
  const RangeCase cases[] = {
      {"npm", "^1.2.0", "1.4.0", S::Bump, "^1.4.0"},
      {"npm", "^1.2.0", "1.4.0", S::Replace, "^1.2.0"},
      {"npm", "^1.2.0", "2.1.0", S::Replace, "^2.1.0"},
      {"npm", "^1.2.0", "2.1.0", S::Widen, "^1.2.0 || ^2.1.0"},
      {"npm", "^1.2.0", "1.4.0", S::Pin, "1.4.0"},
      {"npm", "~1.2", "1.4.5", S::Bump, "~1.4"},
      {"npm", "1.x", "2.3.0", S::Bump, "2.x"},
      {"npm", "1.2.x", "1.4.1", S::Bump, "1.4.x"},
      {"npm", "1.2.3", "1.4.0", S::Replace, "1.4.0"},
      {"npm", "=1.2.3", "1.4.0", S::Widen, "=1.4.0"},
      {"npm", "v1.2.3", "1.4.0", S::Bump, "v1.4.0"},
      {"npm", ">=1.2.0", "3.0.0", S::Bump, ">=3.0.0"},
      {"npm", ">=1.2.0", "3.0.0", S::Replace, ">=1.2.0"},
      {"npm", ">1.2.0", "3.0.0", S::Bump, ">=3.0.0"},
      {"npm", ">=1.2.0 <2.0.0", "2.1.0", S::Bump, ">=2.1.0 <3.0.0"},
      {"npm", ">=1.2.0 <2.0.0", "2.1.0", S::Widen, ">=1.2.0 <3.0.0"},
      {"npm", ">= 1.2 < 1.5", "1.7.2", S::Widen, ">= 1.2 < 1.8"},
      {"npm", "<2", "2.5.0", S::Bump, "<3"},
      {"npm", "*", "2.5.0", S::Bump, "*"},
      {"npm", "^1.0.0 || ^2.0.0", "2.3.0", S::Bump, "^1.0.0 || ^2.3.0"},
      {"npm", "^1.0.0 || ^2.0.0", "3.0.1", S::Bump, "^1.0.0 || ^2.0.0 || ^3.0.1"},
      {"npm", "1.2 - 1.4", "1.9.0", S::Widen, "1.2 - 1.9"},
      {"npm", "^0.2.3", "0.3.1", S::Bump, "^0.3.1"},
      {"npm", "^1.2.0", "2.0.0-rc.1", S::Bump, "^2.0.0-rc.1"},
      {"npm", "latest", "2.0.0", S::Bump, "<none>"},
      {"cargo", "1.2.3", "1.4.0", S::Bump, "1.4.0"},
      {"cargo", "1.2", "1.4.0", S::Bump, "1.4"},
      {"cargo", "1.2", "1.4.0", S::Replace, "1.2"},
      {"cargo", "~1.2", "1.4.5", S::Bump, "~1.4"},
      {"cargo", "=1.2.3", "1.4.0", S::Bump, "=1.4.0"},
      {"cargo", ">=1.2, <2", "2.1.0", S::Bump, ">=2.1, <3"},
      {"cargo", "^1.2.3", "2.0.0", S::Widen, ">=1.2.3, <3"},
      {"cargo", "1.*", "2.3.0", S::Bump, "2.*"},
      {"cargo", "1.2", "2.0.0", S::Pin, "=2.0.0"},
      {"pep440", "~=1.2", "1.4.3", S::Bump, "~=1.4"},
      {"go", "v1.2.3", "v1.4.0", S::Bump, "v1.4.0"},
      {"docker", "3.11-slim", "3.12-slim", S::Replace, "3.12-slim"},
      {"semver", "v4.1.0", "4.2.0", S::Bump, "v4.2.0"},
  };
  for (const auto& c : cases) {
    const auto got = scheme(c.scheme).newRange(c.range, "", c.target, c.strategy);
    EXPECT_EQ(got.value_or("<none>"), c.want)
        << c.scheme << " \"" << c.range << "\" -> " << c.target << " (strategy "
        << static_cast<int>(c.strategy) << ")";
    if (got) {
      EXPECT_TRUE(scheme(c.scheme).matches(c.target, *got)) << *got;
    }
  }
}

TEST(SemVerScheme, ShorthandTagsKeepTheirPrecision) {
  const auto& semver = scheme("semver");
  for (const char* ok : {"v4", "4", "v4.1", "v4.1.0", "4.1.0-rc.1+b"}) {
    EXPECT_TRUE(semver.isVersion(ok)) << ok;
  }
  for (const char* bad : {"v", "v04", "v4.", "v4.1.0.1", "v4-rc", "latest", "main"}) {
    EXPECT_FALSE(semver.isVersion(bad)) << bad;
  }
  EXPECT_EQ(semver.compare("v4", "4.0.0"), 0);
  EXPECT_LT(semver.compare("v4", "v4.1"), 0);
  EXPECT_TRUE(semver.matches("v4.3.1", "v4"));
  EXPECT_FALSE(semver.matches("v5.0.0", "v4"));
  EXPECT_EQ(semver.maxSatisfying({"v4.0.0", "v4.3.1", "v5.0.0"}, "v4").value_or(""), "v4.3.1");
  EXPECT_EQ(semver.newRange("v4", "", "v5.1.0", RangeStrategy::Bump).value_or(""), "v5");
  EXPECT_EQ(semver.newRange("v4.1", "", "v5.1.0", RangeStrategy::Bump).value_or(""), "v5.1");
  EXPECT_EQ(semver.updateType("v4", "v5.0.0"), UpdateType::Major);
  // Found by fuzzing: a prefix is kept only from a value that is a version.
  EXPECT_FALSE(semver.isVersion("V1"));
  EXPECT_EQ(semver.newRange("V\xcd", "", "1.0.0", RangeStrategy::Bump).value_or(""), "1.0.0");
}

TEST(CargoVersioning, RequirementsAsTheSemverCrateReadsThem) {
  const auto& cargo = scheme("cargo");
  const std::tuple<const char*, const char*, bool> table[] = {
      {"1.2.3", "1.9.0", true},
      {"1.2.3", "2.0.0", false},
      {"1.2.3", "1.2.2", false},
      {"0.2.3", "0.2.9", true},
      {"0.2.3", "0.3.0", false},
      {"0.0.3", "0.0.4", false},
      {"^0.0", "0.0.9", true},
      {"^0", "0.9.0", true},
      {"~1.2.3", "1.2.9", true},
      {"~1.2.3", "1.3.0", false},
      {"~1", "1.9.0", true},
      {"=1.2", "1.2.7", true},
      {"=1.2", "1.3.0", false},
      {">1.2", "1.2.9", false},
      {">1.2", "1.3.0", true},
      {"<=1.2", "1.2.9", true},
      {"<1.2", "1.2.0", false},
      {"*", "9.9.9", true},
      {"1.*", "1.7.0", true},
      {"1.2.*", "1.3.0", false},
      {">=1.0, <1.5", "1.4.9", true},
      {">=1.0, <1.5", "1.5.0", false},
      {"1.2.3", "1.3.0-beta", false},
      {">=1.3.0-alpha", "1.3.0-beta", true},
      {">=1.3.0-alpha", "1.4.0-beta", false},
      {"*", "1.0.0-rc.1", false},
      {" >= 1.2 ,  < 2 ", "1.5.0", true},
  };
  for (const auto& [req, version, want] : table) {
    EXPECT_EQ(cargo.matches(version, req), want) << version << " in " << req;
  }
  for (const char* bad : {"", "1.2.3.4", ">=1.*", "1 || 2", "v1.2", "~>1.2", "1.2,", "01.2",
                          "18446744073709551616.0.0"}) {
    EXPECT_FALSE(cargo.isValid(bad)) << bad;
  }
  EXPECT_TRUE(cargo.isVersion("18446744073709551615.0.0"));
  EXPECT_FALSE(cargo.isVersion("v1.2.3"));
  EXPECT_EQ(cargo.classify("=1.2.3"), SpecKind::Version);
  EXPECT_EQ(cargo.classify("1.2.3"), SpecKind::Range);
  EXPECT_EQ(cargo.maxSatisfying({"1.2.0", "1.9.1", "2.0.0", "1.10.0-rc.1"}, "^1.2").value_or(""),
            "1.9.1");
}

TEST(GoVersioning, ModuleVersionsAndPseudoVersions) {
  const auto& go = scheme("go");
  EXPECT_TRUE(go.isVersion("v1.2.3"));
  EXPECT_TRUE(go.isVersion("v2.0.0+incompatible"));
  EXPECT_TRUE(go.isVersion("v1"));
  EXPECT_TRUE(go.isVersion("v123456789012345678901234567890.0.0"));  // any length, as Go
  for (const char* bad : {"1.2.3", "v1.2-pre", "v01.2.3", "v1.2.3-01", "v1.2.3+", "V1.2.3", ""}) {
    EXPECT_FALSE(go.isVersion(bad)) << bad;
  }
  EXPECT_EQ(go.canonical("v1.2").value_or(""), "v1.2.0");
  EXPECT_EQ(go.canonical("v2.0.0+incompatible").value_or(""), "v2.0.0+incompatible");
  // Pseudo-versions order before the release they lead up to, after their base.
  const char* chain[] = {"v0.0.0-20190101000000-abcdefabcdef",
                         "v0.0.0-20200101000000-abcdefabcdef",
                         "v1.2.3",
                         "v1.2.4-0.20210101000000-abcdefabcdef",
                         "v1.2.4-pre",
                         "v1.2.4-pre.0.20210101000000-abcdefabcdef",
                         "v1.2.4",
                         "v123456789012345678901234567890.0.0"};
  for (size_t i = 0; i + 1 < std::size(chain); ++i) {
    EXPECT_LT(go.compare(chain[i], chain[i + 1]), 0) << chain[i] << " < " << chain[i + 1];
  }
  EXPECT_EQ(go.compare("v2.0.0+incompatible", "v2.0.0"), 0);
  EXPECT_FALSE(go.isStable("v1.2.4-0.20210101000000-abcdefabcdef"));
  EXPECT_EQ(
      go.updateType("v0.0.0-20190101000000-abcdefabcdef", "v0.0.0-20200101000000-123456123456"),
      UpdateType::Digest);
  EXPECT_EQ(go.updateType("v1.2.4-0.20210101000000-abcdefabcdef", "v1.2.4"), UpdateType::Patch);
  EXPECT_EQ(go.updateType("v1.2.3", "v1.3.0"), UpdateType::Minor);
  EXPECT_TRUE(go.isCompatible("v1.2.3", "v0.9.0"));
  EXPECT_FALSE(go.isCompatible("v1.2.3", "v2.0.0"));  // /v2 is another module path
  EXPECT_TRUE(go.isCompatible("v1.2.3", "v3.0.0+incompatible"));
  EXPECT_TRUE(go.matches("v1.2.0", "v1.2"));
  EXPECT_THROW(go.compare("1.2.3", "v1.2.3"), VersioningError);
}

TEST(GoVersioning, PseudoVersionsNameTheirBaseTag) {
  const auto first = parseGoPseudoVersion("v0.0.0-20190101123456-abcdefabcdef");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->base, "");
  EXPECT_EQ(first->timestamp, "20190101123456");
  EXPECT_EQ(first->revision, "abcdefabcdef");
  EXPECT_EQ(parseGoPseudoVersion("v1.2.4-0.20210101000000-abcdefabcdef")->base, "v1.2.3");
  EXPECT_EQ(parseGoPseudoVersion("v1.3.10-0.20210101000000-abcdefabcdef")->base, "v1.3.9");
  EXPECT_EQ(parseGoPseudoVersion("v1.2.4-pre.1.0.20210101000000-abcdefabcdef")->base,
            "v1.2.4-pre.1");
  EXPECT_EQ(parseGoPseudoVersion("v2.0.1-0.20210101000000-abcdefabcdef+incompatible")->base,
            "v2.0.0+incompatible");
  for (const char* no : {"v1.2.3", "v1.2.0-0.20210101000000-abcdefabcdef",  // no tag below .0
                         "v1.2.3-20210101000000-abcdefabcdef",  // first form needs X.0.0
                         "v1.2.4-0.2021010100000-abcdef", "v1.2.4-0.20210101000000-"}) {
    EXPECT_FALSE(parseGoPseudoVersion(no)) << no;
  }
}

TEST(DockerVersioning, UpdatesKeepTheVariant) {
  const auto& docker = scheme("docker");
  EXPECT_EQ(docker.classify("latest"), SpecKind::Tag);
  EXPECT_EQ(docker.classify("bookworm"), SpecKind::Tag);
  EXPECT_EQ(docker.classify("3.11-slim"), SpecKind::Version);
  EXPECT_EQ(docker.classify("a b"), SpecKind::Invalid);
  EXPECT_FALSE(docker.isVersion("latest"));
  EXPECT_FALSE(docker.isVersion("18446744073709551616"));
  EXPECT_FALSE(docker.isVersion(std::string(129, '1')));
  EXPECT_TRUE(docker.isCompatible("3.11-slim", "3.12-slim"));
  EXPECT_FALSE(docker.isCompatible("3.11-slim", "3.12-alpine"));
  EXPECT_FALSE(docker.isCompatible("3.11-slim", "3.12.1-slim"));  // another precision
  EXPECT_FALSE(docker.isCompatible("3.11-slim", "3.12"));
  EXPECT_FALSE(docker.isCompatible("v1.2", "1.3"));
  EXPECT_TRUE(docker.isCompatible("1.25.3-alpine3.18", "1.25.4-alpine3.18"));
  EXPECT_LT(docker.compare("3.9-slim", "3.11-slim"), 0);
  EXPECT_LT(docker.compare("3.12.0rc1", "3.12.0"), 0);
  EXPECT_FALSE(docker.isStable("3.12.0rc1"));
  EXPECT_EQ(docker.updateType("3.11-slim", "3.12-slim"), UpdateType::Minor);
  EXPECT_EQ(docker.updateType("20.04", "22.04"), UpdateType::Major);
  EXPECT_THROW(docker.compare("latest", "3.11"), VersioningError);
  // The newest tag of the same variant, as an analyzer picks it.
  const std::vector<std::string> tags = {"3.11-slim",         "3.12-slim", "3.13-alpine",
                                         "3.13.1-slim",       "latest",    "3.14rc1-slim",
                                         "3.12-slim-bookworm"};
  std::string best;
  for (const auto& t : docker.sorted(tags)) {
    if (docker.isCompatible("3.11-slim", t) && docker.isStable(t)) best = t;
  }
  EXPECT_EQ(best, "3.12-slim");
}

// --- properties every scheme keeps ----------------------------------------------------

std::vector<std::string> sampleVersions(std::string_view name, std::mt19937& rng) {
  std::vector<std::string> out;
  auto n = [&](int max) { return std::to_string(rng() % max); };
  for (int i = 0; i < 250; ++i) {
    std::string v = n(3) + "." + n(4) + "." + n(4);
    if (name == "npm" || name == "semver" || name == "cargo" || name == "helm" ||
        name == "helm-oci") {
      if (rng() % 4 == 0) v += rng() % 2 ? "-rc." + n(3) : "-beta";
      if (rng() % 9 == 0) v += (name == "helm-oci" && rng() % 2 ? "_b" : "+b") + n(2);
    } else if (name == "go") {
      v = "v" + v;
      if (rng() % 4 == 0) v += "-0.2021010" + n(10) + "000000-abcdef" + n(10);
      if (rng() % 9 == 0) v += "+incompatible";
    } else if (name == "pep440") {
      if (rng() % 3 == 0) v = n(3) + "." + n(4);
      if (rng() % 4 == 0) v += rng() % 2 ? "rc" + n(3) : ".post" + n(2);
      if (rng() % 6 == 0) v += ".dev" + n(2);
      if (rng() % 8 == 0) v += "+loc." + n(3);
    } else if (name == "docker") {
      if (rng() % 3 == 0) v = n(3) + "." + n(4);
      if (rng() % 5 == 0) v += "rc" + n(3);
      if (rng() % 3 == 0) v += rng() % 2 ? "-slim" : "-alpine3.18";
    }
    out.push_back(v);
  }
  return out;
}

class EveryScheme : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryScheme, CompareIsATotalOrder) {
  const auto& s = scheme(GetParam());
  std::mt19937 rng(99);
  const auto vs = sampleVersions(s.name(), rng);
  for (const auto& v : vs) ASSERT_TRUE(s.isVersion(v)) << v;
  // Every third second element in Release; every ninth in sanitizer and Debug builds
  // (tests/support/build_speed.h), where the triple loop takes tens of seconds per scheme.
  constexpr size_t kStride = ddd::testing::kSlowBuild ? 9 : 3;
  for (size_t i = 0; i < vs.size(); ++i) {
    EXPECT_EQ(s.compare(vs[i], vs[i]), 0);
    for (size_t j = 0; j < vs.size(); j += kStride) {
      const int ab = s.compare(vs[i], vs[j]);
      EXPECT_EQ((ab > 0) - (ab < 0),
                -((s.compare(vs[j], vs[i]) > 0) - (s.compare(vs[j], vs[i]) < 0)));
      for (size_t k = 0; k < vs.size(); k += 17) {
        if (ab <= 0 && s.compare(vs[j], vs[k]) <= 0) {
          EXPECT_LE(s.compare(vs[i], vs[k]), 0) << vs[i] << " " << vs[j] << " " << vs[k];
        }
      }
    }
  }
}

TEST_P(EveryScheme, SortingIsStableAndOrdered) {
  const auto& s = scheme(GetParam());
  std::mt19937 rng(5);
  std::vector<std::string> vs;
  for (auto& v : sampleVersions(s.name(), rng)) {
    if (std::find(vs.begin(), vs.end(), v) == vs.end()) vs.push_back(v);  // distinct strings
  }
  vs.push_back("not a version");
  const auto sorted = s.sorted(vs);
  ASSERT_EQ(sorted.size(), vs.size() - 1);
  for (size_t i = 0; i + 1 < sorted.size(); ++i) {
    ASSERT_LE(s.compare(sorted[i], sorted[i + 1]), 0);
    if (s.compare(sorted[i], sorted[i + 1]) == 0) {
      // Equal precedence keeps the input order.
      const auto a = std::find(vs.begin(), vs.end(), sorted[i]);
      const auto b = std::find(vs.begin(), vs.end(), sorted[i + 1]);
      EXPECT_LT(a, b) << sorted[i] << " " << sorted[i + 1];
    }
  }
}

TEST_P(EveryScheme, SatisfyingAgreesWithMatches) {
  const auto& s = scheme(GetParam());
  std::mt19937 rng(17);
  const auto vs = sampleVersions(s.name(), rng);
  std::vector<std::string> ranges;
  for (size_t i = 0; i < vs.size(); i += 5) {
    ranges.push_back(vs[i]);  // an exact version
  }
  if (s.name() == "npm") ranges.insert(ranges.end(), {"^1.2.0", "~0.3", ">=1.1.0 <2 || 0.x", "*"});
  if (s.name() == "cargo") ranges.insert(ranges.end(), {"1.2", "~0.3", ">=1.1.0, <2", "*"});
  if (s.name() == "pep440") ranges.insert(ranges.end(), {"~=1.2", "==1.*", ">=1.1,!=1.2.0", ""});
  for (const auto& r : ranges) {
    ASSERT_TRUE(s.isValid(r)) << r;
    std::vector<std::string> matching;
    for (const auto& v : vs) {
      if (s.matches(v, r)) matching.push_back(v);
    }
    const auto max = s.maxSatisfying(vs, r), min = s.minSatisfying(vs, r);
    ASSERT_EQ(max.has_value(), !matching.empty()) << r;
    ASSERT_EQ(min.has_value(), !matching.empty()) << r;
    for (const auto& v : matching) {
      EXPECT_GE(s.compare(*max, v), 0) << r;
      EXPECT_LE(s.compare(*min, v), 0) << r;
    }
    if (s.isVersion(r)) {
      EXPECT_TRUE(s.matches(r, r)) << r;  // an exact version admits itself
    }
  }
}

TEST_P(EveryScheme, NeverCrashesOnHostileInput) {
  const auto& s = scheme(GetParam());
  const std::string hostile[] = {std::string(100000, '1'),
                                 std::string(5000, '.'),
                                 "99999999999999999999999999.0.0",
                                 std::string("1.0\0.0", 6),
                                 "||||||",
                                 std::string(3000, '^') + "1",
                                 "1.0.0-" + std::string(2000, 'a'),
                                 "\xff\xfe",
                                 "v",
                                 "=",
                                 "*.*.*"};
  for (const auto& h : hostile) {
    (void)s.isVersion(h);
    (void)s.isValid(h);
    (void)s.classify(h);
    (void)s.matches(h, h);
    (void)s.matches("1.0.0", h);
    (void)s.newRange(h, "", h, RangeStrategy::Bump);
    (void)s.maxSatisfying({h, "1.0.0"}, h);
    if (!s.isVersion(h)) {
      EXPECT_THROW((void)s.compare(h, h), VersioningError);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Schemes, EveryScheme,
                         ::testing::Values("npm", "semver", "pep440", "go", "cargo", "docker",
                                           "helm", "helm-oci"));

// Helm's constraints: npm's operators plus the comma as AND; a rewrite keeps the commas.
TEST(HelmVersioning, CommaSeparatedAndAsHelmReadsIt) {
  const Versioning& helm = *findVersioning("helm");
  EXPECT_TRUE(helm.isValid(">=1.2.0, <2.0.0"));
  EXPECT_TRUE(helm.isValid(">=1.2.0,<2.0.0"));
  EXPECT_TRUE(helm.isValid("~1.2, !=1.2.5") == findVersioning("npm")->isValid("~1.2 !=1.2.5"));
  EXPECT_EQ(helm.classify(">=1.2.0, <2.0.0"), SpecKind::Range);
  EXPECT_EQ(helm.classify("1.2.3"), SpecKind::Version);
  for (const char* bad : {",", ">=1.0.0,", ",<2", ">=1,,<2", ">=1, || <2"}) {
    EXPECT_FALSE(helm.isValid(bad)) << bad;
    EXPECT_EQ(helm.classify(bad), SpecKind::Invalid) << bad;
    EXPECT_FALSE(helm.matches("1.5.0", bad)) << bad;
  }
  EXPECT_TRUE(helm.matches("1.5.0", ">=1.2.0, <2.0.0"));
  EXPECT_FALSE(helm.matches("2.0.0", ">=1.2.0, <2.0.0"));
  EXPECT_FALSE(helm.matches("1.1.9", ">=1.2.0,<2.0.0"));
  EXPECT_TRUE(helm.matches("3.1.0", ">=1.2.0, <2.0.0 || ^3.0.0"));
  EXPECT_FALSE(helm.matches("1.5.0-rc.1", ">=1.2.0, <2.0.0"));  // pre-releases as npm
  const std::vector<std::string> versions{"1.1.0", "1.2.0", "1.9.3", "2.0.0", "2.4.1"};
  EXPECT_EQ(helm.maxSatisfying(versions, ">=1.2.0, <2.0.0"), "1.9.3");
  EXPECT_EQ(helm.minSatisfying(versions, ">=1.2.0, <2.0.0"), "1.2.0");
  // Matching agrees with npm's on the comma-free spelling, over a grid of versions.
  const Versioning& npm = *findVersioning("npm");
  for (const char* range : {">=1.2.0, <2.0.0", ">1.0, <=1.9.3", "^1.2, !=1.9.3", ">=1, <2 || >=2.4"}) {
    std::string spaced = range;
    for (size_t c; (c = spaced.find(',')) != std::string::npos;) spaced.erase(c, 1);
    for (const auto& v : versions)
      EXPECT_EQ(helm.matches(v, range), npm.matches(v, spaced)) << v << " in " << range;
  }
  // Rewrites keep the file's spelling.
  auto npmBump = npm.newRange(">=1.2.0 <2.0.0", "1.2.0", "2.4.1", RangeStrategy::Bump);
  ASSERT_TRUE(npmBump);
  ASSERT_NE(npmBump->find(' '), std::string::npos) << *npmBump;
  EXPECT_EQ(helm.newRange(">=1.2.0, <2.0.0", "1.2.0", "2.4.1", RangeStrategy::Bump),
            std::string(*npmBump).replace(npmBump->find(' '), 1, ", "));
  auto bumped = helm.newRange(">=1.2.0,<2.0.0", "1.2.0", "2.4.1", RangeStrategy::Bump);
  ASSERT_TRUE(bumped);
  EXPECT_NE(bumped->find(','), std::string::npos) << *bumped;
  EXPECT_EQ(bumped->find(' '), std::string::npos) << *bumped;
  EXPECT_TRUE(helm.matches("2.4.1", *bumped)) << *bumped;
  EXPECT_EQ(helm.newRange(">=1.2.0, <3.0.0", "1.2.0", "2.4.1", RangeStrategy::Replace),
            ">=1.2.0, <3.0.0");
  EXPECT_EQ(helm.newRange("^1.2.0", "1.2.0", "2.4.1", RangeStrategy::Bump), "^2.4.1");
  EXPECT_EQ(helm.newRange("1.2 - 1.9", "1.2.0", "2.4.1", RangeStrategy::Bump),
            npm.newRange("1.2 - 1.9", "1.2.0", "2.4.1", RangeStrategy::Bump));
  EXPECT_EQ(helm.updateType("1.2.0", "2.4.1"), UpdateType::Major);
  // Tabs and carriage returns separate comparators as spaces do (found by
  // fuzz_versioning_other: a rewrite kept "\r" as a comparator of its own).
  for (const char* name : {"helm", "helm-oci"}) {
    const Versioning& s = scheme(name);
    for (auto strategy : {RangeStrategy::Bump, RangeStrategy::Widen, RangeStrategy::Replace}) {
      auto written = s.newRange("0,v2 \r 1.9,  \t 15.0", "", "1.51.0", strategy);
      if (written) {
        EXPECT_TRUE(s.matches("1.51.0", *written)) << name << ": " << *written;
      }
    }
    EXPECT_EQ(s.matches("1.5.0", ">=1.2.0,\t<2.0.0"), s.matches("1.5.0", ">=1.2.0, <2.0.0"));
  }
}

// Chart versions as OCI tags: "_" stands for SemVer's "+" (what `helm push` writes and
// `helm dependency update` reads back), only strict SemVer tags are versions, build
// metadata survives a pin, and a rewrite spells it as the declared value did.
TEST(HelmOciVersioning, UnderscoreTagsAreBuildMetadata) {
  const Versioning& oci = scheme("helm-oci");
  const Versioning& helm = scheme("helm");
  for (const char* v : {"1.2.3", "1.2.3_build.1", "1.2.3+build.1", "1.2.3-rc.1_b.7", "0.0.1"}) {
    EXPECT_TRUE(oci.isVersion(v)) << v;
    EXPECT_EQ(oci.classify(v), SpecKind::Version) << v;
  }
  for (const char* v : {"latest", "v1.2.3", "1.2", "=1.2.3", "1.2.3__b", "1.2.3_b_c", "1.2.3_",
                        "01.2.3", "1.2.3 ", ""}) {
    EXPECT_FALSE(oci.isVersion(v)) << v;
  }
  EXPECT_FALSE(helm.isVersion("1.2.3_build.1"));  // the plain scheme reads no such tag
  EXPECT_EQ(oci.canonical("1.2.3_build.1"), "1.2.3+build.1");
  EXPECT_EQ(oci.compare("1.2.3_build.1", "1.2.3"), 0);  // build metadata has no precedence
  EXPECT_LT(oci.compare("1.2.3_build.9", "1.2.4_build.1"), 0);
  EXPECT_TRUE(oci.isStable("1.2.3_build.1"));
  EXPECT_FALSE(oci.isStable("1.2.3-rc.1_build.1"));
  EXPECT_TRUE(oci.matches("1.4.0_b.2", ">=1.2.0, <2.0.0"));
  EXPECT_FALSE(oci.matches("2.0.0_b.2", ">=1.2.0, <2.0.0"));
  EXPECT_TRUE(oci.matches("1.2.3_b.1", "1.2.3+b.1"));
  const std::vector<std::string> tags = {"1.2.0", "1.3.0_b.1", "latest", "1.3.1_b.2", "2.0.0",
                                         "v1.9.0"};
  EXPECT_EQ(oci.maxSatisfying(tags, "^1.2.0"), "1.3.1_b.2");  // as the registry spells it
  EXPECT_EQ(oci.minSatisfying(tags, ">1.2.0"), "1.3.0_b.1");
  EXPECT_EQ(oci.sorted(tags),
            (std::vector<std::string>{"1.2.0", "1.3.0_b.1", "1.3.1_b.2", "2.0.0"}));
  EXPECT_EQ(oci.updateType("1.2.0", "1.3.1_b.2"), UpdateType::Minor);
  // Rewrites: an exact version keeps the target's build metadata, in the declared spelling.
  EXPECT_EQ(oci.newRange("1.2.0+b.1", "1.2.0+b.1", "1.3.1+b.2", RangeStrategy::Bump),
            "1.3.1+b.2");
  EXPECT_EQ(oci.newRange("1.2.0", "1.2.0", "1.3.1_b.2", RangeStrategy::Bump), "1.3.1+b.2");
  EXPECT_EQ(oci.newRange("1.2.0_b.1", "1.2.0_b.1", "1.3.1+b.2", RangeStrategy::Pin), "1.3.1_b.2");
  EXPECT_EQ(oci.newRange(">=1.2.0, <2.0.0", "1.2.0", "2.1.0_b.3", RangeStrategy::Bump),
            helm.newRange(">=1.2.0, <2.0.0", "1.2.0", "2.1.0", RangeStrategy::Bump));
  EXPECT_EQ(oci.newRange("^1.2.0", "1.2.0", "1.3.1_b.2", RangeStrategy::Bump), "^1.3.1");
  EXPECT_EQ(oci.newRange(">=1.2.0, <2.0.0", "1.2.0", "1.3.1_b.2", RangeStrategy::Replace),
            ">=1.2.0, <2.0.0");
}

}  // namespace
}  // namespace ddd::analyzers::deps
