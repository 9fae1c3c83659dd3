// The hard guards: no rule can make ddd merge a PR whose head is not its commit, that
// a person pushed to, that ran no checks (without ignoreTests), that has a red or
// pending check, whose ddd checks aren't green, or that is behind a strict base.
#include "policies/guards.h"

#include <gtest/gtest.h>

namespace ddd::policies {
namespace {

Decision automerge() {
  Decision d;
  d.action = Action::Automerge;
  d.rule = "r";
  return d;
}

MergeState green() {
  MergeState s;
  s.headSha = s.pushedSha = "0123456789abcdef0123456789abcdef01234567";
  s.checksTotal = 3;
  s.passedChecks = {"build", "test", "ddd/policy"};
  s.dddChecksGreen = true;
  return s;
}

bool mentions(const GuardVerdict& v, const std::string& text) {
  for (const auto& b : v.blocking) {
    if (b.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(MergeGuards, AllGreenMerges) {
  const auto v = checkMergeGuards(automerge(), green());
  EXPECT_TRUE(v.mayMerge);
  EXPECT_TRUE(v.blocking.empty());
  EXPECT_GE(v.passed.size(), 6u);
}

TEST(MergeGuards, EachGuardBlocksOnItsOwn) {
  struct Case {
    const char* name;
    std::function<void(MergeState&)> spoil;
    const char* says;
    bool waiting;
  };
  const std::vector<Case> cases = {
      {"head moved", [](MergeState& s) { s.headSha = "ffff"; }, "is not the commit ddd pushed",
       false},
      {"nothing pushed", [](MergeState& s) { s.pushedSha.clear(); }, "is not the commit ddd pushed",
       false},
      {"human commit", [](MergeState& s) { s.humanCommits = true; }, "a person pushed", false},
      {"no checks", [](MergeState& s) { s.checksTotal = 0; }, "no check ran", false},
      {"red check", [](MergeState& s) { s.checksFailed = 1; }, "1 check failed", false},
      {"pending check", [](MergeState& s) { s.checksPending = 2; }, "2 checks are still running",
       true},
      {"ddd checks not green", [](MergeState& s) { s.dddChecksGreen = false; }, "ddd's own checks",
       true},
      {"behind a strict base",
       [](MergeState& s) {
         s.behindBase = true;
         s.baseRequiresUpToDate = true;
       },
       "behind", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    MergeState s = green();
    c.spoil(s);
    const auto v = checkMergeGuards(automerge(), s);
    EXPECT_FALSE(v.mayMerge);
    EXPECT_TRUE(mentions(v, c.says));
    EXPECT_EQ(v.waiting, c.waiting);
  }
}

TEST(MergeGuards, BehindALenientBaseStillMerges) {
  MergeState s = green();
  s.behindBase = true;
  EXPECT_TRUE(checkMergeGuards(automerge(), s).mayMerge);
}

TEST(MergeGuards, IgnoreTestsOnlyWaivesTheNoCheckGuard) {
  Decision d = automerge();
  d.ignoreTests = true;
  MergeState s = green();
  s.checksTotal = 0;
  EXPECT_TRUE(checkMergeGuards(d, s).mayMerge);
  s.humanCommits = true;
  EXPECT_FALSE(checkMergeGuards(d, s).mayMerge);
  s.humanCommits = false;
  s.checksFailed = 1;
  EXPECT_FALSE(checkMergeGuards(d, s).mayMerge);
}

TEST(MergeGuards, RequiredChecksMustBeAmongThePassed) {
  Decision d = automerge();
  d.requiredChecks = {"build", "e2e"};
  const auto v = checkMergeGuards(d, green());
  EXPECT_FALSE(v.mayMerge);
  EXPECT_TRUE(mentions(v, "the required check e2e has not passed"));
}

TEST(MergeGuards, ReviewMergesOnlyWithMergeOnApprovalAndAnApproval) {
  Decision d = automerge();
  d.action = Action::Review;
  EXPECT_FALSE(checkMergeGuards(d, green()).mayMerge);
  d.mergeOnApproval = true;
  auto v = checkMergeGuards(d, green());
  EXPECT_FALSE(v.mayMerge);
  EXPECT_TRUE(v.waiting);
  EXPECT_TRUE(mentions(v, "waiting for a maintainer's approval"));
  MergeState s = green();
  s.approved = true;
  EXPECT_TRUE(checkMergeGuards(d, s).mayMerge);
  s.checksFailed = 1;
  EXPECT_FALSE(checkMergeGuards(d, s).mayMerge);
}

TEST(MergeGuards, DraftAndSkipNeverMerge) {
  for (Action a : {Action::Draft, Action::Skip}) {
    Decision d = automerge();
    d.action = a;
    MergeState s = green();
    s.approved = true;
    EXPECT_FALSE(checkMergeGuards(d, s).mayMerge);
  }
}

}  // namespace
}  // namespace ddd::policies
