// Docker Registry v2 and OCI chart registries on plain HTTP and non-443 ports, end to
// end: a real git repository whose Dockerfile and Chart.yaml name registries on a
// loopback port, looked up through the real HTTP client against a plain-HTTP server that
// answers as a registry does. HTTPS (TLS verified) is the default: without the
// operator's word the same look-ups fail, and no request reaches the server as HTTP.
// With DDD_REGISTRY_DOCKER_INSECURE, or Docker's own daemon.json (`insecure-registries`
// by host:port or IPv4 CIDR, `registry-mirrors` for images that name no registry), they
// go over plain HTTP to that port.
#include <gtest/gtest.h>

#include "bot/registry_client.h"
#include "bot/scan.h"
#include "forges/http/client.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using ddd::testing::FakeHttpServer;
using ddd::testing::TempDir;
using ddd::testing::TestRepo;

FakeHttpServer registry() {
  return FakeHttpServer([](const FakeHttpServer::Request& r) {
    const std::map<std::string, std::string> tags = {
        {"/v2/team/app/tags/list?n=1000", R"(["1.0", "1.1", "latest"])"},
        {"/v2/library/nginx/tags/list?n=1000", R"(["1.25.3", "1.25.4", "mainline"])"},
        {"/v2/charts/podinfo/tags/list?n=1000", R"(["6.5.0", "6.6.0_build.2", "latest"])"},
    };
    auto it = tags.find(r.target);
    if (r.method != "GET" || it == tags.end())
      return FakeHttpServer::Response{404, {}, R"({"errors":[{"code":"NAME_UNKNOWN"}]})"};
    return FakeHttpServer::Response{
        200, {{"Content-Type", "application/json"}}, R"({"name": "x", "tags": )" + it->second + "}"};
  });
}

analyzers::AnalysisResult scan(const TestRepo& repo,
                               const std::map<std::string, std::string>& environment) {
  forges::HttpClientOptions options = registryHttpOptions();
  options.maxRetries = 0;  // a TLS handshake with a plain-HTTP server fails the same way twice
  options.connectTimeout = std::chrono::milliseconds(3000);
  options.ioTimeout = std::chrono::milliseconds(3000);
  forges::HttpClient http(options);
  RegistryClient client(http, 100);
  ScanRequest request;
  request.repoPath = repo.path();
  request.analyzers = {"dependencies"};
  request.dataDir = ddd::testing::dataDir().string();
  request.registry = &client;
  request.registrySettings = analyzers::deps::RegistrySettings::fromEnvironment(
      [&environment](const std::string& name) -> std::optional<std::string> {
        auto it = environment.find(name);
        if (it == environment.end()) return std::nullopt;
        return it->second;
      });
  return runScan(request).result;
}

const nlohmann::json* entry(const analyzers::AnalysisResult& r, const std::string& name,
                            uint32_t line) {
  for (const auto& d : r.details["dependencies"]["dependencies"]) {
    if (d["name"] == name && d["line"] == line) return &d;
  }
  return nullptr;
}

TEST(DockerPlainHttp, InsecureRegistriesOverHttpEverythingElseOverVerifiedHttps) {
  FakeHttpServer server = registry();
  const std::string port = std::to_string(server.port());
  TestRepo repo;
  repo.commit({{"Dockerfile", "FROM localhost:" + port + "/team/app:1.0\n" +
                                  "FROM 127.0.0.1:" + port + "/team/app:1.0 AS second\n" +
                                  "FROM nginx:1.25.3\n"},
               {"deploy/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n"
                                     "dependencies:\n  - name: podinfo\n    version: 6.5.0\n"
                                     "    repository: oci://localhost:" +
                                         port + "/charts\n"}});

  // Nothing configured: HTTPS with TLS verified, which a plain-HTTP server can't answer;
  // images without a host have no registry.
  auto closed = scan(repo, {{"DDD_DOCKER_DAEMON_CONFIG", ""}});
  int failed = 0;
  for (const auto& f : closed.findings) {
    if (f.rule != "dependencies.lookup-failed") continue;
    ++failed;
    EXPECT_TRUE(f.message.find("https://localhost:" + port) != std::string::npos ||
                f.message.find("https://127.0.0.1:" + port) != std::string::npos)
        << f.message;
  }
  EXPECT_EQ(failed, 3);  // localhost (image and chart are one finding per package), 127.0.0.1
  for (const auto& r : server.requests()) EXPECT_EQ(r.target.rfind("/v2/", 0), std::string::npos);
  EXPECT_TRUE(std::any_of(closed.findings.begin(), closed.findings.end(), [](const auto& f) {
    return f.rule == "dependencies.no-registry";
  }));
  const auto* refused = entry(closed, "localhost:" + port + "/team/app", 1);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->contains("proposed")) << refused->dump();
  EXPECT_NE((*refused)["error"].get<std::string>().find("https://localhost:" + port),
            std::string::npos);
  EXPECT_TRUE(closed.changes.empty());

  // The operator's word: one registry by host:port in ddd's variable, the others through
  // Docker's daemon.json (an IPv4 CIDR, and a mirror for the images without a host).
  TempDir dir;
  const auto daemonJson = dir.path() / "daemon.json";
  ddd::testing::writeFile(daemonJson, R"({"insecure-registries": ["127.0.0.0/8", "[::1]/128"],
      "registry-mirrors": ["http://127.0.0.1:)" + port + R"("], "log-driver": "json-file"})");
  auto open = scan(repo, {{"DDD_REGISTRY_DOCKER_INSECURE", "LOCALHOST:" + port},
                          {"DDD_DOCKER_DAEMON_CONFIG", daemonJson.string()}});
  int updates = 0;
  for (const auto& f : open.findings) {
    if (f.rule == "dependencies.update-available") {
      ++updates;
    } else {
      ADD_FAILURE() << f.rule << ": " << f.message;
    }
  }
  EXPECT_EQ(updates, 4);
  const auto* app = entry(open, "localhost:" + port + "/team/app", 1);
  const auto* second = entry(open, "127.0.0.1:" + port + "/team/app", 2);
  const auto* nginx = entry(open, "nginx", 3);
  ASSERT_TRUE(app && second && nginx) << open.details.dump();
  EXPECT_EQ((*app)["proposed"], "1.1") << app->dump();
  EXPECT_EQ((*second)["proposed"], "1.1");
  EXPECT_EQ((*nginx)["proposed"], "1.25.4");
  const nlohmann::json* podinfo = nullptr;
  for (const auto& d : open.details["dependencies"]["dependencies"]) {
    if (d["name"] == "podinfo") podinfo = &d;
  }
  ASSERT_TRUE(podinfo);
  EXPECT_EQ((*podinfo)["proposed"], "6.6.0+build.2");
  EXPECT_EQ((*podinfo)["newValue"], "6.6.0+build.2");
  // "[::1]/128" is not an IPv4 CIDR: said, not used.
  EXPECT_TRUE(std::any_of(open.warnings.begin(), open.warnings.end(), [](const std::string& w) {
    return w.find("[::1]/128") != std::string::npos;
  }));
  std::set<std::string> asked;
  for (const auto& r : server.requests()) asked.insert(r.target);
  EXPECT_EQ(asked, (std::set<std::string>{"/v2/team/app/tags/list?n=1000",
                                          "/v2/library/nginx/tags/list?n=1000",
                                          "/v2/charts/podinfo/tags/list?n=1000"}));
}

// Which base URL a registry host gets, and which hosts a server trusts on its own network.
TEST(DockerPlainHttp, BaseUrlsAndTrustedHostsFollowTheOperatorsList) {
  TempDir dir;
  const auto daemonJson = dir.path() / "daemon.json";
  ddd::testing::writeFile(daemonJson, R"({"insecure-registries": ["http://mirror.lan:8080/",
                                          "10.1.0.0/16", "10.2.0.0/33"]})");
  const std::map<std::string, std::string> env = {
      {"DDD_REGISTRY_DOCKER_INSECURE", "localhost:5000, registry.lan"},
      {"DDD_DOCKER_DAEMON_CONFIG", daemonJson.string()}};
  auto s = analyzers::deps::RegistrySettings::fromEnvironment(
      [&env](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
      });
  EXPECT_EQ(s.dockerBase("localhost:5000"), "http://localhost:5000");
  EXPECT_EQ(s.dockerBase("localhost:5001"), "https://localhost:5001");  // host:port exactly
  EXPECT_EQ(s.dockerBase("localhost"), "https://localhost");
  EXPECT_EQ(s.dockerBase("Registry.LAN"), "http://registry.lan");
  EXPECT_EQ(s.dockerBase("registry.lan:443"), "https://registry.lan:443");
  EXPECT_EQ(s.dockerBase("mirror.lan:8080"), "http://mirror.lan:8080");
  EXPECT_EQ(s.dockerBase("10.1.200.3:5000"), "http://10.1.200.3:5000");
  EXPECT_EQ(s.dockerBase("10.3.0.1:5000"), "https://10.3.0.1:5000");
  EXPECT_EQ(s.dockerBase("10.2.0.1"), "https://10.2.0.1");  // "/33" is no CIDR
  EXPECT_EQ(s.dockerBase("registry.example:5000"), "https://registry.example:5000");
  EXPECT_EQ(s.urlsFor("docker", "localhost:5000/team/app"),
            std::vector<std::string>{"http://localhost:5000"});
  EXPECT_EQ(s.urlsFor("docker", "ghcr.test/o/x"), std::vector<std::string>{"https://ghcr.test"});
  const auto hosts = s.hosts();
  for (const char* h : {"localhost", "registry.lan", "mirror.lan"})
    EXPECT_NE(std::find(hosts.begin(), hosts.end(), h), hosts.end()) << h;
  // A daemon.json that is not JSON is said once, and nothing of it is used.
  ddd::testing::writeFile(daemonJson, "{\"insecure-registries\": [\"localhost:5001\"");
  const std::map<std::string, std::string> env2 = {
      {"DDD_DOCKER_DAEMON_CONFIG", daemonJson.string()}};
  auto broken = analyzers::deps::RegistrySettings::fromEnvironment(
      [&env2](const std::string& name) -> std::optional<std::string> {
        auto it = env2.find(name);
        return it == env2.end() ? std::nullopt : std::optional<std::string>(it->second);
      });
  ASSERT_EQ(broken.warnings().size(), 1u);
  EXPECT_NE(broken.warnings()[0].find("not a JSON object"), std::string::npos);
  EXPECT_EQ(broken.dockerBase("localhost:5001"), "https://localhost:5001");
}

}  // namespace
}  // namespace ddd::bot
