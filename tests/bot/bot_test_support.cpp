#include "tests/bot/bot_test_support.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>

#include "analyzers/analyzer.h"
#include "bot/jobs/postgres.h"
#include "tests/support/test_repo.h"

namespace ddd::testing {

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

Output runDdd(const std::string& args, const std::string& envPrefix) {
  TempDir dir;
  const auto out = dir.path() / "stdout";
  const auto err = dir.path() / "stderr";
  auto r = runCommand("(" + envPrefix + shellQuote(dddBinary().string()) + " " + args + " >" +
                      shellQuote(out.string()) + " 2>" + shellQuote(err.string()) + ")");
  return {r.exitCode, readFile(out), readFile(err)};
}

std::string git(const std::filesystem::path& repo, const std::string& args) {
  auto r = runCommand("git -C " + shellQuote(repo.string()) + " " + args);
  if (r.exitCode != 0) throw std::runtime_error("git " + args + " failed: " + r.output);
  return r.output;
}

namespace {

class OldApiAnalyzer : public analyzers::Analyzer {
 public:
  std::string name() const override { return kTestAnalyzer; }
  std::string description() const override { return "test only: OLD_API( -> NEW_API("; }

  analyzers::AnalysisResult run(const analyzers::SourceTree& tree,
                                const analyzers::AnalyzerContext& context) override {
    analyzers::AnalysisResult result;
    analyzers::ProposedChange change;
    change.id = "test/old-api";
    change.title = "Replace OLD_API with NEW_API";
    change.facts.analyzer = "deprecations";
    change.facts.ecosystem = "test";
    change.facts.updateType = "fix";
    change.facts.safe =
        !(context.config.is_object() && context.config.value("safe", true) == false);
    change.facts.ruleIds = {"test.old-api"};
    change.whatChanges = "Replaces `OLD_API(` with `NEW_API(`.";
    change.why = "OLD_API is deprecated.";
    change.risk = "None: NEW_API takes the same arguments.";
    change.rollback = "Revert the commit.";
    std::mutex mutex;
    const uint64_t total = tree.files().size();
    uint64_t done = 0;
    tree.forEachFile([](const analyzers::SourceFile&) { return true; },
                     [&](const analyzers::SourceFile& file, const std::string& content) {
                       const std::string needle = "OLD_API(";
                       analyzers::FileEdit edit;
                       edit.path = file.path;
                       std::string fixed;
                       std::vector<analyzers::Finding> found;
                       size_t from = 0;
                       uint32_t line = 1;
                       size_t lineStart = 0;
                       size_t scanned = 0;
                       for (size_t at = content.find(needle); at != std::string::npos;
                            at = content.find(needle, at + needle.size())) {
                         for (; scanned < at; ++scanned) {
                           if (content[scanned] == '\n') {
                             ++line;
                             lineStart = scanned + 1;
                           }
                         }
                         analyzers::Finding f;
                         f.analyzer = kTestAnalyzer;
                         f.rule = "test.old-api";
                         f.severity = analyzers::Severity::Warning;
                         f.path = file.path;
                         f.line = line;
                         f.column = static_cast<uint32_t>(at - lineStart + 1);
                         f.message = "OLD_API is deprecated. Use NEW_API instead.";
                         f.docs = "https://example.com/docs/new-api";
                         f.changeId = change.id;
                         found.push_back(f);
                         analyzers::SpanEdit span;
                         span.offset = at;
                         span.length = needle.size();
                         span.replacement = "NEW_API(";
                         span.line = line;
                         span.before = needle;
                         edit.spans.push_back(span);
                         fixed += content.substr(from, at - from) + "NEW_API(";
                         from = at + needle.size();
                       }
                       std::lock_guard lock(mutex);
                       if (content.find("# unsafe") != std::string::npos) change.facts.safe = false;
                       ++done;
                       if (context.progress) context.progress(done, total);
                       if (found.empty()) return;
                       fixed += content.substr(from);
                       edit.newContent = std::move(fixed);
                       for (auto& f : found) result.findings.push_back(std::move(f));
                       change.edits.push_back(std::move(edit));
                     });
    if (!change.edits.empty()) {
      std::sort(change.edits.begin(), change.edits.end(),
                [](const auto& a, const auto& b) { return a.path < b.path; });
      change.facts.filesTouched = static_cast<uint32_t>(change.edits.size());
      result.changes.push_back(std::move(change));
    }
    return result;
  }
};

}  // namespace

namespace {

bool isLevel(const nlohmann::json& v) {
  return v.is_string() && (v == "none" || v == "note" || v == "warning" || v == "error");
}

bool hasText(const nlohmann::json& obj, const char* key) {
  return obj.contains(key) && obj[key].is_object() && obj[key].contains("text") &&
         obj[key]["text"].is_string() && !obj[key]["text"].get<std::string>().empty();
}

}  // namespace

void expectSarifValidForCodeScanning(const nlohmann::json& sarif, const std::string& commit) {
  ASSERT_TRUE(sarif.is_object());
  ASSERT_TRUE(sarif.contains("$schema"));
  EXPECT_NE(sarif["$schema"].get<std::string>().find("sarif-schema-2.1.0"), std::string::npos);
  EXPECT_EQ(sarif.value("version", ""), "2.1.0");
  ASSERT_TRUE(sarif["runs"].is_array());
  ASSERT_EQ(sarif["runs"].size(), 1u);
  const auto& run = sarif["runs"][0];

  const auto& driver = run["tool"]["driver"];
  EXPECT_EQ(driver.value("name", ""), "ddd");
  EXPECT_FALSE(driver.value("version", "").empty());
  EXPECT_EQ(driver.value("informationUri", "").rfind("https://", 0), 0u);
  ASSERT_TRUE(driver["rules"].is_array());
  std::set<std::string> ruleIds;
  for (const auto& rule : driver["rules"]) {
    ASSERT_TRUE(rule["id"].is_string());
    EXPECT_TRUE(ruleIds.insert(rule["id"].get<std::string>()).second)
        << "duplicate rule " << rule["id"];
    EXPECT_TRUE(rule["name"].is_string() && !rule["name"].get<std::string>().empty()) << rule;
    EXPECT_TRUE(hasText(rule, "shortDescription")) << rule;
    EXPECT_TRUE(hasText(rule, "fullDescription")) << rule;
    EXPECT_NE(rule.value("helpUri", "").find("://"), std::string::npos) << rule;
    EXPECT_TRUE(isLevel(rule["defaultConfiguration"]["level"])) << rule;
    ASSERT_TRUE(rule["properties"]["tags"].is_array()) << rule;
    for (const auto& tag : rule["properties"]["tags"]) EXPECT_TRUE(tag.is_string());
  }

  ASSERT_TRUE(run["results"].is_array());
  for (const auto& result : run["results"]) {
    ASSERT_TRUE(result["ruleId"].is_string()) << result;
    ASSERT_TRUE(result["ruleIndex"].is_number_unsigned()) << result;
    size_t index = result["ruleIndex"].get<size_t>();
    ASSERT_LT(index, driver["rules"].size());
    EXPECT_EQ(driver["rules"][index]["id"], result["ruleId"]);
    EXPECT_TRUE(isLevel(result["level"])) << result;
    EXPECT_TRUE(hasText(result, "message")) << result;
    ASSERT_TRUE(result["locations"].is_array() && !result["locations"].empty()) << result;
    for (const auto& location : result["locations"]) {
      const auto& physical = location["physicalLocation"];
      const std::string uri = physical["artifactLocation"]["uri"].get<std::string>();
      EXPECT_FALSE(uri.empty());
      EXPECT_EQ(uri.find("://"), std::string::npos) << uri;
      EXPECT_NE(uri.front(), '/') << uri;
      EXPECT_EQ(uri.find_first_of(" \\\t"), std::string::npos) << uri;
      EXPECT_EQ(physical["artifactLocation"].value("uriBaseId", ""), "%SRCROOT%");
      const auto& region = physical["region"];
      ASSERT_TRUE(region["startLine"].is_number_integer()) << result;
      EXPECT_GE(region["startLine"].get<int64_t>(), 1);
      if (region.contains("startColumn")) {
        EXPECT_GE(region["startColumn"].get<int64_t>(), 1);
      }
      if (region.contains("endLine")) {
        EXPECT_GE(region["endLine"].get<int64_t>(), region["startLine"].get<int64_t>());
      }
    }
    ASSERT_TRUE(result["partialFingerprints"].is_object()) << result;
    EXPECT_FALSE(result["partialFingerprints"].empty());
    for (const auto& [key, value] : result["partialFingerprints"].items()) {
      EXPECT_TRUE(value.is_string() && !value.get<std::string>().empty()) << key;
    }
  }

  ASSERT_TRUE(run["versionControlProvenance"].is_array());
  ASSERT_FALSE(run["versionControlProvenance"].empty());
  const auto& vcs = run["versionControlProvenance"][0];
  EXPECT_EQ(vcs.value("revisionId", ""), commit);
  EXPECT_NE(vcs.value("repositoryUri", "").find(":"), std::string::npos);
}

void registerTestAnalyzer() {
  static std::once_flag once;
  std::call_once(once, [] {
    analyzers::registerBuiltinAnalyzers();
    analyzers::registerAnalyzer(
        {kTestAnalyzer, "test only", [] { return std::make_unique<OldApiAnalyzer>(); }});
  });
}

}  // namespace ddd::testing

namespace ddd::testing {

PostgresSchema::PostgresSchema() {
  const char* fromEnv = std::getenv("DDD_TEST_POSTGRES_URL");
  if (fromEnv != nullptr && *fromEnv != '\0') {
    base_ = fromEnv;
  } else {
    const auto file = dddBinary().parent_path() / "test-postgres" / "url";
    if (!std::filesystem::exists(file)) {
      reason_ = "no PostgreSQL for tests: " + file.string() +
                " is missing (run through ctest, which starts the cluster, or set "
                "DDD_TEST_POSTGRES_URL)";
      return;
    }
    base_ = readFile(file);
    while (!base_.empty() && (base_.back() == '\n' || base_.back() == ' ')) base_.pop_back();
  }
  static std::atomic<int> counter{0};
  schema_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  bot::PgConnection c(base_);
  c.exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_, {},
         "creating a test schema");
  url_ = base_ + (base_.find('?') == std::string::npos ? "?" : "&") +
         "options=-c%20search_path%3D" + schema_;
}

PostgresSchema::~PostgresSchema() {
  if (url_.empty()) return;
  try {
    bot::PgConnection c(base_);
    c.exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE", {}, "dropping a test schema");
  } catch (const std::exception&) {
    // the cluster is going away with the suite
  }
}

}  // namespace ddd::testing

namespace ddd::testing {

void BackendTest::SetUp() {
  if (GetParam() == "postgresql") {
    pg_ = std::make_unique<PostgresSchema>();
    if (!pg_->available()) GTEST_FAIL() << pg_->reason();
    url_ = pg_->url();
  } else {
    // No fsync per commit (job_store.h): these tests are about the queue's logic, and the
    // durability test keeps the default.
    url_ = "sqlite://" + (dir_.path() / "jobs.sqlite").string() + "?synchronous=off";
  }
}

}  // namespace ddd::testing
