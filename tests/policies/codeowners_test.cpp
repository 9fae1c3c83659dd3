// CODEOWNERS as GitHub and GitLab read it: gitignore-style patterns, last match wins.
#include "policies/codeowners.h"

#include <gtest/gtest.h>

namespace ddd::policies {
namespace {

using Owners = std::vector<std::string>;

TEST(Codeowners, LastMatchingLineWins) {
  const auto o = Codeowners::parse(
      "# default owners\n"
      "*       @global-owner1 @global-owner2\n"
      "*.js    @js-owner  # inline comment\n"
      "*.go docs@example.com\n"
      "/build/logs/ @doctocat\n"
      "docs/*  docs@example.com\n"
      "apps/ @octocat\n"
      "/docs/ @doctocat\n"
      "/scripts/ @doctocat @octocat\n"
      "**/logs @octocat\n"
      "/apps/ @octocat\n"
      "/apps/github\n");
  EXPECT_EQ(o.ownersOf("README.md"), (Owners{"@global-owner1", "@global-owner2"}));
  EXPECT_EQ(o.ownersOf("src/app.js"), (Owners{"@js-owner"}));
  EXPECT_EQ(o.ownersOf("main.go"), (Owners{"docs@example.com"}));
  // `**/logs` comes after `/build/logs/`, so it wins for everything under build/logs.
  EXPECT_EQ(o.ownersOf("build/logs/a/b.txt"), (Owners{"@octocat"}));
  EXPECT_EQ(o.ownersOf("docs/getting-started.md"), (Owners{"@doctocat"}));
  EXPECT_EQ(o.ownersOf("x/logs/y.txt"), (Owners{"@octocat"}));
  EXPECT_EQ(o.ownersOf("deep/apps/x.txt"), (Owners{"@octocat"}));
  EXPECT_EQ(o.ownersOf("scripts/run.sh"), (Owners{"@doctocat", "@octocat"}));
  // A pattern with no owners leaves the path owned by nobody.
  EXPECT_EQ(o.ownersOf("apps/github/main.c"), Owners{});
  EXPECT_EQ(o.ownersOf("apps/other/main.c"), (Owners{"@octocat"}));
}

TEST(Codeowners, DirectChildrenWildcardDoesNotReachNestedFiles) {
  const auto o = Codeowners::parse("* @all\ndocs/* @docs\n");
  EXPECT_EQ(o.ownersOf("docs/a.md"), (Owners{"@docs"}));
  EXPECT_EQ(o.ownersOf("docs/build/b.md"), (Owners{"@all"}));
  EXPECT_EQ(o.ownersOf("src/docs/a.md"), (Owners{"@all"}));
}

TEST(Codeowners, GitlabSectionsGiveDefaultOwners) {
  const auto o = Codeowners::parse(
      "[Documentation] @docs-team\n"
      "docs/\n"
      "README.md @writer\n"
      "^[Backend][2] @backend\n"
      "*.go\n");
  EXPECT_EQ(o.ownersOf("docs/x.md"), (Owners{"@docs-team"}));
  EXPECT_EQ(o.ownersOf("README.md"), (Owners{"@writer"}));
  EXPECT_EQ(o.ownersOf("cmd/main.go"), (Owners{"@backend"}));
}

TEST(Codeowners, UnionOverPathsInFirstSeenOrder) {
  const auto o = Codeowners::parse("*.js @js\n*.py @py @shared\n*.md @shared\n");
  EXPECT_EQ(o.ownersOf(std::vector<std::string>{"a.py", "b.js", "c.md", "d.txt"}),
            (Owners{"@py", "@shared", "@js"}));
}

TEST(Codeowners, BadLinesAreSkippedWithAWarning) {
  const auto o = Codeowners::parse("[Broken @x\n*.js @js\r\n", ".github/CODEOWNERS");
  ASSERT_EQ(o.warnings().size(), 1u);
  EXPECT_NE(o.warnings()[0].find(".github/CODEOWNERS:1"), std::string::npos);
  EXPECT_EQ(o.ownersOf("a.js"), (Owners{"@js"}));
}

TEST(Codeowners, EscapedSpacesAndHashes) {
  const auto o = Codeowners::parse("my\\ file.txt @a\n\\#notes @b\n");
  EXPECT_EQ(o.ownersOf("my file.txt"), (Owners{"@a"}));
  EXPECT_EQ(o.ownersOf("#notes"), (Owners{"@b"}));
}

TEST(Codeowners, LocationFollowsTheForgesOrder) {
  EXPECT_EQ(codeownersLocation({"CODEOWNERS", ".github/CODEOWNERS"}), ".github/CODEOWNERS");
  EXPECT_EQ(codeownersLocation({"docs/CODEOWNERS"}), "docs/CODEOWNERS");
  EXPECT_EQ(codeownersLocation({"src/CODEOWNERS"}), "");
}

}  // namespace
}  // namespace ddd::policies
