// The real `ddd` binary: the CLI contract of `scan` and `run --local` (exit codes,
// messages, formats), on real repositories with real Python and Go code and the
// shipped deprecated-API rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/bot/bot_test_support.h"
#include "tests/support/build_speed.h"
#include "tests/support/test_repo.h"

namespace ddd::testing {
namespace {

namespace fs = std::filesystem;

const char* kDeprecatedPython =
    "import datetime\n"
    "import logging\n"
    "\n"
    "\n"
    "def stamp():\n"
    "    logging.warn(\"stamping\")\n"
    "    return datetime.datetime.utcnow()\n";

const char* kDeprecatedGo =
    "package main\n"
    "\n"
    "import \"io/ioutil\"\n"
    "\n"
    "func load() ([]byte, error) {\n"
    "\treturn ioutil.ReadFile(\"config.json\")\n"
    "}\n";

const char* kCleanPython = "def add(a, b):\n    return a + b\n";

std::string q(const fs::path& p) { return shellQuote(p.string()); }

nlohmann::json parseJson(const Output& o) {
  auto j = nlohmann::json::parse(o.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "stdout is not JSON:\n" << o.out << "\nstderr:\n" << o.err;
  return j;
}

bool hasFinding(const nlohmann::json& report, const std::string& analyzer,
                const std::string& path) {
  for (const auto& f : report["findings"]) {
    if (f["analyzer"] == analyzer && f["path"] == path) return true;
  }
  return false;
}

TEST(Cli, ScanJsonHasContractFields) {
  TestRepo repo;
  auto head = repo.commit({{"app/stamp.py", kDeprecatedPython}, {"cmd/load.go", kDeprecatedGo}});
  auto o = runDdd("scan " + q(repo.path()) + " --format json");
  ASSERT_EQ(o.exitCode, 0) << o.err;
  auto j = parseJson(o);
  ASSERT_TRUE(j.is_object());
  EXPECT_TRUE(j["repo"].is_string());
  EXPECT_EQ(j["commit"], head.hex());
  ASSERT_TRUE(j["findings"].is_array());
  ASSERT_FALSE(j["findings"].empty()) << o.out;
  for (const auto& f : j["findings"]) {
    for (const char* key : {"analyzer", "rule", "severity", "path", "message"}) {
      EXPECT_TRUE(f[key].is_string()) << key << " in " << f;
    }
    EXPECT_TRUE(f["line"].is_number_unsigned()) << f;
    EXPECT_TRUE(f["severity"] == "info" || f["severity"] == "note" || f["severity"] == "warning" ||
                f["severity"] == "error");
  }
  EXPECT_TRUE(hasFinding(j, "deprecations", "app/stamp.py")) << o.out;
  EXPECT_TRUE(hasFinding(j, "deprecations", "cmd/load.go")) << o.out;
  ASSERT_TRUE(j["changes"].is_array());
  ASSERT_FALSE(j["changes"].empty()) << o.out;
  for (const auto& c : j["changes"]) {
    ASSERT_TRUE(c["id"].is_string());
    EXPECT_EQ(c["branch"], "ddd/" + c["id"].get<std::string>());
    EXPECT_TRUE(c["title"].is_string() && !c["title"].get<std::string>().empty());
    // Every built-in analyzer runs: deprecated-API fixes, dead code, the runbooks.
    EXPECT_TRUE(c["analyzer"] == "deprecations" || c["analyzer"] == "deadcode" ||
                c["analyzer"] == "runbooks")
        << c;
    ASSERT_TRUE(c["files"].is_array());
    EXPECT_FALSE(c["files"].empty());
  }
  const auto& stats = j["stats"];
  EXPECT_EQ(stats["files"], 2);
  EXPECT_GT(stats["bytes"].get<uint64_t>(), 100u);
  EXPECT_EQ(stats["skipped"], 0);
  EXPECT_TRUE(stats["seconds"].is_number());
}

TEST(Cli, ScanReadsCommittedTreeNotWorkTree) {
  TestRepo repo;
  repo.commit({{"app/stamp.py", kCleanPython}});
  writeFile(repo.path() / "app/stamp.py", kDeprecatedPython);  // modified, not committed
  writeFile(repo.path() / "app/new.py", kDeprecatedPython);    // untracked
  // Deprecations only: the other analyzers have things to say about a one-file tree.
  auto o = runDdd("scan " + q(repo.path()) + " --analyzers deprecations --format json");
  ASSERT_EQ(o.exitCode, 0) << o.err;
  auto j = parseJson(o);
  EXPECT_TRUE(j["findings"].empty()) << o.out;
  EXPECT_EQ(j["stats"]["files"], 1);

  repo.commit({{"app/stamp.py", kDeprecatedPython}});
  auto after = parseJson(runDdd("scan " + q(repo.path()) + " --format json"));
  EXPECT_TRUE(hasFinding(after, "deprecations", "app/stamp.py"));
  EXPECT_FALSE(hasFinding(after, "deprecations", "app/new.py"));
}

TEST(Cli, ScanHelpSaysUncommittedChangesAreNotSeen) {
  for (const char* args : {"scan --help", "help scan"}) {
    auto o = runDdd(args);
    EXPECT_EQ(o.exitCode, 0) << args << o.err;
    EXPECT_NE(o.out.find("uncommitted changes"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("object database"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("--fail-on"), std::string::npos) << o.out;
  }
  auto run = runDdd("help run");
  EXPECT_EQ(run.exitCode, 0);
  EXPECT_NE(run.out.find("--dry-run"), std::string::npos) << run.out;
  auto top = runDdd("--help");
  EXPECT_EQ(top.exitCode, 0);
  EXPECT_NE(top.out.find("scan"), std::string::npos);
  EXPECT_EQ(runDdd("help").exitCode, 0);
  auto bad = runDdd("help frobnicate");
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.err.find("frobnicate"), std::string::npos) << bad.err;
}

TEST(Cli, VersionPrintsTheVersion) {
  auto o = runDdd("--version");
  EXPECT_EQ(o.exitCode, 0);
  // "ddd MAJOR.MINOR.PATCH\n"
  ASSERT_EQ(o.out.rfind("ddd ", 0), 0u) << o.out;
  ASSERT_EQ(o.out.back(), '\n');
  const std::string version = o.out.substr(4, o.out.size() - 5);
  EXPECT_EQ(std::count(version.begin(), version.end(), '.'), 2) << version;
  EXPECT_EQ(version.find_first_not_of("0123456789."), std::string::npos) << version;
}

TEST(Cli, SarifIsValidForCodeScanning) {
  TestRepo repo;
  auto head = repo.commit({{"app/stamp.py", kDeprecatedPython}, {"cmd/load.go", kDeprecatedGo}});
  auto o = runDdd("scan " + q(repo.path()) + " --format sarif");
  ASSERT_EQ(o.exitCode, 0) << o.err;
  auto sarif = parseJson(o);
  expectSarifValidForCodeScanning(sarif, head.hex());
  EXPECT_FALSE(sarif["runs"][0]["results"].empty());
}

TEST(Cli, FailOnExitsOne) {
  TestRepo repo;
  repo.commit({{"app/stamp.py", kDeprecatedPython}});
  auto failing = runDdd("scan " + q(repo.path()) + " --fail-on note --format json");
  EXPECT_EQ(failing.exitCode, 1) << failing.err;
  EXPECT_FALSE(parseJson(failing)["findings"].empty());  // the report is still printed

  TestRepo clean;
  clean.commit({{"app/add.py", kCleanPython}});
  EXPECT_EQ(
      runDdd("scan " + q(clean.path()) + " --analyzers deprecations --fail-on info").exitCode, 0);
  auto bad = runDdd("scan " + q(clean.path()) + " --fail-on catastrophic");
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.err.find("catastrophic"), std::string::npos) << bad.err;
}

TEST(Cli, UnknownFlagExitsTwoNamingIt) {
  TestRepo repo;
  repo.commit({{"a.py", kCleanPython}});
  for (const std::string& args :
       {"scan " + q(repo.path()) + " --bogus-flag",
        "run --local " + q(repo.path()) + " --bogus-flag", std::string("--bogus-flag")}) {
    auto o = runDdd(args);
    EXPECT_EQ(o.exitCode, 2) << args;
    EXPECT_NE(o.err.find("--bogus-flag"), std::string::npos) << o.err;
    EXPECT_EQ(o.out, "") << args;
  }
  auto badFormat = runDdd("scan " + q(repo.path()) + " --format xml");
  EXPECT_EQ(badFormat.exitCode, 2);
  EXPECT_NE(badFormat.err.find("xml"), std::string::npos) << badFormat.err;
}

TEST(Cli, MissingPathExitsTwo) {
  TempDir dir;
  auto missing = dir.path() / "does-not-exist";
  auto o = runDdd("scan " + q(missing));
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_NE(o.err.find("no such file or directory: " + missing.string()), std::string::npos)
      << o.err;
  auto noArg = runDdd("scan");
  EXPECT_EQ(noArg.exitCode, 2);
  EXPECT_NE(noArg.err.find("path"), std::string::npos) << noArg.err;
  auto noLocal = runDdd("run");
  EXPECT_EQ(noLocal.exitCode, 2);
  EXPECT_NE(noLocal.err.find("--local"), std::string::npos) << noLocal.err;
  auto runMissing = runDdd("run --local " + q(missing));
  EXPECT_EQ(runMissing.exitCode, 2);
  EXPECT_NE(runMissing.err.find(missing.string()), std::string::npos) << runMissing.err;
}

TEST(Cli, NotARepositoryExitsTwo) {
  TempDir dir;
  writeFile(dir.path() / "file.py", kDeprecatedPython);
  for (const char* cmd : {"scan ", "run --local "}) {
    auto o = runDdd(cmd + q(dir.path()));
    EXPECT_EQ(o.exitCode, 2) << cmd;
    EXPECT_NE(o.err.find("not a git repository: " + dir.path().string()), std::string::npos)
        << o.err;
  }
}

TEST(Cli, EmptyRepositoryExitsTwoSaysNoCommits) {
  TestRepo repo;
  writeFile(repo.path() / "a.py", kDeprecatedPython);
  for (const char* cmd : {"scan ", "run --local "}) {
    auto o = runDdd(cmd + q(repo.path()));
    EXPECT_EQ(o.exitCode, 2) << cmd;
    EXPECT_NE(o.err.find("no commits"), std::string::npos) << o.err;
    EXPECT_NE(o.err.find(repo.path().string()), std::string::npos) << o.err;
  }
  EXPECT_FALSE(fs::exists(repo.path() / ".git" / "ddd"));
}

TEST(Cli, UnknownRefExitsTwo) {
  TestRepo repo;
  repo.commit({{"a.py", kCleanPython}});
  auto o = runDdd("scan " + q(repo.path()) + " --ref no-such-branch");
  EXPECT_EQ(o.exitCode, 2);
  EXPECT_NE(o.err.find("no-such-branch"), std::string::npos) << o.err;
  auto analyzer = runDdd("scan " + q(repo.path()) + " --analyzers deprecations,nope");
  EXPECT_EQ(analyzer.exitCode, 2);
  EXPECT_NE(analyzer.err.find("unknown analyzer 'nope'"), std::string::npos) << analyzer.err;
}

TEST(Cli, InvalidConfigIsReportedAndScanContinues) {
  TestRepo repo;
  repo.commit({{".ddd.json", "{\"analyzers\": 42, \"maxFileBytes\": \"huge\"}\n"},
               {"app/stamp.py", kDeprecatedPython}});
  auto o = runDdd("scan " + q(repo.path()) + " --format json");
  ASSERT_EQ(o.exitCode, 0) << o.err;
  auto j = parseJson(o);
  bool reported = false;
  for (const auto& f : j["findings"]) {
    if (f["rule"] == "config.invalid") {
      reported = true;
      EXPECT_EQ(f["analyzer"], "config");
      EXPECT_EQ(f["severity"], "error");
      EXPECT_EQ(f["path"], ".ddd.json");
      EXPECT_FALSE(f["message"].get<std::string>().empty());
    }
  }
  EXPECT_TRUE(reported) << o.out;
  EXPECT_TRUE(hasFinding(j, "deprecations", "app/stamp.py")) << "the scan did not go on";
  EXPECT_NE(o.err.find("warning"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("config"), std::string::npos) << o.err;
}

TEST(Cli, OutputFileWrittenAtomically) {
  TestRepo repo;
  repo.commit({{"app/stamp.py", kDeprecatedPython}});
  TempDir out;
  auto file = out.path() / "report.json";
  auto o = runDdd("scan " + q(repo.path()) + " --format json --output " + q(file));
  ASSERT_EQ(o.exitCode, 0) << o.err;
  EXPECT_EQ(o.out, "");
  auto j = nlohmann::json::parse(readFile(file), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_FALSE(j["findings"].empty());

  // A scan that fails leaves the previous report as it was and no temporary file.
  writeFile(file, "previous report\n");
  auto failed = runDdd("scan " + q(repo.path()) + " --ref nope --output " + q(file));
  EXPECT_EQ(failed.exitCode, 2);
  EXPECT_EQ(readFile(file), "previous report\n");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out.path())) ++entries;
  EXPECT_EQ(entries, 1u);

  auto missingDir =
      runDdd("scan " + q(repo.path()) + " --output " + q(out.path() / "no/such/dir.json"));
  EXPECT_EQ(missingDir.exitCode, 2);
  EXPECT_NE(missingDir.err.find("no/such/dir.json"), std::string::npos) << missingDir.err;
}

// The huge file is 100 MiB in Release; in sanitizer and Debug builds (tens of times slower,
// and the size is not what they check) it is just over the default limit of 1 MiB, which
// it crosses either way.
TEST(Cli, BinaryAndHugeFilesAreSkippedAndCounted) {
  const size_t hugeBytes = ddd::testing::kSlowBuild ? (1u << 20) + 4096 : 100u << 20;
  const std::string largerLimit = ddd::testing::kSlowBuild ? "2MiB" : "200MiB";
  TestRepo repo;
  std::string huge;
  huge.reserve(hugeBytes + 64);
  while (huge.size() < hugeBytes) huge += "print('a line of a very large generated file')\n";
  std::string latin1 = std::string("# caf\xe9 \xff\xfe\n") + kDeprecatedPython;
  repo.commit({{"data/huge.py", huge},
               // Binary content under a source name (a committed pickle): only files an
               // analyzer reads can be found binary, and Python files are read.
               {"app/model.py", std::string("\x80\x04\x95\0\0\0\0\0utcnow()", 16)},
               {"app/latin1.py", latin1},
               {"app/stamp.py", kDeprecatedPython}});
  huge.clear();
  huge.shrink_to_fit();
  auto o = runDdd("scan " + q(repo.path()) + " --format json");
  ASSERT_EQ(o.exitCode, 0) << o.err;
  auto j = parseJson(o);
  EXPECT_EQ(j["stats"]["skipped"], 2);
  EXPECT_EQ(j["stats"]["skippedByReason"]["tooLarge"], 1);
  EXPECT_EQ(j["stats"]["skippedByReason"]["binary"], 1);
  EXPECT_EQ(j["stats"]["files"], 2);
  EXPECT_TRUE(hasFinding(j, "deprecations", "app/latin1.py")) << o.out;
  EXPECT_TRUE(hasFinding(j, "deprecations", "app/stamp.py"));
  EXPECT_FALSE(hasFinding(j, "deprecations", "data/huge.py"));

  // A larger limit from the command line lets the big file in.
  auto text = runDdd("scan " + q(repo.path()) + " --max-file-size " + largerLimit);
  EXPECT_EQ(text.exitCode, 0) << text.err;
  EXPECT_NE(text.out.find("skipped 1 (1 binary)"), std::string::npos) << text.out;
}

TEST(Cli, ProgressLineOnlyOnTerminal) {
  if (runCommand("command -v script").exitCode != 0) GTEST_SKIP() << "script(1) not installed";
  TestRepo repo;
  repo.commit({{"app/stamp.py", kDeprecatedPython}, {"app/add.py", kCleanPython}});
  const std::string scan = shellQuote(dddBinary().string()) + " scan " + q(repo.path());
  // Under script(1) stderr is a terminal.
  auto tty =
      runCommand("script -qec " + shellQuote(scan + " --format json >/dev/null") + " /dev/null");
  EXPECT_EQ(tty.exitCode, 0) << tty.output;
  // "\rscanning N/2 files, X.Y MB/s"
  auto at = tty.output.find("\rscanning ");
  ASSERT_NE(at, std::string::npos) << tty.output;
  auto line = tty.output.substr(at + 1, tty.output.find('\r', at + 1) - at - 1);
  EXPECT_NE(line.find("/2 files, "), std::string::npos) << line;
  EXPECT_NE(line.find(" MB/s"), std::string::npos) << tty.output;
  // Piped: nothing but the report.
  auto piped = runDdd("scan " + q(repo.path()));
  EXPECT_EQ(piped.exitCode, 0);
  EXPECT_EQ(piped.err.find("scanning"), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find('\r'), std::string::npos);
}

TEST(Cli, RunCreatesBranchesWithoutTouchingWorkTreeIndexOrHead) {
  TestRepo repo;
  auto head = repo.commit({{"app/stamp.py", kDeprecatedPython}, {"cmd/load.go", kDeprecatedGo}});
  writeFile(repo.path() / "app/stamp.py", "# local edit\n");
  writeFile(repo.path() / "notes.txt", "untracked\n");
  const auto status = git(repo.path(), "status --porcelain");

  auto o = runDdd("run --local " + q(repo.path()));
  ASSERT_EQ(o.exitCode, 0) << o.err << o.out;
  EXPECT_NE(o.out.find("ddd/deprecations/"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("outcome:  created"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("PR:       #1 created"), std::string::npos) << o.out;
  EXPECT_EQ(git(repo.path(), "status --porcelain"), status);
  EXPECT_EQ(git(repo.path(), "rev-parse HEAD"), head.hex() + "\n");
  EXPECT_EQ(git(repo.path(), "symbolic-ref HEAD"), "refs/heads/main\n");
  EXPECT_EQ(readFile(repo.path() / "app/stamp.py"), "# local edit\n");

  auto branches = git(
      repo.path(), "for-each-ref " + shellQuote("--format=%(refname:short)") + " refs/heads/ddd/");
  ASSERT_FALSE(branches.empty());
  std::vector<std::string> pythonVersions, goVersions;
  std::istringstream lines(branches);
  for (std::string branch; std::getline(lines, branch);) {
    auto show = [&](const char* path) {
      return runCommand("git -C " + q(repo.path()) + " show " + branch + ":" + path).output;
    };
    EXPECT_EQ(git(repo.path(), "rev-parse " + branch + "^"), head.hex() + "\n") << branch;
    pythonVersions.push_back(show("app/stamp.py"));
    goVersions.push_back(show("cmd/load.go"));
  }
  auto anyVersion = [](const std::vector<std::string>& versions, auto predicate) {
    return std::any_of(versions.begin(), versions.end(), predicate);
  };
  EXPECT_TRUE(anyVersion(pythonVersions, [](const std::string& v) {
    return v.find("logging.warning(\"stamping\")") != std::string::npos;
  })) << "no branch fixes logging.warn";
  EXPECT_TRUE(anyVersion(pythonVersions, [](const std::string& v) {
    return v.find("utcnow") == std::string::npos && v.find("def stamp():") != std::string::npos;
  })) << "no branch fixes datetime.utcnow";
  EXPECT_TRUE(anyVersion(goVersions, [](const std::string& v) {
    return v.find("os.ReadFile(\"config.json\")") != std::string::npos;
  })) << "no branch fixes ioutil.ReadFile";

  // Re-running with nothing changed writes nothing and says so.
  const auto refs = git(repo.path(), "for-each-ref");
  auto again = runDdd("run --local " + q(repo.path()));
  ASSERT_EQ(again.exitCode, 0) << again.err;
  EXPECT_NE(again.out.find("up to date; nothing was written"), std::string::npos) << again.out;
  EXPECT_EQ(git(repo.path(), "for-each-ref"), refs);
}

TEST(Cli, RunDryRunWritesNothing) {
  TestRepo repo;
  repo.commit({{"app/stamp.py", kDeprecatedPython}});
  const auto objects = runCommand("find " + q(repo.path() / ".git") + " | sort").output;
  auto o = runDdd("run --local " + q(repo.path()) + " --dry-run");
  ASSERT_EQ(o.exitCode, 0) << o.err;
  EXPECT_NE(o.out.find("would create"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("## What changes"), std::string::npos) << o.out;
  EXPECT_FALSE(fs::exists(repo.path() / ".git" / "ddd"));
  EXPECT_EQ(runCommand("find " + q(repo.path() / ".git") + " | sort").output, objects);
}

TEST(Cli, RunStateFileFlagIsHonoured) {
  TestRepo repo;
  repo.commit({{"app/stamp.py", kDeprecatedPython}});
  TempDir dir;
  auto state = dir.path() / "sub" / "ddd-state.sqlite";
  auto o = runDdd("run --local " + q(repo.path()) + " --state " + q(state));
  ASSERT_EQ(o.exitCode, 0) << o.err;
  EXPECT_TRUE(fs::exists(state));
  EXPECT_FALSE(fs::exists(repo.path() / ".git" / "ddd"));
}

TEST(Cli, RuntimeErrorsExitThreeAndWriteNoBranch) {
  TestRepo repo;
  repo.commit({{"app/stamp.py", kDeprecatedPython}});
  TempDir dir;  // a directory where the state file should be: SQLite can't open it
  auto o = runDdd("run --local " + q(repo.path()) + " --state " + q(dir.path()));
  EXPECT_EQ(o.exitCode, 3) << o.out << o.err;
  EXPECT_NE(o.err.find(dir.path().string()), std::string::npos) << o.err;
  EXPECT_EQ(git(repo.path(), "branch --list 'ddd/*'"), "");
}

}  // namespace
}  // namespace ddd::testing
