// package-lock.json entries updated by span from the registry's metadata: lockfile v1,
// v2 and v3, what stays byte for byte, and every reason the result is still not what
// `npm install` would write.
#include "analyzers/dependencies/managers/npm_lockfile.h"

#include <gtest/gtest.h>

namespace ddd::analyzers::deps {
namespace {

Release release(const std::string& version, const std::string& integrity,
                const std::string& metadata = R"({"license":"MIT"})") {
  Release r;
  r.version = version;
  r.digest = integrity;
  r.artifactUrl = "https://registry.test/lodash/-/lodash-" + version + ".tgz";
  r.lockMetadata = metadata;
  return r;
}

struct Case {
  Release oldRelease = release("4.17.20", "sha512-OLD==");
  Release newRelease = release("4.17.21", "sha512-NEW==");
  NpmLockTarget target() const {
    NpmLockTarget t;
    t.name = "lodash";
    t.depGroup = "dependencies";
    t.oldRange = "^4.17.20";
    t.newRange = "^4.17.21";
    t.oldVersion = "4.17.20";
    t.newVersion = "4.17.21";
    t.oldRelease = &oldRelease;
    t.newRelease = &newRelease;
    return t;
  }
  NpmLockPlan plan(const std::string& lock) const {
    return planNpmLockUpdate(parseJsonWithSpans(lock, "package-lock.json"), lock, target());
  }
};

std::string applied(const std::string& lock, const NpmLockPlan& p) {
  return applySpanEdits(lock, p.edits);
}

const std::string kV3 = R"({
  "name": "app",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "app",
      "dependencies": {
        "lodash": "^4.17.20"
      }
    },
    "node_modules/lodash": {
      "version": "4.17.20",
      "resolved": "https://registry.test/lodash/-/lodash-4.17.20.tgz",
      "integrity": "sha512-OLD==",
      "license": "MIT"
    },
    "node_modules/uses-lodash": {
      "version": "1.0.0",
      "dependencies": {
        "lodash": "^4.0.0"
      }
    }
  }
}
)";

TEST(NpmLockfile, V3EntryAndRootRangeByteForByte) {
  Case c;
  auto p = c.plan(kV3);
  EXPECT_TRUE(p.staleReasons.empty()) << p.staleReasons.front();
  std::string want = kV3;
  want.replace(want.find("\"lodash\": \"^4.17.20\""), 20, "\"lodash\": \"^4.17.21\"");
  want.replace(want.find("\"version\": \"4.17.20\""), 20, "\"version\": \"4.17.21\"");
  want.replace(want.find("lodash-4.17.20.tgz"), 18, "lodash-4.17.21.tgz");
  want.replace(want.find("sha512-OLD=="), 12, "sha512-NEW==");
  EXPECT_EQ(applied(kV3, p), want);
  ASSERT_EQ(p.before.size(), 4u);
  EXPECT_EQ(p.before[0], "^4.17.20");
}

TEST(NpmLockfile, V2UpdatesBothSectionsAndV1ItsOnlyOne) {
  const std::string v2 =
      R"({"lockfileVersion": 2, "packages": {"": {"devDependencies": {"lodash": "^4.17.20"}},
 "node_modules/lodash": {"version": "4.17.20", "resolved": "https://registry.test/lodash/-/lodash-4.17.20.tgz", "integrity": "sha512-OLD==", "dev": true}},
 "dependencies": {"lodash": {"version": "4.17.20", "resolved": "https://registry.test/lodash/-/lodash-4.17.20.tgz", "integrity": "sha512-OLD==", "dev": true}}})";
  Case c;
  NpmLockTarget t = c.target();
  t.depGroup = "devDependencies";
  auto p = planNpmLockUpdate(parseJsonWithSpans(v2, "x"), v2, t);
  EXPECT_TRUE(p.staleReasons.empty());
  EXPECT_EQ(p.edits.size(), 7u);  // the root range and two entries of three fields
  const std::string out = applied(v2, p);
  EXPECT_EQ(out.find("4.17.20"), std::string::npos) << out;
  EXPECT_EQ(out.find("OLD"), std::string::npos);
  EXPECT_EQ(out.size(), v2.size());  // same lengths here: nothing else moved

  const std::string v1 = R"({"lockfileVersion": 1, "dependencies": {
  "lodash": {"version": "4.17.20", "resolved": "https://mirror.test/npm/lodash/-/lodash-4.17.20.tgz", "integrity": "sha512-OLD=="},
  "a": {"version": "1.0.0", "requires": {"lodash": "^4.1.0"}}}})";
  p = c.plan(v1);
  EXPECT_TRUE(p.staleReasons.empty());
  // The mirror the lock was resolved from stays.
  EXPECT_EQ(applied(v1, p), R"({"lockfileVersion": 1, "dependencies": {
  "lodash": {"version": "4.17.21", "resolved": "https://mirror.test/npm/lodash/-/lodash-4.17.21.tgz", "integrity": "sha512-NEW=="},
  "a": {"version": "1.0.0", "requires": {"lodash": "^4.1.0"}}}})");
}

TEST(NpmLockfile, OtherDependenciesKeepTheLockStaleButTheEntryMoves) {
  Case c;
  c.newRelease.lockMetadata =
      R"({"dependencies":{"tiny":"^1.0.0","left":"^2.0.0"},"license":"MIT"})";
  c.oldRelease.lockMetadata = R"({"dependencies":{"left":"^1.0.0","gone":"1"},"license":"MIT"})";
  auto p = c.plan(kV3);
  ASSERT_EQ(p.staleReasons.size(), 1u);
  EXPECT_EQ(p.staleReasons[0],
            "lodash 4.17.21 declares other dependencies than 4.17.20 (dependencies: left ^1.0.0 "
            "-> ^2.0.0, adds tiny@^1.0.0, drops gone), so other lockfile entries change too");
  EXPECT_EQ(p.edits.size(), 4u);
}

TEST(NpmLockfile, DependentsThatRejectTheNewVersionKeepItStale) {
  Case c;
  std::string lock = kV3;
  lock.replace(lock.find("\"lodash\": \"^4.0.0\""), 18, "\"lodash\": \"~4.17.0\"");
  EXPECT_TRUE(c.plan(lock).staleReasons.empty());  // ~4.17.0 accepts 4.17.21
  lock.replace(lock.find("\"lodash\": \"~4.17.0\""), 19, "\"lodash\": \"4.17.20\"");
  auto p = c.plan(lock);
  ASSERT_EQ(p.staleReasons.size(), 1u);
  EXPECT_EQ(p.staleReasons[0],
            "node_modules/uses-lodash requires lodash@4.17.20, which 4.17.21 does not satisfy "
            "(npm nests another copy)");
  // A dependent with its own nested copy does not use the top-level one.
  lock.replace(lock.find("\"node_modules/uses-lodash\": {"), 29,
               "\"node_modules/uses-lodash/node_modules/lodash\": {\"version\": \"4.17.20\"},\n"
               "    \"node_modules/uses-lodash\": {");
  EXPECT_TRUE(c.plan(lock).staleReasons.empty()) << c.plan(lock).staleReasons.front();
}

TEST(NpmLockfile, WhatIsNotDescribedOrDoesNotMatchIsLeftAlone) {
  Case c;
  c.newRelease.digest.clear();  // the registry gives no integrity
  auto p = c.plan(kV3);
  EXPECT_TRUE(p.edits.empty());
  ASSERT_EQ(p.staleReasons.size(), 1u);
  EXPECT_EQ(p.staleReasons[0],
            "lodash 4.17.21: the registry gives no tarball and integrity for it; the lockfile "
            "was left as it is");

  Case other;
  other.oldRelease.digest = "sha512-SOMETHINGELSE==";
  p = other.plan(kV3);
  EXPECT_TRUE(p.edits.empty());
  EXPECT_NE(p.staleReasons[0].find("has another integrity than the registry's lodash 4.17.20"),
            std::string::npos);

  std::string outOfDate = kV3;
  outOfDate.replace(outOfDate.find("\"lodash\": \"^4.17.20\""), 20, "\"lodash\": \"^4.16.0\"");
  p = Case().plan(outOfDate);
  EXPECT_TRUE(p.edits.empty());
  EXPECT_NE(p.staleReasons[0].find("the lockfile was already out of date"), std::string::npos);

  p = Case().plan(
      R"({"lockfileVersion": 3, "packages": {"": {"dependencies": {"lodash": "^4.17.20"}}}})");
  EXPECT_TRUE(p.edits.empty());
  EXPECT_NE(p.staleReasons[0].find("no entry node_modules/lodash"), std::string::npos);
  p = Case().plan("[1, 2]");
  EXPECT_TRUE(p.edits.empty());
  EXPECT_FALSE(p.staleReasons.empty());
}

TEST(NpmLockfile, WrittenValuesAreEscaped) {
  EXPECT_EQ(jsonEscape("a\"b\\c\n"), "a\\\"b\\\\c\\u000a");
}

}  // namespace
}  // namespace ddd::analyzers::deps
