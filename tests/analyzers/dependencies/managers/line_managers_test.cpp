// The line-oriented managers: requirements files, go.mod, Dockerfiles and workflow files
// — every value exactly its span, non-registry entries skipped with a reason, removals
// that keep the file readable.
#include <gtest/gtest.h>

#include "analyzers/dependencies/managers/manager.h"

namespace ddd::analyzers::deps {
namespace {

void spansHold(const ExtractResult& r, std::string_view text) {
  for (const auto& d : r.deps) {
    if (d.valueSpan.length == 0) continue;
    EXPECT_EQ(text.substr(d.valueSpan.offset, d.valueSpan.length), d.currentValue) << d.name;
  }
  for (const auto& d : r.deps) {
    if (d.digestSpan) {
      EXPECT_EQ(text.substr(d.digestSpan->offset, d.digestSpan->length), d.currentDigest) << d.name;
    }
  }
}

TEST(PipRequirements, ExtractsSpecifiersIncludesAndSkips) {
  const std::string text =
      "# pinned\n"
      "--index-url https://pypi.mirror.example/simple\n"
      "-r base.txt\n"
      "Django==4.2.7  # web\n"
      "requests[socks,security] >=2.28,<3 ; python_version >= \"3.8\"\n"
      "PyYAML==6.0.1 \\\n"
      "    --hash=sha256:abc123\n"
      "-e ./libs/local\n"
      "pkg @ https://example.invalid/pkg.tar.gz\n"
      "unpinned\r\n";
  const auto* m = findManager("pip_requirements");
  ASSERT_TRUE(m->handles("app/requirements-dev.txt"));
  ASSERT_FALSE(m->handles("docs/notes.txt"));
  auto r = m->extract("app/requirements.txt", text);
  spansHold(r, text);
  EXPECT_EQ(r.includes, std::vector<std::string>{"app/base.txt"});
  ASSERT_EQ(r.deps.size(), 6u);
  EXPECT_EQ(r.deps[0].packageName, "django");
  EXPECT_EQ(r.deps[0].currentValue, "==4.2.7");
  EXPECT_EQ(r.deps[0].registryUrls, std::vector<std::string>{"https://pypi.mirror.example/simple"});
  EXPECT_EQ(r.deps[1].currentValue, ">=2.28,<3");
  EXPECT_EQ(r.deps[2].packageName, "pyyaml");
  EXPECT_EQ(r.deps[2].currentValue, "==6.0.1");
  EXPECT_EQ(r.deps[3].skipReason, "local-path");
  EXPECT_EQ(r.deps[4].skipReason, "url");
  EXPECT_EQ(r.deps[5].skipReason, "unversioned");
  // Removing a continued requirement removes both physical lines.
  auto removed = m->remove(text, r.deps[2]);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->find("PyYAML"), std::string::npos);
  EXPECT_EQ(removed->find("--hash"), std::string::npos);
  EXPECT_NE(removed->find("Django==4.2.7"), std::string::npos);
}

TEST(GoMod, RequireLinesBlocksIndirectAndReplaced) {
  const std::string text =
      "module example.com/app\n\ngo 1.21\n\n"
      "require github.com/pkg/errors v0.9.1\n"
      "require (\n"
      "\tgolang.org/x/sys v0.12.0 // indirect\n"
      "\tgithub.com/local/lib v1.0.0\n"
      "\tgithub.com/Azure/go-autorest v14.2.0+incompatible\n"
      ")\n"
      "replace github.com/local/lib => ../lib\n";
  const auto* m = findManager("gomod");
  auto r = m->extract("go.mod", text);
  spansHold(r, text);
  ASSERT_EQ(r.deps.size(), 4u);
  EXPECT_EQ(r.deps[0].currentValue, "v0.9.1");
  EXPECT_EQ(r.deps[1].depType, "indirect");
  EXPECT_EQ(r.deps[2].skipReason, "replaced");
  EXPECT_EQ(r.deps[3].currentValue, "v14.2.0+incompatible");
  auto removed = m->remove(text, r.deps[1]);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->find("x/sys"), std::string::npos);
  EXPECT_EQ(m->extract("go.mod", *removed).deps.size(), 3u);
}

TEST(Dockerfile, StagesArgsDigestsAndVariables) {
  const std::string text =
      "ARG PY=3.11-slim\n"
      "ARG BASE=\"node:20.10-alpine3.18\"\n"
      "FROM --platform=linux/amd64 python:${PY} AS build\n"
      "FROM ${BASE}\n"
      "FROM build AS test\n"
      "FROM registry.example:5000/team/app:1.4.2@sha256:0123abcd\n"
      "FROM scratch\n"
      "from ubuntu\n"
      "FROM $UNKNOWN\n";
  const auto* m = findManager("dockerfile");
  ASSERT_TRUE(m->handles("deploy/Dockerfile.prod"));
  auto r = m->extract("Dockerfile", text);
  spansHold(r, text);
  ASSERT_EQ(r.deps.size(), 5u);
  EXPECT_EQ(r.deps[0].name, "python");
  EXPECT_EQ(r.deps[0].currentValue, "3.11-slim");
  EXPECT_EQ(r.deps[0].valueSpan.offset, 7u);  // the ARG default's bytes
  EXPECT_EQ(r.deps[1].name, "node");
  EXPECT_EQ(r.deps[1].currentValue, "20.10-alpine3.18");
  EXPECT_EQ(r.deps[2].packageName, "registry.example:5000/team/app");
  EXPECT_EQ(r.deps[2].skipReason, "");  // tag and digest: both move together
  EXPECT_EQ(r.deps[2].currentValue, "1.4.2");
  EXPECT_EQ(r.deps[2].currentDigest, "sha256:0123abcd");
  EXPECT_EQ(r.deps[3].skipReason, "unversioned");
  EXPECT_EQ(r.deps[4].skipReason, "variable");
}

TEST(GithubActions, TagsShaPinsAndLocalActions) {
  const std::string text =
      "jobs:\n  build:\n    steps:\n"
      "      - uses: actions/checkout@v4\n"
      "      - uses: \"actions/setup-node@v3.8.1\"\n"
      "      - uses: github/codeql-action/init@v2\n"
      "      - uses: actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0\n"
      "      - uses: ./.github/actions/local\n"
      "      - run: 'echo uses: not/this@v1'\n"
      "      - run: |\n"
      "          uses: not/that@v2\n"
      "          echo done\n";
  const auto* m = findManager("github-actions");
  ASSERT_TRUE(m->handles(".github/workflows/ci.yml"));
  ASSERT_FALSE(m->handles(".github/workflows/sub/ci.yml"));
  ASSERT_TRUE(m->handles("tools/setup/action.yaml"));
  auto r = m->extract(".github/workflows/ci.yml", text);
  spansHold(r, text);
  ASSERT_EQ(r.deps.size(), 5u);
  EXPECT_EQ(r.deps[0].packageName, "actions/checkout");
  EXPECT_EQ(r.deps[0].currentValue, "v4");
  EXPECT_EQ(r.deps[1].currentValue, "v3.8.1");
  EXPECT_EQ(r.deps[2].packageName, "github/codeql-action");
  EXPECT_EQ(r.deps[3].skipReason, "");
  EXPECT_EQ(r.deps[3].currentDigest, "1bd1e32a3bdc45362d1e726936510720a7c30a57");
  EXPECT_EQ(r.deps[3].commentVersion, "v4.2.0");
  EXPECT_EQ(r.deps[3].currentValue, "v4.2.0");  // the comment is the version
  EXPECT_EQ(r.deps[4].skipReason, "local-path");  // and the `run: |` text is no dependency
  // A workflow that is not YAML is a clear error naming file, line and column.
  try {
    m->extract(".github/workflows/ci.yml", "jobs:\n  b:\n    steps:\n      - uses: a/b@v1\n  - [\n");
    ADD_FAILURE() << "no ManifestError";
  } catch (const ManifestError& e) {
    EXPECT_NE(std::string(e.what()).find(".github/workflows/ci.yml:"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(m->extract(".github/workflows/ci.yml", "name: no steps\n").deps.empty());
}

TEST(GithubActions, ShaPinCommentsOfEveryStyle) {
  const std::string sha = "b4ffde65f46336ab88eb53be808477a3936bae11";
  const std::string text = "steps:\n"
                           "  - uses: a/one@" + sha + " # tag=v4.1.0\n"
                           "  - uses: a/two@" + sha + "\n"
                           "  - uses: 'a/three@" + sha + "'  #\t4.1 \n"
                           "  - uses: a/four@" + sha + " # pinned by hand\n"
                           "  - uses: a/five@" + sha + "\r\n";
  auto r = findManager("github-actions")->extract(".github/workflows/x.yaml", text);
  spansHold(r, text);
  ASSERT_EQ(r.deps.size(), 5u);
  EXPECT_EQ(r.deps[0].currentValue, "v4.1.0");
  EXPECT_EQ(text.substr(r.deps[0].valueSpan.offset - 4, 10), "tag=v4.1.0");
  for (size_t i : {1u, 3u, 4u}) {
    EXPECT_EQ(r.deps[i].currentValue, "") << i;  // no version comment
    EXPECT_EQ(r.deps[i].valueSpan.length, 0u) << i;
    EXPECT_EQ(r.deps[i].currentDigest, sha) << i;
    EXPECT_EQ(r.deps[i].skipReason, "") << i;
  }
  EXPECT_EQ(r.deps[2].currentValue, "4.1");
  EXPECT_EQ(text.substr(r.deps[2].digestSpan->offset, 40), sha);
}

TEST(LineManagers, BinaryInputIsAClearError) {
  const std::string binary(
      "\x7f"
      "ELF\0\0\x01",
      7);
  for (const char* name : {"pip_requirements", "gomod", "dockerfile", "github-actions"}) {
    EXPECT_THROW(findManager(name)->extract("x", binary), ManifestError) << name;
  }
}

}  // namespace
}  // namespace ddd::analyzers::deps
