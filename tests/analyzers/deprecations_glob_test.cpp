// Path globs and the path -> language table of the deprecations analyzer.

#include <gtest/gtest.h>

#include "analyzers/deprecations/glob.h"
#include "analyzers/deprecations/language.h"

namespace ddd::analyzers::deprecations {
namespace {

bool matches(const std::string& glob, const std::string& path) {
  return GlobSet({glob}).matches(path);
}

TEST(DeprecationsGlob, WorkflowAndActionGlobs) {
  const GlobSet workflows({".github/workflows/*.{yml,yaml}", "**/action.{yml,yaml}"});
  EXPECT_TRUE(workflows.matches(".github/workflows/ci.yml"));
  EXPECT_TRUE(workflows.matches(".github/workflows/release.yaml"));
  EXPECT_FALSE(workflows.matches(".github/workflows/sub/ci.yml"));
  EXPECT_FALSE(workflows.matches(".github/workflows/ci.json"));
  EXPECT_TRUE(workflows.matches("action.yml"));
  EXPECT_TRUE(workflows.matches("actions/setup/action.yaml"));
  EXPECT_FALSE(workflows.matches("actions/setup/myaction.yaml"));
  EXPECT_FALSE(workflows.matches("deploy/web.yaml"));
}

TEST(DeprecationsGlob, StarStaysInsideOneDirectory) {
  EXPECT_TRUE(matches("src/*.py", "src/app.py"));
  EXPECT_FALSE(matches("src/*.py", "src/pkg/app.py"));
  EXPECT_TRUE(matches("src/**/*.py", "src/app.py"));
  EXPECT_TRUE(matches("src/**/*.py", "src/a/b/c/app.py"));
  EXPECT_TRUE(matches("vendor/**", "vendor/x/y.go"));
  EXPECT_FALSE(matches("vendor/**", "src/vendor.go"));
  EXPECT_TRUE(matches("/setup.py", "setup.py"));
  EXPECT_FALSE(matches("/setup.py", "pkg/setup.py"));
}

TEST(DeprecationsGlob, SlashlessGlobMatchesTheFileNameAnywhere) {
  EXPECT_TRUE(matches("*.min.js", "dist/vendor/jquery.min.js"));
  EXPECT_TRUE(matches("*.min.js", "app.min.js"));
  EXPECT_FALSE(matches("*.min.js", "app.js"));
  EXPECT_TRUE(matches("Dockerfile", "images/base/Dockerfile"));
}

TEST(DeprecationsGlob, ClassesQuestionMarksBracesAndEscapes) {
  EXPECT_TRUE(matches("file?.txt", "file1.txt"));
  EXPECT_FALSE(matches("file?.txt", "file10.txt"));
  EXPECT_FALSE(matches("a?b", "a/b"));
  EXPECT_TRUE(matches("v[0-9].py", "v7.py"));
  EXPECT_FALSE(matches("v[!0-9].py", "v7.py"));
  EXPECT_TRUE(matches("v[^0-9].py", "vx.py"));
  EXPECT_TRUE(matches("{roles,playbooks}/**/*.{yml,yaml}", "roles/web/tasks/main.yml"));
  EXPECT_TRUE(matches("{a,b{c,d}}.py", "bd.py"));
  EXPECT_FALSE(matches("{a,b{c,d}}.py", "b.py"));
  EXPECT_TRUE(matches("weird\\*name.py", "weird*name.py"));
  EXPECT_FALSE(matches("weird\\*name.py", "weirdXname.py"));
  EXPECT_TRUE(matches("a+b(c).py", "a+b(c).py"));  // regex metacharacters are literal
  EXPECT_FALSE(matches("a.py", "abpy"));
}

TEST(DeprecationsGlob, RejectsMalformedGlobsSayingWhy) {
  auto message = [](const std::string& glob) {
    try {
      GlobSet set({glob});
    } catch (const GlobError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("src/{a,b").find("unterminated '{'"), std::string::npos);
  EXPECT_NE(message("[abc").find("unterminated '['"), std::string::npos);
  EXPECT_NE(message("a}b").find("'}'"), std::string::npos);
  EXPECT_NE(message("oops\\").find("trailing backslash"), std::string::npos);
  EXPECT_NE(message("").find("empty"), std::string::npos);
  EXPECT_NE(message("[abc").find("[abc"), std::string::npos);  // names the glob
}

TEST(DeprecationsGlob, EmptySetMatchesNothing) {
  const GlobSet none;
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.matches("anything.py"));
}

TEST(DeprecationsLanguage, DecidedFromThePathAlone) {
  EXPECT_EQ(languageOf("src/app.py"), Language::Python);
  EXPECT_EQ(languageOf("stubs/x.pyi"), Language::Python);
  EXPECT_EQ(languageOf("web/index.mjs"), Language::JavaScript);
  EXPECT_EQ(languageOf("web/App.jsx"), Language::JavaScript);
  EXPECT_EQ(languageOf("web/add.test.ts"), Language::TypeScript);
  EXPECT_EQ(languageOf("web/App.tsx"), Language::TypeScript);
  EXPECT_EQ(languageOf("cmd/main.go"), Language::Go);
  EXPECT_EQ(languageOf("src/a.cc"), Language::Cpp);
  EXPECT_EQ(languageOf("include/a.h"), Language::Cpp);
  EXPECT_EQ(languageOf("src/a.c++"), Language::Cpp);
  EXPECT_EQ(languageOf("src/a.c"), Language::C);
  EXPECT_EQ(languageOf(".github/workflows/ci.yml"), Language::Yaml);
  EXPECT_EQ(languageOf("Dockerfile"), Language::Dockerfile);
  EXPECT_EQ(languageOf("images/Dockerfile.dev"), Language::Dockerfile);
  EXPECT_EQ(languageOf("images/base.dockerfile"), Language::Dockerfile);
  EXPECT_EQ(languageOf("Containerfile"), Language::Dockerfile);
  EXPECT_EQ(languageOf("scripts/build.sh"), Language::Shell);
  EXPECT_EQ(languageOf("README.md"), std::nullopt);
  EXPECT_EQ(languageOf("Makefile"), std::nullopt);
  EXPECT_EQ(languageOf(".bashrc"), std::nullopt);
  EXPECT_EQ(languageOf("dir.py/README"), std::nullopt);
}

TEST(DeprecationsLanguage, DockerfilesByNameAndByExtensionInAnyCase) {
  EXPECT_EQ(languageOf("services/api.Dockerfile"), Language::Dockerfile);
  EXPECT_EQ(languageOf("web.dockerfile"), Language::Dockerfile);
  EXPECT_EQ(languageOf("ci/Worker.DOCKERFILE"), Language::Dockerfile);
  EXPECT_EQ(languageOf("build/Containerfile.fedora"), Language::Dockerfile);
  EXPECT_EQ(languageOf("Dockerfile.prod"), Language::Dockerfile);
  // Only the names themselves: a longer word, or the name as a directory, is not one.
  EXPECT_EQ(languageOf("Dockerfiles"), std::nullopt);
  EXPECT_EQ(languageOf("Containerfile2"), std::nullopt);
  EXPECT_EQ(languageOf("Dockerfile/README"), std::nullopt);
  EXPECT_EQ(languageOf("docs/dockerfile.md"), std::nullopt);
  EXPECT_EQ(languageOf(".dockerfile"), std::nullopt);  // a hidden file, no extension
}

TEST(DeprecationsLanguage, NamesRoundTrip) {
  for (std::size_t i = 0; i < kLanguageCount; ++i) {
    const auto l = static_cast<Language>(i);
    EXPECT_EQ(languageFromName(languageName(l)), l);
  }
  EXPECT_EQ(languageFromName("cobol"), std::nullopt);
}

}  // namespace
}  // namespace ddd::analyzers::deprecations
