#include "analyzers/vocabulary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "analyzers/analyzer.h"

namespace ddd::analyzers {
namespace {

using ::testing::ElementsAre;

Finding finding(std::string path, uint32_t line, uint32_t column, std::string rule) {
  Finding f;
  f.analyzer = "deprecations";
  f.path = std::move(path);
  f.line = line;
  f.column = column;
  f.rule = std::move(rule);
  return f;
}

TEST(Vocabulary, SeverityRoundTripsAndRejectsUnknownNames) {
  for (Severity s : {Severity::Info, Severity::Note, Severity::Warning, Severity::Error}) {
    EXPECT_EQ(severityFromString(toString(s)), s);
  }
  EXPECT_EQ(severityFromString("WARNING"), Severity::Warning);
  EXPECT_EQ(severityFromString("Error"), Severity::Error);
  try {
    severityFromString("fatal");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown severity 'fatal' (use info, note, warning or error)");
  }
}

TEST(Vocabulary, SortResultOrdersFindingsAndChangesDeterministically) {
  AnalysisResult r;
  r.findings = {finding("b.py", 1, 1, "x"), finding("a.py", 10, 1, "x"),
                finding("a.py", 2, 5, "z"), finding("a.py", 2, 5, "y"), finding("a.py", 2, 1, "z")};
  ProposedChange second;
  second.id = "deprecations/python";
  second.edits = {{"z.py", "1", {}}, {"a.py", std::nullopt, {}}};
  ProposedChange first;
  first.id = "deprecations/go";
  r.changes = {second, first};
  sortResult(r);

  std::vector<std::string> order;
  for (const auto& f : r.findings) {
    order.push_back(f.path + ":" + std::to_string(f.line) + ":" + std::to_string(f.column) + ":" + f.rule);
  }
  EXPECT_THAT(order, ElementsAre("a.py:2:1:z", "a.py:2:5:y", "a.py:2:5:z", "a.py:10:1:x", "b.py:1:1:x"));
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[0].id, "deprecations/go");
  EXPECT_EQ(r.changes[1].edits[0].path, "a.py");
  EXPECT_EQ(r.changes[1].edits[1].path, "z.py");
}

TEST(Vocabulary, FindingJsonNamesEveryField) {
  Finding f = finding("src/app.py", 3, 7, "python.datetime-utcnow");
  f.severity = Severity::Note;
  f.message = "datetime.utcnow() is deprecated";
  f.changeId = "deprecations/python";
  nlohmann::json j = f;
  EXPECT_EQ(j["analyzer"], "deprecations");
  EXPECT_EQ(j["rule"], "python.datetime-utcnow");
  EXPECT_EQ(j["severity"], "note");
  EXPECT_EQ(j["path"], "src/app.py");
  EXPECT_EQ(j["line"], 3);
  EXPECT_EQ(j["column"], 7);
  EXPECT_EQ(j["message"], "datetime.utcnow() is deprecated");
  EXPECT_EQ(j["changeId"], "deprecations/python");
}

TEST(Vocabulary, ProposedChangeJsonHasFilesFactsEditsAndBody) {
  ProposedChange c;
  c.id = "deprecations/python";
  c.title = "Replace deprecated Python APIs";
  c.facts.analyzer = "deprecations";
  c.facts.ecosystem = "python";
  c.facts.updateType = "fix";
  c.facts.filesTouched = 2;
  c.facts.linesTouched = 1;
  c.facts.safe = true;
  c.facts.ruleIds = {"python.logging-warn"};
  SpanEdit span;
  span.line = 4;
  span.before = "logging.warn";
  span.replacement = "logging.warning";
  c.edits = {{"app.py", "new", {span}}, {"old.py", std::nullopt, {}}};
  c.whatChanges = "what";
  c.why = "why";
  c.risk = "risk";
  c.rollback = "rollback";

  nlohmann::json j = c;
  EXPECT_EQ(j["id"], "deprecations/python");
  EXPECT_EQ(j["branch"], "ddd/deprecations/python");
  EXPECT_EQ(j["title"], "Replace deprecated Python APIs");
  EXPECT_EQ(j["analyzer"], "deprecations");
  EXPECT_EQ(j["files"], nlohmann::json({"app.py", "old.py"}));
  EXPECT_EQ(j["facts"]["ecosystem"], "python");
  EXPECT_EQ(j["facts"]["safe"], true);
  EXPECT_EQ(j["facts"]["releaseAgeDays"], -1);
  EXPECT_EQ(j["facts"]["ruleIds"], nlohmann::json({"python.logging-warn"}));
  EXPECT_EQ(j["edits"][0],
            nlohmann::json({{"path", "app.py"},
                            {"deleted", false},
                            {"spans", {{{"line", 4}, {"before", "logging.warn"}, {"after", "logging.warning"}}}}}));
  EXPECT_EQ(j["edits"][1]["deleted"], true);
  EXPECT_EQ(j["whatChanges"], "what");
  EXPECT_EQ(j["rollback"], "rollback");
}

class FixedAnalyzer : public Analyzer {
 public:
  explicit FixedAnalyzer(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  std::string description() const override { return "test analyzer " + name_; }
  AnalysisResult run(const SourceTree&, const AnalyzerContext&) override { return {}; }

 private:
  std::string name_;
};

TEST(Registry, RegistersInOrderAndIgnoresDuplicateNames) {
  const size_t before = registry().size();
  registerAnalyzer({"test-first", "first", [] { return std::make_unique<FixedAnalyzer>("test-first"); }});
  registerAnalyzer({"test-second", "second", [] { return std::make_unique<FixedAnalyzer>("test-second"); }});
  registerAnalyzer({"test-first", "duplicate", [] { return std::make_unique<FixedAnalyzer>("dup"); }});
  ASSERT_EQ(registry().size(), before + 2);
  EXPECT_EQ(registry()[before].name, "test-first");
  EXPECT_EQ(registry()[before + 1].name, "test-second");
  const AnalyzerRegistration* found = findAnalyzer("test-first");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->description, "first");
  EXPECT_EQ(found->make()->name(), "test-first");
  EXPECT_EQ(findAnalyzer("no-such-analyzer"), nullptr);
}

TEST(Registry, BuiltinRegistrationIsIdempotent) {
  registerBuiltinAnalyzers();
  const size_t once = registry().size();
  registerBuiltinAnalyzers();
  EXPECT_EQ(registry().size(), once);
  EXPECT_NE(findAnalyzer("deprecations"), nullptr);
}

}  // namespace
}  // namespace ddd::analyzers
