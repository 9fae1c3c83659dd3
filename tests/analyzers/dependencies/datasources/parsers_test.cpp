// The registries' documents, in their real formats, read by the datasource parsers;
// and where registry URLs and credentials come from.
#include <gtest/gtest.h>

#include <algorithm>
#include <streambuf>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/registry_settings.h"
#include "tests/support/pieces_streambuf.h"

namespace ddd::analyzers::deps {
namespace {

std::time_t at(const char* iso) { return *parseTimestamp(iso); }

TEST(Timestamps, ReadTheFormsRegistriesWrite) {
  EXPECT_EQ(at("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(at("2021-02-20T15:42:16.891Z"), 1613835736);
  EXPECT_EQ(at("2021-02-20T16:42:16+01:00"), 1613835736);
  EXPECT_EQ(at("2021-02-20 15:42:16"), 1613835736);
  EXPECT_EQ(at("2000-03-01"), 951868800);
  EXPECT_FALSE(parseTimestamp("yesterday"));
  EXPECT_FALSE(parseTimestamp("2021-13-01T00:00:00Z"));
  EXPECT_FALSE(parseTimestamp("2021-02-20T15:42"));
}

TEST(NpmPackument, VersionsDatesTagsDeprecationAndRepository) {
  const char* body = R"json({
    "_id": "left-pad", "name": "left-pad",
    "dist-tags": {"latest": "1.3.0", "next": "2.0.0-rc.1"},
    "versions": {
      "1.2.0": {"name": "left-pad", "version": "1.2.0", "dist": {"integrity": "sha512-aaa"}},
      "1.3.0": {"name": "left-pad", "version": "1.3.0",
                "deprecated": "use String.prototype.padStart()",
                "repository": {"type": "git",
                               "url": "git+https://github.com/left-pad/left-pad.git"}},
      "2.0.0-rc.1": {"name": "left-pad", "version": "2.0.0-rc.1", "deprecated": ""}
    },
    "time": {"created": "2014-03-13T21:24:49.000Z", "modified": "2022-06-19T11:40:13.000Z",
             "1.2.0": "2017-11-29T18:57:41.000Z", "1.3.0": "2018-04-09T01:24:15.000Z",
             "2.0.0-rc.1": "2018-05-01T00:00:00.000Z"},
    "homepage": "https://github.com/left-pad/left-pad#readme"
  })json";
  auto info = parseNpmPackument(body, "npm package left-pad");
  ASSERT_EQ(info.releases.size(), 3u);
  EXPECT_EQ(info.tags.at("latest"), "1.3.0");
  EXPECT_EQ(info.releases[0].version, "1.2.0");
  EXPECT_EQ(info.releases[0].released, at("2017-11-29T18:57:41Z"));
  EXPECT_EQ(info.releases[0].digest, "sha512-aaa");
  EXPECT_TRUE(info.releases[1].deprecated);
  EXPECT_EQ(info.releases[1].deprecationMessage, "use String.prototype.padStart()");
  EXPECT_FALSE(info.releases[2].deprecated);  // "" is not a deprecation
  EXPECT_TRUE(info.deprecated);               // the latest version is deprecated
  EXPECT_EQ(info.sourceUrl, "https://github.com/left-pad/left-pad");
}

TEST(NpmPackument, KeepsLockEntryFieldsOnlyWhenAsked) {
  const std::string body = R"({"name": "a", "dist-tags": {"latest": "1.1.0"}, "versions": {
    "1.0.0": {"version": "1.0.0", "license": "MIT", "dependencies": {"b": "^1.0.0"},
              "devDependencies": {"jest": "29"}, "scripts": {"test": "jest"},
              "dist": {"tarball": "https://r.test/a/-/a-1.0.0.tgz", "integrity": "sha512-A", "shasum": "x"}},
    "1.1.0": {"version": "1.1.0", "license": "MIT", "dependencies": {"b": "^1.0.0"},
              "bin": {"a": "cli.js"}, "scripts": {"postinstall": "node x.js"}, "engines": {},
              "dist": {"tarball": "https://r.test/a/-/a-1.1.0.tgz", "integrity": "sha512-B"}}}})";
  auto lean = parseNpmPackument(body, "npm package a");
  ASSERT_EQ(lean.releases.size(), 2u);
  EXPECT_EQ(lean.releases[0].digest, "sha512-A");
  EXPECT_EQ(lean.releases[0].artifactUrl, "");
  EXPECT_EQ(lean.releases[0].lockMetadata, "");
  auto full = parseNpmPackument(body, "npm package a", true);
  EXPECT_EQ(full.releases[0].artifactUrl, "https://r.test/a/-/a-1.0.0.tgz");
  // Sorted keys, devDependencies and non-install scripts left out, empty maps absent.
  EXPECT_EQ(full.releases[0].lockMetadata, R"({"dependencies":{"b":"^1.0.0"},"license":"MIT"})");
  EXPECT_EQ(full.releases[1].lockMetadata,
            R"({"bin":{"a":"cli.js"},"dependencies":{"b":"^1.0.0"},"hasInstallScript":true,)"
            R"("license":"MIT"})");
}


void expectSameReleases(const ReleaseInfo& a, const ReleaseInfo& b, bool lockFields = true) {
  ASSERT_EQ(a.releases.size(), b.releases.size());
  for (size_t i = 0; i < a.releases.size(); ++i) {
    const auto& x = a.releases[i];
    const auto& y = b.releases[i];
    EXPECT_EQ(x.version, y.version);
    EXPECT_EQ(x.released, y.released) << x.version;
    EXPECT_EQ(x.deprecated, y.deprecated) << x.version;
    EXPECT_EQ(x.deprecationMessage, y.deprecationMessage) << x.version;
    EXPECT_EQ(x.digest, y.digest) << x.version;
    EXPECT_EQ(x.enginesNode, y.enginesNode) << x.version;
    if (lockFields) {
      EXPECT_EQ(x.artifactUrl, y.artifactUrl) << x.version;
      EXPECT_EQ(x.lockMetadata, y.lockMetadata) << x.version;
    }
  }
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.sourceUrl, b.sourceUrl);
  EXPECT_EQ(a.homepage, b.homepage);
  EXPECT_EQ(a.deprecated, b.deprecated);
  EXPECT_EQ(a.deprecationMessage, b.deprecationMessage);
}

// A real-shaped packument (readme, per-version manifests with scripts, dependencies,
// dist, deprecations, escapes and non-ASCII text) read as it streams in, in pieces of
// 1, 7 and 64 KiB bytes, gives exactly what the parse of the whole text gives.
TEST(NpmPackument, StreamedInPiecesReadsTheSameAsWhole) {
  std::string versions, times;
  for (int i = 0; i < 300; ++i) {
    const std::string v = std::to_string(i / 100) + "." + std::to_string(i % 100 / 10) + "." +
                          std::to_string(i % 10) + (i % 37 == 0 ? "-beta.1" : "");
    versions += std::string(i ? "," : "") + "\"" + v + "\": {\"name\": \"pkg\", \"version\": \"" +
                v + "\", \"description\": \"caf\u00e9 \\\"quoted\\\" \u2713 " +
                std::string(200, 'd') + "\", \"scripts\": {\"test\": \"x\"" +
                (i % 11 == 0 ? ", \"postinstall\": \"node i.js\"" : "") +
                "}, \"dependencies\": {\"dep\": \"^" + std::to_string(i) +
                ".0.0\"}, \"license\": \"MIT\", \"dist\": {\"shasum\": \"abc\", "
                "\"tarball\": \"https://r.test/pkg/-/pkg-" + v +
                ".tgz\", \"integrity\": \"sha512-" + std::to_string(i * 7919) + "==\"}" +
                (i % 13 == 0 ? ", \"deprecated\": \"use \\u00fcber-pkg\"" : "") +
                (i == 299 ? ", \"repository\": {\"type\": \"git\", \"url\": "
                            "\"git+https://github.com/o/pkg.git\"}" : "") + "}";
    times += ", \"" + v + "\": \"2020-01-" + std::to_string(10 + i % 18) + "T10:00:00.000Z\"";
  }
  const std::string body = "{\"_id\": \"pkg\", \"name\": \"pkg\", \"readme\": \"" +
                           std::string(100000, 'r') + "\", \"dist-tags\": {\"latest\": \"2.9.9\", "
                           "\"next\": \"2.7.0\"}, \"versions\": {" + versions +
                           "}, \"time\": {\"created\": \"2019-01-01T00:00:00Z\"" + times +
                           "}, \"homepage\": \"https://pkg.test\", \"users\": {\"a\": true}}";
  for (bool lock : {false, true}) {
    const ReleaseInfo whole = parseNpmPackument(std::string_view(body), "npm package pkg", lock);
    ASSERT_EQ(whole.releases.size(), 300u);
    EXPECT_EQ(whole.sourceUrl, "https://github.com/o/pkg");
    EXPECT_TRUE(whole.releases[13].deprecated);
    EXPECT_EQ(whole.releases[13].deprecationMessage, "use \u00fcber-pkg");
    for (size_t piece : {size_t{1}, size_t{7}, size_t{65536}}) {
      ddd::testing::PiecesStreambuf buf(body, {piece});
      std::istream in(&buf);
      expectSameReleases(parseNpmPackument(in, "npm package pkg", lock), whole);
    }
  }
  // A stream that ends early is the same clear error as a truncated text.
  const std::string cut = body.substr(0, body.size() / 2);
  ddd::testing::PiecesStreambuf buf(cut, {4096});
  std::istream in(&buf);
  EXPECT_THROW(parseNpmPackument(in, "npm package pkg"), RegistryError);
}

// Without lock entries the packument is read event by event (nothing of it built);
// with them, through a filtered document. Both read the same facts from the same text,
// odd documents included: repeated keys (the last counts), `deprecated` as false, true,
// "" or an object, dates that are not strings, the repository given only by the latest
// version or as a string, values that are arrays where objects are expected.
TEST(NpmPackument, TheEventReaderAndTheDocumentFilterAgree) {
  const std::vector<std::string> docs = {
      R"({"name": "a", "dist-tags": {"latest": "1.1.0", "beta": 2},
          "versions": {"1.1.0": {"deprecated": true, "repository": "github:o/a"},
                       "1.0.0": {"deprecated": false, "dist": {"integrity": "sha512-X"}},
                       "0.9.0": {"deprecated": {"why": 1}, "dist": {"integrity": 5}},
                       "1.0.0": {"deprecated": "old", "dist": {"integrity": "sha512-Y"}},
                       "2.0.0": "not an object", "3.0.0": [1, {"deprecated": "no"}]},
          "time": {"1.1.0": "2020-01-02T03:04:05Z", "1.0.0": 12, "0.9.0": "bad date"},
          "homepage": ["x"], "readme": {"deep": [[[[[[{"versions": {}}]]]]]]}})",
      R"({"repository": {"type": "git", "url": "git+ssh://git@github.com/o/b.git"},
          "versions": {}, "homepage": "https://b.test",
          "versions": {"1.0.0-rc.1": {"repository": {"url": "https://x.test/y"}},
                       "10.0.0": {}, "9.0.0": {}},
          "dist-tags": {"latest": "1.0.0-rc.1"}, "dist-tags": {"next": "10.0.0"},
          "repository": "o/b2"})",
      R"({"versions": {"1.0.0": {"repository": {"url": "git://github.com/o/c.git"}}},
          "dist-tags": {"latest": "1.0.0"}, "repository": {"directory": "packages/c"}})",
      // engines.node: kept as published; repeated keys, a non-string, a non-object.
      R"({"versions": {"1.0.0": {"engines": {"node": ">=14", "npm": ">=6"}},
                       "1.1.0": {"engines": {"node": ">=14", "node": "^18 || >=20"}},
                       "1.2.0": {"engines": {"node": ">=16"}, "engines": {"npm": "9"}},
                       "1.3.0": {"engines": {"node": 18}}, "1.4.0": {"engines": ["node"]},
                       "1.5.0": {"engines": {"node": ">=12"}, "engines": "node >= 12"}}})",
  };
  for (const auto& doc : docs) {
    SCOPED_TRACE(doc);
    expectSameReleases(parseNpmPackument(doc, "x"), parseNpmPackument(doc, "x", true), false);
  }
  const auto odd = parseNpmPackument(docs[0], "x");
  ASSERT_EQ(odd.releases.size(), 5u);
  EXPECT_EQ(odd.releases[1].version, "1.0.0");
  EXPECT_EQ(odd.releases[1].deprecationMessage, "old");
  EXPECT_EQ(odd.releases[1].digest, "sha512-Y");
  EXPECT_TRUE(odd.deprecated);
  EXPECT_EQ(odd.sourceUrl, "https://github.com/o/a");
  EXPECT_EQ(odd.tags.count("beta"), 0u);
  EXPECT_EQ(parseNpmPackument(docs[1], "x").sourceUrl, "https://github.com/o/b2");
  EXPECT_EQ(parseNpmPackument(docs[1], "x").tags.count("latest"), 0u);
  EXPECT_EQ(parseNpmPackument(docs[2], "x").sourceUrl, "https://github.com/o/c");
  const auto engines = parseNpmPackument(docs[3], "x");
  ASSERT_EQ(engines.releases.size(), 6u);
  const std::vector<std::string> enginesNode = {">=14", "^18 || >=20", "", "", "", ""};
  for (size_t i = 0; i < enginesNode.size(); ++i)
    EXPECT_EQ(engines.releases[i].enginesNode, enginesNode[i]) << engines.releases[i].version;
  for (const char* bad : {"[]", "{\"versions\": []}", "{\"versions\": {}", "\"text\"", "",
                          "{\"versions\": {}} trailing"}) {
    EXPECT_THROW(parseNpmPackument(bad, "x"), RegistryError) << bad;
    EXPECT_THROW(parseNpmPackument(bad, "x", true), RegistryError) << bad;
  }
}

TEST(NpmPackument, BadDocumentsAreClearErrors) {
  EXPECT_THROW(parseNpmPackument("<html>502 Bad Gateway</html>", "x"), RegistryError);
  EXPECT_THROW(parseNpmPackument(R"({"name":"x"})", "x"), RegistryError);
  EXPECT_THROW(parseNpmPackument(R"({"name":"x","versions":[)", "x"), RegistryError);
  try {
    parseNpmPackument("[]", "npm package x from https://r.example");
  } catch (const RegistryError& e) {
    EXPECT_NE(std::string(e.what()).find("npm package x from https://r.example"),
              std::string::npos);
  }
}

TEST(PypiProject, EarliestUploadYankedOnlyWhenEveryFileIsAndProjectUrls) {
  const char* body = R"({
    "info": {"name": "requests", "version": "2.31.0", "home_page": "https://requests.readthedocs.io",
             "project_urls": {"Source": "https://github.com/psf/requests",
                              "Changelog": "https://github.com/psf/requests/blob/main/HISTORY.md"}},
    "releases": {
      "2.30.0": [{"filename": "a.whl", "upload_time_iso_8601": "2023-05-03T15:34:26.291453Z", "yanked": false},
                 {"filename": "a.tar.gz", "upload_time_iso_8601": "2023-05-03T15:30:00.000000Z", "yanked": false}],
      "2.31.0": [{"filename": "b.whl", "upload_time_iso_8601": "2023-05-22T15:12:44Z", "yanked": true,
                  "yanked_reason": "broken wheel"}],
      "2.32.0": [{"filename": "c.whl", "upload_time_iso_8601": "2024-05-20T00:00:00Z", "yanked": true},
                 {"filename": "c.tar.gz", "upload_time_iso_8601": "2024-05-20T00:00:00Z", "yanked": false}],
      "0.0.0": []
    }
  })";
  auto info = parsePypiProject(body, "Python package requests");
  ASSERT_EQ(info.releases.size(), 3u);  // a version without files is not installable
  EXPECT_EQ(info.releases[0].version, "2.30.0");
  EXPECT_EQ(info.releases[0].released, at("2023-05-03T15:30:00Z"));
  EXPECT_TRUE(info.releases[1].yanked);
  EXPECT_EQ(info.releases[1].yankedReason, "broken wheel");
  EXPECT_FALSE(info.releases[2].yanked);
  EXPECT_EQ(info.sourceUrl, "https://github.com/psf/requests");
  EXPECT_EQ(info.changelogUrl, "https://github.com/psf/requests/blob/main/HISTORY.md");
  EXPECT_THROW(parsePypiProject(R"({"info":{}})", "x"), RegistryError);
}

TEST(GoProxy, ListInfoAndPathEscaping) {
  EXPECT_EQ(parseGoVersionList("v1.0.0\nv1.1.0\r\n\nv2.0.0+incompatible\n"),
            (std::vector<std::string>{"v1.0.0", "v1.1.0", "v2.0.0+incompatible"}));
  auto r = parseGoInfo(R"({"Version":"v1.1.0","Time":"2019-11-09T02:19:31Z"})", "m");
  EXPECT_EQ(r.version, "v1.1.0");
  EXPECT_EQ(r.released, at("2019-11-09T02:19:31Z"));
  EXPECT_THROW(parseGoInfo("not found", "m"), RegistryError);
  EXPECT_EQ(escapeGoModulePath("github.com/Azure/azure-sdk-for-go"),
            "github.com/!azure/azure-sdk-for-go");
  EXPECT_EQ(escapeGoModulePath("github.com/BurntSushi/toml"), "github.com/!burnt!sushi/toml");
}

TEST(CratesIndex, LinesAndPrefixPaths) {
  auto info = parseCratesIndex(
      "{\"name\":\"serde\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"ab\",\"features\":{},"
      "\"yanked\":false}\n"
      "{\"name\":\"serde\",\"vers\":\"1.0.1\",\"deps\":[],\"cksum\":\"cd\",\"features\":{},"
      "\"yanked\":true}\n",
      "crate serde");
  ASSERT_EQ(info.releases.size(), 2u);
  EXPECT_TRUE(info.releases[1].yanked);
  EXPECT_EQ(info.releases[0].digest, "ab");
  EXPECT_THROW(parseCratesIndex("{\"name\":\"x\"}\n", "crate x"), RegistryError);
  EXPECT_EQ(cratesIndexPath("a"), "1/a");
  EXPECT_EQ(cratesIndexPath("ab"), "2/ab");
  EXPECT_EQ(cratesIndexPath("abc"), "3/a/abc");
  EXPECT_EQ(cratesIndexPath("Serde"), "se/rd/serde");
}

TEST(DockerTags, TagList) {
  EXPECT_EQ(
      parseDockerTags(R"({"name":"library/python","tags":["3.11","3.11-slim","3.12-slim"]})", "i"),
      (std::vector<std::string>{"3.11", "3.11-slim", "3.12-slim"}));
  EXPECT_TRUE(parseDockerTags(R"({"name":"x","tags":null})", "i").empty());
  EXPECT_THROW(parseDockerTags(R"({"errors":[{"code":"NAME_UNKNOWN"}]})", "i"), RegistryError);
}

TEST(HelmIndex, EntriesOfOneChart) {
  const char* body =
      "apiVersion: v1\n"
      "entries:\n"
      "  redis:\n"
      "  - version: 18.1.0\n"
      "    created: \"2023-09-01T10:00:00.000Z\"\n"
      "    digest: abc\n"
      "    sources: [\"https://github.com/example/charts\"]\n"
      "  - version: 17.0.0\n"
      "    created: \"2022-09-01T10:00:00Z\"\n"
      "    deprecated: true\n"
      "  nginx:\n"
      "  - version: 1.0.0\n";
  auto info = parseHelmIndex(body, "redis", "chart redis");
  ASSERT_EQ(info.releases.size(), 2u);
  EXPECT_EQ(info.releases[0].released, at("2023-09-01T10:00:00Z"));
  EXPECT_TRUE(info.releases[1].deprecated);
  EXPECT_EQ(info.sourceUrl, "https://github.com/example/charts");
  EXPECT_TRUE(parseHelmIndex(body, "postgres", "chart").releases.empty());
  // A hostile index.yaml that would never finish parsing is an error, not a hang.
  EXPECT_THROW(parseHelmIndex(",", "redis", "chart redis"), RegistryError);
  EXPECT_THROW(parseHelmIndex("entries: [\n", "redis", "chart"), RegistryError);
  EXPECT_THROW(parseHelmIndex("apiVersion: v1\n", "redis", "chart"), RegistryError);
}

TEST(GithubTags, TagsAndReleases) {
  auto tags = parseGithubTags(
      R"([{"name":"v4.1.0","commit":{"sha":"b4ffde65f46336ab88eb53be808477a3936bae11","url":"x"}},{"name":"v4"}])",
      "t");
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].digest, "b4ffde65f46336ab88eb53be808477a3936bae11");
  auto rel = parseGithubReleases(
      R"([{"tag_name":"v4.1.0","published_at":"2023-10-17T15:52:30Z","draft":false},
          {"tag_name":"v5.0.0-beta","draft":true,"published_at":null}])",
      "r");
  ASSERT_EQ(rel.size(), 1u);
  EXPECT_EQ(rel[0].released, at("2023-10-17T15:52:30Z"));
}

TEST(RepositoryUrls, NormalisedToBrowsableUrls) {
  EXPECT_EQ(normalizeRepositoryUrl("git+https://github.com/o/r.git"), "https://github.com/o/r");
  EXPECT_EQ(normalizeRepositoryUrl("git://github.com/o/r.git"), "https://github.com/o/r");
  EXPECT_EQ(normalizeRepositoryUrl("git@gitlab.example:group/r.git"),
            "https://gitlab.example/group/r");
  EXPECT_EQ(normalizeRepositoryUrl("github:o/r"), "https://github.com/o/r");
  EXPECT_EQ(normalizeRepositoryUrl("o/r"), "https://github.com/o/r");
  EXPECT_EQ(normalizeRepositoryUrl("https://host/x/#readme"), "https://host/x");
  EXPECT_EQ(normalizeRepositoryUrl("file:../x"), "");
}

std::optional<std::string> fromMap(const std::map<std::string, std::string>& m,
                                   const std::string& k) {
  auto it = m.find(k);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

TEST(RegistrySettings, EnvironmentDecidesUrlsAndCredentials) {
  const std::map<std::string, std::string> env = {
      {"npm_config_registry", "https://npm.mirror.example/"},
      {"NPM_TOKEN", "npm-secret"},
      {"PIP_INDEX_URL", "https://alice:pw@py.mirror.example/simple/"},
      {"PIP_EXTRA_INDEX_URL", "https://extra.example/simple"},
      {"GOPROXY", "https://go.mirror.example,direct"},
      {"GOPRIVATE", "*.corp.example,github.com/acme/*"},
      {"DDD_REGISTRY_CRATES", "sparse+https://index.crates.mirror.example/"},
  };
  auto s = RegistrySettings::fromEnvironment([&](const std::string& k) { return fromMap(env, k); });
  EXPECT_EQ(s.urlsFor("npm", "lodash"), std::vector<std::string>{"https://npm.mirror.example"});
  EXPECT_EQ(s.urlsFor("pypi", "requests"),
            (std::vector<std::string>{"https://py.mirror.example", "https://extra.example"}));
  EXPECT_EQ(s.urlsFor("go", "x"), std::vector<std::string>{"https://go.mirror.example"});
  EXPECT_EQ(s.urlsFor("crate", "serde"),
            std::vector<std::string>{"https://index.crates.mirror.example"});
  EXPECT_TRUE(s.urlsFor("docker", "nginx").empty());
  // An image naming its registry is looked up there; Docker Hub's names are the default's.
  EXPECT_EQ(s.urlsFor("docker", "ghcr.io/acme/app"), std::vector<std::string>{"https://ghcr.io"});
  EXPECT_EQ(s.urlsFor("docker", "Registry.Example:5000/team/app"),
            std::vector<std::string>{"https://registry.example:5000"});
  EXPECT_EQ(s.urlsFor("docker", "localhost/app"), std::vector<std::string>{"https://localhost"});
  EXPECT_TRUE(s.urlsFor("docker", "docker.io/library/python").empty());
  EXPECT_TRUE(s.urlsFor("docker", "acme/app").empty());
  // The hosts a server trusts on its own network: the operator's registries only.
  const auto hosts = s.hosts();
  for (const char* h : {"npm.mirror.example", "py.mirror.example", "extra.example",
                        "go.mirror.example", "index.crates.mirror.example"}) {
    EXPECT_NE(std::find(hosts.begin(), hosts.end(), h), hosts.end()) << h;
  }
  EXPECT_NE(RegistrySettings::howToConfigure("docker").find("DDD_REGISTRY_DOCKER"),
            std::string::npos);

  auto npmAuth = s.authFor("https://npm.mirror.example/lodash");
  ASSERT_EQ(npmAuth.size(), 1u);
  EXPECT_EQ(npmAuth[0].second, "Bearer npm-secret");
  auto pyAuth = s.authFor("https://py.mirror.example/pypi/requests/json");
  ASSERT_EQ(pyAuth.size(), 1u);
  EXPECT_EQ(pyAuth[0].second, "Basic YWxpY2U6cHc=");
  // A look-alike host gets nothing.
  EXPECT_TRUE(s.authFor("https://npm.mirror.example.evil/x").empty());
  EXPECT_TRUE(s.authFor("https://extra.example/pypi/x/json").empty());

  EXPECT_TRUE(s.isPrivateGoModule("git.corp.example/team/lib"));
  EXPECT_TRUE(s.isPrivateGoModule("github.com/acme/tool/sub"));
  EXPECT_FALSE(s.isPrivateGoModule("github.com/other/tool"));
}

TEST(RegistrySettings, RepositoryNpmrcPointsButNeverTakesCredentials) {
  auto s =
      RegistrySettings::fromEnvironment([](const std::string& k) -> std::optional<std::string> {
        if (k == "NPM_TOKEN") return "operator-secret";
        if (k == "npm_config_registry") return "https://npm.mirror.example";
        return std::nullopt;
      });
  std::vector<std::string> warnings;
  s.applyNpmrc(
      "# project settings\n"
      "registry=https://npm.project.example/\n"
      "@acme:registry=https://npm.acme.example\n"
      "//npm.evil.example/:_authToken=${NPM_TOKEN}\n"
      "@other:registry=${OTHER}\n"
      "@bad:registry=file:///etc\n",
      ".npmrc", warnings);
  EXPECT_EQ(s.urlsFor("npm", "lodash"), std::vector<std::string>{"https://npm.project.example"});
  EXPECT_EQ(s.urlsFor("npm", "@acme/ui"), std::vector<std::string>{"https://npm.acme.example"});
  EXPECT_EQ(s.urlsFor("npm", "@other/ui"), std::vector<std::string>{"https://npm.project.example"});
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_NE(warnings[0].find(".npmrc:4: credentials in a repository's .npmrc are ignored"),
            std::string::npos);
  // The operator's token stays with the operator's registry.
  EXPECT_TRUE(s.authFor("https://npm.project.example/lodash").empty());
  EXPECT_TRUE(s.authFor("https://npm.evil.example/x").empty());
}

// A registry URL without a host is not a registry (found by fuzz_registry_answers:
// "registry=https://" became the base URL "https:").
// Flags of the wrong JSON type are not flags, and never a type error out of the parser
// (found by fuzz_registry_answers: "yanked": "bad" threw nlohmann's type_error).
TEST(RegistryAnswers, FlagsOfTheWrongTypeAreNotFlags) {
  const auto pypi = parsePypiProject(
      R"({"info": {}, "releases": {"1.0": [{"yanked": "bad"}], "1.1": [{"yanked": true}]}})", "x");
  ASSERT_EQ(pypi.releases.size(), 2u);
  for (const auto& r : pypi.releases) EXPECT_EQ(r.yanked, r.version == "1.1") << r.version;
  const auto crates = parseCratesIndex(
      "{\"name\":\"a\",\"vers\":\"1.0.0\",\"yanked\":\"no\"}\n"
      "{\"name\":\"a\",\"vers\":\"1.0.1\",\"yanked\":true}\n", "x");
  ASSERT_EQ(crates.releases.size(), 2u);
  EXPECT_FALSE(crates.releases[0].yanked);
  EXPECT_TRUE(crates.releases[1].yanked);
  const auto releases = parseGithubReleases(
      R"([{"tag_name": "v1", "draft": "yes"}, {"tag_name": "v2", "draft": true}])", "x");
  ASSERT_EQ(releases.size(), 1u);
  EXPECT_EQ(releases[0].version, "v1");
}

TEST(RegistrySettings, UrlsWithoutAHostAreRefused) {
  RegistrySettings s;
  std::vector<std::string> warnings;
  s.applyNpmrc("registry=https://\n@a:registry=http:///x\n", ".npmrc", warnings);
  EXPECT_TRUE(s.urlsFor("npm", "left-pad").empty());
  EXPECT_TRUE(s.urlsFor("npm", "@a/b").empty());
  EXPECT_EQ(warnings.size(), 2u);
  s.setDefault("npm", {"https://", "https://npm.test/"});
  EXPECT_EQ(s.urlsFor("npm", "x"), std::vector<std::string>{"https://npm.test"});
}

TEST(RegistrySettings, RedactsSecretsInUrls) {
  EXPECT_EQ(redactUrl("https://user:pw@host/simple?token=abc&page=2"),
            "https://***@host/simple?token=***&page=2");
  EXPECT_EQ(redactUrl("https://host/x"), "https://host/x");
}

TEST(Datasources, TableListsEveryKind) {
  for (const char* name : {"npm", "pypi", "go", "crate", "github-tags", "docker", "helm"}) {
    ASSERT_NE(findDatasource(name), nullptr) << name;
    EXPECT_EQ(findDatasource(name)->name(), name);
  }
  EXPECT_EQ(findDatasource("maven"), nullptr);
}

}  // namespace
}  // namespace ddd::analyzers::deps
