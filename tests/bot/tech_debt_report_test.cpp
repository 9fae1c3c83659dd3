// The weekly tech-debt report body: score formula, forecast, charts, controls and
// truncation to the forge's body limit.
#include "bot/tech_debt_report.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ddd::bot {
namespace {

constexpr std::time_t kMonday = 1763964000;  // 2025-11-24 06:00 UTC
constexpr std::time_t kWeek = 7 * 86400;

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(HealthScore, WeightsPartsAndScalesMissingOnes) {
  HealthInputs in;
  in.libyears = 10;             // 50
  in.deprecatedApiUsages = 25;  // 75
  in.deadcodeFindings = 0;      // 100
  in.readiness = 40;            // 40
  auto s = healthScore(in);
  EXPECT_EQ(s.total, static_cast<int>(std::lround(0.35 * 50 + 0.2 * 75 + 0.15 * 100 + 0.3 * 40)));
  EXPECT_DOUBLE_EQ(s.parts["dependencies"], 50);

  HealthInputs only;
  only.readiness = 80;
  s = healthScore(only);
  EXPECT_EQ(s.total, 80);  // the only measured part carries all the weight
  EXPECT_DOUBLE_EQ(s.weights["readiness"], 1.0);

  HealthInputs bad;
  bad.libyears = 50;
  bad.deprecatedDependencies = 3;
  EXPECT_EQ(healthScore(bad).parts["dependencies"], 0);
  EXPECT_EQ(healthScore(HealthInputs{}).total, 0);
}

TEST(Forecast, SaysWhenAMetricCrossesItsThreshold) {
  EXPECT_EQ(forecastSentence("total libyears", {10, 11}, 20, true),
            "too little history to forecast total libyears (2 weeks; needs 4)");
  EXPECT_EQ(forecastSentence("total libyears", {10, 11, 12, 13}, 20, true),
            "at the current trend, total libyears will pass 20 in about 7 weeks (+1.00 a week)");
  EXPECT_NE(forecastSentence("total libyears", {13, 12, 11, 10}, 20, true).find("is falling"),
            std::string::npos);
  EXPECT_NE(forecastSentence("total libyears", {19, 21, 23, 25}, 20, true).find("already past 20"),
            std::string::npos);
  EXPECT_EQ(
      forecastSentence("the health score", {80, 75, 70, 65}, 50, false),
      "at the current trend, the health score will fall below 50 in about 3 weeks (-5.00 a week)");
  auto t = fitTrend({1, 3, 5});
  ASSERT_TRUE(t);
  EXPECT_DOUBLE_EQ(t->slope, 2);
  EXPECT_DOUBLE_EQ(t->intercept, 1);
  EXPECT_FALSE(fitTrend({1}));
}

ReportInput sample(size_t prs, size_t weeks) {
  ReportInput in;
  in.repo = "octo/hello";
  in.now = kMonday;
  in.current.libyears = 12.5;
  in.current.updatesByType = {{"major", 2}, {"minor", 5}};
  in.current.deprecatedApiUsages = 7;
  in.current.deprecationsByPack = {{"python", 5}, {"node", 2}};
  in.current.readiness = 55;
  in.current.weakestComponents = {{"billing", 10}, {"api", 35}};
  in.analyzers = {"dependencies", "deprecations"};
  for (size_t i = 0; i < weeks; ++i) {
    in.history.push_back({kMonday - static_cast<std::time_t>(weeks - i) * kWeek,
                          60.0 - static_cast<double>(i), 10.0 + 0.5 * static_cast<double>(i)});
  }
  for (size_t i = 0; i < prs; ++i) {
    in.pullRequests.push_back({static_cast<int>(i + 1), "Update package " + std::to_string(i), "",
                               "review", "awaiting review"});
  }
  in.heldBack = {{"deps/npm-react", "Update react to 19", "release age: 1 of 3 days"}};
  return in;
}

TEST(TechDebtReport, RendersScoreChartsControlsAndLists) {
  const auto in = sample(3, 14);
  const std::string body = renderTechDebtReport(in);
  EXPECT_EQ(body.rfind(reportMarker("octo/hello"), 0), 0u);
  EXPECT_NE(body.find("## System health: **"), std::string::npos);
  EXPECT_NE(body.find("since last week"), std::string::npos);
  EXPECT_EQ(count(body, "```mermaid\nxychart-beta"), 2u);
  // 12 weeks at most on the x axis.
  const size_t axis = body.find("x-axis [");
  const std::string labels = body.substr(axis, body.find(']', axis) - axis);
  EXPECT_EQ(count(labels, "\"W"), 12u) << labels;
  EXPECT_NE(body.find("- [ ] Rerun all analyzers <!-- ddd:control rerun-all -->"),
            std::string::npos);
  EXPECT_NE(body.find("<!-- ddd:control rerun:deprecations -->"), std::string::npos);
  EXPECT_NE(body.find("<!-- ddd:control create-held-back -->"), std::string::npos);
  EXPECT_LT(body.find("## Controls"), body.find("## Open ddd pull requests"));
  EXPECT_NE(body.find("| #3 | Update package 2 | review | awaiting review |"), std::string::npos);
  EXPECT_NE(body.find("release age: 1 of 3 days"), std::string::npos);
  EXPECT_NE(body.find("at the current trend, total libyears will pass 20"), std::string::npos)
      << body;
  EXPECT_NE(body.find("weakest: billing 10, api 35"), std::string::npos);
}

TEST(TechDebtReport, SaysWhenHistoryIsTooShort) {
  const std::string body = renderTechDebtReport(sample(0, 1));
  EXPECT_NE(body.find("too little history to forecast the health score (2 weeks; needs 4)"),
            std::string::npos);
  EXPECT_NE(body.find("None."), std::string::npos);
}

TEST(TechDebtReport, StaysWithinTheBodyLimitKeepingTheMarker) {
  auto in = sample(2000, 14);
  in.bodyLimit = 20000;
  in.fullReportUrl = "https://ddd.example/report/octo/hello";
  const std::string body = renderTechDebtReport(in);
  EXPECT_LE(body.size(), in.bodyLimit);
  EXPECT_EQ(body.rfind(reportMarker("octo/hello"), 0), 0u);
  EXPECT_NE(body.find("more in the [full report](https://ddd.example/report/octo/hello)"),
            std::string::npos);
  EXPECT_NE(body.find("## Controls"), std::string::npos);
  for (size_t limit : {4000u, 900u, 60u}) {
    in.bodyLimit = limit;
    const std::string small = renderTechDebtReport(in);
    EXPECT_LE(small.size(), limit) << limit;
    EXPECT_EQ(small.rfind(reportMarker("octo/hello").substr(0, std::min<size_t>(limit, 20)), 0),
              0u);
  }
}

TEST(TechDebtReport, ControlsTickedBetweenTwoBodies) {
  const std::string before = renderTechDebtReport(sample(1, 2));
  std::string after = before;
  auto tick = [&](const std::string& id) {
    const size_t pos = after.find("<!-- ddd:control " + id + " -->");
    const size_t lineStart = after.rfind('\n', pos) + 1;
    after.replace(lineStart, 5, "- [x]");
  };
  tick("rerun:dependencies");
  tick("rebase-all");
  EXPECT_EQ(newlyCheckedControls(before, after),
            (std::vector<std::string>{"rebase-all", "rerun:dependencies"}));
  // Already ticked before: not new; unticking: nothing.
  EXPECT_TRUE(newlyCheckedControls(after, after).empty());
  EXPECT_TRUE(newlyCheckedControls(after, before).empty());
}

}  // namespace
}  // namespace ddd::bot
