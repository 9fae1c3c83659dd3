// Cargo's own registry settings: .cargo/config.toml files ([registries.<name>] index,
// [source.crates-io] replace-with, [source.<name>] registry / local-registry / directory),
// CARGO_REGISTRIES_<NAME>_INDEX / _TOKEN from the environment, nearest file first, and
// the operator's DDD_REGISTRY_CRATES over all of it for crates.io.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "analyzers/dependencies/datasources/registry_settings.h"

namespace ddd::analyzers::deps {
namespace {

GetEnv envOf(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

CargoConfig parse(const std::string& text, const std::string& path = ".cargo/config.toml") {
  std::vector<std::string> warnings;
  CargoConfig c = parseCargoConfig(text, path, warnings);
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  return c;
}

TEST(CargoConfig, NamedRegistryFromTheNearestFileAndTheEnvironmentFirst) {
  const CargoConfig root = parse(
      "[registries.corp]\nindex = \"sparse+https://root.test/index/\"\n"
      "[registries]\nother-reg = { index = \"sparse+http://other.test/i\" }\n");
  const CargoConfig sub = parse("[registries.corp]\nindex = \"sparse+https://sub.test/idx\"\n",
                                "crates/.cargo/config.toml");
  auto s = RegistrySettings::fromEnvironment(envOf({{"DDD_DOCKER_DAEMON_CONFIG", ""}}));
  EXPECT_EQ(s.cargoIndex({&sub, &root}, "corp").url, "https://sub.test/idx");
  EXPECT_EQ(s.cargoIndex({&root}, "corp").url, "https://root.test/index");
  EXPECT_EQ(s.cargoIndex({&sub, &root}, "other-reg").url, "http://other.test/i");
  // A repository file never brings a token: none goes to an index it named.
  EXPECT_TRUE(s.authFor("https://root.test/index/co/rp/corp").empty());

  auto e = RegistrySettings::fromEnvironment(
      envOf({{"DDD_DOCKER_DAEMON_CONFIG", ""},
             {"CARGO_REGISTRIES_CORP_INDEX", "sparse+https://env.test/cargo/"},
             {"CARGO_REGISTRIES_CORP_TOKEN", "s3cret"},
             {"CARGO_REGISTRIES_OTHER_REG_TOKEN", "never-sent"}}));
  EXPECT_EQ(e.cargoIndex({&sub, &root}, "corp").url, "https://env.test/cargo");
  // The raw token, as Cargo sends it, to that index only.
  EXPECT_EQ(e.authFor("https://env.test/cargo/3/a/abc"),
            (std::vector<std::pair<std::string, std::string>>{{"Authorization", "s3cret"}}));
  EXPECT_TRUE(e.authFor("https://env.test/cargo-evil/x").empty());
  EXPECT_EQ(e.cargoIndex({&root}, "other-reg").url, "http://other.test/i");
  EXPECT_TRUE(e.authFor("http://other.test/i/x").empty());
}

TEST(CargoConfig, UndefinedGitAndMalformedIndexesAreProblemsNamingTheFile) {
  const CargoConfig c = parse(
      "[registries.git-reg]\nindex = \"https://git.test/index.git\"\n"
      "[registries.odd]\nindex = \"sparse+ftp://x.test/\"\n");
  RegistrySettings s;
  auto git = s.cargoIndex({&c}, "git-reg");
  EXPECT_TRUE(git.url.empty());
  EXPECT_NE(git.problem.find("git index"), std::string::npos) << git.problem;
  EXPECT_NE(git.problem.find(".cargo/config.toml"), std::string::npos) << git.problem;
  EXPECT_NE(git.problem.find("\"git-reg\""), std::string::npos) << git.problem;
  EXPECT_NE(s.cargoIndex({&c}, "odd").problem.find("not a sparse+http(s)"), std::string::npos);
  auto missing = s.cargoIndex({&c}, "nowhere");
  EXPECT_NE(missing.problem.find("CARGO_REGISTRIES_NOWHERE_INDEX"), std::string::npos)
      << missing.problem;
  // crates.io with nothing configured: no URL and no problem (the usual "no registry").
  auto none = s.cargoIndex({&c}, "");
  EXPECT_TRUE(none.url.empty());
  EXPECT_TRUE(none.problem.empty());
}

TEST(CargoConfig, SourceReplacementOfCratesIo) {
  RegistrySettings s;
  const CargoConfig viaSource = parse(
      "[source.crates-io]\nreplace-with = \"mirror\"\n"
      "[source.mirror]\nregistry = \"sparse+https://mirror.test/index\"\n");
  EXPECT_EQ(s.cargoIndex({&viaSource}, "").url, "https://mirror.test/index");
  EXPECT_EQ(s.cargoIndex({&viaSource}, "crates-io").url, "https://mirror.test/index");
  const CargoConfig viaRegistry = parse(
      "[source.crates-io]\nreplace-with = \"corp\"\n"
      "[registries.corp]\nindex = \"sparse+https://corp.test/\"\n");
  EXPECT_EQ(s.cargoIndex({&viaRegistry}, "").url, "https://corp.test");
  // Chains, and the nearer file's replace-with wins.
  const CargoConfig near = parse("[source.crates-io]\nreplace-with = \"mirror\"\n",
                                 "a/.cargo/config");
  EXPECT_EQ(s.cargoIndex({&near, &viaRegistry, &viaSource}, "").url, "https://mirror.test/index");
  const CargoConfig vendored = parse(
      "[source.crates-io]\nreplace-with = \"vendored\"\n"
      "[source.vendored]\ndirectory = \"vendor\"\n");
  auto v = s.cargoIndex({&vendored}, "");
  EXPECT_TRUE(v.url.empty());
  EXPECT_NE(v.problem.find("directory source"), std::string::npos) << v.problem;
  const CargoConfig loop = parse(
      "[source.crates-io]\nreplace-with = \"a\"\n[source.a]\nreplace-with = \"b\"\n"
      "[source.b]\nreplace-with = \"a\"\n");
  EXPECT_NE(s.cargoIndex({&loop}, "").problem.find("loops"), std::string::npos);
  const CargoConfig dangling = parse("[source.crates-io]\nreplace-with = \"gone\"\n");
  EXPECT_NE(s.cargoIndex({&dangling}, "").problem.find("\"gone\""), std::string::npos);
  // The operator's DDD_REGISTRY_CRATES wins for crates.io.
  auto op = RegistrySettings::fromEnvironment(
      envOf({{"DDD_DOCKER_DAEMON_CONFIG", ""}, {"DDD_REGISTRY_CRATES", "sparse+https://op.test/"}}));
  EXPECT_EQ(op.cargoIndex({&viaSource}, "").url, "https://op.test");
}

TEST(CargoConfig, BadFilesAreWarningsAndCredentialsAreIgnored) {
  std::vector<std::string> w;
  CargoConfig c = parseCargoConfig("[registries\nindex = 1", "x/.cargo/config.toml", w);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].rfind("x/.cargo/config.toml:1", 0), 0u) << w[0];
  EXPECT_TRUE(c.registries.empty());
  w.clear();
  c = parseCargoConfig(
      "registries = 3\n[source]\ncrates-io = \"x\"\n", ".cargo/config.toml", w);
  EXPECT_EQ(w.size(), 2u);
  w.clear();
  c = parseCargoConfig(
      "[registries.corp]\nindex = \"sparse+https://c.test/\"\ntoken = \"leak\"\n"
      "[registry]\ntoken = \"leak2\"\n",
      ".cargo/config.toml", w);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NE(w[0].find("CARGO_REGISTRIES_CORP_TOKEN"), std::string::npos) << w[0];
  RegistrySettings s;
  EXPECT_EQ(s.cargoIndex({&c}, "corp").url, "https://c.test");
  EXPECT_TRUE(s.authFor("https://c.test/x").empty());
  w.clear();
  (void)parseCargoConfig(std::string("\xff\xfe\0[x]", 5), "b/.cargo/config", w);
  EXPECT_EQ(w.size(), 1u);
}

// ddd serve trusts the operator's registries on private addresses: the indexes
// CARGO_REGISTRIES_<NAME>_INDEX names are among them, a repository file's are not.
TEST(CargoConfig, EnvironmentIndexesAreOperatorHosts) {
  ::setenv("CARGO_REGISTRIES_DDD_TEST_REG_INDEX", "sparse+http://cargo-env.test:8080/i/", 1);
  ::setenv("CARGO_REGISTRIES_DDD_TEST_GIT_INDEX", "https://git-env.test/i.git", 1);
  RegistrySettings s;
  s.addCargoRegistriesOfProcessEnvironment();
  ::unsetenv("CARGO_REGISTRIES_DDD_TEST_REG_INDEX");
  ::unsetenv("CARGO_REGISTRIES_DDD_TEST_GIT_INDEX");
  const auto hosts = s.hosts();
  EXPECT_NE(std::find(hosts.begin(), hosts.end(), "cargo-env.test"), hosts.end());
  EXPECT_EQ(std::find(hosts.begin(), hosts.end(), "git-env.test"), hosts.end());
  const CargoConfig repo = parse("[registries.x]\nindex = \"sparse+https://repo.test/\"\n");
  EXPECT_EQ(s.cargoIndex({&repo}, "x").url, "https://repo.test");
  EXPECT_EQ(s.hosts().size(), hosts.size());
}

}  // namespace
}  // namespace ddd::analyzers::deps
