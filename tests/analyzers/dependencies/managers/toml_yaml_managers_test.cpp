// The Cargo, pyproject and Helm managers on realistic manifests: every value exactly its
// span, each section and value form read, non-registry entries skipped with a reason,
// updates by span that change only the version bytes, removals that keep the file valid,
// and malformed files as errors naming file, line and problem.
#include <gtest/gtest.h>

#include <map>

#include "analyzers/dependencies/managers/manager.h"
#include "analyzers/dependencies/versioning/versioning.h"

namespace ddd::analyzers::deps {
namespace {

// content.substr(valueSpan) == currentValue for every dependency with a span, and the
// span lies on the dependency's line.
void spansHold(const ExtractResult& r, std::string_view text) {
  for (const auto& d : r.deps) {
    if (d.valueSpan.length == 0) continue;
    ASSERT_LE(d.valueSpan.end(), text.size()) << d.name;
    EXPECT_EQ(text.substr(d.valueSpan.offset, d.valueSpan.length), d.currentValue) << d.name;
    const auto lineOf = [&](uint64_t off) {
      return 1 + std::count(text.begin(), text.begin() + static_cast<long>(off), '\n');
    };
    EXPECT_EQ(lineOf(d.valueSpan.offset), d.line) << d.name;
  }
}

const Dependency& byName(const ExtractResult& r, std::string_view name,
                         std::string_view group = "") {
  for (const auto& d : r.deps) {
    if (d.name == name && (group.empty() || d.group == group)) return d;
  }
  ADD_FAILURE() << "no dependency " << name << " " << group;
  static const Dependency none;
  return none;
}

// Applies one new value per named dependency and checks that exactly the old value's
// bytes changed: the text before and after each span is untouched.
std::string update(std::string_view text, const ExtractResult& r,
                   const std::map<std::string, std::string>& values) {
  std::vector<SpanReplacement> edits;
  for (const auto& d : r.deps) {
    auto it = values.find(d.name);
    if (it != values.end()) edits.push_back({d.valueSpan, it->second});
  }
  EXPECT_EQ(edits.size(), values.size());
  return applySpanEdits(text, edits);
}

// A Rust workspace root: members, shared versions, a renamed crate, target-specific
// tables, a dotted table, path/git/workspace dependencies, comments everywhere.
const char* kCargoWorkspace = R"M(# The service workspace.
[workspace]
members = ["crates/*", "tools/xtask"]
resolver = "2"

[workspace.dependencies]
tokio = { version = "1.32", features = ["full"] }  # the runtime
serde = "1.0.188"

[package]
name = "gateway"
version = "0.4.0"            # ours, not a dependency
edition = "2021"

[dependencies]
anyhow = "1.0"
serde = { workspace = true }
tokio.workspace = true
# Renamed: the code says `use http0::...`.
http0 = { package = "http", version = "0.2.9" }
internal-api = { path = "../internal-api" }
forked = { git = "https://example.invalid/forked.git", branch = "main" }
"quoted-name" = '=2.1.0'
escaped = "\u0031.0"

[dependencies.reqwest]
version = "~0.11.20"
default-features = false
features = ["rustls-tls", "json"]

[dev-dependencies]
criterion = { version = ">=0.4, <0.6", optional = false }

[build-dependencies]
cc = "1.0.83"

[target.'cfg(unix)'.dependencies]
nix = "0.27"

[target.'cfg(windows)'.dev-dependencies]
windows-sys = { version = "0.48", features = ["Win32_Foundation"] }
)M";

TEST(CargoManager, ReadsEveryTableAndValueForm) {
  const auto* m = findManager("cargo");
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->handles("Cargo.toml"));
  EXPECT_TRUE(m->handles("crates/api/Cargo.toml"));
  EXPECT_FALSE(m->handles("vendor/serde/Cargo.toml"));
  EXPECT_FALSE(m->handles("Cargo.lock"));
  const std::string text = kCargoWorkspace;
  auto r = m->extract("Cargo.toml", text);
  spansHold(r, text);
  EXPECT_EQ(r.workspaceGlobs, (std::vector<std::string>{"crates/*", "tools/xtask"}));
  EXPECT_TRUE(r.warnings.empty());
  // File order.
  std::vector<std::string> names;
  for (const auto& d : r.deps) names.push_back(d.name);
  EXPECT_EQ(names, (std::vector<std::string>{"tokio", "serde", "anyhow", "serde", "tokio", "http0",
                                             "internal-api", "forked", "quoted-name", "escaped",
                                             "reqwest", "criterion", "cc", "nix", "windows-sys"}));
  for (const auto& d : r.deps) {
    EXPECT_EQ(d.manager, "cargo");
    EXPECT_EQ(d.datasource, "crate");
    EXPECT_EQ(d.versioning, "cargo");
  }
  const auto& tokio = byName(r, "tokio", "workspace.dependencies");
  EXPECT_EQ(tokio.currentValue, "1.32");
  EXPECT_EQ(tokio.depType, "workspace");
  EXPECT_EQ(tokio.line, 7u);
  EXPECT_EQ(byName(r, "serde", "workspace.dependencies").currentValue, "1.0.188");
  EXPECT_EQ(byName(r, "serde", "dependencies").skipReason, "workspace");
  EXPECT_EQ(byName(r, "tokio", "dependencies").skipReason, "workspace");
  const auto& http = byName(r, "http0");
  EXPECT_EQ(http.packageName, "http");
  EXPECT_EQ(http.currentValue, "0.2.9");
  EXPECT_TRUE(http.skipReason.empty());
  EXPECT_EQ(byName(r, "internal-api").skipReason, "local-path");
  EXPECT_EQ(byName(r, "forked").skipReason, "git-source");
  EXPECT_EQ(byName(r, "quoted-name").currentValue, "=2.1.0");
  // "\u0031.0" decodes to "1.0", which is not the bytes written: never rewritten.
  EXPECT_EQ(byName(r, "escaped").skipReason, "escaped-value");
  EXPECT_EQ(byName(r, "escaped").valueSpan.length, 0u);
  const auto& reqwest = byName(r, "reqwest");
  EXPECT_EQ(reqwest.currentValue, "~0.11.20");
  EXPECT_EQ(reqwest.line, 27u);
  EXPECT_EQ(byName(r, "criterion").depType, "dev");
  EXPECT_EQ(byName(r, "criterion").currentValue, ">=0.4, <0.6");
  EXPECT_EQ(byName(r, "cc").depType, "build");
  EXPECT_EQ(byName(r, "nix").group, "target.cfg(unix).dependencies");
  EXPECT_EQ(byName(r, "windows-sys").group, "target.cfg(windows).dev-dependencies");
  EXPECT_EQ(byName(r, "windows-sys").depType, "dev");
  // Every registry value is a requirement the cargo scheme reads.
  const Versioning* cargo = findVersioning("cargo");
  for (const auto& d : r.deps) {
    if (d.skipReason.empty()) {
      EXPECT_TRUE(cargo->isValid(d.currentValue)) << d.currentValue;
    }
  }
}

// `registry = "name"` is kept for the analyzer to resolve from Cargo's settings (not a
// skip any more); the unstable `registry-index` and a registry that is not a name are.
TEST(CargoManager, NamedRegistriesAreKeptForTheAnalyzer) {
  const std::string text =
      "[dependencies]\ncorp-util = { version = \"2.1\", registry = \"corp\" }\n"
      "plain = \"1\"\nraw = { version = \"1\", registry-index = \"sparse+https://x.test/\" }\n"
      "odd = { version = \"1\", registry = 3 }\n"
      "[dependencies.tabled]\nversion = \"0.3\"\nregistry = \"my-reg\"\n";
  auto r = findManager("cargo")->extract("Cargo.toml", text);
  spansHold(r, text);
  EXPECT_EQ(byName(r, "corp-util").registryName, "corp");
  EXPECT_TRUE(byName(r, "corp-util").skipReason.empty());
  EXPECT_EQ(byName(r, "corp-util").currentValue, "2.1");
  EXPECT_EQ(byName(r, "tabled").registryName, "my-reg");
  EXPECT_EQ(byName(r, "plain").registryName, "");
  EXPECT_EQ(byName(r, "raw").skipReason, "custom-registry");
  EXPECT_EQ(byName(r, "odd").skipReason, "custom-registry");
}

TEST(CargoManager, UpdatesChangeOnlyTheVersionBytes) {
  const auto* m = findManager("cargo");
  const std::string text = kCargoWorkspace;
  auto r = m->extract("Cargo.toml", text);
  const std::string updated = update(
      text, r,
      {{"anyhow", "1.0.75"}, {"reqwest", "~0.12.4"}, {"http0", "1.1.0"}, {"windows-sys", "0.52"}});
  std::string expected = text;
  for (auto [from, to] : {std::pair{"anyhow = \"1.0\"", "anyhow = \"1.0.75\""},
                          std::pair{"\"~0.11.20\"", "\"~0.12.4\""},
                          std::pair{"version = \"0.2.9\"", "version = \"1.1.0\""},
                          std::pair{"version = \"0.48\"", "version = \"0.52\""}}) {
    const size_t at = expected.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    expected.replace(at, std::string(from).size(), to);
  }
  EXPECT_EQ(updated, expected);
  // The rewritten file reads back with the new values, comments and all.
  auto again = m->extract("Cargo.toml", updated);
  EXPECT_EQ(byName(again, "reqwest").currentValue, "~0.12.4");
  EXPECT_NE(updated.find("# Renamed: the code says `use http0::...`."), std::string::npos);
}

TEST(CargoManager, RemovesWholeLinesOnly) {
  const auto* m = findManager("cargo");
  const std::string text = kCargoWorkspace;
  auto r = m->extract("Cargo.toml", text);
  auto removed = m->remove(text, byName(r, "anyhow"));
  ASSERT_TRUE(removed);
  std::string expected = text;
  expected.erase(expected.find("anyhow = \"1.0\"\n"), std::string("anyhow = \"1.0\"\n").size());
  EXPECT_EQ(*removed, expected);
  // An inline table with its trailing comment.
  auto tokio = m->remove(text, byName(r, "tokio", "workspace.dependencies"));
  ASSERT_TRUE(tokio);
  EXPECT_EQ(tokio->find("the runtime"), std::string::npos);
  EXPECT_EQ(m->extract("Cargo.toml", *tokio).deps.size(), r.deps.size() - 1);
  // A [dependencies.reqwest] table and dotted keys are not removed line by line.
  EXPECT_FALSE(m->remove(text, byName(r, "reqwest")));
  EXPECT_FALSE(m->remove(text, byName(r, "tokio", "dependencies")));
  // Two declarations on one line are not TOML.
  const std::string packed = "[dependencies]\na = \"1\"; b = \"2\"\n";
  EXPECT_THROW(m->extract("Cargo.toml", packed), ManifestError);
}

TEST(CargoManager, MalformedTomlNamesFileLineAndProblem) {
  const auto* m = findManager("cargo");
  try {
    m->extract("crates/api/Cargo.toml",
               "[package]\nname = \"api\"\n\n[dependencies\nserde = \"1\"\n");
    FAIL() << "no error";
  } catch (const ManifestError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("crates/api/Cargo.toml:4:", 0), 0u) << msg;
    EXPECT_NE(msg.find("invalid TOML"), std::string::npos) << msg;
  }
  // Duplicate keys, binary, invalid UTF-8.
  EXPECT_THROW(m->extract("Cargo.toml", "[dependencies]\na = \"1\"\na = \"2\"\n"), ManifestError);
  EXPECT_THROW(m->extract("Cargo.toml", std::string("\x7f"
                                                    "ELF\0\x01",
                                                    6)),
               ManifestError);
  EXPECT_THROW(m->extract("Cargo.toml", "[dependencies]\na = \"\xff\xfe\"\n"), ManifestError);
  // Wrong shapes are warnings, the rest is read.
  auto r = m->extract("Cargo.toml", "dependencies = 3\n[dev-dependencies]\nx = 4\ny = \"2\"\n");
  EXPECT_EQ(r.warnings.size(), 2u);
  ASSERT_EQ(r.deps.size(), 1u);
  EXPECT_EQ(r.deps[0].name, "y");
}

TEST(CargoManager, NonAsciiWhereTomlppWouldMisreadIt) {
  // toml++ 3.3 has undefined behaviour on non-ASCII text in these places (see
  // toml_spans.cpp); it never sees such text, and the answers are what TOML says.
  const auto* m = findManager("cargo");
  for (const std::string bad : {"\xC3\xA9 = \"1\"\n", "[dependencies]\nlog = 0.4\xCC\x8F\n",
                                "[dependencies]\nlog = 0[\"\xEF\xBB\xBB }\n"}) {
    try {
      m->extract("Cargo.toml", bad);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const ManifestError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("invalid TOML"), std::string::npos) << msg;
      // Never toml++'s stand-in for the character.
      EXPECT_EQ(msg.find("\xD4\x80"), std::string::npos) << msg;
    }
  }
  try {
    m->extract("Cargo.toml", "\xC3\xA9 = \"1\"\n");
  } catch (const ManifestError& e) {
    EXPECT_NE(std::string(e.what()).find("saw 'a non-ASCII character'"), std::string::npos)
        << e.what();
  }
  try {
    m->extract("Cargo.toml", "[package]\nname = \"x\xE0\x80\xAF\"\n");  // an overlong '/'
    ADD_FAILURE() << "accepted an overlong form";
  } catch (const ManifestError& e) {
    EXPECT_EQ(std::string(e.what()), "Cargo.toml:2:10: not valid UTF-8; not read as TOML");
  }
  // Non-ASCII in strings of all four kinds, quoted keys and comments is read as written.
  const std::string ok =
      "# \xC3\xA9t\xC3\xA9\n[package]\nname = \"x\"\ndescription = \"\"\"caf\xC3\xA9 \\\n"
      "  \xC3\xA9\"\"\" # \xE2\x9C\x93\nauthors = ['J\xC3\xBCrgen', \"\\\"\xC3\xA9\\\"\"]\n"
      "license-file = '''\xC3\xA9'''\n[dependencies]\n\"caf\xC3\xA9-\xF0\x9F\xA6\x80\" = "
      "\"\xE2\x89\xA5 1\"\nlog = \"0.4\"\n";
  auto r = m->extract("Cargo.toml", ok);
  spansHold(r, ok);
  ASSERT_EQ(r.deps.size(), 2u);
  EXPECT_EQ(r.deps[0].name, "caf\xC3\xA9-\xF0\x9F\xA6\x80");
  EXPECT_EQ(r.deps[0].currentValue, "\xE2\x89\xA5 1");
  EXPECT_EQ(r.deps[1].currentValue, "0.4");
}

TEST(CargoManager, NonAsciiCrlfAndBomKeepExactSpans) {
  const auto* m = findManager("cargo");
  const std::string text =
      "\xEF\xBB\xBF# Paquet \xC3\xA9t\xC3\xA9 \xE2\x9C\x93\r\n[dependencies]\r\n"
      "\"caf\xC3\xA9\" = { version = \"0.3\", features = [\"\xC3\xA9\"] }\r\n"
      "log = \"0.4\"  # \xF0\x9F\xA6\x80\r\n";
  auto r = m->extract("Cargo.toml", text);
  ASSERT_EQ(r.deps.size(), 2u);
  spansHold(r, text);
  EXPECT_EQ(r.deps[0].currentValue, "0.3");
  EXPECT_EQ(r.deps[0].valueSpan.length, 3u);
  EXPECT_EQ(r.deps[1].currentValue, "0.4");
  EXPECT_EQ(r.deps[1].valueSpan.length, 3u);
  auto removed = m->remove(text, r.deps[1]);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->find("log"), std::string::npos);
}

// A PEP 621 project with Poetry-free optional groups, build requirements and PEP 735 groups.
const char* kPep621 = R"M([build-system]
requires = ["hatchling>=1.18", "hatch-vcs"]
build-backend = "hatchling.build"

[project]
name = "weather-api"
dynamic = ["version"]
requires-python = ">=3.9"
dependencies = [
    "FastAPI>=0.100,<0.111",  # web framework
    "pydantic[email] ~= 2.4",
    "Requests (>=2.31)",
    'typing_extensions>=4.7; python_version < "3.11"',
    "uvicorn[standard]",
    "private-lib @ https://example.invalid/private-lib-1.0.tar.gz",
]

[project.optional-dependencies]
redis = ["redis>=4.6"]
docs = ["mkdocs==1.5.3", "mkdocs-material>=9.2"]

[dependency-groups]
test = ["pytest>=7.4", "coverage[toml]>=7.3", {include-group = "lint"}]
lint = ["ruff==0.1.6"]
)M";

TEST(PyprojectManager, Pep621OptionalBuildAndDependencyGroups) {
  const auto* m = findManager("pyproject");
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->handles("services/api/pyproject.toml"));
  EXPECT_FALSE(m->handles("pyproject.toml.orig"));
  const std::string text = kPep621;
  auto r = m->extract("pyproject.toml", text);
  spansHold(r, text);
  EXPECT_TRUE(r.warnings.empty());
  ASSERT_EQ(r.deps.size(), 14u);
  const auto& fastapi = byName(r, "FastAPI");
  EXPECT_EQ(fastapi.packageName, "fastapi");
  EXPECT_EQ(fastapi.currentValue, ">=0.100,<0.111");
  EXPECT_EQ(fastapi.group, "project.dependencies");
  EXPECT_EQ(fastapi.versioning, "pep440");
  EXPECT_EQ(fastapi.datasource, "pypi");
  EXPECT_EQ(byName(r, "pydantic").currentValue, "~= 2.4");
  EXPECT_EQ(byName(r, "Requests").currentValue, ">=2.31");
  EXPECT_EQ(byName(r, "Requests").packageName, "requests");
  const auto& te = byName(r, "typing_extensions");
  EXPECT_EQ(te.currentValue, ">=4.7");  // the markers are not part of the value
  EXPECT_EQ(te.packageName, "typing-extensions");
  EXPECT_EQ(byName(r, "uvicorn").skipReason, "unversioned");
  EXPECT_EQ(byName(r, "private-lib").skipReason, "url");
  EXPECT_EQ(byName(r, "hatchling").depType, "build");
  EXPECT_EQ(byName(r, "hatch-vcs").skipReason, "unversioned");
  EXPECT_EQ(byName(r, "redis").group, "project.optional-dependencies.redis");
  EXPECT_EQ(byName(r, "redis").depType, "optional");
  EXPECT_EQ(byName(r, "mkdocs").currentValue, "==1.5.3");
  EXPECT_EQ(byName(r, "pytest").group, "dependency-groups.test");
  EXPECT_EQ(byName(r, "ruff").currentValue, "==0.1.6");
  const Versioning* pep440 = findVersioning("pep440");
  for (const auto& d : r.deps) {
    if (d.skipReason.empty()) {
      EXPECT_TRUE(pep440->isValid(d.currentValue)) << d.currentValue;
    }
  }
}

TEST(PyprojectManager, UpdatesAndRemovalsKeepTheRestByteForByte) {
  const auto* m = findManager("pyproject");
  const std::string text = kPep621;
  auto r = m->extract("pyproject.toml", text);
  const std::string updated =
      update(text, r,
             {{"FastAPI", ">=0.110,<0.112"}, {"ruff", "==0.4.2"}, {"typing_extensions", ">=4.12"}});
  std::string expected = text;
  for (auto [from, to] : {std::pair{"FastAPI>=0.100,<0.111", "FastAPI>=0.110,<0.112"},
                          std::pair{"ruff==0.1.6", "ruff==0.4.2"},
                          std::pair{"typing_extensions>=4.7;", "typing_extensions>=4.12;"}}) {
    const size_t at = expected.find(from);
    ASSERT_NE(at, std::string::npos);
    expected.replace(at, std::string(from).size(), to);
  }
  EXPECT_EQ(updated, expected);
  // An element on its own line goes with its comma and comment.
  auto noFastapi = m->remove(text, byName(r, "FastAPI"));
  ASSERT_TRUE(noFastapi);
  std::string e1 = text;
  const std::string line = "    \"FastAPI>=0.100,<0.111\",  # web framework\n";
  e1.erase(e1.find(line), line.size());
  EXPECT_EQ(*noFastapi, e1);
  // One-line arrays: the comma after, or before for the last element, or nothing left.
  auto noMkdocs = m->remove(text, byName(r, "mkdocs"));
  ASSERT_TRUE(noMkdocs);
  EXPECT_NE(noMkdocs->find("docs = [\"mkdocs-material>=9.2\"]"), std::string::npos);
  auto noMaterial = m->remove(text, byName(r, "mkdocs-material"));
  ASSERT_TRUE(noMaterial);
  EXPECT_NE(noMaterial->find("docs = [\"mkdocs==1.5.3\"]"), std::string::npos);
  auto noRedis = m->remove(text, byName(r, "redis"));
  ASSERT_TRUE(noRedis);
  EXPECT_NE(noRedis->find("redis = []"), std::string::npos);
  auto noCoverage = m->remove(text, byName(r, "coverage"));
  ASSERT_TRUE(noCoverage);
  EXPECT_NE(noCoverage->find("test = [\"pytest>=7.4\", {include-group = \"lint\"}]"),
            std::string::npos);
  EXPECT_EQ(m->extract("pyproject.toml", *noCoverage).deps.size(), r.deps.size() - 1);
}

TEST(PyprojectManager, UvAndPdmDevelopmentDependencies) {
  const auto* m = findManager("pyproject");
  const std::string text =
      "[project]\nname = \"tool\"\ndependencies = [\"click>=8.1\"]\n\n"
      "[tool.uv]\ndev-dependencies = [\n  \"pytest>=8.0\",\n  \"mypy==1.10.0\",\n]\n\n"
      "[tool.pdm.dev-dependencies]\nlint = [\"ruff>=0.4\"]\ntest = [\"pytest-cov>=5\", \"-e file:///${PROJECT_ROOT}/x\"]\n";
  auto r = m->extract("pyproject.toml", text);
  spansHold(r, text);
  ASSERT_EQ(r.deps.size(), 5u);
  EXPECT_EQ(byName(r, "mypy").group, "tool.uv.dev-dependencies");
  EXPECT_EQ(byName(r, "mypy").currentValue, "==1.10.0");
  EXPECT_EQ(byName(r, "mypy").depType, "dev");
  EXPECT_EQ(byName(r, "ruff").group, "tool.pdm.dev-dependencies.lint");
  EXPECT_EQ(byName(r, "pytest-cov").currentValue, ">=5");
  EXPECT_EQ(r.warnings.size(), 1u);  // the editable path is not a requirement
  auto removed = m->remove(text, byName(r, "pytest"));
  ASSERT_TRUE(removed);
  EXPECT_NE(removed->find("dev-dependencies = [\n  \"mypy==1.10.0\",\n]"), std::string::npos);
}

// A Poetry project with groups, the python constraint, tables, markers and sources.
const char* kPoetry = R"M([tool.poetry]
name = "billing"
version = "2.3.0"
description = "Invoices and payments"

[tool.poetry.dependencies]
python = "^3.10"
Django = "^4.2"          # LTS
celery = { version = "~5.3.4", extras = ["redis"] }
psycopg = ">=3.1,<3.2"
stripe = "7.4.0"
numpy = "1.26.*"
internal-utils = { path = "../internal-utils", develop = true }
sentry-sdk = { git = "https://example.invalid/sentry-python.git", tag = "1.38.0" }
private = { version = "^1.0", source = "corp" }
tomli = [
    { version = "^2.0", python = "<3.11" },
    { version = "^1.2", python = ">=3.11" },
]

[tool.poetry.group.test.dependencies]
pytest = "^7.4"
pytest-django = "~4.5"

[tool.poetry.dev-dependencies]
black = "==23.11.0"
)M";

TEST(PyprojectManager, PoetrySectionsValueFormsAndVersioning) {
  const auto* m = findManager("pyproject");
  const std::string text = kPoetry;
  auto r = m->extract("pyproject.toml", text);
  spansHold(r, text);
  ASSERT_EQ(r.deps.size(), 13u);
  EXPECT_EQ(byName(r, "python").skipReason, "python-version");
  const auto& django = byName(r, "Django");
  EXPECT_EQ(django.packageName, "django");
  EXPECT_EQ(django.currentValue, "^4.2");
  EXPECT_EQ(django.versioning, "npm");  // Poetry's caret: npm semantics
  EXPECT_EQ(django.group, "tool.poetry.dependencies");
  EXPECT_EQ(django.depType, "prod");
  EXPECT_EQ(byName(r, "celery").currentValue, "~5.3.4");
  EXPECT_EQ(byName(r, "celery").versioning, "npm");
  EXPECT_EQ(byName(r, "psycopg").versioning, "pep440");
  EXPECT_EQ(byName(r, "stripe").versioning, "pep440");
  EXPECT_EQ(byName(r, "numpy").versioning, "npm");  // a bare wildcard is an x-range
  EXPECT_EQ(byName(r, "internal-utils").skipReason, "local-path");
  EXPECT_EQ(byName(r, "sentry-sdk").skipReason, "git-source");
  EXPECT_EQ(byName(r, "private").skipReason, "custom-registry");
  EXPECT_EQ(byName(r, "tomli").skipReason, "multiple-constraints");
  EXPECT_EQ(byName(r, "pytest").group, "tool.poetry.group.test");
  EXPECT_EQ(byName(r, "pytest").depType, "dev");
  EXPECT_EQ(byName(r, "black").group, "tool.poetry.dev-dependencies");
  for (const auto& d : r.deps) {
    if (!d.skipReason.empty()) continue;
    const Versioning* v = findVersioning(d.versioning);
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->isValid(d.currentValue)) << d.name << " " << d.currentValue;
  }
  // A Poetry caret bump keeps Poetry's syntax.
  const Versioning* npm = findVersioning("npm");
  EXPECT_EQ(npm->newRange("^4.2", "4.2.0", "4.5.1", RangeStrategy::Bump).value_or(""), "^4.5");
  auto removed = m->remove(text, byName(r, "Django"));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->find("Django"), std::string::npos);
  EXPECT_NE(removed->find("celery = {"), std::string::npos);
  EXPECT_FALSE(m->remove(text, byName(r, "tomli")));  // a multi-line array value
}

TEST(PyprojectManager, MalformedAndOddInput) {
  const auto* m = findManager("pyproject");
  try {
    m->extract("pyproject.toml", "[project]\ndependencies = [\n  \"a>=1\"\n  \"b\"\n]\n");
    FAIL() << "no error";
  } catch (const ManifestError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("pyproject.toml:4:", 0), 0u) << e.what();
  }
  auto r = m->extract("pyproject.toml",
                      "[project]\ndependencies = \"requests\"\n"
                      "[project.optional-dependencies]\nx = [1, \"!!\", \"ok>=1\"]\n"
                      "[tool.poetry.dependencies]\nweird = 3\nescaped = \"\\u005e1.0\"\n");
  EXPECT_EQ(r.warnings.size(), 4u);
  ASSERT_EQ(r.deps.size(), 2u);
  EXPECT_EQ(r.deps[0].name, "ok");
  EXPECT_EQ(r.deps[1].skipReason, "escaped-value");
  EXPECT_EQ(r.deps[1].currentValue, "^1.0");
}

// An umbrella chart: repositories of every kind, quoted versions, comments.
const char* kUmbrella = R"M(apiVersion: v2
name: platform
description: Umbrella chart for the platform   # ours
type: application
version: 1.8.0
appVersion: "2024.11"
dependencies:
  - name: postgresql
    version: 12.12.10
    repository: https://charts.example.test/bitnami/
    condition: postgresql.enabled
  # The cache.
  - name: redis
    version: "~18.1.0"
    repository: "https://charts.example.test/bitnami"
    alias: cache
  - name: ingress-nginx
    version: '>=4.7.0 <5.0.0'
    repository: https://kubernetes.example.test/ingress-nginx
  - name: common
    version: 2.x.x
    repository: file://../common
  - name: grafana
    version: 7.0.3
    repository: "@grafana"
  - name: loki
    version: 5.36.0
    repository: alias:grafana
  - name: podinfo
    version: 6.5.3
    repository: oci://registry.example.test/podinfo
  - name: nameless-repo
    version: 1.0.0
)M";

TEST(HelmManager, UmbrellaChartDependencies) {
  const auto* m = findManager("helm");
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->handles("charts/platform/Chart.yaml"));
  EXPECT_FALSE(m->handles("charts/platform/values.yaml"));
  const std::string text = kUmbrella;
  auto r = m->extract("charts/platform/Chart.yaml", text);
  spansHold(r, text);
  ASSERT_EQ(r.deps.size(), 8u);
  const auto& pg = r.deps[0];
  EXPECT_EQ(pg.name, "postgresql");
  EXPECT_EQ(pg.currentValue, "12.12.10");
  EXPECT_EQ(pg.line, 9u);
  EXPECT_EQ(pg.datasource, "helm");
  EXPECT_EQ(pg.versioning, "helm");
  EXPECT_EQ(pg.registryUrls, std::vector<std::string>{"https://charts.example.test/bitnami"});
  EXPECT_TRUE(pg.skipReason.empty());
  EXPECT_EQ(r.deps[1].currentValue, "~18.1.0");
  EXPECT_EQ(r.deps[1].name, "redis");  // the chart, not its alias
  EXPECT_EQ(r.deps[2].currentValue, ">=4.7.0 <5.0.0");
  EXPECT_EQ(r.deps[3].skipReason, "local-path");
  EXPECT_EQ(r.deps[4].skipReason, "repository-alias");
  EXPECT_EQ(r.deps[5].skipReason, "repository-alias");
  // An OCI chart: the chart's image on the registry's host, through the Docker datasource.
  EXPECT_TRUE(r.deps[6].skipReason.empty());
  EXPECT_EQ(r.deps[6].datasource, "docker");
  EXPECT_EQ(r.deps[6].packageName, "registry.example.test/podinfo/podinfo");
  EXPECT_EQ(r.deps[6].registryUrls, std::vector<std::string>{"https://registry.example.test"});
  EXPECT_EQ(r.deps[7].skipReason, "no-repository");
  const Versioning* helm = findVersioning("helm");
  for (const auto& d : r.deps) EXPECT_TRUE(helm->isValid(d.currentValue)) << d.currentValue;

  const std::string updated = update(text, r, {{"postgresql", "12.12.11"}, {"redis", "~18.6.1"}});
  std::string expected = text;
  expected.replace(expected.find("12.12.10"), 8, "12.12.11");
  expected.replace(expected.find("~18.1.0"), 7, "~18.6.1");
  EXPECT_EQ(updated, expected);

  // Removing an item takes its lines (not the comment of the next one's block).
  auto removed = m->remove(text, r.deps[0]);
  ASSERT_TRUE(removed);
  std::string e1 = text;
  const std::string block =
      "  - name: postgresql\n    version: 12.12.10\n"
      "    repository: https://charts.example.test/bitnami/\n    condition: postgresql.enabled\n";
  e1.erase(e1.find(block), block.size());
  EXPECT_EQ(*removed, e1);
  auto last = m->remove(text, r.deps[7]);
  ASSERT_TRUE(last);
  EXPECT_EQ(m->extract("Chart.yaml", *last).deps.size(), 7u);
}

TEST(HelmManager, MalformedYamlAndOddShapes) {
  const auto* m = findManager("helm");
  try {
    m->extract("charts/x/Chart.yaml",
               "apiVersion: v2\ndependencies:\n  - name: a\n   version: [1\n");
    FAIL() << "no error";
  } catch (const ManifestError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("charts/x/Chart.yaml:", 0), 0u) << msg;
    EXPECT_NE(msg.find("invalid YAML"), std::string::npos) << msg;
  }
  // Debian's yaml-cpp 0.7 would never return on this; the guard stops it.
  EXPECT_THROW(m->extract("Chart.yaml", ","), ManifestError);
  // An OCI repository with no host (found by fuzz_manifest_helm: it threw out_of_range).
  for (const char* repo : {"oci://", "oci:///", "oci:////x"}) {
    const std::string chart = std::string("dependencies:\n  - name: a\n    version: 1.0.0\n"
                                          "    repository: ") + repo + "\n";
    const auto r = m->extract("Chart.yaml", chart);
    ASSERT_EQ(r.deps.size(), 1u) << repo;
    EXPECT_EQ(r.deps[0].skipReason, "unsupported-repository") << repo;
  }
  EXPECT_THROW(m->extract("Chart.yaml", "- a\n- b\n"), ManifestError);
  EXPECT_TRUE(m->extract("Chart.yaml", "").deps.empty());
  auto r = m->extract("Chart.yaml",
                      "dependencies:\n  - version: 1.0.0\n  - name: b\n    version: {x: 1}\n"
                      "  - name: c\n    version: \"1.\\x32.0\"\n    repository: https://h.test\n");
  EXPECT_EQ(r.warnings.size(), 2u);
  ASSERT_EQ(r.deps.size(), 1u);
  EXPECT_EQ(r.deps[0].currentValue, "1.2.0");
  EXPECT_EQ(r.deps[0].skipReason, "escaped-value");  // the bytes say \x32, not 2
  // A flow list can't be edited line by line.
  auto flow = m->extract("Chart.yaml",
                         "dependencies: [{name: a, version: 1.0.0, repository: https://h.test},"
                         " {name: b, version: 2.0.0, repository: https://h.test}]\n");
  ASSERT_EQ(flow.deps.size(), 2u);
  EXPECT_EQ(flow.deps[1].currentValue, "2.0.0");
  EXPECT_FALSE(m->remove("dependencies: [{name: a, version: 1.0.0}, {name: b, version: 2.0.0}]\n",
                         flow.deps[0]));
}

// A quoted version that runs over several lines holds text shaped like another item;
// cutting the first item's lines out would make that text an item of its own, so no
// removal is offered (found by fuzzing).
TEST(HelmManager, NoRemovalThatBringsBackAnotherItem) {
  const Manager* m = findManager("helm");
  const std::string text =
      "apiVersion: v2\nversion: 0.1.0\ndependencies:\n"
      "  - name: podinfo\n    version: \">=6.5.0, <7\n"
      "  - name: ghost\n    version: 1.0.0\n    repository: 'oci://\"\n"
      "  - other: odd\n";
  auto r = m->extract("Chart.yaml", text);
  ASSERT_EQ(r.deps.size(), 1u);
  EXPECT_EQ(r.deps[0].name, "podinfo");
  EXPECT_FALSE(m->remove(text, r.deps[0]));
}

}  // namespace
}  // namespace ddd::analyzers::deps
